/*
 * watch.c - watch streams; see watch.h. The transfer runs on a curl multi handle owned by
 * the watch, polled by the running thread, so that k8c_watch_cancel() can wake the poll
 * with curl_multi_wakeup() from any thread and the stream ends at once; the curl handle
 * itself comes from the client's pool and uses its shared connections.
 */
#include "client/watch.h"

#include <stdatomic.h>

#include "client/informer.h"
#include "client/path.h"
#include "client/rest_internal.h"

/* How long a server may stay past timeoutSeconds before the client gives up. */
#define CLIENT_GRACE_SECONDS 30
/* Largest error body kept for a failed (non-200) watch request. */
#define MAX_ERROR_BODY (1 << 20)

struct k8c_watch {
	struct k8c_client *client;
	CURLM *multi;
	atomic_bool cancelled;
};

/* One stream's state, seen by the curl callbacks. */
struct run {
	struct k8c_watch *w;
	const struct k8c_watch_options *o;
	CURL *h;
	long http_code; /* 0 until the headers are in */
	struct strbuf error_body;
	struct k8c_watch_decoder dec;
	int result; /* why the stream was ended early (STOPPED, CANCELLED, < 0), else 0 */
	struct k8c_status_error *err;
};

struct k8c_watch *k8c_watch_new(struct k8c_client *c)
{
	struct k8c_watch *w = xcalloc(1, sizeof(*w));
	w->client = c;
	w->multi = curl_multi_init();
	if (!w->multi)
		abort();
	atomic_init(&w->cancelled, false);
	return w;
}

void k8c_watch_free(struct k8c_watch *w)
{
	if (!w)
		return;
	curl_multi_cleanup(w->multi);
	free(w);
}

void k8c_watch_cancel(struct k8c_watch *w)
{
	atomic_store(&w->cancelled, true);
	curl_multi_wakeup(w->multi);
}

void k8c_watch_path(struct strbuf *out, const struct k8c_watch_options *o)
{
	strbuf_addstr(out, o->path);
	struct k8c_list_options lo = {
		.resource_version = o->resource_version,
		.timeout_seconds = o->timeout_seconds,
		.watch = true,
		.allow_watch_bookmarks = o->allow_bookmarks,
	};
	k8c_list_options_append(out, &lo);
}

static int fail(struct run *r, int code, const char *message)
{
	if (r->err)
		k8c_status_error_set_transport(r->err, message);
	return code;
}

/* An ERROR event: its Status becomes the result (410 -> -ETIME). */
static int error_event(struct run *r, const cJSON *status)
{
	struct k8c_status_error local = K8C_STATUS_ERROR_INIT;
	struct k8c_status_error *e = r->err ? r->err : &local;
	k8c_status_error_from_json(e, status, 500);
	int code = k8c_status_errno(e);
	k8c_status_error_release(&local);
	return code;
}

/* The event to the callback, then freed unless taken. */
static int deliver(struct run *r, struct k8c_watch_event *ev)
{
	int result = r->o->fn(ev, r->o->userdata) ? K8C_WATCH_STOPPED : 0;
	cJSON_Delete(ev->object);
	k8c_obj_unref(ev->typed);
	return result;
}

/* With o->kind, a line of the usual layout decoded from its text (no tree): -ENOENT if not. */
static int typed_line(struct run *r, const char *line, size_t len)
{
	struct k8c_watch_event ev = { 0 };
	const char *text;
	size_t n;
	if (k8c_watch_event_split(line, len, &ev.type, &text, &n) < 0)
		return -ENOENT;
	ev.typed = k8c_obj_decode_text_with(r->o->kind, text, n, r->o->transform, &ev.partial);
	if (!ev.typed)
		return fail(r, -EPROTO, "malformed watch event");
	return deliver(r, &ev);
}

