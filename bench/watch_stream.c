/*
 * watch_stream.c - the watcher side of k8c-bench-watch; see watch_stream.h.
 *
 * Why not a client library: 1,000 streams of a few thousand events each
 * carry gigabytes; the watcher side must cost less than the server's, so it
 * neither copies an event nor parses its JSON: it walks the chunked framing,
 * keeps the first HEAD_MAX bytes of each event and finds the event's end
 * with memchr.
 */
#include "bench/watch_stream.h"

#include <netinet/tcp.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/timeutil.h"

#define HEAD_MAX 384 /* the type and metadata.resourceVersion come first */
#define RV_KEY "\"resourceVersion\":\""

enum count { READY, FAILED, RECEIVED, N_COUNTS };

enum stream_state { ST_CONNECTING, ST_HEADERS, ST_SIZE, ST_DATA, ST_CRLF, ST_FAILED };

struct stream {
	int fd;
	enum stream_state st;
	struct strbuf req;    /* the request, until sent */
	struct strbuf head;   /* the answer's headers, until complete */
	size_t chunk;         /* ST_SIZE: the size so far; ST_DATA: bytes left */
	bool chunk_ext;       /* ST_SIZE: inside a chunk extension */
	char line[HEAD_MAX + 1];
	size_t line_len;      /* bytes of the current event seen (kept up to HEAD_MAX) */
	int64_t last_rv;
	size_t received;
};

struct early {
	int64_t rv, at_ns;
	uint32_t stream;
};

struct watch_loop {
	const struct bench_server *srv;
	const struct ack_table *acks;
	pthread_t thread;
	const atomic_bool *stop;
	int ep;
	struct stream *st;
	size_t n, alloc;
	atomic_size_t count[N_COUNTS]; /* read by the set's thread */
	size_t unexpected, out_of_order, bytes;
	int64_t *last_ns; /* per update: the latest receipt */
	size_t updates;
	struct lat_rec each;
	struct early *early;
	size_t n_early, alloc_early;
	char buf[1 << 16];
};

static void loop_init(struct watch_loop *s, const struct bench_server *srv,
		      const struct ack_table *acks, size_t updates)
{
	s->srv = srv;
	s->acks = acks;
	s->updates = updates;
	s->last_ns = xcalloc(updates ? updates : 1, sizeof(*s->last_ns));
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0)
		abort();
}

static void loop_release(struct watch_loop *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->st[i].fd >= 0)
			close(s->st[i].fd);
		strbuf_release(&s->st[i].req);
		strbuf_release(&s->st[i].head);
	}
	close(s->ep);
	free(s->st);
	free(s->last_ns);
	free(s->early);
	lat_rec_release(&s->each);
}

