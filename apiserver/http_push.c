/*
 * http_push.c - pushed streams and the pusher thread; see http.h and http_push.h.
 *
 * Why: with a thread per stream, every event woke every watch's thread
 * (a futex wake, two context switches, a poll and a send each): with 1,000
 * watches that was ~50 µs of CPU per event per watch, and the thread
 * delivering events held the watch cache's lock through 1,000 wake-ups.
 * Now, once a stream's headers are sent, its connection is suspended and
 * its socket handed to the pusher until the stream is over; the pusher
 * writes each stream's pending events as one chunk with one sendmsg(), so
 * the cost per event per watch is its share of a system call, and a busy
 * moment batches more events per call instead of queueing wake-ups.
 *
 * libmicrohttpd sends the answer's headers before it first asks a
 * callback response for data, and writes the closing chunk when the
 * callback says the stream ended: so the chunks in between are ours to
 * write, on the socket it reports, while the connection is suspended.
 */
#include "apiserver/http_push.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/timeutil.h"

#define ROUNDS_PER_TURN 4 /* fill+send rounds for one stream before others get a turn */
#define IOV_BATCH 256

struct http_push {
	struct http_server *server;
	struct http_pusher *pu;
	struct MHD_Connection *conn;
	const struct http_push_ops *ops;
	void *ctx;
	int fd;
	bool chunked;
	bool started; /* libmicrohttpd's thread: the callback ran */
	/* the pusher thread's */
	struct http_out out;
	bool tracked, ending, blocked, done, failed;
	size_t index; /* in pu->streams, when tracked */
	/* pu->lock */
	bool registered, queued;
	atomic_bool over; /* handed back: the connection resumes and the callback ends it */
};

struct push_list {
	struct http_push **items;
	size_t n, alloc;
};

struct http_pusher {
	pthread_t thread;
	int ep, efd;
	pthread_mutex_t lock;
	struct push_list ready; /* (lock) streams to service */
	bool signalled;         /* (lock) efd written and not drained yet */
	bool stopping;          /* (lock) */
	/* the pusher thread's */
	struct push_list streams, batch, finished;
	int64_t next_tick;
};

static void list_add(struct push_list *l, struct http_push *p)
{
	ALLOC_GROW(l->items, l->n + 1, l->alloc);
	l->items[l->n++] = p;
}

/* Puts p on the ready list (pu->lock held); true when the pusher must be signalled. */
static bool enqueue_ready(struct http_pusher *pu, struct http_push *p)
{
	if (!p->registered || p->queued)
		return false;
	p->queued = true;
	list_add(&pu->ready, p);
	if (pu->signalled)
		return false;
	pu->signalled = true;
	return true;
}

static void signal_pusher(struct http_pusher *pu)
{
	uint64_t one = 1;

	if (write(pu->efd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: the pusher is awake anyway */
	}
}

void http_push_wake(struct http_push *p)
{
	if (!p)
		return;
	struct http_pusher *pu = p->pu;
	pthread_mutex_lock(&pu->lock);
	bool sig = enqueue_ready(pu, p);
	pthread_mutex_unlock(&pu->lock);
	if (sig)
		signal_pusher(pu);
}

/* The stream is over: release its owner's state; the connection gets it back later. */
static void finish(struct http_pusher *pu, struct http_push *p, bool failed)
{
	if (p->done)
		return;
	p->done = true;
	p->failed = failed;
	epoll_ctl(pu->ep, EPOLL_CTL_DEL, p->fd, NULL);
	http_out_release(&p->out);
	p->ops->release(p->ctx); /* after this, no http_push_wake(p) */
	p->ctx = NULL;
	list_add(&pu->finished, p);
}

/* Writes what is left of p->out; true when all of it is written. */
static bool send_out(struct http_pusher *pu, struct http_push *p)
{
	struct iovec iov[IOV_BATCH];

	for (;;) {
		int n = http_out_iov(&p->out, iov, IOV_BATCH);
		if (!n)
			return true;
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)n };
		ssize_t k = sendmsg(p->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			p->blocked = true; /* until EPOLLOUT */
			return false;
		}
		if (k < 0) {
			finish(pu, p, true);
			return false;
		}
		if (http_out_advance(&p->out, (size_t)k))
			return true;
	}
}

