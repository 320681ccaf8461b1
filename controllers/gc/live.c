/*
 * live.c - the garbage collector's reads and writes against the API server:
 * every decision starts from the latest state, never from the cache alone;
 * see gc_internal.h.
 */
#include "api/codec.h"
#include "base/log.h"
#include "client/verbs.h"
#include "controllers/gc/gc_internal.h"

static void item_path(const struct k8c_kind *k, const char *ns, const char *name,
		      struct strbuf *out)
{
	struct k8c_resource_path p = {
		.group = k->group,
		.version = k->version,
		.namespace = (k->flags & K8C_KIND_NAMESPACED) ? ns : NULL,
		.resource = k->resource,
		.name = name,
	};
	k8c_path_append(out, &p);
}

static void log_failure(const char *verb, const struct k8c_kind *k, const char *ns,
			const char *name, int r, const struct k8c_status_error *err)
{
	log_warn("garbage collector: failed to %s %s '%s%s%s': %s", verb, k->resource,
		 ns ? ns : "", ns && *ns ? "/" : "", name,
		 err->message ? err->message : strerror(-r));
}

int gc_live_meta(struct gc *gc, const struct k8c_kind *k, const char *ns, const char *name,
		 struct k8c_object_meta *ret)
{
	struct strbuf path = STRBUF_INIT;
	item_path(k, ns, name, &path);
	cJSON *obj = NULL;
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = k8c_get(gc->ctx->client, path.buf, &obj, &err);
	if (r == 0) {
		memset(ret, 0, sizeof(*ret));
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
		struct field_errors errs = FIELD_ERRORS_INIT;
		k8c_decode(&k8c_type_object_meta, meta, ret, 0, "metadata", &errs);
		field_errors_release(&errs);
	} else if (r != -ENOENT) {
		log_failure("get", k, ns, name, r, &err);
	}
	cJSON_Delete(obj);
	k8c_status_error_release(&err);
	strbuf_release(&path);
	return r;
}

/* A write that found the object gone, or replaced by a namesake (uid guard), is done. */
static bool gone(int r, const struct k8c_status_error *err)
{
	const char *msg = err->message ? err->message : "";
	return r == -ENOENT || (err->code == 422 && strstr(msg, "metadata.uid")) ||
	       (err->code == 409 && strstr(msg, "UID in precondition"));
}

int gc_live_delete(struct gc *gc, const struct gc_item *it, const char *policy)
{
	struct strbuf path = STRBUF_INIT;
	item_path(it->kind, it->ns, it->name, &path);
	cJSON *opts = cJSON_CreateObject();
	cJSON_AddStringToObject(opts, "propagationPolicy", policy);
	cJSON *pre = cJSON_AddObjectToObject(opts, "preconditions");
	cJSON_AddStringToObject(pre, "uid", it->uid);
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = k8c_delete(gc->ctx->client, path.buf, opts, NULL, &err);
	if (r == 0)
		log_info("garbage collector: deleted %s '%s%s%s' (%s)", it->kind->resource, it->ns,
			 *it->ns ? "/" : "", it->name, policy);
	else if (gone(r, &err))
		r = 0;
	else
		log_failure("delete", it->kind, it->ns, it->name, r, &err);
	cJSON_Delete(opts);
	k8c_status_error_release(&err);
	strbuf_release(&path);
	return r;
}

int gc_live_patch(struct gc *gc, const struct k8c_kind *k, const char *ns, const char *name,
		  enum k8c_patch_type type, cJSON *patch)
{
	struct strbuf path = STRBUF_INIT;
	item_path(k, ns, name, &path);
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = k8c_patch(gc->ctx->client, path.buf, type, patch, NULL, &err);
	if (r < 0 && gone(r, &err))
		r = 0;
	else if (r < 0 && r != -EBUSY) /* a conflict is retried quietly */
		log_failure("patch", k, ns, name, r, &err);
	k8c_status_error_release(&err);
	strbuf_release(&path);
	return r;
}