static void fail(struct watch_loop *s, struct stream *w)
{
	if (w->st == ST_FAILED)
		return;
	if (w->st != ST_CONNECTING && w->st != ST_HEADERS)
		s->count[READY]--;
	w->st = ST_FAILED;
	s->count[FAILED]++;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

static int loop_add(struct watch_loop *s, const char *path)
{
	int one = 1;

	ALLOC_GROW(s->st, s->n + 1, s->alloc);
	struct stream *w = &s->st[s->n];
	memset(w, 0, sizeof(*w));
	strbuf_init(&w->req, 0);
	strbuf_init(&w->head, 0);
	strbuf_addf(&w->req, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n\r\n",
		    path, s->srv->host);
	w->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (w->fd < 0)
		return -errno;
	setsockopt(w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u64 = s->n };
	if ((connect(w->fd, (const struct sockaddr *)&s->srv->addr, sizeof(s->srv->addr)) < 0 &&
	     errno != EINPROGRESS) || epoll_ctl(s->ep, EPOLL_CTL_ADD, w->fd, &ev) < 0) {
		int err = -errno;
		close(w->fd);
		return err;
	}
	return (int)s->n++;
}

/* An event of stream w ended at now: match its resourceVersion with a write's ack. */
static void on_event(struct watch_loop *s, struct stream *w, int64_t now)
{
	static const char modified[] = "{\"type\":\"MODIFIED\"";

	w->line[w->line_len < HEAD_MAX ? w->line_len : HEAD_MAX] = '\0';
	const char *p = strstr(w->line, RV_KEY);
	if (strncmp(w->line, modified, strlen(modified)) || !p) {
		fprintf(stderr, "k8c-bench-watch: unexpected event: %.200s\n", w->line);
		fail(s, w);
		return;
	}
	int64_t rv = strtoll(p + strlen(RV_KEY), NULL, 10);
	if (rv <= w->last_rv) {
		s->out_of_order++;
		return;
	}
	w->last_rv = rv;
	s->count[RECEIVED]++;
	const struct ack_slot *a = ack_table_get(s->acks, rv);
	if (!a) { /* its writer has not read the answer yet: matched at the end */
		ALLOC_GROW(s->early, s->n_early + 1, s->alloc_early);
		s->early[s->n_early++] = (struct early){ rv, now, (uint32_t)(w - s->st) };
		return;
	}
	w->received++;
	lat_rec_add(&s->each, now > a->ack_ns ? now - a->ack_ns : 0);
	if (now > s->last_ns[a->update])
		s->last_ns[a->update] = now;
}

/* Body bytes of w's stream (inside chunks): split into events. */
static void feed_events(struct watch_loop *s, struct stream *w, const char *p, size_t n,
			int64_t now)
{
	while (n && w->st != ST_FAILED) {
		const char *nl = memchr(p, '\n', n);
		size_t seg = nl ? (size_t)(nl - p) : n;
		if (w->line_len < HEAD_MAX) {
			size_t k = seg < HEAD_MAX - w->line_len ? seg : HEAD_MAX - w->line_len;
			memcpy(w->line + w->line_len, p, k);
		}
		w->line_len += seg;
		if (!nl)
			return;
		on_event(s, w, now);
		w->line_len = 0;
		p = nl + 1;
		n -= seg + 1;
	}
}

/* One byte of a chunk-size line ("1f2a\r\n", extensions ignored). */
static void feed_size(struct watch_loop *s, struct stream *w, char c)
{
	if (c == '\n') {
		if (!w->chunk) {
			fprintf(stderr, "k8c-bench-watch: the server ended a watch\n");
			fail(s, w);
			return;
		}
		w->st = ST_DATA;
	} else if (c == ';') {
		w->chunk_ext = true;
	} else if (!w->chunk_ext && c != '\r') {
		int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
		if (d < 0 || d > 15) {
			fail(s, w);
			return;
		}
		w->chunk = w->chunk * 16 + (size_t)d;
	}
}

/* Body bytes of w's stream: the chunked framing. */
static void feed_body(struct watch_loop *s, struct stream *w, const char *p, size_t n, int64_t now)
{
	s->bytes += n;
	while (n && w->st != ST_FAILED) {
		if (w->st == ST_SIZE) {
			feed_size(s, w, *p++);
			n--;
		} else if (w->st == ST_DATA) {
			size_t k = n < w->chunk ? n : w->chunk;
			feed_events(s, w, p, k, now);
			p += k;
			n -= k;
			w->chunk -= k;
			if (!w->chunk)
				w->st = ST_CRLF;
		} else { /* ST_CRLF: the "\r\n" after a chunk's data */
			if (*p++ == '\n') {
				w->st = ST_SIZE;
				w->chunk_ext = false;
			}
			n--;
		}
	}
}

/* Bytes of the answer's head; the rest (body) once it is complete. */
static void feed_headers(struct watch_loop *s, struct stream *w, const char *p, size_t n,
			 int64_t now)
{
	strbuf_add(&w->head, p, n);
	const char *eoh = strstr(w->head.buf, "\r\n\r\n");
	if (!eoh)
		return;
	if (strncmp(w->head.buf + strlen("HTTP/1.1 "), "200", 3) ||
	    !strcasestr(w->head.buf, "Transfer-Encoding: chunked")) {
		fprintf(stderr, "k8c-bench-watch: watch answered: %.200s\n", w->head.buf);
		fail(s, w);
		return;
	}
	size_t body_at = (size_t)(eoh + 4 - w->head.buf);
	w->st = ST_SIZE;
	s->count[READY]++;
	struct strbuf rest = STRBUF_INIT;
	strbuf_add(&rest, w->head.buf + body_at, w->head.len - body_at);
	strbuf_release(&w->head);
	feed_body(s, w, rest.buf, rest.len, now);
	strbuf_release(&rest);
}

/* Sends what is left of w's request; false when the connection broke. */
static bool send_request(struct stream *w)
{
	while (w->req.len) {
		ssize_t k = send(w->fd, w->req.buf, w->req.len, MSG_NOSIGNAL);
		if (k < 0)
			return errno == EAGAIN || errno == EINTR;
		memmove(w->req.buf, w->req.buf + k, w->req.len - (size_t)k);
		strbuf_setlen(&w->req, w->req.len - (size_t)k);
	}
	return true;
}

static void pump_stream(struct watch_loop *s, struct stream *w)
{
	if (w->st == ST_FAILED)
		return;
	if (w->st == ST_CONNECTING) {
		if (!send_request(w)) {
			fail(s, w);
			return;
		}
		if (w->req.len)
			return;
		strbuf_release(&w->req);
		w->st = ST_HEADERS;
	}
	for (;;) {
		ssize_t k = recv(w->fd, s->buf, sizeof(s->buf), 0);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (k <= 0) {
			fail(s, w);
			return;
		}
		int64_t now = time_mono_ns();
		if (w->st == ST_HEADERS)
			feed_headers(s, w, s->buf, (size_t)k, now);
		else
			feed_body(s, w, s->buf, (size_t)k, now);
		if (w->st == ST_FAILED)
			return;
	}
}

static void *loop_main(void *arg)
{
	struct watch_loop *s = arg;
	struct epoll_event evs[256];

	while (!atomic_load(s->stop)) {
		int n = epoll_wait(s->ep, evs, ARRAY_SIZE(evs), 20);
		for (int i = 0; i < n; i++)
			pump_stream(s, &s->st[evs[i].data.u64]);
	}
	return NULL;
}

/* Matches the early events of loop s, adds its figures to t and its receipts to last_ns. */
static void loop_finish(struct watch_loop *s, struct watch_totals *t, int64_t *last_ns)
{
	for (size_t i = 0; i < s->n_early; i++) {
		const struct early *e = &s->early[i];
		const struct ack_slot *a = ack_table_get(s->acks, e->rv);
		if (!a) {
			s->unexpected++;
			continue;
		}
		s->st[e->stream].received++;
		t->before_ack += e->at_ns <= a->ack_ns;
		lat_rec_add(&s->each, e->at_ns > a->ack_ns ? e->at_ns - a->ack_ns : 0);
		if (e->at_ns > s->last_ns[a->update])
			s->last_ns[a->update] = e->at_ns;
	}
	for (size_t i = 0; i < s->updates; i++)
		if (s->last_ns[i] > last_ns[i])
			last_ns[i] = s->last_ns[i];
	lat_rec_merge(&t->each, &s->each);
	t->received += atomic_load(&s->count[RECEIVED]) - s->unexpected;
	t->unexpected += s->unexpected;
	t->out_of_order += s->out_of_order;
	t->failed += atomic_load(&s->count[FAILED]);
	t->bytes += s->bytes;
}

struct watch_set {
	struct watch_loop *loops;
	size_t n_loops, n_streams;
	atomic_bool stop;
	bool running;
	size_t updates;
};

struct watch_set *watch_set_new(const struct bench_server *srv, const struct ack_table *acks,
				size_t updates, size_t threads)
{
	struct watch_set *s = xcalloc(1, sizeof(*s));

	s->n_loops = threads ? threads : 1;
	s->updates = updates;
	s->loops = xcalloc(s->n_loops, sizeof(*s->loops));
	atomic_init(&s->stop, false);
	for (size_t i = 0; i < s->n_loops; i++) {
		loop_init(&s->loops[i], srv, acks, updates);
		s->loops[i].stop = &s->stop;
	}
	return s;
}

int watch_set_add(struct watch_set *s, const char *path)
{
	int r = loop_add(&s->loops[s->n_streams % s->n_loops], path);

	if (r >= 0)
		s->n_streams++;
	return r;
}

void watch_set_start(struct watch_set *s)
{
	for (size_t i = 0; i < s->n_loops; i++)
		if (pthread_create(&s->loops[i].thread, NULL, loop_main, &s->loops[i]))
			abort();
	s->running = true;
}

void watch_set_stop(struct watch_set *s)
{
	if (!s->running)
		return;
	atomic_store(&s->stop, true);
	for (size_t i = 0; i < s->n_loops; i++)
		pthread_join(s->loops[i].thread, NULL);
	s->running = false;
}

void watch_set_free(struct watch_set *s)
{
	if (!s)
		return;
	watch_set_stop(s);
	for (size_t i = 0; i < s->n_loops; i++)
		loop_release(&s->loops[i]);
	free(s->loops);
	free(s);
}

/* The sum of one counter over the loops. */
static size_t sum(const struct watch_set *s, enum count c)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_loops; i++)
		n += atomic_load(&s->loops[i].count[c]);
	return n;
}

size_t watch_set_ready(const struct watch_set *s)
{
	return sum(s, READY);
}

size_t watch_set_failed(const struct watch_set *s)
{
	return sum(s, FAILED);
}

size_t watch_set_received(const struct watch_set *s)
{
	return sum(s, RECEIVED);
}

size_t watch_set_stream_received(const struct watch_set *s, size_t i)
{
	return s->loops[i % s->n_loops].st[i / s->n_loops].received;
}

void watch_set_finish(struct watch_set *s, const struct update_rec *upd, struct watch_totals *t)
{
	int64_t *last_ns = xcalloc(s->updates ? s->updates : 1, sizeof(*last_ns));

	watch_set_stop(s);
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < s->n_loops; i++)
		loop_finish(&s->loops[i], t, last_ns);
	for (size_t i = 0; i < s->updates; i++)
		if (upd[i].rv > 0 && last_ns[i])
			lat_rec_add(&t->every, last_ns[i] > upd[i].ack_ns ?
				    last_ns[i] - upd[i].ack_ns : 0);
	free(last_ns);
}
