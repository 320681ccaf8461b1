/*
 * http.h - the API server's HTTP layer on libmicrohttpd.
 *
 * Model: one thread per connection (MHD_USE_THREAD_PER_CONNECTION), so a
 * handler may block (waiting for a group commit, for the watch cache to catch
 * up, or for watch events) without stalling other clients. A request's body
 * is collected whole (up to HTTP_MAX_BODY bytes; larger ones are answered 413
 * without being kept in memory) and then the handler runs once. It must
 * answer exactly once with http_respond*(), from the calling thread.
 */
#ifndef K8C_APISERVER_HTTP_H
#define K8C_APISERVER_HTTP_H

#include "base/strbuf.h"

#define HTTP_MAX_BODY (3 * 1024 * 1024)
/*
 * A body over HTTP_MAX_BODY but under this is read and thrown away before the
 * 413 answer, so that a client still sending it sees the Status instead of a
 * broken pipe; a larger announced body is refused at once.
 */
#define HTTP_MAX_BODY_DRAIN (64 * 1024 * 1024)

struct MHD_Connection;

struct http_request {
	struct MHD_Connection *conn;
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* URL path, without the query */
	struct strbuf body;
	bool body_too_large;
	bool responded;
	bool discard; /* an internal sub-request: answers are recorded (status) but not sent */
	int64_t start_ns; /* monotonic, when the request arrived */
	int status;       /* the status code answered, for metrics */
};

/* The value of query parameter name (URL-decoded, borrowed), or NULL. */
const char *http_query(const struct http_request *r, const char *name);
/* The value of request header name (case-insensitive, borrowed), or NULL. */
const char *http_header(const struct http_request *r, const char *name);

/* Answers with a body; takes ownership of body (malloc'd, may be NULL if len is 0). */
void http_respond(struct http_request *r, int code, const char *content_type, char *body,
		  size_t len);
/* Answers with the bytes of sb, which is left empty. */
void http_respond_buf(struct http_request *r, int code, const char *content_type,
		      struct strbuf *sb);

/*
 * A streamed (chunked) answer. read() fills at most max bytes of buf and
 * returns how many, or HTTP_STREAM_END to finish, or HTTP_STREAM_ERROR to
 * abort the connection; it runs on the connection's thread and may block
 * (it should wake at least every second and return 0 if it has nothing, so
 * that a client that went away is noticed). release() frees ctx once the
 * stream is over, whatever the reason.
 */
#define HTTP_STREAM_END (-1)
#define HTTP_STREAM_ERROR (-2)
struct http_stream_ops {
	long (*read)(void *ctx, char *buf, size_t max);
	void (*release)(void *ctx);
};
void http_respond_stream(struct http_request *r, int code, const char *content_type,
			 const struct http_stream_ops *ops, void *ctx);

/* True when the client of r has closed its side of the connection. */
bool http_client_gone(const struct http_request *r);

/* Called once per complete request (body collected); must answer it. */
typedef void (*http_handler_fn)(void *ctx, struct http_request *r);

struct http_server;

/*
 * Starts serving on bind_address:port (port 0 picks a free one; see
 * http_server_port). Returns 0 and the server, or a negative errno.
 */
int http_server_start(const char *bind_address, int port, http_handler_fn handler, void *ctx,
		      struct http_server **ret_server);
/* The port actually listened on. */
int http_server_port(const struct http_server *s);
/*
 * Stops accepting, waits for every connection thread to finish (streams must
 * have been told to end first), frees s. NULL-safe.
 */
void http_server_stop(struct http_server *s);

#endif
