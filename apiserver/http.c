/*
 * http.c - libmicrohttpd glue: request collection, answers, streams; see http.h.
 */
#include "apiserver/http_push.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/timeutil.h"

#define HTTP_PUSHERS_MAX 8
/*
 * libmicrohttpd's memory per connection, for the request's headers and the
 * answer's. It is resident for the connection's life: half of it from the
 * first request, all of it once a kept-alive connection served one (it
 * zeroes the pool between requests), and every watch and every idle client
 * keeps a connection (8 KiB instead of 16 measured 4 KiB less RSS per watch,
 * 15 MiB less at 1,000 hollow nodes). Request headers of up to ~7 KiB still
 * fit (more than kubectl and client libraries send, bearer tokens included);
 * larger ones are refused with 431.
 */
#define CONNECTION_MEMORY (8 * 1024)

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_pusher *pushers[HTTP_PUSHERS_MAX];
	size_t n_pushers;
	atomic_size_t next_pusher; /* streams go to the pushers in turn */
	http_handler_fn handler;
	void *ctx;
	int port;
};

const char *http_query(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static void queue(struct http_request *r, int code, const char *content_type,
		  struct MHD_Response *resp)
{
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache, private");
	MHD_queue_response(r->conn, (unsigned)code, resp);
	MHD_destroy_response(resp);
	r->responded = true;
	r->status = code;
}

void http_respond(struct http_request *r, int code, const char *content_type, char *body,
		  size_t len)
{
	if (r->responded || r->discard) {
		if (!r->responded)
			r->status = code;
		r->responded = true;
		free(body);
		return;
	}
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, body ? body : (char *)"", body ?
						MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	queue(r, code, content_type, resp);
}

void http_respond_buf(struct http_request *r, int code, const char *content_type,
		      struct strbuf *sb)
{
	size_t len;
	char *body = strbuf_detach(sb, &len);
	http_respond(r, code, content_type, body, len);
}

struct stream {
	const struct http_stream_ops *ops;
	void *ctx;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	long n = s->ops->read(s->ctx, buf, max);
	if (n == HTTP_STREAM_END)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	s->ops->release(s->ctx);
	free(s);
}

void http_respond_stream(struct http_request *r, int code, const char *content_type,
			 const struct http_stream_ops *ops, void *ctx)
{
	struct stream *s = xmalloc(sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	struct MHD_Response *resp =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 8192, stream_read, s, stream_free);
	queue(r, code, content_type, resp);
}

bool http_client_gone(const struct http_request *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return true;
	struct pollfd p = { .fd = ci->connect_fd, .events = POLLIN | POLLRDHUP };
	if (poll(&p, 1, 0) <= 0)
		return false;
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
		return true;
	char c;
	return recv(ci->connect_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static struct http_pusher *pusher_for(struct http_server *s)
{
	return s->pushers[atomic_fetch_add(&s->next_pusher, 1) % s->n_pushers];
}

/* Stops the pushers (NULL-safe for those never started). */
static void stop_pushers(struct http_server *s)
{
	for (size_t i = 0; i < s->n_pushers; i++)
		http_pusher_stop(s->pushers[i]);
}

/* One pusher per core: a busy fan-out then uses every core, and a loaded machine
 * schedules the pushers like the server's other threads. */
static int start_pushers(struct http_server *s)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	s->n_pushers = cpus < 1 ? 1 : cpus > HTTP_PUSHERS_MAX ? HTTP_PUSHERS_MAX : (size_t)cpus;
	for (size_t i = 0; i < s->n_pushers; i++) {
		int r = http_pusher_start(&s->pushers[i]);
		if (r < 0) {
			stop_pushers(s);
			return r;
		}
	}
	return 0;
}

struct http_push *http_respond_push(struct http_request *r, int code, const char *content_type,
				    const struct http_push_ops *ops, void *ctx)
{
	struct http_push *p = NULL;
	struct MHD_Response *resp = NULL;

	if (!r->responded && !r->discard)
		resp = http_push_response(pusher_for(r->server), r, ops, ctx, &p);
	else
		ops->release(ctx);
	if (resp)
		queue(r, code, content_type, resp);
	else
		http_respond(r, 500, "text/plain", xstrdup("no response"), 11);
	return p;
}

static enum MHD_Result begin(struct http_server *s, struct MHD_Connection *conn, const char *url,
			     const char *method, const char *version, void **con_cls)
{
	struct http_request *r = xcalloc(1, sizeof(*r));
	r->server = s;
	r->conn = conn;
	r->http11 = !strcmp(version, MHD_HTTP_VERSION_1_1);
	r->method = method;
	r->path = url;
	r->start_ns = time_mono_ns();
	strbuf_init(&r->body, 0);
	*con_cls = r;
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > HTTP_MAX_BODY_DRAIN) {
		/* answer at once without reading the body; MHD closes the connection after */
		r->body_too_large = true;
		s->handler(s->ctx, r);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_request *r = *con_cls;
	if (!r)
		return begin(s, conn, url, method, version, con_cls);
	if (*upload_size) {
		if (!r->body_too_large && r->body.len + *upload_size <= HTTP_MAX_BODY)
			strbuf_add(&r->body, upload, *upload_size);
		else
			r->body_too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (!r->responded)
		s->handler(s->ctx, r);
	if (!r->responded)
		http_respond(r, 500, "text/plain", xstrdup("no response"), 11);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_request *r = *con_cls;
	if (!r)
		return;
	strbuf_release(&r->body);
	free(r);
	*con_cls = NULL;
}

int http_server_start(const char *bind_address, int port, http_handler_fn handler, void *ctx,
		      struct http_server **ret_server)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, bind_address, &addr.sin_addr) != 1)
		return -EINVAL;
	struct http_server *s = xcalloc(1, sizeof(*s));
	s->handler = handler;
	s->ctx = ctx;
	int r = start_pushers(s);
	if (r < 0) {
		free(s);
		return r;
	}
	s->daemon = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD, (uint16_t)port, NULL,
		NULL, on_request, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)60000, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)4096,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_END);
	if (!s->daemon) {
		stop_pushers(s);
		free(s);
		return -EADDRINUSE;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : port;
	*ret_server = s;
	return 0;
}

int http_server_port(const struct http_server *s)
{
	return s->port;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	stop_pushers(s);
	free(s);
}