/* Asks p's owner for its next bytes; false when there is nothing to send. */
static bool refill(struct http_pusher *pu, struct http_push *p)
{
	if (!p->ending) {
		int r = p->ops->fill(p->ctx, &p->out);
		if (r == HTTP_STREAM_ERROR) {
			finish(pu, p, true);
			return false;
		}
		p->ending = r == HTTP_STREAM_END;
	}
	if (http_out_empty(&p->out)) {
		if (p->ending)
			finish(pu, p, false);
		return false;
	}
	if (p->chunked)
		http_out_frame_chunk(&p->out);
	return true;
}

static void track(struct http_pusher *pu, struct http_push *p)
{
	if (p->tracked)
		return;
	p->tracked = true;
	p->index = pu->streams.n;
	list_add(&pu->streams, p);
}

/* Writes what p has pending, then what its owner has next, a few rounds at most. */
static void service(struct http_pusher *pu, struct http_push *p)
{
	if (p->done)
		return;
	track(pu, p);
	for (int round = 0; round < ROUNDS_PER_TURN; round++) {
		if (p->blocked || p->done)
			return;
		if (http_out_empty(&p->out) && !refill(pu, p))
			return;
		if (!send_out(pu, p))
			return;
		http_out_reset(&p->out);
	}
	pthread_mutex_lock(&pu->lock); /* more may be waiting: another turn after the others */
	enqueue_ready(pu, p);
	pthread_mutex_unlock(&pu->lock);
}

static void on_socket(struct http_pusher *pu, struct http_push *p, uint32_t events)
{
	track(pu, p);
	if (events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) { /* the client went away */
		finish(pu, p, true);
		return;
	}
	if (events & EPOLLOUT) {
		p->blocked = false;
		service(pu, p);
	}
}

/* Hands the finished streams back to their connections (whose responses then free them). */
static void reap(struct http_pusher *pu)
{
	for (size_t i = 0; i < pu->finished.n; i++) {
		struct http_push *p = pu->finished.items[i];
		if (p->tracked) {
			struct http_push *last = pu->streams.items[--pu->streams.n];
			pu->streams.items[p->index] = last;
			last->index = p->index;
		}
		pthread_mutex_lock(&pu->lock);
		p->registered = false;
		for (size_t j = 0; p->queued && j < pu->ready.n; j++) {
			if (pu->ready.items[j] == p) {
				pu->ready.items[j] = pu->ready.items[--pu->ready.n];
				break;
			}
		}
		pthread_mutex_unlock(&pu->lock);
		atomic_store(&p->over, true);
		http_resume(p->server, p->conn); /* p may be freed from here on */
	}
	pu->finished.n = 0;
}

/* One turn: the ready streams, then (once a second) every stream, for timeouts and bookmarks. */
static bool turn(struct http_pusher *pu)
{
	pthread_mutex_lock(&pu->lock);
	struct push_list t = pu->batch;
	pu->batch = pu->ready;
	pu->ready = t;
	pu->ready.n = 0;
	for (size_t i = 0; i < pu->batch.n; i++)
		pu->batch.items[i]->queued = false;
	bool stopping = pu->stopping;
	pthread_mutex_unlock(&pu->lock);
	for (size_t i = 0; i < pu->batch.n; i++)
		service(pu, pu->batch.items[i]);
	int64_t now = time_mono_ns();
	if (now >= pu->next_tick) {
		pu->next_tick = now + K8C_NSEC_PER_SEC;
		for (size_t i = 0; i < pu->streams.n; i++)
			service(pu, pu->streams.items[i]);
	}
	reap(pu);
	return !stopping;
}

static void *pusher_main(void *arg)
{
	struct http_pusher *pu = arg;
	struct epoll_event evs[256];

	pthread_setname_np(pthread_self(), "k8c-pusher");
	pu->next_tick = time_mono_ns() + K8C_NSEC_PER_SEC;
	do {
		pthread_mutex_lock(&pu->lock);
		bool busy = pu->ready.n > 0;
		pthread_mutex_unlock(&pu->lock);
		int64_t wait_ms = (pu->next_tick - time_mono_ns()) / K8C_NSEC_PER_MSEC;
		int n = epoll_wait(pu->ep, evs, ARRAY_SIZE(evs),
				   busy ? 0 : wait_ms < 0 ? 0 : (int)wait_ms + 1);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr) {
				on_socket(pu, evs[i].data.ptr, evs[i].events);
				continue;
			}
			uint64_t v;
			if (read(pu->efd, &v, sizeof(v)) < 0) {
				/* nothing to drain: another turn found the ready list anyway */
			}
			pthread_mutex_lock(&pu->lock);
			pu->signalled = false;
			pthread_mutex_unlock(&pu->lock);
		}
	} while (turn(pu));
	/* stopping: the last turn took every stream registered before; end them all */
	for (size_t i = 0; i < pu->streams.n; i++)
		finish(pu, pu->streams.items[i], true);
	reap(pu);
	return NULL;
}

