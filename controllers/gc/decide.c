/*
 * decide.c - the garbage collector's pure decisions and patch bodies; see
 * decide.h.
 */
#include "controllers/gc/decide.h"

#include "api/codec.h"

bool gc_deleting_with(const struct k8c_object_meta *meta, const char *f)
{
	return meta->deletion_timestamp && k8c_object_has_finalizer(meta, f);
}

void gc_decide(const struct k8c_object_meta *meta, const enum gc_owner_state *states,
	       bool has_dependents, bool dependent_deleting_dependents, struct gc_decision *out)
{
	size_t solid = 0, dangling = 0, waiting = 0;
	for (size_t i = 0; i < meta->n_owner_references; i++) {
		solid += states[i] == GC_OWNER_SOLID;
		dangling += states[i] == GC_OWNER_DANGLING;
		waiting += states[i] == GC_OWNER_WAITING;
	}
	memset(out, 0, sizeof(*out));
	if (!meta->n_owner_references) {
		out->action = GC_KEEP;
	} else if (solid) {
		/* a live owner keeps it; references to the others go */
		out->action = dangling || waiting ? GC_REMOVE_REFS : GC_KEEP;
	} else if (waiting && has_dependents) {
		/* an owner waits for it, and it has dependents of its own: delete it in the
		 * foreground so that the owner waits for those too */
		out->action = GC_DELETE;
		out->policy = "Foreground";
		out->unblock = dependent_deleting_dependents;
	} else {
		/* no live owner: collect it, honouring a finalizer it already carries */
		out->action = GC_DELETE;
		out->policy = k8c_object_has_finalizer(meta, GC_FINALIZER_ORPHAN) ? "Orphan" :
			      k8c_object_has_finalizer(meta, GC_FINALIZER_FOREGROUND) ?
			      "Foreground" : "Background";
	}
}

bool gc_blocks_owner(const struct k8c_object_meta *dep, const char *owner_uid)
{
	for (size_t i = 0; i < dep->n_owner_references; i++) {
		const struct k8c_owner_reference *r = &dep->owner_references[i];
		if (streq_null(r->uid, owner_uid) && r->has_block_owner_deletion &&
		    r->block_owner_deletion)
			return true;
	}
	return false;
}

/* {"metadata":{"uid":UID,"ownerReferences":refs}} with refs added to it (owned). */
static cJSON *meta_patch(const char *uid, cJSON *refs)
{
	cJSON *patch = cJSON_CreateObject();
	cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
	cJSON_AddItemToObject(meta, "ownerReferences", refs);
	cJSON_AddStringToObject(meta, "uid", uid ? uid : "");
	return patch;
}

cJSON *gc_patch_remove_refs(const char *dep_uid, const char *const *uids, size_t n)
{
	cJSON *refs = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *del = cJSON_CreateObject();
		cJSON_AddStringToObject(del, "$patch", "delete");
		cJSON_AddStringToObject(del, "uid", uids[i]);
		cJSON_AddItemToArray(refs, del);
	}
	return meta_patch(dep_uid, refs);
}

cJSON *gc_patch_unblock(const struct k8c_object_meta *dep)
{
	cJSON *refs = cJSON_CreateArray();
	struct strbuf text = STRBUF_INIT;
	for (size_t i = 0; i < dep->n_owner_references; i++) {
		struct k8c_owner_reference r = dep->owner_references[i];
		if (!r.has_block_owner_deletion || !r.block_owner_deletion)
			continue;
		r.block_owner_deletion = false; /* a shallow copy: only encoded */
		strbuf_reset(&text);
		k8c_encode(&k8c_type_owner_reference, &r, &text);
		cJSON_AddItemToArray(refs, cJSON_Parse(text.buf));
	}
	strbuf_release(&text);
	if (!cJSON_GetArraySize(refs)) {
		cJSON_Delete(refs);
		return NULL;
	}
	return meta_patch(dep->uid, refs);
}

cJSON *gc_patch_remove_finalizer(const struct k8c_object_meta *meta, const char *f)
{
	if (!k8c_object_has_finalizer(meta, f))
		return NULL;
	cJSON *patch = cJSON_CreateObject();
	cJSON *m = cJSON_AddObjectToObject(patch, "metadata");
	cJSON_AddStringToObject(m, "resourceVersion",
				meta->resource_version ? meta->resource_version : "");
	cJSON *list = cJSON_AddArrayToObject(m, "finalizers");
	for (size_t i = 0; i < meta->n_finalizers; i++)
		if (strcmp(meta->finalizers[i], f))
			cJSON_AddItemToArray(list, cJSON_CreateString(meta->finalizers[i]));
	return patch;
}
