/*
 * router.c - request path parsing; see router.h.
 */
#include "apiserver/router.h"

#define MAX_SEGS 10

static int split(const char *path, char segs[MAX_SEGS][256])
{
	int n = 0;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, "/");
		if (n == MAX_SEGS || len >= 256)
			return -1;
		memcpy(segs[n], p, len);
		segs[n][len] = '\0';
		n++;
		p += len;
	}
	return n;
}

static bool known_group_version(const char *group, const char *version)
{
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++)
		if (!strcmp(k->group, group) && !strcmp(k->version, version))
			return true;
	return false;
}

static bool known_group(const char *group)
{
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++)
		if (*group && !strcmp(k->group, group))
			return true;
	return false;
}

/* Copies src into dst[size]; false when it does not fit (no such path can exist). */
static bool copy_seg(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

#define COPY(dst, src)                                                                             \
	do {                                                                                       \
		if (!copy_seg((dst), sizeof(dst), (src)))                                          \
			return -ENOENT;                                                            \
	} while (0)

/* rest = segments after the group/version: [namespaces/<ns>/]<resource>[/<name>[/<sub>]] */
static int parse_resource(struct route *out, char (*rest)[256], int n)
{
	if (n > 0 && !strcmp(rest[0], "watch")) {
		out->legacy_watch = true;
		rest++;
		n--;
	}
	if (n >= 3 && !strcmp(rest[0], "namespaces") && strcmp(rest[2], "status") &&
	    strcmp(rest[2], "finalize")) {
		COPY(out->ns, rest[1]);
		rest += 2;
		n -= 2;
	}
	if (n < 1 || n > 3)
		return -ENOENT;
	COPY(out->resource, rest[0]);
	if (n >= 2)
		COPY(out->name, rest[1]);
	if (n == 3)
		COPY(out->subresource, rest[2]);
	out->kind = k8c_kind_by_resource(out->group, out->version, out->resource);
	out->type = ROUTE_RESOURCE;
	if (out->kind) { /* the scope must fit the path */
		bool namespaced = out->kind->flags & K8C_KIND_NAMESPACED;
		if (!namespaced && *out->ns)
			return -ENOENT;
		if (namespaced && !*out->ns && *out->name)
			return -ENOENT;
	}
	return 0;
}

static int parse_special(const char *first, int n, struct route *out)
{
	if (!strcmp(first, "version") && n == 1)
		out->type = ROUTE_VERSION;
	else if (!strcmp(first, "healthz") || !strcmp(first, "livez") || !strcmp(first, "readyz"))
		out->type = ROUTE_HEALTHZ;
	else if (!strcmp(first, "metrics") && n == 1)
		out->type = ROUTE_METRICS;
	else
		return -ENOENT;
	return 0;
}

int route_parse(const char *path, struct route *out)
{
	char segs[MAX_SEGS][256];
	memset(out, 0, sizeof(*out));
	int n = split(path, segs);
	if (n <= 0)
		return -ENOENT;
	if (!strcmp(segs[0], "openapi") && n == 2 && !strcmp(segs[1], "v2")) {
		out->type = ROUTE_OPENAPI_V2;
		return 0;
	}
	int base;
	if (!strcmp(segs[0], "api")) {
		if (n == 1) {
			out->type = ROUTE_API;
			return 0;
		}
		COPY(out->version, segs[1]);
		base = 2;
	} else if (!strcmp(segs[0], "apis")) {
		if (n == 1) {
			out->type = ROUTE_APIS;
			return 0;
		}
		COPY(out->group, segs[1]);
		if (!known_group(out->group))
			return -ENOENT;
		if (n == 2) {
			out->type = ROUTE_GROUP;
			return 0;
		}
		COPY(out->version, segs[2]);
		base = 3;
	} else {
		return parse_special(segs[0], n, out);
	}
	if (!known_group_version(out->group, out->version))
		return -ENOENT;
	if (n == base) {
		out->type = ROUTE_GROUP_VERSION;
		return 0;
	}
	int r = parse_resource(out, segs + base, n - base);
	if (r < 0)
		out->type = ROUTE_NOT_FOUND;
	return r;
}