int http_pusher_start(struct http_pusher **ret_pusher)
{
	struct http_pusher *pu = xcalloc(1, sizeof(*pu));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

	pu->ep = epoll_create1(EPOLL_CLOEXEC);
	pu->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (pu->ep < 0 || pu->efd < 0 || epoll_ctl(pu->ep, EPOLL_CTL_ADD, pu->efd, &ev) < 0)
		goto out_close;
	pthread_mutex_init(&pu->lock, NULL);
	if (pthread_create(&pu->thread, NULL, pusher_main, pu)) {
		pthread_mutex_destroy(&pu->lock);
		goto out_close;
	}
	*ret_pusher = pu;
	return 0;
out_close:
	if (pu->ep >= 0)
		close(pu->ep);
	if (pu->efd >= 0)
		close(pu->efd);
	free(pu);
	return -EMFILE;
}

void http_pusher_stop(struct http_pusher *pu)
{
	if (!pu)
		return;
	pthread_mutex_lock(&pu->lock);
	pu->stopping = true;
	pthread_mutex_unlock(&pu->lock);
	signal_pusher(pu);
	pthread_join(pu->thread, NULL);
}

void http_pusher_free(struct http_pusher *pu)
{
	if (!pu)
		return;
	close(pu->ep);
	close(pu->efd);
	pthread_mutex_destroy(&pu->lock);
	free(pu->ready.items);
	free(pu->streams.items);
	free(pu->batch.items);
	free(pu->finished.items);
	free(pu);
}

/* Gives p's socket (p->fd) to the pusher; false (p released) when that is not possible. */
static bool hand_over(struct http_push *p)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = p };

	/* under the lock: a stream the pusher ends at once is not reaped before it is registered */
	pthread_mutex_lock(&p->pu->lock);
	bool ok = !p->pu->stopping && epoll_ctl(p->pu->ep, EPOLL_CTL_ADD, p->fd, &ev) == 0;
	p->registered = ok;
	bool sig = enqueue_ready(p->pu, p); /* a first fill: what was queued before */
	pthread_mutex_unlock(&p->pu->lock);
	/* from here on p may be finished by the pusher at any moment: only ok is ours */
	if (sig)
		signal_pusher(p->pu);
	if (!ok)
		p->ops->release(p->ctx);
	return ok;
}

/*
 * libmicrohttpd's content callback: the first call hands the stream to the
 * pusher, with the connection suspended; the call after its resumption ends it.
 */
static ssize_t push_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_push *p = cls;

	(void)pos, (void)buf, (void)max;
	if (p->started)
		return http_stream_end(atomic_load(&p->over), p->failed);
	p->started = true;
	p->fd = http_take_over(p->server, p->conn); /* suspended before the pusher can resume it */
	if (p->fd < 0) {
		p->ops->release(p->ctx);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (!hand_over(p)) {
		p->failed = true;
		atomic_store(&p->over, true);
		http_resume(p->server, p->conn);
	}
	return 0; /* asked again once resumed */
}

static void push_free(void *cls)
{
	struct http_push *p = cls;

	if (!p->started) /* never handed over: nothing else knows it */
		p->ops->release(p->ctx);
	http_out_release(&p->out);
	free(p);
}

struct MHD_Response *http_push_response(struct http_server *s, struct http_pusher *pu,
					struct http_request *r,
					const struct http_push_ops *ops, void *ctx,
					struct http_push **ret_push)
{
	struct http_push *p = xcalloc(1, sizeof(*p));

	p->server = s;
	p->pu = pu;
	p->conn = r->conn;
	p->ops = ops;
	p->ctx = ctx;
	p->fd = -1;
	p->chunked = r->http11;
	http_out_init(&p->out);
	/* small: libmicrohttpd allocates the block with each response, and never fills it here */
	struct MHD_Response *resp =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256, push_read, p, push_free);
	if (!resp) {
		push_free(p);
		p = NULL;
	}
	*ret_push = p;
	return resp;
}
