/*
 * http.h - the API server's HTTP layer on libmicrohttpd.
 *
 * Model: a fixed set of event threads serve every connection from epoll
 * (HTTP_EVENT_THREADS in http.c), and run each request's handler on the
 * connection's event thread, so an idle connection costs no thread and a
 * request no hand-over between threads. A handler may wait for a moment
 * (for a group commit, for the watch cache to catch up), holding up that
 * thread's other connections meanwhile; one that may take long (a list, a
 * pod's log, an etcd round trip) hands the rest of its work to a worker
 * thread instead (http_run_on_worker), with the connection suspended until
 * it has answered. Watch streams are
 * written by the server's pusher threads (http_respond_push), pod log streams
 * by a thread each (http_respond_stream). A request's body is collected whole
 * (up to HTTP_MAX_BODY bytes; larger ones are answered 413 without being kept
 * in memory) and then the handler runs once. It must answer exactly once with
 * http_respond*(), from the calling thread (or hand the request over with
 * http_run_on_worker).
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
struct MHD_Response;
struct http_server;

struct http_request {
	struct http_server *server;
	struct MHD_Connection *conn;
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* URL path, without the query */
	struct strbuf body;
	bool body_too_large;
	bool responded;
	bool discard; /* an internal sub-request: answers are recorded (status) but not sent */
	bool http11;      /* HTTP/1.1: a stream of unknown length is chunked */
	int64_t start_ns; /* monotonic, when the request arrived */
	int status;       /* the status code answered, for metrics */
	/* the HTTP layer's */
	bool on_worker;              /* handed over: answered from a worker thread */
	struct MHD_Response *answer; /* a worker's answer, queued once the connection resumes */
	void (*worker_fn)(void *arg); /* what the worker runs */
	void *worker_arg;
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
 * A streamed (chunked) answer pulled from a blocking source (pod logs) by
 * a thread of the stream's own. read() fills at most max bytes of buf and
 * returns how many, or HTTP_STREAM_END to finish, or HTTP_STREAM_ERROR to
 * abort the connection; it runs on the stream's thread and may block (it should wake at least
 * every second and return 0 if it has nothing, so that a client that went
 * away is noticed). release() frees ctx once the stream is over, whatever
 * the reason. For many long-lived streams (watches) use a pushed stream.
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

/*
 * A pushed stream: a long-lived chunked answer (a watch) written by the
 * server's pusher thread, which serves every such stream of the server from
 * one epoll loop, so that a thousand watches cost one wake-up per batch of
 * events instead of a thousand; the connection's own thread only sleeps
 * until the stream is over. What is pushed is gathered in a struct http_out:
 * copied text, plus references to bytes owned elsewhere (an event's shared
 * JSON), written with sendmsg() without being copied.
 */
struct http_out;
struct http_push;
struct http_push_ops {
	/*
	 * Appends the stream's next bytes to out (appending nothing is fine).
	 * Returns 0; HTTP_STREAM_END to end the stream once out is written;
	 * HTTP_STREAM_ERROR to abort the connection. Runs on the pusher thread
	 * when the stream is woken and about once a second (for timeouts and
	 * bookmarks), never while earlier bytes are still unwritten; must not block.
	 */
	int (*fill)(void *ctx, struct http_out *out);
	/*
	 * Frees ctx once the stream is over, whatever the reason; no fill() and
	 * no http_push_wake() may follow. Runs on the pusher thread, or on an
	 * event thread if the stream never started.
	 */
	void (*release)(void *ctx);
};
/*
 * Answers r with a pushed stream of ops and ctx. The handle it returns is
 * valid until ops->release(ctx) has run: the owner of ctx may pass it to
 * http_push_wake() until then.
 */
struct http_push *http_respond_push(struct http_request *r, int code, const char *content_type,
				    const struct http_push_ops *ops, void *ctx);
/* Asks for a fill() of p soon. Any thread; cheap when p is already waiting for one. */
void http_push_wake(struct http_push *p);
/* The copied part of out: what is appended to it follows every reference added so far. */
struct strbuf *http_out_text(struct http_out *out);
/*
 * Appends len bytes at data, not copied: they must stay valid until
 * unref(owner), which runs once they are written (or dropped), on the pusher thread.
 */
void http_out_add_ref(struct http_out *out, const void *data, size_t len, void (*unref)(void *),
		      void *owner);

/* Called once per complete request (body collected); must answer it. */
typedef void (*http_handler_fn)(void *ctx, struct http_request *r);
/*
 * From a handler, instead of answering r: suspends r's connection and runs
 * fn(arg) on a worker thread, where it may block (a list of thousands of
 * objects, a proxied log, an etcd round trip) without holding up the event
 * thread's other connections; fn must answer r exactly once (a 500 is sent
 * if it does not). r stays valid until fn returns.
 */
void http_run_on_worker(struct http_request *r, void (*fn)(void *arg), void *arg);

/*
 * Starts serving on bind_address:port (port 0 picks a free one; see
 * http_server_port). Returns 0 and the server, or a negative errno.
 */
int http_server_start(const char *bind_address, int port, http_handler_fn handler,
		      void *ctx, struct http_server **ret_server);
/* The port actually listened on. */
int http_server_port(const struct http_server *s);
/*
 * Answers new requests 503, waits for the running handlers, ends every
 * stream still open (pushed streams should have been told to end first, so
 * that they end cleanly), stops serving, frees s. NULL-safe.
 */
void http_server_stop(struct http_server *s);

#endif
