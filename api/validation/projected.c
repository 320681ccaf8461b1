/*
 * projected.c - the sources of a projected volume (core/v1
 * validateProjectionSources): one kind per source, required names, items,
 * service account token lifetimes, and no two files at the same path.
 * Some errors are reported at the projected volume's own path, as upstream
 * does; those go through field_err.h with the saved volume path.
 */
#include "api/validation/field_err.h"
#include "api/validation/formats.h"
#include "api/validation/pod_internal.h"

struct projection {
	struct vctx *v;
	const char *vol_path; /* the projected volume source's path */
	const char **paths;   /* file paths projected so far */
	size_t n, alloc;
};

/* Records path; returns false when an earlier source already projects a file there. */
static bool path_new(struct projection *pj, const char *path)
{
	for (size_t i = 0; i < pj->n; i++)
		if (!strcmp(pj->paths[i], path))
			return false;
	ALLOC_GROW(pj->paths, pj->n + 1, pj->alloc);
	pj->paths[pj->n++] = path;
	return true;
}

/* The name and items of a secret or configMap source at <source>.<child>. */
static void named_items(struct projection *pj, const char *child, const char *name,
			const struct k8c_key_to_path *items, size_t n)
{
	struct vctx *v = pj->v;
	size_t m = vctx_child(v, child);
	if (vempty(name))
		vctx_required(v, "name", "");
	vctx_child(v, "items");
	for (size_t i = 0; i < n; i++) {
		size_t mi = vctx_index(v, i);
		vctx_key_to_path(v, &items[i]);
		vctx_pop(v, mi);
		if (!vempty(items[i].path) && !path_new(pj, items[i].path))
			field_err_invalid(v->errs, pj->vol_path, vstr(name),
					  "conflicting duplicate paths");
	}
	vctx_pop(v, m);
}

static void downward_api(struct projection *pj, const struct k8c_downward_api_projection *d)
{
	struct vctx *v = pj->v;
	size_t m = vctx_child(v, "downwardAPI");
	for (size_t i = 0; i < d->n_items; i++) {
		vctx_downward_api_file(v, &d->items[i]);
		if (!vempty(d->items[i].path) && !path_new(pj, d->items[i].path))
			field_err_invalid(v->errs, pj->vol_path, d->items[i].path,
					  "conflicting duplicate paths");
	}
	vctx_pop(v, m);
}

static void token(struct projection *pj, const struct k8c_service_account_token_projection *t)
{
	struct vctx *v = pj->v;
	int64_t exp = t->has_expiration_seconds ? t->expiration_seconds : 0;
	size_t m = vctx_child(v, "serviceAccountToken");
	if (exp < 10 * 60)
		vctx_invalid_int(v, "expirationSeconds", exp,
				 "may not specify a duration less than 10 minutes");
	if (exp > (1LL << 32))
		vctx_invalid_int(v, "expirationSeconds", exp,
				 "may not specify a duration larger than 2^32 seconds");
	vctx_pop(v, m);
	struct strbuf path = STRBUF_INIT; /* upstream: <volume>.path, not the token's */
	strbuf_addf(&path, "%s.path", pj->vol_path);
	if (vempty(t->path)) {
		field_err_required(v->errs, path.buf, "");
	} else {
		struct vctx at;
		vctx_init(&at, v->errs, pj->vol_path);
		vctx_local_non_reserved_path(&at, "path", t->path);
		vctx_release(&at);
	}
	strbuf_release(&path);
}

static void source(struct projection *pj, const struct k8c_volume_projection *s)
{
	int n = 0;
	if (s->secret && ++n)
		named_items(pj, "secret", s->secret->name, s->secret->items, s->secret->n_items);
	if (s->config_map && ++n)
		named_items(pj, "configMap", s->config_map->name, s->config_map->items,
			    s->config_map->n_items);
	if (s->downward_api && ++n)
		downward_api(pj, s->downward_api);
	if (s->service_account_token && ++n)
		token(pj, s->service_account_token);
	if (n > 1)
		vctx_forbidden(pj->v, NULL, "may not specify more than 1 volume type per source");
}

void vctx_projected_sources(struct vctx *v, const struct k8c_projected_volume_source *pr)
{
	_cleanup_free_ char *vol_path = xstrdup(v->path.buf);
	struct projection pj = { .v = v, .vol_path = vol_path };
	size_t m = vctx_child(v, "sources");
	for (size_t i = 0; i < pr->n_sources; i++) {
		size_t mi = vctx_index(v, i);
		source(&pj, &pr->sources[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
	free(pj.paths);
}
