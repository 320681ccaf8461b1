/*
 * typed.h - one request whose answer is a typed object: sends a k8c_request (its body
 * already encoded, e.g. with k8c_encode()) and decodes a 2xx JSON answer into a struct
 * of the generated types (api/types.gen.h). The leader elector and the event recorder
 * are built on it; unlike verbs.h it takes the request's own deadline and never builds a
 * cJSON tree. Thread-safe (the client is).
 */
#ifndef K8C_CLIENT_TYPED_H
#define K8C_CLIENT_TYPED_H

#include "api/schema.h"
#include "client/rest.h"

/*
 * Sends req through c. On a 2xx answer, when ret_obj is not NULL, decodes the body as
 * type t into *ret_obj (a struct the caller released or zeroed before; leniently: unknown
 * fields are dropped). Returns 0, the negative errno of rest.h with err (may be NULL)
 * filled, or -EPROTO when a 2xx body is not a t (ret_obj then released and zeroed).
 * The caller releases *ret_obj with k8c_release() after success.
 */
int k8c_typed_do(struct k8c_client *c, const struct k8c_request *req, const struct k8c_type *t,
		 void *ret_obj, struct k8c_status_error *err);

#endif
