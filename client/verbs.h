/*
 * verbs.h - the common API verbs with JSON bodies, on top of k8c_client_do(): get, list,
 * create, update, patch and delete of the object or collection a path names (build it
 * with path.h). Results are parsed cJSON trees owned by the caller; pass NULL for
 * ret_obj when the answer is not needed.
 *
 * Every function returns 0 on success, else the negative errno of rest.h with *err (may
 * be NULL) filled; -EPROTO when a 2xx answer is not JSON. ret_obj is untouched on
 * failure. Thread-safe (the client is).
 */
#ifndef K8C_CLIENT_VERBS_H
#define K8C_CLIENT_VERBS_H

#include <cjson/cJSON.h>

#include "client/path.h"
#include "client/rest.h"

enum k8c_patch_type {
	K8C_PATCH_JSON,	     /* application/json-patch+json (RFC 6902) */
	K8C_PATCH_MERGE,     /* application/merge-patch+json (RFC 7386) */
	K8C_PATCH_STRATEGIC, /* application/strategic-merge-patch+json */
	K8C_PATCH_APPLY,     /* application/apply-patch+yaml (server-side apply; JSON is YAML) */
};

/* The Content-Type of a patch type. */
const char *k8c_patch_content_type(enum k8c_patch_type type);

/* GET path (an object, or anything else that answers JSON). */
int k8c_get(struct k8c_client *c, const char *path, cJSON **ret_obj, struct k8c_status_error *err);

/* GET a collection path with list options o (may be NULL) added to its query. */
int k8c_list(struct k8c_client *c, const char *path, const struct k8c_list_options *o,
	     cJSON **ret_list, struct k8c_status_error *err);

/* POST obj to a collection path. */
int k8c_create(struct k8c_client *c, const char *path, const cJSON *obj, cJSON **ret_obj,
	       struct k8c_status_error *err);

/* PUT obj to an object path (obj carries the resourceVersion it replaces). */
int k8c_update(struct k8c_client *c, const char *path, const cJSON *obj, cJSON **ret_obj,
	       struct k8c_status_error *err);

/* PATCH an object path with patch (a JSON array for K8C_PATCH_JSON, else an object). */
int k8c_patch(struct k8c_client *c, const char *path, enum k8c_patch_type type, const cJSON *patch,
	      cJSON **ret_obj, struct k8c_status_error *err);

/*
 * DELETE an object path, with a DeleteOptions body when opts is not NULL
 * ({"propagationPolicy":"Background"}, {"gracePeriodSeconds":0}, preconditions...).
 * *ret_obj gets what the server answers: the object, or a Status.
 */
int k8c_delete(struct k8c_client *c, const char *path, const cJSON *opts, cJSON **ret_obj,
	       struct k8c_status_error *err);

#endif
