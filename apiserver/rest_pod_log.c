/*
 * rest_pod_log.c - pods/log: the options checked as Kubernetes'
 * ValidatePodLogOptions, the container chosen as its LogLocation does, and
 * the log streamed from the kubelet of the pod's node (the node's
 * InternalIP and daemonEndpoints.kubeletEndpoint.Port, path
 * /containerLogs/<ns>/<pod>/<container>). The kubelet's own refusals
 * ("container ... is waiting to start") come back as Status errors with its
 * code and words.
 */
#include "api/codec.h"
#include "apiserver/kubelet_proxy.h"
#include "apiserver/objects.h"
#include "base/timeutil.h"

#define KUBELET_CONNECT_TIMEOUT_MS 5000
#define KUBELET_DEFAULT_PORT	   10250

/* The query of the kubelet request, built from the client's checked options. */
struct log_options {
	struct strbuf query;
	const char *container;
};

/* Copies integer option name (>= min) into the query; -1 after answering 400/422. */
static int int_option(struct api_request *r, struct log_options *o, const char *name, int64_t min,
		      const char *must, struct field_errors *errs)
{
	const char *v = http_query(r->http, name);
	if (!v)
		return 0;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || errno) {
		status_bad_request(r->http, "strconv.ParseInt: parsing \"%s\": invalid syntax", v);
		return -1;
	}
	if (n < min)
		field_errors_add(errs, FIELD_ERROR_INVALID, name, "Invalid value: %lld: %s", n, must);
	strbuf_addf(&o->query, "%s%s=%lld", o->query.len ? "&" : "?", name, n);
	return 0;
}

static int parse_options(struct api_request *r, struct log_options *o)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	static const char *const bools[] = { "follow", "previous", "timestamps" };
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++)
		if (api_query_bool(http_query(r->http, bools[i])))
			strbuf_addf(&o->query, "%s%s=true", o->query.len ? "&" : "?", bools[i]);
	int rc = 0;
	if (int_option(r, o, "tailLines", 0, "must be greater than or equal to 0", &errs) < 0 ||
	    int_option(r, o, "sinceSeconds", 1, "must be greater than 0", &errs) < 0 ||
	    int_option(r, o, "limitBytes", 1, "must be greater than 0", &errs) < 0)
		rc = -1;
	const char *since = http_query(r->http, "sinceTime");
	int64_t t;
	if (rc == 0 && since && time_parse_rfc3339(since, &t) < 0) {
		status_bad_request(r->http, "parsing time \"%s\": not an RFC 3339 time", since);
		rc = -1;
	} else if (rc == 0 && since) {
		if (http_query(r->http, "sinceSeconds"))
			field_errors_add(&errs, FIELD_ERROR_FORBIDDEN, "",
					 "at most one of `sinceTime` or `sinceSeconds` may be specified");
		strbuf_addf(&o->query, "%ssinceTime=", o->query.len ? "&" : "?");
		time_format_rfc3339(&o->query, t);
	}
	if (rc == 0 && errs.n) {
		struct status_details d = { .name = r->route.name, .kind = "PodLogOptions",
					    .causes = &errs };
		status_respond(r->http, 422, "Invalid", &d, "PodLogOptions \"%s\" is invalid: %s",
			       r->route.name, errs.items[0].detail);
		rc = -1;
	}
	o->container = http_query(r->http, "container");
	field_errors_release(&errs);
	return rc;
}

static void add_names(struct strbuf *sb, const struct k8c_container *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? " " : "", c[i].name);
}

/* The container to read (borrowed from pod), or NULL after answering 400 (validateContainer). */
static const char *pick_container(struct api_request *r, const struct k8c_pod *pod,
				  const char *want)
{
	const struct k8c_pod_spec *s = &pod->spec;
	if (want && *want) {
		for (size_t i = 0; i < s->n_containers; i++)
			if (!strcmp(s->containers[i].name, want))
				return want;
		for (size_t i = 0; i < s->n_init_containers; i++)
			if (!strcmp(s->init_containers[i].name, want))
				return want;
		status_bad_request(r->http, "container %s is not valid for pod %s", want,
				   pod->metadata.name);
		return NULL;
	}
	if (s->n_containers == 1)
		return s->containers[0].name;
	struct strbuf msg = STRBUF_INIT;
	strbuf_addf(&msg, "a container name must be specified for pod %s", pod->metadata.name);
	if (s->n_containers) {
		strbuf_addstr(&msg, ", choose one of: [");
		add_names(&msg, s->containers, s->n_containers);
		strbuf_addch(&msg, ']');
	}
	if (s->n_containers && s->n_init_containers) {
		strbuf_addstr(&msg, " or one of the init containers: [");
		add_names(&msg, s->init_containers, s->n_init_containers);
		strbuf_addch(&msg, ']');
	}
	status_bad_request(r->http, "%s", msg.buf);
	strbuf_release(&msg);
	return NULL;
}

/* Appends s percent-encoded as a path segment (names are DNS-safe; this guards the rest). */
static void add_segment(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf_addch(out, '/');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p)) {
			strbuf_addch(out, *p);
		} else {
			strbuf_addch(out, '%');
			strbuf_addch(out, hex[*p >> 4]);
			strbuf_addch(out, hex[*p & 15]);
		}
	}
}

/* Decodes the cached object ns/name of kind resource into out (a zeroed struct). -ENOENT: none. */
static int cached(struct api_request *r, const char *resource, const char *ns, const char *name,
		  void *out)
{
	const struct k8c_kind *k = k8c_kind_by_resource("", "v1", resource);
	struct strbuf key = STRBUF_INIT;
	api_object_key(k, ns, name, &key);
	struct cache_obj *o = watch_cache_get(r->s->cache, k, key.buf);
	strbuf_release(&key);
	if (!o)
		return -ENOENT;
	struct field_errors errs = FIELD_ERRORS_INIT;
	k8c_decode_text(k->type, o->json, o->len, out, 0, &errs);
	field_errors_release(&errs);
	cache_obj_unref(o);
	return 0;
}

