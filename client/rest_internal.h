/*
 * rest_internal.h - what rest.c shares with watch.c: borrowing a curl handle from the
 * client's pool and setting it up for one transfer (URL, method, headers, TLS,
 * credentials, response capture). Internal to client/.
 */
#ifndef K8C_CLIENT_REST_INTERNAL_H
#define K8C_CLIENT_REST_INTERNAL_H

#include <curl/curl.h>

#include "client/rest.h"

/* One transfer's state: what the curl handle points at while it runs. */
struct rest__transfer {
	struct curl_slist *headers;
	struct strbuf url;
	char errbuf[CURL_ERROR_SIZE];
	char *content_type;	 /* from the response headers; owned */
	int retry_after_seconds; /* Retry-After header; 0 = none */
};

/* Takes a handle from c's pool (or makes one). Thread-safe. */
CURL *rest__handle_acquire(struct k8c_client *c);

/* Gives h back to c's pool. Thread-safe. */
void rest__handle_release(struct k8c_client *c, CURL *h);

/*
 * Resets h and sets it up to send req through c, capturing response headers into t
 * (zeroed by the caller before the first use). The body is written by the caller's own
 * CURLOPT_WRITEFUNCTION. release() frees what setup allocated.
 */
void rest__transfer_setup(struct k8c_client *c, CURL *h, const struct k8c_request *req,
			  struct rest__transfer *t);
void rest__transfer_release(struct rest__transfer *t);

/* The negative errno and Status for a failed curl transfer (code: curl's result). */
int rest__transport_error(CURLcode code, const struct k8c_request *req,
			  const struct rest__transfer *t, struct k8c_status_error *err);

/* Waits for c's rate limiter. */
void rest__throttle(struct k8c_client *c);

#endif
