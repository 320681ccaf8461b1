/*
 * http.h - internal to kubelet/docker/: the client object and the one
 * function that sends a request to the daemon and maps its answer to an
 * errno, shared by the files that implement the API calls. Not installed for
 * other layers: they see client.h.
 */
#ifndef K8C_KUBELET_DOCKER_HTTP_H
#define K8C_KUBELET_DOCKER_HTTP_H

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "base/strbuf.h"
#include "kubelet/docker/client.h"

struct docker__request;

struct docker_client {
	CURL *curl;
	char *socket_path;
	struct curl_slist *headers;
	int64_t timeout_ms;
	struct strbuf url;
	struct strbuf body;		   /* the last response body, unless it was streamed */
	struct strbuf error;		   /* docker_client_last_error() */
	const struct docker__request *req; /* the request in flight */
	int stop;			   /* why a callback aborted the transfer */
	char curl_error[CURL_ERROR_SIZE];
};

/*
 * Receives a 2xx response body as it arrives (borrowed bytes). Returns 0 to
 * go on, or a non-zero value that aborts the transfer and is returned by
 * docker__do() (a positive one looks like a status there: a sink whose value
 * matters keeps it itself).
 */
typedef int (*docker__sink_fn)(void *ud, const char *data, size_t len);

struct docker__request {
	const char *method;	     /* "GET", "POST", "DELETE" */
	const char *path;	     /* below the /v1.41 prefix, query included */
	const char *json;	     /* request body, NULL for none */
	size_t body_len;	     /* its length when it is not a string (0: strlen(json)) */
	int64_t timeout_ms;	     /* 0: the client's timeout; negative: none */
	int conflict;		     /* the errno for HTTP 409 (negative); 0 means -EBUSY */
	docker__sink_fn sink;	     /* set: stream the 2xx body here instead of into c->body */
	bool (*cancelled)(void *ud); /* optional: polled about once a second; true aborts */
	void *ud;		     /* for sink and cancelled */
};

/*
 * Sets the options of c->curl that hold for every request (socket, headers,
 * callbacks). Returns 0, or -ENOMEM when libcurl cannot take them.
 */
int docker__setup_handle(struct docker_client *c);
/*
 * Sends req on c's connection and waits for the whole answer. Returns the
 * HTTP status (200-399; the body is in c->body unless it was streamed) or a
 * negative errno as client.h lists (-ECANCELED when cancelled() said so, a
 * sink's own non-zero value when it stopped the transfer), with c->error set.
 */
int docker__do(struct docker_client *c, const struct docker__request *req);
/* docker__do() of a request without body, sink or own timeout. */
int docker__call(struct docker_client *c, const char *method, const char *path, int conflict);

/* Appends prefix, s percent-encoded, then suffix (NULL for none) to sb. */
void docker__add_path(struct strbuf *sb, const char *prefix, const char *s, const char *suffix);
/* Appends s percent-encoded (for a path segment or a query value) to sb. */
void docker__add_escaped(struct strbuf *sb, const char *s);

/* Sets c->error from fmt and returns err (negative). */
int docker__fail(struct docker_client *c, int err, const char *fmt, ...) K8C_PRINTF(3, 4);
/*
 * Parses c->body as JSON into *ret (free with cJSON_Delete). Returns 0, or
 * -EPROTO with c->error set when the body is not JSON of the expected type
 * (cJSON_Object or cJSON_Array).
 */
int docker__parse_body(struct docker_client *c, int type, cJSON **ret);

/*
 * GETs path and parses the answer into *ret (free with cJSON_Delete), which
 * must be of the given cJSON type. Returns 0 or a negative errno (c->error set).
 */
int docker__get_json(struct docker_client *c, const char *path, int type, cJSON **ret);
/* docker__get_json() of the object at prefix + name (escaped) + "/json": an inspect. */
int docker__inspect_json(struct docker_client *c, const char *prefix, const char *name,
			 cJSON **ret);

#endif
