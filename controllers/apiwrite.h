/*
 * apiwrite.h - the writes controllers make, on typed objects: create, update
 * (the object or its /status), patch and delete, through the shared REST
 * client. Bodies are encoded with the generic codec; answers are read only
 * for what a caller asks (the created object's name). Every function returns
 * 0 or the negative errno of client/rest.h (-ENOENT NotFound, -EEXIST
 * AlreadyExists, -EBUSY Conflict...), with the Status in err (may be NULL).
 * Thread-safe.
 */
#ifndef K8C_CONTROLLERS_APIWRITE_H
#define K8C_CONTROLLERS_APIWRITE_H

#include "api/kinds.h"
#include "client/rest.h"

/*
 * POSTs obj (a struct of kind k) to its namespace's collection. When
 * ret_name is not NULL, appends the created object's metadata.name to it
 * (what generateName made); when ret_obj is not NULL (a zeroed struct of
 * k's type) decodes the created object into it (release it with
 * k8c_release even on failure).
 */
int apiwrite_create(struct k8c_client *c, const struct k8c_kind *k, const void *obj,
		    struct strbuf *ret_name, void *ret_obj, struct k8c_status_error *err);

/*
 * apiwrite_create() of an object already encoded (json, k8c_encode's output for
 * kind k) into namespace ns, without ret_obj: for the same object POSTed many
 * times (a ReplicaSet's pods), encoded once. Thread-safe (json is only read).
 */
int apiwrite_create_json(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
			 const struct strbuf *json, struct strbuf *ret_name,
			 struct k8c_status_error *err);

/*
 * PUTs obj (kind k; carries the resourceVersion it replaces) to its path, or
 * to its subresource ("status") when sub is not NULL. When ret_rv is not
 * NULL, appends the resourceVersion the object has now.
 */
int apiwrite_update(struct k8c_client *c, const struct k8c_kind *k, const void *obj,
		    const char *sub, struct strbuf *ret_rv, struct k8c_status_error *err);

/* PATCHes ns/name of kind k with a strategic merge patch (JSON text). */
int apiwrite_patch(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
		   const char *name, const char *patch, struct k8c_status_error *err);

/*
 * DELETEs ns/name of kind k; opts is a DeleteOptions JSON text or NULL.
 * A missing object is not an error: -ENOENT is returned, callers decide.
 */
int apiwrite_delete(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
		    const char *name, const char *opts, struct k8c_status_error *err);

#endif
