/*
 * watch_writer.c - the writing side of k8c-bench-watch; see watch_writer.h.
 *
 * The writers are threads with blocking sockets, apart from the watcher
 * side's epoll loop, so that a write's answer is timestamped the moment it
 * is read and never waits behind a burst of events; both sides read the
 * same CLOCK_MONOTONIC.
 */
#include "bench/watch_writer.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "bench/pod_manifest.h"

int bench_server_parse(const char *url, struct bench_server *ret_server)
{
	const char *host = strstr(url, "://") ? strstr(url, "://") + 3 : url;
	const char *colon = strchr(host, ':');
	char ip[INET_ADDRSTRLEN];
	char *end;

	if (!colon || (size_t)(colon - host) >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, host, (size_t)(colon - host));
	ip[colon - host] = '\0';
	long port = strtol(colon + 1, &end, 10);
	if (port <= 0 || port > 65535 || (*end && *end != '/'))
		return -EINVAL;
	memset(ret_server, 0, sizeof(*ret_server));
	ret_server->addr.sin_family = AF_INET;
	ret_server->addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &ret_server->addr.sin_addr) != 1)
		return -EINVAL;
	snprintf(ret_server->host, sizeof(ret_server->host), "%s:%ld", ip, port);
	return 0;
}

void http_conn_init(struct http_conn *c, const struct bench_server *srv)
{
	c->srv = srv;
	c->fd = -1;
	strbuf_init(&c->in, 0);
}

static void conn_close(struct http_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void http_conn_release(struct http_conn *c)
{
	conn_close(c);
	strbuf_release(&c->in);
}

static int conn_open(struct http_conn *c)
{
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)&c->srv->addr, sizeof(c->srv->addr)) < 0) {
		int err = -errno;
		conn_close(c);
		return err;
	}
	return 0;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -EPIPE;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads until the answer in c->in is whole; its status, the body at *ret_body. */
static int read_answer(struct http_conn *c, const char **ret_body)
{
	size_t need = 0, body_at = 0;
	char buf[16384];

	strbuf_reset(&c->in);
	while (!need || c->in.len < need) {
		ssize_t k = recv(c->fd, buf, sizeof(buf), 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -EPIPE;
		strbuf_add(&c->in, buf, (size_t)k);
		const char *eoh = body_at ? NULL : strstr(c->in.buf, "\r\n\r\n");
		if (eoh) {
			const char *cl = strcasestr(c->in.buf, "\r\nContent-Length:");
			if (!cl || cl > eoh)
				return -EPROTO;
			body_at = (size_t)(eoh + 4 - c->in.buf);
			need = body_at + strtoul(cl + strlen("\r\nContent-Length:"), NULL, 10);
		}
	}
	*ret_body = c->in.buf + body_at;
	return atoi(c->in.buf + strlen("HTTP/1.1 "));
}

int http_conn_request(struct http_conn *c, const char *method, const char *path,
		      const char *content_type, const char *body, const char **ret_body)
{
	struct strbuf req = STRBUF_INIT;
	int r;

	if (c->fd < 0 && (r = conn_open(c)) < 0)
		return r;
	strbuf_addf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n", method,
		    path, c->srv->host);
	if (body)
		strbuf_addf(&req, "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type,
			    strlen(body));
	strbuf_addf(&req, "\r\n%s", body ? body : "");
	r = send_all(c->fd, req.buf, req.len);
	if (!r)
		r = read_answer(c, ret_body);
	if (r < 0)
		conn_close(c);
	strbuf_release(&req);
	return r;
}

void bench_pod_name(size_t i, struct strbuf *out)
{
	strbuf_addf(out, "fan-%05zu", i);
}

void bench_pod_manifest(const char *ns, size_t i, struct strbuf *out)
{
	struct strbuf name = STRBUF_INIT, extra = STRBUF_INIT;
	size_t start = out->len;

	bench_pod_name(i, &name);
	pod_manifest(out, ns, name.buf, NULL, 0);
	strbuf_addf(&extra, "\"shard\":\"%zu\",", i % POD_SHARDS);
	const char *at = strstr(out->buf + start, "\"labels\":{");
	strbuf_insert(out, (size_t)(at - out->buf) + strlen("\"labels\":{"), extra.buf, extra.len);
	strbuf_reset(&extra);
	strbuf_addf(&extra, "\"nodeName\":\"node-%zu\",", i % POD_NODES);
	at = strstr(out->buf + start, "\"spec\":{");
	strbuf_insert(out, (size_t)(at - out->buf) + strlen("\"spec\":{"), extra.buf, extra.len);
	strbuf_release(&name);
	strbuf_release(&extra);
}

