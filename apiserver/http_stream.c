/*
 * http_stream.c - streamed answers pulled from a blocking source (pod logs);
 * see http_respond_stream in http.h.
 *
 * The event threads must not wait on the source, so once libmicrohttpd has
 * sent the answer's headers and first asks for data, the connection is
 * suspended and a thread of the stream's own reads the source and writes
 * its chunks to the socket; at the end it resumes the connection, whose
 * next ask is answered with the end of the stream (libmicrohttpd then
 * writes the closing chunk). Log streams are few; a thread each is simple.
 */
#include "apiserver/http_push.h"

#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>

#define STREAM_BUF 8192

struct stream {
	const struct http_stream_ops *ops;
	void *ctx;
	struct http_server *server;
	struct MHD_Connection *conn;
	int fd;
	bool chunked;
	bool started;
	atomic_bool over;
	bool failed;
};

/*
 * Writes all of iov to fd (non-blocking), waiting for room; false when the
 * client is gone, or when the server stops while it waits.
 */
static bool send_all(const struct http_server *server, int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = (size_t)n };
		ssize_t k = sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			if ((poll(&p, 1, 1000) < 0 && errno != EINTR) || http_server_stopping(server))
				return false;
			continue;
		}
		if (k < 0)
			return false;
		while (n > 0 && (size_t)k >= iov->iov_len) {
			k -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + k;
			iov->iov_len -= (size_t)k;
		}
	}
	return true;
}

/* Sends n bytes of buf as one chunk (or as they are, without chunked encoding). */
static bool send_piece(struct stream *s, char *buf, size_t n)
{
	char head[24];
	struct iovec iov[3];
	int k = 0;

	if (s->chunked) {
		int len = snprintf(head, sizeof(head), "%zx\r\n", n);
		iov[k++] = (struct iovec){ head, (size_t)len };
	}
	iov[k++] = (struct iovec){ buf, n };
	if (s->chunked)
		iov[k++] = (struct iovec){ (char *)"\r\n", 2 };
	return send_all(s->server, s->fd, iov, k);
}

static void *stream_main(void *arg)
{
	struct stream *s = arg;
	char *buf = xmalloc(STREAM_BUF);
	struct http_server *server = s->server;
	struct MHD_Connection *conn = s->conn;

	pthread_setname_np(pthread_self(), "k8c-stream");
	for (;;) {
		long n = s->ops->read(s->ctx, buf, STREAM_BUF);
		if (n == HTTP_STREAM_END)
			break;
		if (n < 0 || (n > 0 && !send_piece(s, buf, (size_t)n))) {
			s->failed = true;
			break;
		}
	}
	free(buf);
	atomic_store(&s->over, true);
	http_resume(server, conn); /* s may be freed from here on */
	return NULL;
}

/* libmicrohttpd's content callback: hands the stream to its thread, then ends it. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	pthread_attr_t a;
	pthread_t t;

	(void)pos, (void)buf, (void)max;
	if (s->started)
		return http_stream_end(atomic_load(&s->over), s->failed);
	s->started = true;
	s->fd = http_take_over(s->server, s->conn);
	if (s->fd < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &a, stream_main, s)) {
		s->failed = true;
		atomic_store(&s->over, true);
		http_resume(s->server, s->conn);
	}
	pthread_attr_destroy(&a);
	return 0; /* asked again once resumed */
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	s->ops->release(s->ctx);
	free(s);
}

struct MHD_Response *http_stream_response(struct http_request *r,
					  const struct http_stream_ops *ops, void *ctx)
{
	struct stream *s = xcalloc(1, sizeof(*s));
	*s = (struct stream){ .ops = ops, .ctx = ctx, .server = r->server, .conn = r->conn,
			      .fd = -1, .chunked = r->http11 };
	struct MHD_Response *resp =
		MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256, stream_read, s, stream_free);
	if (!resp)
		stream_free(s);
	return resp;
}
