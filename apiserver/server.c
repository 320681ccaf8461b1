/*
 * server.c - the API server's life cycle (store, watch cache, system
 * namespaces, HTTP) and request dispatch to the REST handlers.
 */
#include "apiserver/server.h"

#include <pthread.h>
#include <strings.h>
#include <sys/stat.h>

#include "api/object.h"
#include "apiserver/objects.h"
#include "apiserver/storage/etcd/etcd.h"
#include "base/log.h"
#include "base/random.h"
#include "base/timeutil.h"

void api_object_key(const struct k8c_kind *k, const char *ns, const char *name,
		    struct strbuf *out)
{
	/* no strbuf_addf: vsnprintf was most of building a key, done for every request */
	strbuf_addstr(out, "/registry/");
	strbuf_addstr(out, k->resource);
	strbuf_addch(out, '/');
	if ((k->flags & K8C_KIND_NAMESPACED) && ns) {
		strbuf_addstr(out, ns);
		strbuf_addch(out, '/');
	}
	strbuf_addstr(out, name);
}

int api_parse_rv(const char *s, int64_t *ret)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

bool api_query_bool(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1"));
}

int api_consistent_read(struct api_request *r)
{
	if (!r->s->shared_store)
		return 0; /* the cache applies every write before it is acknowledged */
	int64_t rev;
	int err = storage_current_rev(r->s->storage, &rev);
	if (err < 0) {
		status_storage_error(r->http, r->kind, NULL, err);
		return -1;
	}
	if (watch_cache_wait_rev(r->s->cache, rev, 3000) < 0) {
		status_respond(r->http, 504, "Timeout", NULL,
			       "Timeout: the watch cache did not catch up with the store");
		return -1;
	}
	return 0;
}

/* Which verb a resource request is, from the method and the route. */
static enum api_verb verb_of(const struct http_request *h, const struct route *rt)
{
	bool collection = !*rt->name;
	const char *m = h->method;
	if (!strcmp(m, "GET"))
		return rt->legacy_watch || api_query_bool(http_query(h, "watch")) ? VERB_WATCH :
		       collection ? VERB_LIST : VERB_GET;
	if (!strcmp(m, "POST"))
		return collection || !strcmp(rt->subresource, "binding") ? VERB_CREATE : VERB_OTHER;
	if (!strcmp(m, "PUT"))
		return collection ? VERB_OTHER : VERB_UPDATE;
	if (!strcmp(m, "PATCH"))
		return collection ? VERB_OTHER : VERB_PATCH;
	if (!strcmp(m, "DELETE"))
		return collection ? VERB_DELETECOLLECTION : VERB_DELETE;
	return VERB_OTHER;
}

static bool wants_table(const struct http_request *h)
{
	const char *accept = http_header(h, "Accept");
	return accept && strstr(accept, "as=Table") && strstr(accept, "g=meta.k8s.io");
}

static bool subresource_allowed(const struct api_request *r)
{
	const char *sub = r->route.subresource;
	const struct k8c_kind *k = r->kind;
	if (!*sub)
		return true;
	if (!strcmp(sub, "status"))
		return k->flags & K8C_KIND_STATUS;
	if (!strcmp(sub, "scale"))
		return k->flags & K8C_KIND_SCALE;
	if (!strcmp(sub, "binding"))
		return !strcmp(k->resource, "pods") && r->verb == VERB_CREATE;
	if (!strcmp(sub, "log"))
		return !strcmp(k->resource, "pods");
	if (!strcmp(sub, "finalize"))
		return !strcmp(k->resource, "namespaces") && r->verb == VERB_UPDATE;
	return false;
}

static void method_not_allowed(struct api_request *r)
{
	status_respond(r->http, 405, "MethodNotAllowed", NULL,
		       "the server does not allow this method on the requested resource");
}

