/*
 * logs_stream.c - a container log read into a bounded buffer by its own
 * thread; see logs_stream.h.
 */
#include "kubelet/logs_stream.h"

#include <pthread.h>

#include "base/timeutil.h"
#include "kubelet/cond.h"

/* The reader waits when this much is buffered and not yet taken. */
#define LOGS_BUFFER_MAX (256 * 1024)

struct logs_stream {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct strbuf buf;
	size_t taken; /* bytes of buf already handed out */
	bool eof;
	bool closed;
	int refs; /* the thread and the reader */
	struct logs_request req;
	char *socket, *id;
	int64_t sent;
};

static void unref(struct logs_stream *s)
{
	pthread_mutex_lock(&s->lock);
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (!last)
		return;
	strbuf_release(&s->buf);
	free(s->socket);
	free(s->id);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static bool cancelled(void *ud)
{
	struct logs_stream *s = ud;
	pthread_mutex_lock(&s->lock);
	bool c = s->closed;
	pthread_mutex_unlock(&s->lock);
	return c;
}

/* Appends one frame (cut at limitBytes); non-zero stops the read. */
static int on_frame(void *ud, enum docker_stream stream, const char *data, size_t len)
{
	struct logs_stream *s = ud;
	pthread_mutex_lock(&s->lock);
	while (!s->closed && s->buf.len - s->taken > LOGS_BUFFER_MAX)
		cond_wait_ns(&s->cond, &s->lock, K8C_NSEC_PER_SEC);
	int stop = s->closed;
	int64_t limit = s->req.limit_bytes;
	if (!stop && limit > 0 && s->sent + (int64_t)len >= limit) {
		len = (size_t)(limit - s->sent);
		stop = 1;
	}
	if (s->taken == s->buf.len || s->taken >= LOGS_BUFFER_MAX / 4) {
		/* drop what was handed out, so the buffer stays bounded */
		memmove(s->buf.buf, s->buf.buf + s->taken, s->buf.len - s->taken);
		strbuf_setlen(&s->buf, s->buf.len - s->taken);
		s->taken = 0;
	}
	if (!s->closed)
		strbuf_add(&s->buf, data, len);
	s->sent += (int64_t)len;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static void *reader_main(void *arg)
{
	struct logs_stream *s = arg;
	struct docker_client *dc = NULL;
	if (docker_client_new(s->socket, &dc) == 0)
		docker_container_logs(dc, s->id, &s->req.opts, on_frame, s);
	docker_client_free(dc);
	pthread_mutex_lock(&s->lock);
	s->eof = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	unref(s);
	return NULL;
}

struct logs_stream *logs_stream_start(const struct logs_request *req)
{
	struct logs_stream *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	cond_init_mono(&s->cond);
	strbuf_init(&s->buf, 0);
	s->req = *req;
	s->socket = xstrdup(req->docker_socket);
	s->id = xstrdup(req->container_id);
	s->req.opts.cancelled = cancelled;
	s->refs = 2;
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int r = pthread_create(&t, &attr, reader_main, s);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		s->refs = 1;
		unref(s);
		return NULL;
	}
	return s;
}

long logs_stream_read(struct logs_stream *s, char *buf, size_t max, int64_t wait_ms)
{
	pthread_mutex_lock(&s->lock);
	if (s->buf.len == s->taken && !s->eof)
		cond_wait_ns(&s->cond, &s->lock, wait_ms * K8C_NSEC_PER_MSEC);
	size_t avail = s->buf.len - s->taken;
	long n = -1;
	if (avail) {
		n = (long)(avail < max ? avail : max);
		memcpy(buf, s->buf.buf + s->taken, (size_t)n);
		s->taken += (size_t)n;
		pthread_cond_broadcast(&s->cond);
	} else if (!s->eof) {
		n = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

void logs_stream_close(struct logs_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->closed = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	unref(s);
}
