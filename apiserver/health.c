/*
 * health.c - /healthz, /livez, /readyz and /metrics. Ready means the watch
 * cache is following the store and (on a shared store) the store answers.
 */
#include "apiserver/server.h"

static bool ready(struct apiserver *s, const char **why)
{
	if (atomic_load(&s->stopping)) {
		*why = "shutting down";
		return false;
	}
	if (watch_cache_error(s->cache)) {
		*why = "the watch cache stopped following the store";
		return false;
	}
	int64_t rev;
	if (s->shared_store && storage_current_rev(s->storage, &rev) < 0) {
		*why = "the store does not answer";
		return false;
	}
	return true;
}

void health_serve(struct api_request *r)
{
	struct strbuf out = STRBUF_INIT;
	if (r->route.type == ROUTE_METRICS) {
		metrics_write(&r->s->metrics, watch_cache_watchers(r->s->cache), &out);
		http_respond_buf(r->http, 200, "text/plain; version=0.0.4", &out);
		return;
	}
	const char *why = NULL;
	bool live_only = !strncmp(r->http->path, "/livez", 6);
	if (!live_only && !ready(r->s, &why)) {
		strbuf_addf(&out, "[-]storage failed: %s\nreadyz check failed\n", why);
		http_respond_buf(r->http, 500, "text/plain; charset=utf-8", &out);
		return;
	}
	strbuf_addstr(&out, "ok");
	http_respond_buf(r->http, 200, "text/plain; charset=utf-8", &out);
}
