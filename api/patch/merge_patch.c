/*
 * merge_patch.c - RFC 7386 JSON merge patch; see patch.h. Members keep
 * their position in the target; new members are appended.
 */
#include "api/patch/patch_internal.h"

static void merge_object(cJSON *target, const cJSON *patch);

/* MergePatch({}, patch) for a member the target does not have (or not as an object). */
static cJSON *fresh(const cJSON *patch)
{
	if (!cJSON_IsObject(patch))
		return patch__dup(patch);
	cJSON *obj = patch__object();
	merge_object(obj, patch);
	return obj;
}

/* MergePatch(target, patch) for an object target and an object patch, in place. */
static void merge_object(cJSON *target, const cJSON *patch)
{
	for (const cJSON *m = patch->child; m; m = m->next) {
		cJSON *old = cJSON_GetObjectItemCaseSensitive(target, m->string);
		if (cJSON_IsNull(m))
			cJSON_DeleteItemFromObjectCaseSensitive(target, m->string);
		else if (cJSON_IsObject(m) && cJSON_IsObject(old))
			merge_object(old, m);
		else
			patch__set(target, m->string, fresh(m));
	}
}

void merge_patch_apply(cJSON **doc, const cJSON *patch)
{
	if (!cJSON_IsObject(patch)) {
		patch__replace_root(doc, patch__dup(patch));
		return;
	}
	if (!cJSON_IsObject(*doc))
		patch__replace_root(doc, patch__object());
	merge_object(*doc, patch);
}