int64_t bench_json_rv(const char *json)
{
	const char *p = strstr(json, "\"resourceVersion\":\"");

	return p ? strtoll(p + strlen("\"resourceVersion\":\""), NULL, 10) : -1;
}

void ack_table_init(struct ack_table *t, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	t->slots = xcalloc(cap, sizeof(*t->slots));
	t->mask = cap - 1;
}

void ack_table_release(struct ack_table *t)
{
	free(t->slots);
	t->slots = NULL;
}

static size_t slot_of(const struct ack_table *t, int64_t rv)
{
	return (size_t)((uint64_t)rv * 0x9E3779B97F4A7C15ull >> 20) & t->mask;
}

void ack_table_put(struct ack_table *t, int64_t rv, uint32_t update, int64_t ack_ns)
{
	for (size_t i = slot_of(t, rv);; i = (i + 1) & t->mask) {
		struct ack_slot *s = &t->slots[i];
		bool expected = false;
		if (!atomic_compare_exchange_strong(&s->claimed, &expected, true))
			continue;
		s->update = update;
		s->ack_ns = ack_ns;
		atomic_store_explicit(&s->rv, rv, memory_order_release);
		return;
	}
}

const struct ack_slot *ack_table_get(const struct ack_table *t, int64_t rv)
{
	for (size_t i = slot_of(t, rv);; i = (i + 1) & t->mask) {
		const struct ack_slot *s = &t->slots[i];
		int64_t v = atomic_load_explicit(&s->rv, memory_order_acquire);
		if (v == rv)
			return s;
		if (!v)
			return NULL;
	}
}

static void sleep_until(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / K8C_NSEC_PER_SEC, .tv_nsec = ns % K8C_NSEC_PER_SEC };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* One PATCH of update i's pod: a new annotation value, so every update changes it. */
static void write_one(struct writer_run *r, struct http_conn *c, size_t i, struct lat_rec *lat)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	struct update_rec *u = &r->upd[i];
	const char *resp = NULL;

	u->pod = (uint32_t)(i % r->pods);
	strbuf_addf(&path, "/api/v1/namespaces/%s/pods/", r->ns);
	bench_pod_name(u->pod, &path);
	strbuf_addf(&body, "{\"metadata\":{\"annotations\":{\"bench.k8c.io/update\":\"%zu\"}}}", i);
	int64_t start = time_mono_ns();
	int status = http_conn_request(c, "PATCH", path.buf, "application/merge-patch+json",
				       body.buf, &resp);
	int64_t now = time_mono_ns();
	u->rv = status == 200 ? bench_json_rv(resp) : -1;
	u->ack_ns = now;
	if (u->rv > 0) {
		ack_table_put(r->acks, u->rv, (uint32_t)i, now);
		lat_rec_add(lat, now - start);
	} else {
		lat->errors++;
		if (lat->errors == 1)
			fprintf(stderr, "k8c-bench-watch: PATCH %s: %d: %.200s\n", path.buf, status,
				status > 0 ? resp : "");
	}
	strbuf_release(&path);
	strbuf_release(&body);
}

static void *writer_main(void *arg)
{
	struct writer_run *r = arg;
	struct http_conn c;
	struct lat_rec lat = { 0 };
	size_t i;

	http_conn_init(&c, r->srv);
	while ((i = atomic_fetch_add(&r->next, 1)) < r->updates) {
		sleep_until(r->t0 + (int64_t)((double)i * 1e9 / r->rate));
		if (time_mono_ns() > r->t0 + r->max_ns)
			break; /* out of time: the later updates are never sent */
		write_one(r, &c, i, &lat);
	}
	http_conn_release(&c);
	pthread_mutex_lock(&r->lock);
	lat_rec_merge(&r->lat, &lat);
	r->t_end = time_mono_ns();
	pthread_mutex_unlock(&r->lock);
	lat_rec_release(&lat);
	atomic_fetch_sub(&r->running, 1);
	return NULL;
}

void writer_start(struct writer_run *r)
{
	pthread_mutex_init(&r->lock, NULL);
	memset(&r->lat, 0, sizeof(r->lat));
	atomic_init(&r->next, 0);
	atomic_init(&r->running, r->threads);
	r->tids = xcalloc(r->threads, sizeof(*r->tids));
	r->t0 = time_mono_ns();
	for (size_t i = 0; i < r->threads; i++)
		if (pthread_create(&r->tids[i], NULL, writer_main, r))
			abort();
}

bool writer_done(struct writer_run *r)
{
	return atomic_load(&r->running) == 0;
}

void writer_join(struct writer_run *r)
{
	for (size_t i = 0; i < r->threads; i++)
		pthread_join(r->tids[i], NULL);
	free(r->tids);
	r->tids = NULL;
	pthread_mutex_destroy(&r->lock);
}