static void serve_resource(struct api_request *r)
{
	if (!r->kind) {
		status_respond(r->http, 404, "NotFound", NULL,
			       "the server could not find the requested resource");
		return;
	}
	if (!subresource_allowed(r)) {
		status_respond(r->http, 404, "NotFound", NULL,
			       "the server could not find the requested resource");
		return;
	}
	if (!strcmp(r->route.subresource, "scale")) {
		rest_scale(r);
		return;
	}
	if (!strcmp(r->route.subresource, "log")) {
		rest_pod_log(r);
		return;
	}
	switch (r->verb) {
	case VERB_GET: rest_get(r); break;
	case VERB_LIST: rest_list(r); break;
	case VERB_WATCH: rest_watch(r); break;
	case VERB_CREATE:
		if (*r->route.subresource)
			rest_binding(r);
		else
			rest_create(r);
		break;
	case VERB_UPDATE: rest_update(r); break;
	case VERB_PATCH: rest_patch(r); break;
	case VERB_DELETE: rest_delete(r); break;
	case VERB_DELETECOLLECTION: rest_delete_collection(r); break;
	default: method_not_allowed(r);
	}
}

/* Answers r, whose route is parsed, and counts it in the metrics. */
static void serve(struct api_request *r)
{
	struct http_request *h = r->http;
	if (h->body_too_large) {
		status_respond(h, 413, "RequestEntityTooLarge", NULL,
			       "Request entity too large: limit is %d", HTTP_MAX_BODY);
	} else if (r->route.type == ROUTE_RESOURCE) {
		serve_resource(r);
	} else if (r->route.type == ROUTE_HEALTHZ || r->route.type == ROUTE_METRICS) {
		health_serve(r);
	} else {
		discovery_serve(r);
	}
	metrics_observe(&r->s->metrics, r->verb, r->route.type == ROUTE_RESOURCE ? r->kind : NULL,
			h);
}

/*
 * Whether r may take long, so that it is served on a worker thread
 * (http_run_on_worker): a list or a collection delete (thousands of
 * objects), a pod's log (proxied from its kubelet, followed), and on etcd
 * every request that asks etcd (each waits a round trip, some milliseconds
 * under load: on the event threads they queued up behind each other,
 * measured with 64 clients: create p99 230-280 ms instead of ~50 ms, for
 * ~30% less server CPU per request).
 */
static bool is_long(const struct api_request *r)
{
	enum route_type t = r->route.type;
	if (r->http->body_too_large)
		return false;
	if (r->s->shared_store && (t == ROUTE_RESOURCE || t == ROUTE_HEALTHZ))
		return true;
	return t == ROUTE_RESOURCE && (r->verb == VERB_LIST || r->verb == VERB_DELETECOLLECTION ||
				       !strcmp(r->route.subresource, "log"));
}

/* serve() on a worker thread, of a request handle() copied. */
static void serve_on_worker(void *arg)
{
	struct api_request *r = arg;
	serve(r);
	free(r);
}

static void handle(void *ctx, struct http_request *h)
{
	struct apiserver *s = ctx;
	struct api_request r = { .s = s, .http = h };
	if (route_parse(h->path, &r.route) < 0) {
		status_respond(h, 404, "NotFound", NULL, "the server could not find the requested "
			       "resource");
		metrics_observe(&s->metrics, VERB_OTHER, NULL, h);
		return;
	}
	r.kind = r.route.kind;
	r.verb = r.route.type == ROUTE_RESOURCE ? verb_of(h, &r.route) : VERB_OTHER;
	r.as_table = wants_table(h);
	if (is_long(&r)) {
		struct api_request *copy = xmalloc(sizeof(*copy));
		*copy = r;
		http_run_on_worker(h, serve_on_worker, copy);
		return;
	}
	serve(&r);
}

static int open_storage(const struct apiserver_config *cfg, struct storage **ret)
{
	if (cfg->etcd_servers) {
		int r = storage_etcd_open(cfg->etcd_servers, ret);
		if (r == 0 && cfg->etcd_timeout_ms > 0)
			storage_etcd_set_timeout(*ret, cfg->etcd_timeout_ms);
		return r;
	}
	if (mkdir(cfg->data_dir, 0700) < 0 && errno != EEXIST)
		return STORAGE_EUNAVAILABLE;
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/k8c.db", cfg->data_dir);
	int r = storage_sqlite_open(path.buf, ret);
	strbuf_release(&path);
	return r;
}

