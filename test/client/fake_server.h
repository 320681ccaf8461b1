/*
 * fake_server.h - a throwaway HTTP server for the client tests (libmicrohttpd, one thread
 * per connection, 127.0.0.1 on a free port). A test gives it a handler that scripts each
 * reply: status, body, Retry-After, or a stream of chunks (optionally held open) for
 * watches. The server counts requests and TCP connections and keeps the last request.
 * Thread-safe.
 */
#ifndef K8C_TEST_FAKE_SERVER_H
#define K8C_TEST_FAKE_SERVER_H

#include "base/strbuf.h"

struct fake_request {
	char *method;
	char *path; /* with the query, values decoded: "/api/v1/pods?watch=true" */
	char *body;
	char *authorization;
	char *user_agent;
	char *content_type;
	char *accept;
	int index;		   /* 0-based count of requests before this one */
	bool client_cert_verified; /* TLS: the client showed a certificate the trust CA signed */
};

struct fake_reply {
	int code;		  /* default 200 */
	const char *content_type; /* default "application/json" */
	struct strbuf body;
	int retry_after; /* > 0: a Retry-After header */
	int delay_ms;	 /* wait this long before answering */
	/* streamed replies (chunked): each chunk is sent as it is, in order */
	char **chunks; /* owned by the reply: set with fake_reply_add_chunk() */
	size_t nchunks;
	bool hold_open; /* after the chunks, keep the stream open until the server stops */
};

/* Appends a copy of text as one chunk of a streamed reply. */
void fake_reply_add_chunk(struct fake_reply *reply, const char *text);

typedef void (*fake_handler_fn)(const struct fake_request *req, struct fake_reply *reply,
				void *userdata);

struct fake_server;

/* Starts a server calling fn for each request. Aborts when it cannot start. */
struct fake_server *fake_server_start(fake_handler_fn fn, void *userdata);

/* PEM texts for a TLS server; trust (may be NULL) is the CA client certificates need. */
struct fake_tls {
	const char *cert;
	const char *key;
	const char *trust;
};

/* Same as fake_server_start(), serving HTTPS with tls. */
struct fake_server *fake_server_start_tls(fake_handler_fn fn, void *userdata,
					  const struct fake_tls *tls);

/* "http://127.0.0.1:PORT" or "https://..." (borrowed). */
const char *fake_server_url(struct fake_server *s);

/* Requests answered (or being answered) so far. */
int fake_server_requests(struct fake_server *s);

/* TCP connections accepted so far. */
int fake_server_connections(struct fake_server *s);

/* A copy of the last request (release with fake_request_release()). */
void fake_server_last_request(struct fake_server *s, struct fake_request *out);

void fake_request_release(struct fake_request *r);

/* Stops the server, ending held streams. */
void fake_server_stop(struct fake_server *s);

#endif
