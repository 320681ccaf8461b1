/*
 * rest.h - a thread-safe REST client for the Kubernetes API on libcurl.
 *
 * One struct k8c_client per API server, shared by every thread of a process: it keeps a
 * pool of curl handles, each keeping its connection alive, so connections are reused
 * across calls and threads (a handle returns to the pool after each call). Every request waits for the client-side rate
 * limiter (token bucket, client-go's 5 qps / burst 10 unless configured, or unlimited),
 * and is retried with exponential back-off and jitter when that is safe:
 *   - the connection could not be made (nothing was sent): any method;
 *   - 429 Too Many Requests (honouring Retry-After): any method;
 *   - 5xx, or the connection broke after sending: only idempotent methods (GET, HEAD,
 *     PUT, DELETE), never POST or PATCH;
 * until max_retries or the per-request deadline runs out.
 *
 * Errors: every call returns 0 on a 2xx response, else a negative errno
 * (k8c_status_errno(): -ENOENT NotFound, -EEXIST AlreadyExists, -EBUSY Conflict, -ETIME
 * Expired...; -ECONNREFUSED, -EHOSTUNREACH, -ETIMEDOUT, -EIO for transport failures) and,
 * when err is not NULL, the parsed Status in *err (released first).
 */
#ifndef K8C_CLIENT_REST_H
#define K8C_CLIENT_REST_H

#include "base/strbuf.h"
#include "client/config.h"
#include "client/status.h"

struct k8c_client;

struct k8c_request {
	const char *method;	  /* "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD" */
	const char *path;	  /* "/api/v1/namespaces/default/pods?limit=500" */
	const char *accept;	  /* NULL = "application/json" */
	const char *content_type; /* NULL = "application/json" when there is a body */
	const char *body;	  /* NULL = no body */
	size_t body_len;
	int64_t timeout_ms; /* deadline for the whole call incl. retries; 0 = the client's */
	bool no_retry;	    /* one try only */
};

struct k8c_response {
	int code;	    /* HTTP status of the last try; 0 when none came */
	char *content_type; /* its Content-Type, or NULL */
	struct strbuf body;
	int attempts; /* tries made (1 + retries) */
};

#define K8C_RESPONSE_INIT { 0, NULL, STRBUF_INIT, 0 }

/* Frees the members of r and zeroes it (reusable). */
void k8c_response_release(struct k8c_response *r);

/*
 * Creates a client for cfg (copied). Returns 0 and *ret, or -EINVAL when cfg->server is
 * not an http:// or https:// URL. Free with k8c_client_free().
 */
int k8c_client_new(const struct k8c_rest_config *cfg, struct k8c_client **ret);

/* Frees c and closes its connections. No call on c may still be running. NULL-safe. */
void k8c_client_free(struct k8c_client *c);

/* The configuration c was made with (borrowed, read-only). */
const struct k8c_rest_config *k8c_client_config(const struct k8c_client *c);

/*
 * Sends req, retrying as described above, and fills resp (released first; may be NULL)
 * with the last response. Returns 0 for a 2xx status, else a negative errno with err
 * (may be NULL) filled. Thread-safe.
 */
int k8c_client_do(struct k8c_client *c, const struct k8c_request *req, struct k8c_response *resp,
		  struct k8c_status_error *err);

/*
 * Receives the body of a streamed 2xx response as it arrives (logs -f). Return 0 to go
 * on, non-zero to end the transfer.
 */
typedef int (*k8c_stream_fn)(const char *data, size_t len, void *userdata);

/*
 * Sends req once (no retries: a stream may have been partly delivered) and hands each
 * piece of a 2xx body to fn as it arrives, until the server ends it or fn stops it.
 * Returns 0 (also when fn stopped it), or a negative errno with err (may be NULL)
 * filled for an error status or a transport failure. Thread-safe.
 */
int k8c_client_stream(struct k8c_client *c, const struct k8c_request *req, k8c_stream_fn fn,
		      void *userdata, struct k8c_status_error *err);

/* TCP connections c has opened so far (for tests and metrics). Thread-safe. */
long k8c_client_connections_opened(struct k8c_client *c);

#endif