/* Appends "http://<address>:<port>" of node's kubelet: its InternalIP, else another address. */
static bool kubelet_base(const struct k8c_node *node, struct strbuf *out)
{
	static const char *const order[] = { "InternalIP", "ExternalIP", "Hostname" };
	const struct k8c_node_status *st = &node->status;
	for (size_t t = 0; t < ARRAY_SIZE(order); t++) {
		for (size_t i = 0; i < st->n_addresses; i++) {
			const struct k8c_node_address *a = &st->addresses[i];
			if (!a->type || strcmp(a->type, order[t]) || !a->address || !*a->address)
				continue;
			int port = st->daemon_endpoints.kubelet_endpoint.port;
			strbuf_addf(out, strchr(a->address, ':') ? "http://[%s]:%d" : "http://%s:%d",
				    a->address, port > 0 ? port : KUBELET_DEFAULT_PORT);
			return true;
		}
	}
	return false;
}

struct log_stream {
	struct kubelet_stream *ks;
	struct http_request *http;
	struct apiserver *s;
};

static long log_read(void *ctx, char *buf, size_t max)
{
	struct log_stream *ls = ctx;
	if (atomic_load(&ls->s->stopping))
		return HTTP_STREAM_END;
	long n = kubelet_stream_read(ls->ks, buf, max, 1000);
	if (n == -1)
		return HTTP_STREAM_END;
	if (n < 0 || (n == 0 && http_client_gone(ls->http)))
		return HTTP_STREAM_ERROR;
	return n;
}

static void log_release(void *ctx)
{
	struct log_stream *ls = ctx;
	kubelet_stream_free(ls->ks);
	free(ls);
}

static const struct http_stream_ops log_ops = { log_read, log_release };

/* Answers with what the kubelet said: its log, streamed, or its refusal as a Status. */
static void proxy(struct api_request *r, const char *url)
{
	struct kubelet_stream *ks = NULL;
	struct strbuf body = STRBUF_INIT, why = STRBUF_INIT;
	int code = 0;
	if (kubelet_stream_open(url, KUBELET_CONNECT_TIMEOUT_MS, &ks, &code, &body, &why) < 0) {
		status_respond(r->http, 503, "ServiceUnavailable", NULL, "%s", why.buf);
	} else if (code != 200) {
		strbuf_rtrim(&body);
		static const struct { int code; const char *reason; } map[] = {
			{ 400, "BadRequest" }, { 403, "Forbidden" }, { 404, "NotFound" },
			{ 422, "Invalid" }, { 503, "ServiceUnavailable" },
		};
		const char *reason = "InternalError";
		for (size_t i = 0; i < ARRAY_SIZE(map); i++)
			if (map[i].code == code)
				reason = map[i].reason;
		status_respond(r->http, code >= 400 && code < 600 ? code : 500, reason, NULL, "%s",
			       body.len ? body.buf : "the kubelet refused the request");
		kubelet_stream_free(ks);
	} else {
		struct log_stream *ls = xcalloc(1, sizeof(*ls));
		*ls = (struct log_stream){ .ks = ks, .http = r->http, .s = r->s };
		http_respond_stream(r->http, 200, "text/plain", &log_ops, ls);
	}
	strbuf_release(&body);
	strbuf_release(&why);
}

/* Finds the kubelet of pod's node and proxies to it. */
static void stream_from_node(struct api_request *r, const struct k8c_pod *pod,
			     const char *container, const struct log_options *o)
{
	struct k8c_node node = { 0 };
	struct strbuf url = STRBUF_INIT;
	if (cached(r, "nodes", NULL, pod->spec.node_name, &node) < 0) {
		status_not_found(r->http, k8c_kind_by_resource("", "v1", "nodes"), pod->spec.node_name);
	} else if (!kubelet_base(&node, &url)) {
		status_respond(r->http, 503, "ServiceUnavailable", NULL,
			       "node \"%s\" has no address to reach its kubelet", pod->spec.node_name);
	} else {
		strbuf_addstr(&url, "/containerLogs");
		add_segment(&url, pod->metadata.namespace);
		add_segment(&url, pod->metadata.name);
		add_segment(&url, container);
		strbuf_addstr(&url, o->query.buf);
		proxy(r, url.buf);
	}
	strbuf_release(&url);
	k8c_release(&k8c_type_node, &node);
}

void rest_pod_log(struct api_request *r)
{
	struct log_options o = { .query = STRBUF_INIT };
	struct k8c_pod pod = { 0 };
	if (strcmp(r->http->method, "GET")) {
		status_respond(r->http, 405, "MethodNotAllowed", NULL,
			       "the server does not allow this method on the requested resource");
	} else if (parse_options(r, &o) == 0 && api_consistent_read(r) == 0) {
		const char *c = NULL;
		if (cached(r, "pods", r->route.ns, r->route.name, &pod) < 0)
			status_not_found(r->http, r->kind, r->route.name);
		else
			c = pick_container(r, &pod, o.container); /* NULL: answered 400 */
		if (c && (!pod.spec.node_name || !*pod.spec.node_name))
			http_respond(r->http, 200, "text/plain", NULL, 0); /* not scheduled: no logs */
		else if (c)
			stream_from_node(r, &pod, c, &o);
	}
	k8c_release(&k8c_type_pod, &pod);
	strbuf_release(&o.query);
}
