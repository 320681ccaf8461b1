/*
 * discovery.c - the discovery documents kubectl and client libraries read
 * before anything else (/api, /apis, /apis/<group>, /api/v1,
 * /apis/<group>/<version>), /version and /openapi/v2, all built from the kind
 * registry (see kube-api-wire.md section 1).
 */
#include "apiserver/server.h"

#define K8C_VERSION "0.1.0"

static void add_verbs(struct strbuf *out, const struct k8c_kind *k)
{
	bool ns = !strcmp(k->resource, "namespaces");
	strbuf_addstr(out, ns ? "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\","
				"\"update\",\"watch\"]"
			      : "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\","
				"\"list\",\"patch\",\"update\",\"watch\"]");
}

static void add_resource(struct strbuf *out, const struct k8c_kind *k)
{
	strbuf_addf(out, "{\"name\":\"%s\",\"singularName\":\"%s\",\"namespaced\":%s,"
		    "\"kind\":\"%s\",", k->resource, k->singular,
		    (k->flags & K8C_KIND_NAMESPACED) ? "true" : "false", k->kind);
	add_verbs(out, k);
	strbuf_addstr(out, ",\"shortNames\":[");
	for (size_t i = 0; i < ARRAY_SIZE(k->short_names) && k->short_names[i]; i++)
		strbuf_addf(out, "%s\"%s\"", i ? "," : "", k->short_names[i]);
	strbuf_addf(out, "],\"categories\":[%s]}", k->in_category_all ? "\"all\"" : "");
}

static void add_subresource(struct strbuf *out, const struct k8c_kind *k, const char *sub,
			    const char *kind, const char *verbs, const char *group_version)
{
	strbuf_addf(out, ",{\"name\":\"%s/%s\",\"singularName\":\"\",\"namespaced\":%s,",
		    k->resource, sub, (k->flags & K8C_KIND_NAMESPACED) ? "true" : "false");
	if (group_version)
		strbuf_addstr(out, group_version);
	strbuf_addf(out, "\"kind\":\"%s\",\"verbs\":[%s]}", kind, verbs);
}

static void add_subresources(struct strbuf *out, const struct k8c_kind *k)
{
	static const char gpu[] = "\"get\",\"patch\",\"update\"";
	if (k->flags & K8C_KIND_STATUS)
		add_subresource(out, k, "status", k->kind, gpu, NULL);
	if (k->flags & K8C_KIND_SCALE)
		add_subresource(out, k, "scale", "Scale", gpu,
				"\"group\":\"autoscaling\",\"version\":\"v1\",");
	if (!strcmp(k->resource, "pods")) {
		add_subresource(out, k, "binding", "Binding", "\"create\"", NULL);
		add_subresource(out, k, "log", "Pod", "\"get\"", NULL);
	}
	if (!strcmp(k->resource, "namespaces"))
		add_subresource(out, k, "finalize", "Namespace", "\"update\"", NULL);
}

static void resource_list(struct api_request *r, struct strbuf *out)
{
	const char *gv_group = r->route.group, *gv_version = r->route.version;
	strbuf_addstr(out, "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"");
	strbuf_addf(out, "%s%s%s\",\"resources\":[", gv_group, *gv_group ? "/" : "", gv_version);
	bool first = true;
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++) {
		if (strcmp(k->group, gv_group) || strcmp(k->version, gv_version))
			continue;
		if (!first)
			strbuf_addch(out, ',');
		first = false;
		add_resource(out, k);
		add_subresources(out, k);
	}
	strbuf_addstr(out, "]}");
}

/* Appends one APIGroup body (without kind/apiVersion) for group. */
static void group_body(struct strbuf *out, const char *group)
{
	const char *version = NULL;
	for (const struct k8c_kind *k = k8c_kinds; k->kind && !version; k++)
		if (!strcmp(k->group, group))
			version = k->version;
	strbuf_addf(out, "\"name\":\"%s\",\"versions\":[{\"groupVersion\":\"%s/%s\","
		    "\"version\":\"%s\"}],\"preferredVersion\":{\"groupVersion\":\"%s/%s\","
		    "\"version\":\"%s\"}", group, group, version, version, group, version, version);
}

static void group_list(struct strbuf *out)
{
	strbuf_addstr(out, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
	size_t n = 0;
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++) {
		bool seen = !*k->group;
		for (const struct k8c_kind *j = k8c_kinds; j < k && !seen; j++)
			seen = !strcmp(j->group, k->group);
		if (seen)
			continue;
		strbuf_addstr(out, n++ ? ",{" : "{");
		group_body(out, k->group);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "]}");
}

static void api_versions(struct api_request *r, struct strbuf *out)
{
	const char *host = http_header(r->http, "Host");
	strbuf_addstr(out, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
			   "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\","
			   "\"serverAddress\":");
	strbuf_add_json_str(out, host ? host : "127.0.0.1");
	strbuf_addstr(out, "}]}");
}

static void version_info(struct strbuf *out)
{
	strbuf_addstr(out, "{\"major\":\"1\",\"minor\":\"28\",\"gitVersion\":\"v1.28.0-k8c."
			   K8C_VERSION "\",\"gitCommit\":\"k8c\",\"gitTreeState\":\"clean\","
			   "\"buildDate\":\"" __DATE__ "\",\"goVersion\":\"c\",\"compiler\":\"gcc\","
			   "\"platform\":\"linux/amd64\"}");
}

static void openapi_v2(struct api_request *r)
{
	const char *accept = http_header(r->http, "Accept");
	if (accept && strstr(accept, "protobuf")) {
		/* an empty document satisfies every kubectl's client-side validation */
		http_respond(r->http, 200,
			     "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", NULL, 0);
		return;
	}
	struct strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, "{\"swagger\":\"2.0\",\"info\":{\"title\":\"k8c\",\"version\":\"v1.28.0\"},"
			    "\"paths\":{},\"definitions\":{}}");
	http_respond_buf(r->http, 200, "application/json", &out);
}

void discovery_serve(struct api_request *r)
{
	if (strcmp(r->http->method, "GET") && strcmp(r->http->method, "HEAD")) {
		status_respond(r->http, 405, "MethodNotAllowed", NULL,
			       "the server does not allow this method on the requested resource");
		return;
	}
	struct strbuf out = STRBUF_INIT;
	switch (r->route.type) {
	case ROUTE_API: api_versions(r, &out); break;
	case ROUTE_APIS: group_list(&out); break;
	case ROUTE_GROUP:
		strbuf_addstr(&out, "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\",");
		group_body(&out, r->route.group);
		strbuf_addch(&out, '}');
		break;
	case ROUTE_GROUP_VERSION: resource_list(r, &out); break;
	case ROUTE_VERSION: version_info(&out); break;
	case ROUTE_OPENAPI_V2: openapi_v2(r); return;
	default:
		status_respond(r->http, 404, "NotFound", NULL,
			       "the server could not find the requested resource");
		strbuf_release(&out);
		return;
	}
	http_respond_buf(r->http, 200, "application/json", &out);
}
