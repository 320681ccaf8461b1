/*
 * rest_watch.c - WATCH: a chunked stream of newline-delimited JSON events
 * ({"type":"ADDED","object":{...}}), fed by a watch-cache watcher and written
 * by the HTTP server's pusher thread (http_respond_push), which the watcher
 * wakes when events arrive. Implements resourceVersion resume,
 * synthetic ADDED events for the current state, bookmarks, timeoutSeconds,
 * 410 Expired as an ERROR event, and Table-shaped events for kubectl get -w.
 */
#include "apiserver/filter.h"
#include "apiserver/table.h"
#include "base/timeutil.h"

#define DEFAULT_TIMEOUT_S 1800
#define BOOKMARK_IDLE_NS (5 * K8C_NSEC_PER_SEC)
#define EVENTS_PER_FILL 128 /* per chunk: a slow client's backlog goes out in large writes */

struct watch_stream {
	struct api_request r; /* a copy: the handler's frame is gone once streaming */
	struct api_filter filter;
	struct cache_watcher *w;
	struct http_push *push;
	int64_t deadline_ns;
	int64_t last_write_ns;
	bool bookmarks;
	bool columns_sent;
};

static void unref_obj(void *obj)
{
	cache_obj_unref(obj);
}

/* Appends event e, taking its reference: the object's JSON is written from the cache, not copied. */
static void add_event(struct watch_stream *ws, struct http_out *out, struct cache_event *e)
{
	static const char *const heads[] = { "{\"type\":\"ADDED\",\"object\":",
					     "{\"type\":\"MODIFIED\",\"object\":",
					     "{\"type\":\"DELETED\",\"object\":" };
	struct strbuf *text = http_out_text(out);
	strbuf_addstr(text, heads[e->type]);
	if (ws->r.as_table) {
		struct table_writer tw;
		table_begin_event(&tw, &ws->r, text, e->rev, !ws->columns_sent);
		table_add(&tw, e->obj);
		table_end(&tw);
		ws->columns_sent = true;
		cache_event_release(e);
	} else {
		http_out_add_ref(out, e->obj->json, e->obj->len, unref_obj, e->obj);
		e->obj = NULL;
	}
	strbuf_addstr(text, "}\n");
}

static void add_bookmark(struct watch_stream *ws, struct http_out *out)
{
	const struct k8c_kind *k = ws->r.kind;
	strbuf_addf(http_out_text(out), "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\","
		    "\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%lld\","
		    "\"creationTimestamp\":null}}}\n", k->kind, k->group_version,
		    (long long)cache_watcher_rev(ws->w));
}

/* The pusher's fill(): what is queued, a bookmark when idle, the end at the deadline. */
static int stream_fill(void *ctx, struct http_out *out)
{
	struct watch_stream *ws = ctx;
	int64_t now = time_mono_ns();
	if (now >= ws->deadline_ns) {
		if (ws->bookmarks)
			add_bookmark(ws, out);
		return HTTP_STREAM_END;
	}
	struct cache_event ev[EVENTS_PER_FILL];
	int n = cache_watcher_take(ws->w, ev, EVENTS_PER_FILL);
	if (n < 0) /* ended by the cache: the client re-watches from its last revision */
		return HTTP_STREAM_END;
	for (int i = 0; i < n; i++)
		add_event(ws, out, &ev[i]);
	if (n > 0)
		ws->last_write_ns = now;
	else if (ws->bookmarks && now - ws->last_write_ns >= BOOKMARK_IDLE_NS) {
		add_bookmark(ws, out);
		ws->last_write_ns = now;
	}
	return 0;
}

static void stream_release(void *ctx)
{
	struct watch_stream *ws = ctx;
	cache_watcher_stop(ws->w);
	api_filter_release(&ws->filter);
	free(ws);
}

static void stream_wake(void *ctx)
{
	http_push_wake(ctx);
}

static const struct http_push_ops watch_ops = { stream_fill, stream_release };

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
	if (api_filter_init(&ws->r, &ws->filter) < 0) {
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
	struct cache_watcher *w = ws->w; /* ws belongs to the stream from here on */
	struct http_push *push = http_respond_push(r->http, 200, "application/json", &watch_ops, ws);
	if (push)
		cache_watcher_set_notify(w, stream_wake, push);
}
