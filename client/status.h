/*
 * status.h - Kubernetes API errors as a client sees them: the metav1.Status the server
 * sends with every failure (kube-api-wire.md section 5), or one made up from the HTTP
 * code when the body is not a Status, as client-go does; transport failures too.
 *
 * Callers test the reason ("NotFound", "AlreadyExists", "Conflict", "Invalid",
 * "Expired"...) with k8c_status_is(), or the negative errno every client call returns
 * (see k8c_status_errno()). Not thread-safe; owned by the caller.
 */
#ifndef K8C_CLIENT_STATUS_H
#define K8C_CLIENT_STATUS_H

#include <cjson/cJSON.h>

#include "base/base.h"

struct k8c_status_error {
	int code;     /* HTTP status (404...); 0 when no response came */
	char *reason; /* "NotFound"...; "" when unknown or for transport errors; never NULL once set
		       */
	char *message; /* human-readable; never NULL once set */
	char *name;    /* details.name, or NULL */
	char *group;   /* details.group, or NULL */
	char *kind;    /* details.kind (a resource for NotFound, a Kind for Invalid), or NULL */
	int retry_after_seconds; /* details.retryAfterSeconds, or the Retry-After header; 0 = none
				  */
	cJSON *status; /* the whole Status object the server sent (for details.causes), or NULL */
};

#define K8C_STATUS_ERROR_INIT { 0 }

/* Frees every member and zeroes e (reusable). */
void k8c_status_error_release(struct k8c_status_error *e);

/*
 * Fills e (released first) from a Status object; code is used when the object has none.
 * Returns 0, or -EINVAL when obj is not a Status (e then holds a generic error for code).
 */
int k8c_status_error_from_json(struct k8c_status_error *e, const cJSON *obj, int code);

/*
 * Fills e (released first) from an HTTP error response: the Status in body (len bytes)
 * when there is one, else client-go's generic reason and message for code.
 */
void k8c_status_error_from_response(struct k8c_status_error *e, int code, const char *body,
				    size_t len);

/* Fills e (released first) for a failure without a response: code 0, reason "". */
void k8c_status_error_set_transport(struct k8c_status_error *e, const char *message);

/* True when e carries reason (NULL-safe on e). */
bool k8c_status_is(const struct k8c_status_error *e, const char *reason);

/*
 * The negative errno a client call returns for e: -ENOENT NotFound, -EEXIST AlreadyExists,
 * -EBUSY Conflict, -ETIME Expired or 410 Gone, -EACCES 401/403, -EINVAL 400/422 (BadRequest,
 * Invalid), -EAGAIN 429, -ETIMEDOUT 504 or Timeout, -EIO any other code.
 */
int k8c_status_errno(const struct k8c_status_error *e);

#endif
