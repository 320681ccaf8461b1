/*
 * router.h - turns a request path into what it addresses: a discovery
 * document, a health/metadata endpoint, or a resource (kind, namespace, name,
 * subresource). Pure; thread-safe.
 */
#ifndef K8C_APISERVER_ROUTER_H
#define K8C_APISERVER_ROUTER_H

#include "api/kinds.h"

enum route_type {
	ROUTE_NOT_FOUND,
	ROUTE_API,         /* /api */
	ROUTE_APIS,        /* /apis */
	ROUTE_GROUP,       /* /apis/<group> */
	ROUTE_GROUP_VERSION, /* /api/v1, /apis/<group>/<version> */
	ROUTE_RESOURCE,    /* a collection, an object or a subresource */
	ROUTE_VERSION,     /* /version */
	ROUTE_HEALTHZ,     /* /healthz, /livez, /readyz (and their /... checks) */
	ROUTE_METRICS,     /* /metrics */
	ROUTE_OPENAPI_V2,  /* /openapi/v2 */
};

struct route {
	enum route_type type;
	char group[64];
	char version[16];
	char resource[64];    /* plural name as requested (even if unknown) */
	const struct k8c_kind *kind; /* NULL when the resource is unknown */
	char ns[256];         /* "" = no namespace in the path */
	char name[256];       /* "" = the collection */
	char subresource[32]; /* "" = the object itself */
	bool legacy_watch;    /* /api/v1/watch/... */
};

/*
 * Parses path (already URL-decoded) into out. Trailing slashes are ignored.
 * Returns 0, or -ENOENT when nothing lives at path (out->type is then
 * ROUTE_NOT_FOUND). A known group/version with an unknown resource still
 * returns 0 with kind == NULL so the caller can say which resource is missing.
 */
int route_parse(const char *path, struct route *out);

#endif
