/*
 * http.c - libmicrohttpd glue: request collection, answers, streams; see http.h.
 */
#include "apiserver/http_push.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apiserver/http_workers.h"
#include "base/timeutil.h"

#define HTTP_PUSHERS_MAX 8
/*
 * Event threads, each serving its share of the connections from its own
 * epoll set and running their handlers itself. A handler that waits (for a
 * group commit) holds up that thread's other connections, so
 * there are more threads than cores: enough for group commits of dozens of
 * writes, few enough that 1,000 nodes' connections do not cost 2,000
 * threads (measured with 64 clients: 32 threads used 16% less CPU than a
 * thread per connection, 64 about the same as 32 or a little more).
 */
#define HTTP_EVENT_THREADS 32
/*
 * At most this many long requests (lists, pod logs, etcd round trips) run at
 * once; more wait for a thread. Started on demand, ~10-20 KiB each once used.
 */
#define HTTP_WORKERS_MAX 256
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
	struct http_workers *workers;
	atomic_size_t suspended; /* connections suspended, not yet resumed */
	atomic_bool stopping;
	struct http_pusher *pushers[HTTP_PUSHERS_MAX];
	size_t n_pushers;
	atomic_size_t next_pusher; /* streams go to the pushers in turn */
	http_handler_fn handler;
	void *ctx;
	int port;
};

/* The socket of conn, or -1. */
static int connection_fd(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	return ci ? ci->connect_fd : -1;
}


bool http_server_stopping(const struct http_server *s)
{
	return atomic_load(&s->stopping);
}

/* Suspends conn (from one of libmicrohttpd's callbacks), counted until http_resume. */
static void suspend(struct http_server *s, struct MHD_Connection *conn)
{
	atomic_fetch_add(&s->suspended, 1);
	MHD_suspend_connection(conn);
}

int http_take_over(struct http_server *s, struct MHD_Connection *conn)
{
	int fd = connection_fd(conn), zero = 0, one = 1;

	if (fd < 0)
		return -1;
	/* libmicrohttpd may have corked the socket for the body it expects to send itself */
	setsockopt(fd, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	suspend(s, conn);
	return fd;
}

ssize_t http_stream_end(bool over, bool failed)
{
	if (!over)
		return 0;
	return failed ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
}

void http_resume(struct http_server *s, struct MHD_Connection *conn)
{
	MHD_resume_connection(conn);
	atomic_fetch_sub(&s->suspended, 1);
}

const char *http_query(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/*
 * Answers r with resp: at once on an event thread; from a worker, once the
 * connection is resumed and libmicrohttpd asks again (on_request), as it
 * takes answers only from its own callbacks.
 */
static void queue(struct http_request *r, int code, const char *content_type,
		  struct MHD_Response *resp)
{
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache, private");
	r->responded = true;
	r->status = code;
	if (r->on_worker) {
		r->answer = resp;
		return;
	}
	MHD_queue_response(r->conn, (unsigned)code, resp);
	MHD_destroy_response(resp);
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

/* False for an internal sub-request, or one already answered: a stream would go nowhere. */
static bool may_answer(const struct http_request *r)
{
	return !r->responded && !r->discard;
}

/* Queues resp, or answers 500 when it could not be made. */
static void queue_or_fail(struct http_request *r, int code, const char *content_type,
			  struct MHD_Response *resp)
{
	if (resp)
		queue(r, code, content_type, resp);
	else
		http_respond(r, 500, "text/plain", xstrdup("no response"), 11);
}

void http_respond_stream(struct http_request *r, int code, const char *content_type,
			 const struct http_stream_ops *ops, void *ctx)
{
	if (!may_answer(r)) {
		ops->release(ctx);
		return;
	}
	queue_or_fail(r, code, content_type, http_stream_response(r, ops, ctx));
}

bool http_client_gone(const struct http_request *r)
{
	int fd = connection_fd(r->conn);
	if (fd < 0)
		return true;
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	if (poll(&p, 1, 0) <= 0)
		return false;
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
		return true;
	char c;
	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static struct http_pusher *pusher_for(struct http_server *s)
{
	return s->pushers[atomic_fetch_add(&s->next_pusher, 1) % s->n_pushers];
}

/* Stops the pushers, ending every stream they still have (NULL-safe for those never started). */
static void stop_pushers(struct http_server *s)
{
	for (size_t i = 0; i < s->n_pushers; i++)
		http_pusher_stop(s->pushers[i]);
}

static void free_pushers(struct http_server *s)
{
	for (size_t i = 0; i < s->n_pushers; i++)
		http_pusher_free(s->pushers[i]);
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
			free_pushers(s);
			return r;
		}
	}
	return 0;
}

struct http_push *http_respond_push(struct http_request *r, int code, const char *content_type,
				    const struct http_push_ops *ops, void *ctx)
{
	struct http_push *p = NULL;
	if (!may_answer(r)) {
		ops->release(ctx);
		return NULL;
	}
	queue_or_fail(r, code, content_type,
		      http_push_response(r->server, pusher_for(r->server), r, ops, ctx, &p));
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

/* What http_run_on_worker handed over, on a worker thread; its answer waits in r->answer. */
static void run_on_worker(void *arg)
{
	struct http_request *r = arg;
	struct http_server *s = r->server;

	r->worker_fn(r->worker_arg);
	if (!r->responded)
		http_respond(r, 500, "text/plain", xstrdup("no response"), 11);
	http_resume(s, r->conn); /* r may be freed from here on */
}

void http_run_on_worker(struct http_request *r, void (*fn)(void *arg), void *arg)
{
	r->on_worker = true;
	r->worker_fn = fn;
	r->worker_arg = arg;
	suspend(r->server, r->conn);
	http_workers_submit(r->server->workers, run_on_worker, r);
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
	if (r->answer) { /* a worker's, now that the connection is resumed */
		MHD_queue_response(conn, (unsigned)r->status, r->answer);
		MHD_destroy_response(r->answer);
		r->answer = NULL;
		return MHD_YES;
	}
	if (r->responded)
		return MHD_YES;
	if (atomic_load(&s->stopping))
		http_respond(r, 503, "text/plain", xstrdup("shutting down"), 13);
	else
		s->handler(s->ctx, r);
	if (!r->responded && !r->on_worker)
		http_respond(r, 500, "text/plain", xstrdup("no response"), 11);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_request *r = *con_cls;
	if (!r)
		return;
	if (r->answer) /* never sent: the connection closed first */
		MHD_destroy_response(r->answer);
	strbuf_release(&r->body);
	free(r);
	*con_cls = NULL;
}

int http_server_start(const char *bind_address, int port, http_handler_fn handler,
		      void *ctx, struct http_server **ret_server)
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
	s->workers = http_workers_new(HTTP_WORKERS_MAX);
	s->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, (uint16_t)port, NULL,
		NULL, on_request, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)60000, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)4096,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_EVENT_THREADS,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_END);
	if (!s->daemon) {
		http_workers_free(s->workers);
		stop_pushers(s);
		free_pushers(s);
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
	/* libmicrohttpd may not stop with a connection suspended: let every one come back */
	atomic_store(&s->stopping, true); /* requests from now on are answered 503 */
	http_workers_drain(s->workers);
	stop_pushers(s); /* after the workers: a stream a handler started is ended too */
	while (atomic_load(&s->suspended)) /* pod log streams end within a second */
		time_sleep_ms(1);
	MHD_stop_daemon(s->daemon);
	http_workers_free(s->workers);
	free_pushers(s);
	free(s);
}
