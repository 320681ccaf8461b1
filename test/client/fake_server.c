/*
 * fake_server.c - the scripted HTTP server of fake_server.h.
 */
#include "test/client/fake_server.h"

#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>

#include "base/timeutil.h"

struct fake_server {
	struct MHD_Daemon *daemon;
	fake_handler_fn fn;
	void *userdata;
	char url[64];
	pthread_mutex_t lock;
	int requests;
	atomic_int connections;
	atomic_bool stopping;
	struct fake_request last;
};

/* Per-request state while the body arrives. */
struct pending {
	struct strbuf body;
	bool seen;
};

/* A streamed reply being sent. */
struct stream {
	struct fake_server *server;
	struct fake_reply reply;
	size_t next;
	size_t offset;
};

void fake_reply_add_chunk(struct fake_reply *reply, const char *text)
{
	reply->chunks = xrealloc(reply->chunks, (reply->nchunks + 1) * sizeof(*reply->chunks));
	reply->chunks[reply->nchunks++] = xstrdup(text);
}

static void reply_release(struct fake_reply *reply)
{
	for (size_t i = 0; i < reply->nchunks; i++)
		free(reply->chunks[i]);
	free(reply->chunks);
	strbuf_release(&reply->body);
}

void fake_request_release(struct fake_request *r)
{
	free(r->method);
	free(r->path);
	free(r->body);
	free(r->authorization);
	free(r->user_agent);
	free(r->content_type);
	free(r->accept);
	memset(r, 0, sizeof(*r));
}

static void request_copy(struct fake_request *dst, const struct fake_request *src)
{
	dst->method = xstrdup(src->method);
	dst->path = xstrdup(src->path);
	dst->body = xstrdup(src->body);
	dst->authorization = xstrdup(src->authorization);
	dst->user_agent = xstrdup(src->user_agent);
	dst->content_type = xstrdup(src->content_type);
	dst->accept = xstrdup(src->accept);
	dst->index = src->index;
	dst->client_cert_verified = src->client_cert_verified;
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	struct strbuf *path = cls;
	strbuf_addch(path, strchr(path->buf, '?') ? '&' : '?');
	strbuf_addf(path, "%s=%s", key, value ? value : "");
	return MHD_YES;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* True when the TLS client presented a certificate that verifies against the trust CA. */
static bool client_cert_verified(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!info || !info->tls_session)
		return false;
	gnutls_session_t session = info->tls_session;
	unsigned n = 0, status = 1;
	if (!gnutls_certificate_get_peers(session, &n) || n == 0)
		return false;
	return gnutls_certificate_verify_peers2(session, &status) == 0 && status == 0;
}

static ssize_t read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	while (st->next == st->reply.nchunks) {
		if (!st->reply.hold_open || atomic_load(&st->server->stopping))
			return MHD_CONTENT_READER_END_OF_STREAM;
		time_sleep_ms(2);
	}
	if (st->offset == 0 && st->next > 0 && st->reply.delay_ms)
		time_sleep_ms(st->reply.delay_ms);
	const char *chunk = st->reply.chunks[st->next];
	size_t len = strlen(chunk) - st->offset;
	size_t n = len < max ? len : max;
	memcpy(buf, chunk + st->offset, n);
	st->offset += n;
	if (st->offset == strlen(chunk)) {
		st->next++;
		st->offset = 0;
	}
	return (ssize_t)n;
}

static void free_stream(void *cls)
{
	struct stream *st = cls;
	reply_release(&st->reply);
	free(st);
}

static struct MHD_Response *make_response(struct fake_server *s, struct fake_reply *reply)
{
	struct MHD_Response *resp;
	if (reply->nchunks || reply->hold_open) {
		struct stream *st = xcalloc(1, sizeof(*st));
		st->server = s;
		st->reply = *reply;
		memset(reply, 0, sizeof(*reply));
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536, read_stream, st,
							 free_stream);
	} else {
		resp = MHD_create_response_from_buffer(reply->body.len, reply->body.buf,
						       MHD_RESPMEM_MUST_COPY);
	}
	MHD_add_response_header(resp, "Content-Type",
				reply->content_type ? reply->content_type : "application/json");
	if (reply->retry_after > 0) {
		char v[16];
		snprintf(v, sizeof(v), "%d", reply->retry_after);
		MHD_add_response_header(resp, "Retry-After", v);
	}
	return resp;
}