static const char *const system_namespaces[] = { "default", "kube-system", "kube-public",
						   "kube-node-lease" };

struct ns_create {
	struct apiserver *s;
	const char *name;
	pthread_t thread;
};

/* Creates one system namespace if it is missing; a thread, so that the creates share a commit. */
static void *ensure_namespace(void *arg)
{
	struct ns_create *c = arg;
	const struct k8c_kind *k = k8c_kind_by_resource("", "v1", "namespaces");
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	api_object_key(k, NULL, c->name, &key);
	struct cache_obj *o = watch_cache_get(c->s->cache, k, key.buf);
	if (o) {
		cache_obj_unref(o);
	} else {
		char uid[37];
		random_uuid(uid);
		strbuf_addf(&val, "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":"
			    "{\"name\":\"%s\",\"uid\":\"%s\",\"creationTimestamp\":\"", c->name, uid);
		time_format_rfc3339(&val, time_now_ns());
		strbuf_addstr(&val, "\",\"labels\":{\"kubernetes.io/metadata.name\":");
		strbuf_add_json_str(&val, c->name);
		strbuf_addstr(&val, "}},\"spec\":{\"finalizers\":[\"kubernetes\"]},"
				    "\"status\":{\"phase\":\"Active\"}}");
		int64_t rev;
		if (storage_create(c->s->storage, key.buf, val.buf, val.len, &rev) == 0)
			watch_cache_wait_rev(c->s->cache, rev, 2000);
	}
	strbuf_release(&key);
	strbuf_release(&val);
	return NULL;
}

/*
 * Creates default, kube-system, kube-public and kube-node-lease if missing,
 * all at once: on a new store the four creates are one group commit (one
 * fsync) rather than four, a good part of a cold start.
 */
static void ensure_system_namespaces(struct apiserver *s)
{
	struct ns_create c[ARRAY_SIZE(system_namespaces)];
	bool started[ARRAY_SIZE(system_namespaces)];
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		c[i] = (struct ns_create){ .s = s, .name = system_namespaces[i] };
		started[i] = pthread_create(&c[i].thread, NULL, ensure_namespace, &c[i]) == 0;
		if (!started[i])
			ensure_namespace(&c[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		if (started[i])
			pthread_join(c[i].thread, NULL);
}

int apiserver_start(const struct apiserver_config *cfg, struct apiserver **ret_server)
{
	struct apiserver *s = xcalloc(1, sizeof(*s));
	s->cfg = *cfg;
	s->shared_store = cfg->etcd_servers != NULL;
	metrics_init(&s->metrics);
	int r = open_storage(cfg, &s->storage);
	if (r < 0) {
		log_error("failed to open the store: %s", storage_strerror(r));
		free(s);
		return r;
	}
	r = watch_cache_start(s->storage, cfg->watch_cache_size, &s->cache);
	if (r < 0) {
		log_error("failed to load the store: %s", storage_strerror(r));
		storage_close(s->storage);
		free(s);
		return r;
	}
	ensure_system_namespaces(s);
	r = http_server_start(cfg->bind_address, cfg->port, handle, s, &s->http);
	if (r < 0) {
		log_error("failed to listen on %s:%d", cfg->bind_address, cfg->port);
		apiserver_stop(s);
		return r;
	}
	*ret_server = s;
	return 0;
}

void apiserver_stop(struct apiserver *s)
{
	if (!s)
		return;
	atomic_store(&s->stopping, true);
	/* end watches first so that their streams end cleanly, then stop serving */
	watch_cache_stop_watchers(s->cache);
	http_server_stop(s->http);
	watch_cache_stop(s->cache);
	storage_close(s->storage);
	metrics_release(&s->metrics);
	free(s);
}
