/*
 * status.h - Kubernetes Status answers (metav1.Status): every error the API
 * server gives is one of these, with the HTTP code, reason, message and
 * details real clients parse (see kube-api-wire.md section 5).
 */
#ifndef K8C_APISERVER_STATUS_H
#define K8C_APISERVER_STATUS_H

#include "api/field_errors.h"
#include "api/kinds.h"
#include "apiserver/http.h"

/* Optional details: name, group, kind (resource plural or Kind) and causes. */
struct status_details {
	const char *name;
	const char *group;
	const char *kind;
	const struct field_errors *causes;
	int retry_after_seconds;
};

/* Appends a Status object as JSON to out. */
void status_encode(struct strbuf *out, int code, const char *reason, const char *message,
		   const struct status_details *d);
/* Answers r with a failure Status (message printf-style). */
void status_respond(struct http_request *r, int code, const char *reason,
		    const struct status_details *d, const char *fmt, ...) K8C_PRINTF(5, 6);
/* Answers r 200 with a Success Status. */
void status_respond_success(struct http_request *r, const struct status_details *d);

/* "pods", "deployments.apps": how Kubernetes names a resource in messages. */
void status_qualified_resource(const struct k8c_kind *k, struct strbuf *out);

/* 404: deployments.apps "web" not found */
void status_not_found(struct http_request *r, const struct k8c_kind *k, const char *name);
/* 409: deployments.apps "web" already exists */
void status_already_exists(struct http_request *r, const struct k8c_kind *k, const char *name);
/* 409: Operation cannot be fulfilled on deployments.apps "web": <why> */
void status_conflict(struct http_request *r, const struct k8c_kind *k, const char *name,
		     const char *why);
/* 422: Deployment.apps "web" is invalid: <errors> (with causes) */
void status_invalid(struct http_request *r, const struct k8c_kind *k, const char *name,
		    const struct field_errors *errs);
/* 400 BadRequest with a message. */
void status_bad_request(struct http_request *r, const char *fmt, ...) K8C_PRINTF(2, 3);
/* Maps a STORAGE_E* error to 503/504/413/500 and answers. */
void status_storage_error(struct http_request *r, const struct k8c_kind *k, const char *name,
			  int err);

#endif