static int on_line(const char *line, size_t len, void *userdata)
{
	struct run *r = userdata;
	if (r->o->kind) {
		int x = typed_line(r, line, len);
		if (x != -ENOENT)
			return x;
	}
	struct k8c_watch_event ev = { 0 };
	if (k8c_watch_event_parse(line, len, &ev) < 0)
		return fail(r, -EPROTO, "malformed watch event");
	if (ev.type == K8C_WATCH_ERROR) {
		int result = error_event(r, ev.object);
		cJSON_Delete(ev.object);
		return result;
	}
	if (r->o->kind)
		ev.typed = k8c_obj_decode_with(r->o->kind, ev.object, r->o->transform,
					       &ev.partial);
	return deliver(r, &ev);
}

static size_t on_data(char *buf, size_t size, size_t n, void *userdata)
{
	struct run *r = userdata;
	size_t len = size * n;
	if (atomic_load(&r->w->cancelled)) {
		r->result = K8C_WATCH_CANCELLED;
		return 0;
	}
	if (!r->http_code)
		curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &r->http_code);
	if (r->http_code != 200) {
		if (r->error_body.len < MAX_ERROR_BODY)
			strbuf_add(&r->error_body, buf, len);
		return len;
	}
	int x = k8c_watch_decoder_feed(&r->dec, buf, len, on_line, r);
	if (x == -EMSGSIZE)
		x = fail(r, x, "watch event too large");
	if (x != 0) {
		r->result = x;
		return 0; /* ends the transfer */
	}
	return len;
}

/* Runs the transfer on the watch's multi handle until it ends or the watch is cancelled. */
static CURLcode pump(struct run *r)
{
	CURLM *m = r->w->multi;
	CURLcode rc = CURLE_OK;
	curl_multi_add_handle(m, r->h);
	int running = 1;
	while (running && !r->result) {
		if (atomic_load(&r->w->cancelled)) {
			r->result = K8C_WATCH_CANCELLED;
			break;
		}
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(m, &left))) {
		if (msg->msg == CURLMSG_DONE)
			rc = msg->data.result;
	}
	curl_multi_remove_handle(m, r->h);
	return rc;
}

/* How the stream ended, once the transfer is over. */
static int outcome(struct run *r, CURLcode rc, const struct k8c_request *req,
		   const struct rest__transfer *t)
{
	if (r->result)
		return r->result;
	if (rc != CURLE_OK)
		return rest__transport_error(rc, req, t, r->err);
	if (!r->http_code)
		curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &r->http_code);
	if (r->http_code != 200) {
		struct k8c_status_error local = K8C_STATUS_ERROR_INIT;
		struct k8c_status_error *e = r->err ? r->err : &local;
		k8c_status_error_from_response(e, (int)r->http_code, r->error_body.buf,
					       r->error_body.len);
		int code = k8c_status_errno(e);
		k8c_status_error_release(&local);
		return code;
	}
	if (k8c_watch_decoder_has_partial(&r->dec))
		return fail(r, -EPROTO, "watch stream ended inside an event");
	return K8C_WATCH_CLOSED;
}

int k8c_watch_run(struct k8c_watch *w, const struct k8c_watch_options *o,
		  struct k8c_status_error *err)
{
	if (atomic_load(&w->cancelled))
		return K8C_WATCH_CANCELLED;
	struct strbuf path = STRBUF_INIT;
	k8c_watch_path(&path, o);
	struct k8c_request req = { .method = "GET", .path = path.buf, .accept = o->accept };
	struct run r = { .w = w, .o = o, .err = err };
	strbuf_init(&r.error_body, 0);
	k8c_watch_decoder_init(&r.dec, 0);
	struct rest__transfer t = { 0 };
	rest__throttle(w->client);
	r.h = rest__handle_acquire(w->client);
	rest__transfer_setup(w->client, r.h, &req, &t);
	curl_easy_setopt(r.h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(r.h, CURLOPT_WRITEDATA, &r);
	if (o->timeout_seconds > 0)
		curl_easy_setopt(r.h, CURLOPT_TIMEOUT_MS,
				 (long)(o->timeout_seconds + CLIENT_GRACE_SECONDS) * 1000L);
	int result = outcome(&r, pump(&r), &req, &t);
	rest__handle_release(w->client, r.h);
	rest__transfer_release(&t);
	k8c_watch_decoder_release(&r.dec);
	strbuf_release(&r.error_body);
	strbuf_release(&path);
	return result;
}
