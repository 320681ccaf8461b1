/*
 * kapi.h - the few API calls the kubelet makes, on typed objects: GET into a
 * struct, and a write (POST, PUT, PATCH, DELETE) with a text body whose
 * answer is decoded into a struct when the caller wants it. A thin layer over
 * client/rest.h that turns failures into a negative errno (rest.h's) plus a
 * message. Thread-safe (the client is).
 */
#ifndef K8C_KUBELET_KAPI_H
#define K8C_KUBELET_KAPI_H

#include "api/schema.h"
#include "base/strbuf.h"
#include "client/rest.h"

/*
 * GETs path and decodes the answer into out (a zeroed struct of type t;
 * release it with k8c_release whatever the result). Returns 0, or the
 * negative errno of rest.h (-ENOENT for NotFound) with the server's message
 * in why (may be NULL; appended), or -EPROTO for an answer that does not decode.
 */
int kapi_get(struct k8c_client *c, const char *path, const struct k8c_type *t, void *out,
	     struct strbuf *why);

/*
 * Sends method path with body (JSON text, may be NULL) of content_type
 * (NULL: application/json) and, when t and out are given, decodes the answer
 * into out as kapi_get does. Returns 0 or a negative errno with why as above.
 */
int kapi_send(struct k8c_client *c, const char *method, const char *path, const char *content_type,
	      const char *body, const struct k8c_type *t, void *out, struct strbuf *why);

/*
 * The kubelet's final delete of a pod whose containers are gone:
 * gracePeriodSeconds 0 with the pod's uid as precondition (so a new pod of
 * the same name is never hit). Returns 0, also when the pod is gone already
 * or is another pod now; else a negative errno with why set.
 */
struct k8c_pod;
int kapi_delete_pod_final(struct k8c_client *c, const struct k8c_pod *pod, struct strbuf *why);

/* Appends "/api/v1/namespaces/<ns>/<resource>/<name>[/<sub>]" (encoded) to out. */
void kapi_core_path(struct strbuf *out, const char *ns, const char *resource, const char *name,
		    const char *sub);

#endif
