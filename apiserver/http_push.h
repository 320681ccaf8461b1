/*
 * http_push.h - the HTTP layer's insides, shared by http.c, http_push.c,
 * http_stream.c and http_out.c: the pusher (the thread of an HTTP server that
 * writes every pushed stream, http_respond_push, to its socket), suspending
 * and resuming connections whose streams are written by threads of ours, and
 * struct http_out.
 */
#ifndef K8C_APISERVER_HTTP_PUSH_H
#define K8C_APISERVER_HTTP_PUSH_H

#include <sys/uio.h>

#include "apiserver/http.h"

struct MHD_Connection;
struct MHD_Response;
struct http_pusher;

/* Starts a pusher thread. Returns 0, or a negative errno (no thread, no epoll). */
int http_pusher_start(struct http_pusher **ret_pusher);
/*
 * Ends every stream pu still has (failed, unless its owner has ended it and
 * it is written) and joins the thread; a stream handed over later fails at
 * once. NULL-safe.
 */
void http_pusher_stop(struct http_pusher *pu);
/* Frees a stopped pu, once no stream can be handed to it. NULL-safe. */
void http_pusher_free(struct http_pusher *pu);

/*
 * From the content callback of a response whose body a thread of ours
 * writes (pushed and pod-log streams): suspends conn and returns its socket,
 * uncorked, to write the body's chunks to; -1 (nothing suspended) when it
 * has none. Once the body is written, http_resume(s, conn) gives the
 * connection back; the callback, asked again, answers http_stream_end().
 */
int http_take_over(struct http_server *s, struct MHD_Connection *conn);
/*
 * Resumes conn (any thread), suspended by http_take_over or
 * http_run_on_worker; every suspended connection must be resumed before the
 * daemon stops. From here on the connection's request and response may be
 * freed at any moment.
 */
void http_resume(struct http_server *s, struct MHD_Connection *conn);
/*
 * What such a content callback answers when asked again: 0 (ask later)
 * until the stream is handed back (over), then its end, with an error
 * (the connection closed) when failed.
 */
ssize_t http_stream_end(bool over, bool failed);

/* True once http_server_stop has begun. */
bool http_server_stopping(const struct http_server *s);

/* The MHD response of a stream of ops/ctx on r (see http_respond_stream), or NULL. */
struct MHD_Response *http_stream_response(struct http_request *r,
					  const struct http_stream_ops *ops, void *ctx);

/*
 * The MHD response of a pushed stream on r's connection, served by pu; the
 * stream handle in *ret_push. The response owns the stream: if it is never
 * started, destroying it releases ops/ctx.
 */
struct MHD_Response *http_push_response(struct http_server *s, struct http_pusher *pu,
					struct http_request *r,
					const struct http_push_ops *ops, void *ctx,
					struct http_push **ret_push);

/* struct http_out, for http_push.c: copied text with references spliced in. */
struct http_out_ref {
	size_t at; /* offset in text where these bytes go */
	const char *data;
	size_t len;
	void (*unref)(void *);
	void *owner;
};
struct http_out {
	struct strbuf text;
	struct http_out_ref *refs;
	size_t n_refs, alloc_refs;
	size_t piece, off; /* sending: the next piece (http_out_iov) and bytes of it sent */
};

void http_out_init(struct http_out *o);
/* Drops the bytes and references (unref each); o stays usable. */
void http_out_reset(struct http_out *o);
void http_out_release(struct http_out *o);
/* Total bytes in o. */
size_t http_out_len(const struct http_out *o);
/* True when o holds nothing. */
bool http_out_empty(const struct http_out *o);
/*
 * Fills up to max iovecs with what is left to send of o (from its cursor);
 * returns how many.
 */
int http_out_iov(const struct http_out *o, struct iovec *iov, int max);
/* Wraps o's bytes (not empty) in one HTTP/1.1 chunk: "<hex size>\r\n" ... "\r\n". */
void http_out_frame_chunk(struct http_out *o);
/* Moves o's cursor n bytes on; true when everything is sent. */
bool http_out_advance(struct http_out *o, size_t n);

#endif
