/*
 * logs_server.c - the kubelet's /containerLogs and /healthz on
 * libmicrohttpd; see logs_server.h.
 */
#include "kubelet/logs_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <poll.h>
#include <sys/socket.h>

#include "base/timeutil.h"
#include "kubelet/kubelet.h"
#include "kubelet/logs_stream.h"
#include "kubelet/pods.h"

struct logs_server {
	struct kubelet *k;
	struct MHD_Daemon *daemon;
	int port;
};

static enum MHD_Result respond_text(struct MHD_Connection *conn, unsigned code, const char *text)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	enum MHD_Result r = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	return r;
}

/* --- streaming --- */

struct stream_ctx {
	struct logs_stream *stream;
	struct MHD_Connection *conn;
};

static bool client_gone(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
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

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_ctx *c = cls;
	long n = logs_stream_read(c->stream, buf, max, 1000);
	if (n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n == 0 && client_gone(c->conn))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

static void stream_free(void *cls)
{
	struct stream_ctx *c = cls;
	logs_stream_close(c->stream);
	free(c);
}

/* --- options --- */

/* Parses an integer query parameter; absent leaves *out. Returns -EINVAL when malformed. */
static int query_int(struct MHD_Connection *conn, const char *name, int64_t min, int64_t *out,
		     bool *present)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
	*present = v != NULL;
	if (!v)
		return 0;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || errno || n < min)
		return -EINVAL;
	*out = n;
	return 0;
}

static bool query_bool(struct MHD_Connection *conn, const char *name)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
	return v && (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1"));
}

/* Fills req from the query; why gets Kubernetes' message for a bad value. */
static int parse_options(struct MHD_Connection *conn, struct logs_request *req, bool *previous,
			 struct strbuf *why)
{
	int64_t tail = 0, since_s = 0, limit = 0;
	bool has_tail, has_since, has_limit;
	if (query_int(conn, "tailLines", 0, &tail, &has_tail) < 0)
		strbuf_addstr(why, "tailLines: Invalid value: must be greater than or equal to 0");
	else if (query_int(conn, "sinceSeconds", 1, &since_s, &has_since) < 0)
		strbuf_addstr(why, "sinceSeconds: Invalid value: must be greater than 0");
	else if (query_int(conn, "limitBytes", 1, &limit, &has_limit) < 0)
		strbuf_addstr(why, "limitBytes: Invalid value: must be greater than 0");
	if (why->len)
		return -EINVAL;
	const char *since_time = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "sinceTime");
	int64_t since_ns = 0;
	if (since_time && time_parse_rfc3339(since_time, &since_ns) < 0) {
		strbuf_addf(why, "sinceTime: Invalid value: \"%s\": not an RFC 3339 time", since_time);
		return -EINVAL;
	}
	if (has_since && since_time) {
		strbuf_addstr(why, "at most one of `sinceTime` or `sinceSeconds` may be specified");
		return -EINVAL;
	}
	if (has_since)
		since_ns = time_now_ns() - since_s * K8C_NSEC_PER_SEC;
	req->opts.flags = (query_bool(conn, "follow") ? DOCKER_LOGS_FOLLOW : 0) |
			  (query_bool(conn, "timestamps") ? DOCKER_LOGS_TIMESTAMPS : 0) |
			  (has_tail ? DOCKER_LOGS_TAIL : 0);
	req->opts.tail = tail;
	req->opts.since_ns = since_ns;
	req->limit_bytes = has_limit ? limit : 0;
	*previous = query_bool(conn, "previous");
	return 0;
}

/* --- requests --- */

/* Splits "/containerLogs/<ns>/<pod>/<container>" into parts[3]. */
static bool parse_path(const char *url, struct strbuf parts[3])
{
	static const char prefix[] = "/containerLogs/";
	if (strncmp(url, prefix, sizeof(prefix) - 1))
		return false;
	const char *p = url + sizeof(prefix) - 1;
	for (int i = 0; i < 3; i++) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!n || (i < 2 && !slash) || (i == 2 && slash && slash[1]))
			return false;
		strbuf_add(&parts[i], p, n);
		p += n + (slash ? 1 : 0);
	}
	return true;
}

/* Answers 200 with the log req names, streamed. */
static enum MHD_Result respond_stream(struct MHD_Connection *conn, const struct logs_request *req)
{
	struct stream_ctx *c = xcalloc(1, sizeof(*c));
	c->conn = conn;
	c->stream = logs_stream_start(req);
	struct MHD_Response *resp = c->stream ? MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, 16384, stream_read, c, stream_free) : NULL;
	if (!resp) {
		if (c->stream)
			logs_stream_close(c->stream);
		free(c);
		return respond_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the log\n");
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result serve_logs(struct logs_server *s, struct MHD_Connection *conn,
				  const char *url)
{
	struct strbuf parts[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }, why = STRBUF_INIT;
	struct logs_request req = { .docker_socket = s->k->cfg->docker_socket };
	bool previous = false, tty = false;
	char *id = NULL;
	enum MHD_Result ret;
	if (!parse_path(url, parts)) {
		ret = respond_text(conn, MHD_HTTP_NOT_FOUND, "404 page not found\n");
	} else if (parse_options(conn, &req, &previous, &why) < 0) {
		ret = respond_text(conn, 422, why.buf);
	} else {
		int r = pod_manager_log_target(s->k->pods, parts[0].buf, parts[1].buf, parts[2].buf,
					       previous, &id, &tty, &why);
		if (r < 0) {
			ret = respond_text(conn, r == -ENOENT ? MHD_HTTP_NOT_FOUND : MHD_HTTP_BAD_REQUEST,
					   why.buf);
		} else {
			req.container_id = id;
			req.opts.flags |= tty ? DOCKER_LOGS_TTY : 0;
			ret = respond_stream(conn, &req);
		}
	}
	free(id);
	for (int i = 0; i < 3; i++)
		strbuf_release(&parts[i]);
	strbuf_release(&why);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct logs_server *s = cls;
	static int first_call;
	if (!*con_cls) { /* the headers: wait for the (empty) body */
		*con_cls = &first_call;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "405 method not allowed\n");
	if (!strcmp(url, "/healthz"))
		return respond_text(conn, MHD_HTTP_OK, "ok");
	return serve_logs(s, conn, url);
}

int logs_server_start(struct kubelet *k, const char *address, int port, struct logs_server **ret)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, address, &addr.sin_addr) != 1)
		return -EINVAL;
	struct logs_server *s = xcalloc(1, sizeof(*s));
	s->k = k;
	s->daemon = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD, (uint16_t)port, NULL,
		NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024), MHD_OPTION_END);
	if (!s->daemon) {
		free(s);
		return -EADDRINUSE;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : port;
	*ret = s;
	return 0;
}

int logs_server_port(const struct logs_server *s)
{
	return s->port;
}

void logs_server_stop(struct logs_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	free(s);
}
