/*
 * patch.h - the three PATCH formats of the Kubernetes API over cJSON
 * documents, and the patch computation of kubectl's client-side apply.
 *
 *   application/merge-patch+json           merge_patch_apply()     RFC 7386
 *   application/json-patch+json            json_patch_apply()      RFC 6902
 *   application/strategic-merge-patch+json strategic_patch_apply() schema-driven
 *
 * Application works on a document the caller owns: on success *doc is
 * replaced by the patched document (the old one freed); on failure *doc is
 * untouched and nothing changed. Failures return
 *   -EBADMSG  the patch itself is malformed        -> HTTP 400 Bad Request
 *   -EINVAL   it cannot be applied to this document -> HTTP 422 Unprocessable Entity
 * and append a message to err (which may be NULL). Out-of-memory aborts.
 * Pure functions; thread-safe on distinct documents.
 *
 * Strategic merge patch follows apimachinery's strategicpatch package,
 * driven by the k8c_type descriptors (schema.h): lists flagged
 * K8C_FF_PATCH_MERGE merge by merge_key (objects) or as sets (primitives),
 * other lists are replaced, objects and string maps merge key by key with
 * null deleting, K8C_FF_PATCH_REPLACE fields are replaced, and fields absent
 * from the schema (or K8C_FT_JSON) merge like a JSON merge patch. Directives:
 * $patch (delete / replace / merge) on maps and list elements,
 * $setElementOrder/<list>, $retainKeys, $deleteFromPrimitiveList/<list>.
 */
#ifndef K8C_API_PATCH_PATCH_H
#define K8C_API_PATCH_PATCH_H

#include <cjson/cJSON.h>

#include "api/schema.h"
#include "base/strbuf.h"

enum patch_type {
	PATCH_TYPE_UNKNOWN,
	PATCH_TYPE_JSON,      /* application/json-patch+json */
	PATCH_TYPE_MERGE,     /* application/merge-patch+json */
	PATCH_TYPE_STRATEGIC, /* application/strategic-merge-patch+json */
	PATCH_TYPE_APPLY,     /* application/apply-patch+yaml (server-side apply) */
};

/* The patch type of a Content-Type value (parameters such as "; charset=utf-8" ignored). */
enum patch_type patch_type_from_media_type(const char *media_type);

/*
 * RFC 7386 JSON merge patch, exactly: when patch is an object, its members
 * merge recursively into *doc (an object, or replaced by {} when it is not),
 * null deleting a member; any other patch replaces *doc. Cannot fail.
 */
void merge_patch_apply(cJSON **doc, const cJSON *patch);

/*
 * RFC 6902 JSON patch: patch is an array of operations (add, remove,
 * replace, move, copy, test) with RFC 6901 pointers ("~0" "~1", "-" to
 * append). All or nothing: a failing operation leaves *doc unchanged.
 * At most 10000 operations, as the Kubernetes API server allows.
 */
int json_patch_apply(cJSON **doc, const cJSON *patch, struct strbuf *err);

/*
 * Strategic merge patch of *doc (an object of type type; type may be NULL
 * for "no schema", which gives merge-patch semantics plus the directives).
 * The patch must be an object.
 */
int strategic_patch_apply(cJSON **doc, const cJSON *patch, const struct k8c_type *type,
			  struct strbuf *err);

/*
 * kubectl's client-side apply patch (CreateThreeWayMergePatch with
 * overwrite): from original (the last-applied configuration, NULL when
 * none), modified (the new configuration, with its own last-applied
 * annotation already set by the caller) and current (the live object).
 * Fields removed from the configuration since the last apply become
 * deletions (null, {"$patch":"delete", <key>}, $deleteFromPrimitiveList),
 * changed or added fields are set, fields only the server or other writers
 * set are left alone, and merged lists carry $setElementOrder as kubectl
 * sends it. Object keys of the result are sorted, as Go marshals them.
 * On success *ret_patch gets a new object (caller frees with cJSON_Delete);
 * strategic_patch_is_empty() tells kubectl's "unchanged".
 */
int strategic_patch_three_way(const cJSON *original, const cJSON *modified, const cJSON *current,
			      const struct k8c_type *type, cJSON **ret_patch, struct strbuf *err);

/*
 * The two-way patch (CreateTwoWayMergePatch) that turns original into
 * modified, deletions included; same conventions as the three-way patch.
 */
int strategic_patch_two_way(const cJSON *original, const cJSON *modified,
			    const struct k8c_type *type, cJSON **ret_patch, struct strbuf *err);

/* True when patch is an object without members ("{}": nothing to send). */
bool strategic_patch_is_empty(const cJSON *patch);

#endif
