/*
 * http_load.c - the closed-loop driver of http_load.h on epoll and plain
 * non-blocking sockets, one HTTP/1.1 keep-alive connection per client.
 *
 * Why not libcurl: measured here, libcurl's multi interface spent about
 * 60 µs of CPU per request, more than the API server spends answering a
 * GET, and the two share the machine's two cores; this driver spends a
 * fraction of that, so the figures are the server's. It speaks only what
 * the benchmark needs: requests with a Content-Length body, answers with a
 * Content-Length (libmicrohttpd sends one for every non-streaming answer),
 * a reconnect when the server closes a connection.
 */
#include "bench/http_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/timeutil.h"

struct client {
	int fd;
	struct load_req req;
	struct strbuf out;  /* the request being sent */
	size_t sent;
	struct strbuf in;   /* what has arrived of the answer */
	size_t body_at;     /* where the body starts in `in` (0: headers incomplete) */
	size_t body_len;
	long status;
	int64_t started;
	bool busy;
};

struct driver {
	const struct load_phase *p;
	struct sockaddr_in addr;
	char host[64];
	int ep;
	struct lat_rec *lat;
	int active;
};

static int parse_base(const char *base, struct driver *d)
{
	unsigned a, b, c, e, port = 80;
	const char *p = strstr(base, "://");

	p = p ? p + 3 : base;
	if (sscanf(p, "%u.%u.%u.%u:%u", &a, &b, &c, &e, &port) < 4 || a > 255 || b > 255 ||
	    c > 255 || e > 255 || port > 65535)
		return -EINVAL;
	memset(&d->addr, 0, sizeof(d->addr));
	d->addr.sin_family = AF_INET;
	d->addr.sin_port = htons((uint16_t)port);
	d->addr.sin_addr.s_addr = htonl(a << 24 | b << 16 | c << 8 | e);
	snprintf(d->host, sizeof(d->host), "%u.%u.%u.%u:%u", a, b, c, e, port);
	return 0;
}

static int client_connect(struct driver *d, struct client *c)
{
	int one = 1;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c };

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&d->addr, sizeof(d->addr)) < 0 &&
	    errno != EINPROGRESS) {
		close(c->fd);
		c->fd = -1;
		return -errno;
	}
	epoll_ctl(d->ep, EPOLL_CTL_ADD, c->fd, &ev);
	return 0;
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Asks the phase for c's next request and starts sending it; false when the phase is done. */
static bool client_start(struct driver *d, struct client *c)
{
	strbuf_reset(&c->req.path);
	strbuf_reset(&c->req.body);
	if (!d->p->next(d->p->ctx, &c->req))
		return false;
	strbuf_reset(&c->out);
	strbuf_addf(&c->out, "%s ", c->req.method);
	strbuf_add(&c->out, c->req.path.buf, c->req.path.len);
	strbuf_addf(&c->out, " HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n", d->host);
	if (c->req.body.len)
		strbuf_addf(&c->out, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
			    c->req.body.len);
	strbuf_addstr(&c->out, "\r\n");
	strbuf_add(&c->out, c->req.body.buf, c->req.body.len);
	c->sent = 0;
	strbuf_reset(&c->in);
	c->body_at = 0;
	c->status = 0;
	c->started = time_mono_ns();
	c->busy = true;
	d->active++;
	if (c->fd < 0 && client_connect(d, c) < 0)
		return true; /* reported as a failure by the first flush */
	return true;
}

/* Headers complete: status and Content-Length; -EPROTO on what this driver does not speak. */
static int parse_head(struct client *c)
{
	const char *end = memmem(c->in.buf, c->in.len, "\r\n\r\n", 4);
	const char *cl;

	if (!end)
		return 0;
	if (sscanf(c->in.buf, "HTTP/1.%*d %ld", &c->status) != 1)
		return -EPROTO;
	c->body_at = (size_t)(end + 4 - c->in.buf);
	cl = strcasestr(c->in.buf, "\r\ncontent-length:");
	if (!cl || cl > end)
		return -EPROTO;
	c->body_len = strtoul(cl + strlen("\r\ncontent-length:"), NULL, 10);
	return 0;
}

/* The answer is complete: judge it, record it, start the next request. */
static void finish(struct driver *d, struct client *c, bool ok)
{
	int64_t took = time_mono_ns() - c->started;
	/* a read-only view of the body: it ends the received text, which is NUL-terminated */
	struct strbuf body = STRBUF_INIT;

	if (ok && c->body_at) {
		body.buf = c->in.buf + c->body_at;
		body.len = c->body_len;
		ok = d->p->done(d->p->ctx, &c->req, c->status, &body);
	} else {
		d->p->done(d->p->ctx, &c->req, 0, &body);
		ok = false;
		client_close(c); /* a fresh connection for the next request */
	}
	if (ok)
		lat_rec_add(d->lat, took);
	else
		d->lat->errors++;
	c->busy = false;
	d->active--;
	client_start(d, c);
}

/* Sends what is left of the request; false on a broken connection. */
static bool flush_out(struct client *c)
{
	while (c->sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.buf + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->sent += (size_t)n;
	}
	return true;
}

/* Reads what arrived; finishes the request when its answer is whole. */
static void pump(struct driver *d, struct client *c)
{
	char buf[65536];

	if (c->fd < 0 || !flush_out(c)) {
		finish(d, c, false);
		return;
	}
	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			finish(d, c, false);
			return;
		}
		strbuf_add(&c->in, buf, (size_t)n);
		if (!c->body_at && parse_head(c) < 0) {
			finish(d, c, false);
			return;
		}
		if (c->body_at && c->in.len >= c->body_at + c->body_len) {
			finish(d, c, true);
			if (!c->busy || c->fd < 0)
				return;
			if (!flush_out(c)) {
				finish(d, c, false);
				return;
			}
		}
	}
}

int http_load_run(const char *base, size_t clients, const struct load_phase *p,
		  struct lat_rec *lat, double *ret_seconds)
{
	struct driver d = { .p = p, .lat = lat };
	struct client *cs = xcalloc(clients, sizeof(*cs));
	struct epoll_event evs[256];
	int64_t t0 = time_mono_ns();

	if (parse_base(base, &d) < 0 || (d.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		free(cs);
		return -EINVAL;
	}
	for (size_t i = 0; i < clients; i++) {
		cs[i].fd = -1;
		strbuf_init(&cs[i].req.path, 0);
		strbuf_init(&cs[i].req.body, 0);
		strbuf_init(&cs[i].out, 0);
		strbuf_init(&cs[i].in, 0);
		if (client_start(&d, &cs[i]))
			pump(&d, &cs[i]);
	}
	while (d.active > 0) {
		int n = epoll_wait(d.ep, evs, ARRAY_SIZE(evs), 1000);
		for (int i = 0; i < n; i++)
			pump(&d, evs[i].data.ptr);
	}
	*ret_seconds = (double)(time_mono_ns() - t0) / 1e9;
	for (size_t i = 0; i < clients; i++) {
		client_close(&cs[i]);
		strbuf_release(&cs[i].req.path);
		strbuf_release(&cs[i].req.body);
		strbuf_release(&cs[i].out);
		strbuf_release(&cs[i].in);
	}
	close(d.ep);
	free(cs);
	return 0;
}
