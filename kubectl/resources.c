/*
 * resources.c - command-line resource names to kinds and paths; see resources.h.
 */
#include "kubectl/resources.h"

#include <ctype.h>

#include "client/path.h"

void ktargets_release(struct ktargets *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static void push(struct ktargets *t, const struct k8c_kind *kind, const char *name)
{
	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	t->v[t->n++] = (struct ktarget){ kind, name };
}

const struct k8c_kind *kres_kind(const char *name)
{
	return k8c_kind_lookup(name);
}

void kres_unknown_type(struct kctl *k, const char *name)
{
	kctl_errorf(k, "the server doesn't have a resource type \"%s\"", name);
}

bool kres_namespaced(const struct k8c_kind *kind)
{
	return kind->flags & K8C_KIND_NAMESPACED;
}

/* Adds every kind of a comma-separated type list ("all" expands), with name. */
static int add_types(struct kctl *k, const char *types, const char *name, struct ktargets *out)
{
	_cleanup_free_ char *copy = xstrdup(types);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "all")) {
			for (const struct k8c_kind *kk = k8c_kinds; kk->kind; kk++)
				if (kk->in_category_all)
					push(out, kk, name);
			continue;
		}
		const struct k8c_kind *kind = kres_kind(t);
		if (!kind) {
			kres_unknown_type(k, t);
			return -1;
		}
		push(out, kind, name);
	}
	return 0;
}

static void no_type_needed(struct kctl *k)
{
	kctl_errorf(k, "there is no need to specify a resource type as a separate argument when "
		       "passing arguments in resource/name form (e.g. 'k8c get "
		       "resource/<resource_name>' instead of 'k8c get resource "
		       "resource/<resource_name>'");
}

/* "TYPE/NAME" arguments, every one of them. */
static int parse_slashed(struct kctl *k, const struct kstrv *args, struct ktargets *out)
{
	for (size_t i = 0; i < args->n; i++) {
		const char *a = args->v[i], *slash = strchr(a, '/');
		if (!slash) {
			no_type_needed(k);
			return -1;
		}
		_cleanup_free_ char *type = xstrndup(a, (size_t)(slash - a));
		if (!slash[1]) {
			kctl_errorf(k, "arguments in resource/name form must have a single resource "
				       "and name");
			return -1;
		}
		if (add_types(k, type, slash + 1, out) < 0)
			return -1;
	}
	return 0;
}

int ktargets_parse(struct kctl *k, const struct kstrv *args, struct ktargets *out)
{
	if (!args->n)
		return 0;
	if (strchr(args->v[0], '/'))
		return parse_slashed(k, args, out);
	for (size_t i = 1; i < args->n; i++)
		if (strchr(args->v[i], '/')) {
			no_type_needed(k);
			return -1;
		}
	if (args->n == 1)
		return add_types(k, args->v[0], NULL, out);
	for (size_t i = 1; i < args->n; i++)
		if (add_types(k, args->v[0], args->v[i], out) < 0)
			return -1;
	return 0;
}

void kres_path(struct strbuf *out, const struct k8c_kind *kind, const char *ns, const char *name,
	       const char *subresource)
{
	struct k8c_resource_path p = {
		.group = kind->group,
		.version = kind->version,
		.namespace = kres_namespaced(kind) ? ns : NULL,
		.resource = kind->resource,
		.name = name,
		.subresource = subresource,
	};
	k8c_path_append(out, &p);
}

void kres_kind_name(struct strbuf *out, const struct k8c_kind *kind)
{
	for (const char *p = kind->kind; *p; p++)
		strbuf_addch(out, tolower((unsigned char)*p));
	if (*kind->group)
		strbuf_addf(out, ".%s", kind->group);
}

void kres_ref(struct strbuf *out, const struct k8c_kind *kind, const char *name)
{
	kres_kind_name(out, kind);
	strbuf_addf(out, "/%s", name);
}

void kres_group_resource(struct strbuf *out, const struct k8c_kind *kind)
{
	strbuf_addstr(out, kind->resource);
	if (*kind->group)
		strbuf_addf(out, ".%s", kind->group);
}
