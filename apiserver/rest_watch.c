/*
 * rest_watch.c - WATCH: a chunked stream of newline-delimited JSON events
 * ({"type":"ADDED","object":{...}}), fed by a watch-cache watcher and written
 * from the connection's own thread. Implements resourceVersion resume,
 * synthetic ADDED events for the current state, bookmarks, timeoutSeconds,
 * 410 Expired as an ERROR event, and Table-shaped events for kubectl get -w.
 */
#include "apiserver/filter.h"
#include "apiserver/table.h"
#include "base/timeutil.h"

#define DEFAULT_TIMEOUT_S 1800
#define BOOKMARK_IDLE_NS (5 * K8C_NSEC_PER_SEC)
#define EVENTS_PER_WAKE 64

struct watch_stream {
	struct api_request r; /* a copy: the handler's frame is gone once streaming */
	struct api_filter filter;
	struct cache_watcher *w;
	struct strbuf pending;
	size_t sent;
	int64_t deadline_ns;
	int64_t last_write_ns;
	bool bookmarks;
	bool columns_sent;
	bool ending;
};

static void add_event(struct watch_stream *ws, const struct cache_event *e)
{
	static const char *const names[] = { "ADDED", "MODIFIED", "DELETED" };
	struct strbuf *out = &ws->pending;
	strbuf_addf(out, "{\"type\":\"%s\",\"object\":", names[e->type]);
	if (ws->r.as_table) {
		struct table_writer tw;
		table_begin_event(&tw, &ws->r, out, e->rev, !ws->columns_sent);
		table_add(&tw, e->obj);
		table_end(&tw);
		ws->columns_sent = true;
	} else {
		strbuf_add(out, e->obj->json, e->obj->len);
	}
	strbuf_addstr(out, "}\n");
}

static void add_bookmark(struct watch_stream *ws)
{
	const struct k8c_kind *k = ws->r.kind;
	strbuf_addf(&ws->pending, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\","
		    "\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%lld\","
		    "\"creationTimestamp\":null}}}\n", k->kind, k->group_version,
		    (long long)cache_watcher_rev(ws->w));
}

/* Fills ws->pending with what is next; returns false when the stream is over. */
static bool refill(struct watch_stream *ws)
{
	int64_t now = time_mono_ns();
	if (ws->ending || now >= ws->deadline_ns) {
		if (!ws->ending && ws->bookmarks)
			add_bookmark(ws);
		ws->ending = true;
		return ws->pending.len > 0;
	}
	int64_t wait_ms = (ws->deadline_ns - now) / K8C_NSEC_PER_MSEC;
	struct cache_event ev[EVENTS_PER_WAKE];
	int n = cache_watcher_next(ws->w, ev, EVENTS_PER_WAKE, wait_ms < 1000 ? wait_ms : 1000);
	if (n < 0) { /* ended by the cache: the client re-watches from its last revision */
		ws->ending = true;
		return false;
	}
	for (int i = 0; i < n; i++) {
		add_event(ws, &ev[i]);
		cache_event_release(&ev[i]);
	}
	now = time_mono_ns();
	if (n > 0)
		ws->last_write_ns = now;
	else if (ws->bookmarks && now - ws->last_write_ns >= BOOKMARK_IDLE_NS) {
		add_bookmark(ws);
		ws->last_write_ns = now;
	}
	return true;
}

static long stream_read(void *ctx, char *buf, size_t max)
{
	struct watch_stream *ws = ctx;
	if (ws->sent == ws->pending.len) {
		strbuf_reset(&ws->pending);
		ws->sent = 0;
		if (!refill(ws))
			return HTTP_STREAM_END;
		if (!ws->pending.len)
			return http_client_gone(ws->r.http) ? HTTP_STREAM_ERROR : 0;
	}
	size_t n = ws->pending.len - ws->sent;
	if (n > max)
		n = max;
	memcpy(buf, ws->pending.buf + ws->sent, n);
	ws->sent += n;
	return (long)n;
}

static void stream_release(void *ctx)
{
	struct watch_stream *ws = ctx;
	cache_watcher_stop(ws->w);
	api_filter_release(&ws->filter);
	strbuf_release(&ws->pending);
	free(ws);
}

static const struct http_stream_ops watch_ops = { stream_read, stream_release };

/* Answers 200 with a single ERROR event, as Kubernetes does for watch errors. */
static void respond_error_event(struct api_request *r, int code, const char *reason,
				const char *msg)
{
	struct strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, "{\"type\":\"ERROR\",\"object\":");
	status_encode(&out, code, reason, msg, NULL);
	strbuf_addstr(&out, "}\n");
	http_respond_buf(r->http, 200, "application/json", &out);
}

static int64_t start_rev(struct api_request *r, int *err)
{
	const char *rv = http_query(r->http, "resourceVersion");
	int64_t v = -1;
	*err = 0;
	if (rv && *rv && strcmp(rv, "0") && api_parse_rv(rv, &v) < 0)
		*err = -EINVAL;
	return v;
}

void rest_watch(struct api_request *r)
{
	int err;
	int64_t after = start_rev(r, &err);
	if (err) {
		status_bad_request(r->http, "invalid resource version: %s",
				   http_query(r->http, "resourceVersion"));
		return;
	}
	struct watch_stream *ws = xcalloc(1, sizeof(*ws));
	ws->r = *r;
	strbuf_init(&ws->pending, 0);
	if (api_filter_init(&ws->r, &ws->filter) < 0) {
		strbuf_release(&ws->pending);
		free(ws);
		return;
	}
	err = watch_cache_watch(r->s->cache, r->kind, &ws->filter.cf, after, &ws->w);
	if (err < 0) {
		struct strbuf msg = STRBUF_INIT;
		if (err == -ERANGE)
			strbuf_addf(&msg, "too old resource version: %lld (%lld)", (long long)after,
				    (long long)watch_cache_rev(r->s->cache));
		else if (err == -ETIMEDOUT)
			strbuf_addf(&msg, "Too large resource version: %lld, current: %lld",
				    (long long)after, (long long)watch_cache_rev(r->s->cache));
		else
			strbuf_addstr(&msg, "the server is shutting down");
		respond_error_event(r, err == -ERANGE ? 410 : err == -ETIMEDOUT ? 504 : 503,
				    err == -ERANGE ? "Expired" : err == -ETIMEDOUT ? "Timeout" :
				    "ServiceUnavailable", msg.buf);
		strbuf_release(&msg);
		stream_release(ws);
		return;
	}
	const char *t = http_query(r->http, "timeoutSeconds");
	int64_t timeout_s = t && atoll(t) > 0 ? atoll(t) : DEFAULT_TIMEOUT_S;
	ws->deadline_ns = time_mono_ns() + timeout_s * K8C_NSEC_PER_SEC;
	ws->last_write_ns = time_mono_ns();
	ws->bookmarks = api_query_bool(http_query(r->http, "allowWatchBookmarks"));
	http_respond_stream(r->http, 200, "application/json", &watch_ops, ws);
}