/* Records the request and asks the test's handler for the reply. */
static int answer(struct fake_server *s, struct MHD_Connection *c, const char *url,
		  const char *method, struct pending *p)
{
	struct fake_request req = { 0 };
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, url);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &path);
	req.method = xstrdup(method);
	req.path = strbuf_detach(&path, NULL);
	req.body = xstrdup(p->body.buf);
	req.authorization = xstrdup(header(c, "Authorization"));
	req.user_agent = xstrdup(header(c, "User-Agent"));
	req.content_type = xstrdup(header(c, "Content-Type"));
	req.accept = xstrdup(header(c, "Accept"));
	req.client_cert_verified = client_cert_verified(c);
	pthread_mutex_lock(&s->lock);
	req.index = s->requests++;
	fake_request_release(&s->last);
	request_copy(&s->last, &req);
	pthread_mutex_unlock(&s->lock);
	struct fake_reply reply = { .code = 200, .body = STRBUF_INIT };
	s->fn(&req, &reply, s->userdata);
	fake_request_release(&req);
	if (reply.delay_ms && !reply.nchunks)
		time_sleep_ms(reply.delay_ms);
	unsigned code = (unsigned)reply.code;
	struct MHD_Response *resp = make_response(s, &reply);
	int r = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	reply_release(&reply);
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	struct pending *p = *con_cls;
	if (!p) {
		p = xcalloc(1, sizeof(*p));
		strbuf_init(&p->body, 0);
		*con_cls = p;
		return MHD_YES;
	}
	if (*upload_size) {
		strbuf_add(&p->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return answer(cls, c, url, method, p) == MHD_YES ? MHD_YES : MHD_NO;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct pending *p = *con_cls;
	if (p) {
		strbuf_release(&p->body);
		free(p);
		*con_cls = NULL;
	}
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct fake_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&s->connections, 1);
}

static struct fake_server *start(fake_handler_fn fn, void *userdata, const struct fake_tls *tls)
{
	struct fake_server *s = xcalloc(1, sizeof(*s));
	s->fn = fn;
	s->userdata = userdata;
	pthread_mutex_init(&s->lock, NULL);
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, tls ? (void *)tls->cert : NULL },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, tls ? (void *)tls->key : NULL },
		{ tls && tls->trust ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0,
		  tls ? (void *)tls->trust : NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	s->daemon = MHD_start_daemon(
		flags | (tls ? MHD_USE_TLS : 0), 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
		&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, s, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		tls ? MHD_OPTION_ARRAY : MHD_OPTION_END, tls_opts, MHD_OPTION_END);
	if (!s->daemon)
		abort();
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(s->url, sizeof(s->url), "%s://127.0.0.1:%u", tls ? "https" : "http",
		 (unsigned)info->port);
	return s;
}

struct fake_server *fake_server_start(fake_handler_fn fn, void *userdata)
{
	return start(fn, userdata, NULL);
}

struct fake_server *fake_server_start_tls(fake_handler_fn fn, void *userdata,
					  const struct fake_tls *tls)
{
	return start(fn, userdata, tls);
}

const char *fake_server_url(struct fake_server *s)
{
	return s->url;
}

int fake_server_requests(struct fake_server *s)
{
	pthread_mutex_lock(&s->lock);
	int n = s->requests;
	pthread_mutex_unlock(&s->lock);
	return n;
}

int fake_server_connections(struct fake_server *s)
{
	return atomic_load(&s->connections);
}

void fake_server_last_request(struct fake_server *s, struct fake_request *out)
{
	pthread_mutex_lock(&s->lock);
	request_copy(out, &s->last);
	pthread_mutex_unlock(&s->lock);
}

void fake_server_stop(struct fake_server *s)
{
	atomic_store(&s->stopping, true);
	MHD_stop_daemon(s->daemon);
	fake_request_release(&s->last);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
