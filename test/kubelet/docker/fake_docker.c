/*
 * fake_docker.c - the canned-response unix socket server of fake_docker.h.
 */
#include "test/kubelet/docker/fake_docker.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Reads one request (headers, then Content-Length bytes of body) into req. */
static bool read_request(int conn, struct strbuf *req)
{
	char buf[4096];
	strbuf_reset(req);
	for (;;) {
		char *end = strstr(req->buf, "\r\n\r\n");
		if (end) {
			const char *cl = strcasestr(req->buf, "\r\nContent-Length:");
			size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
			if (req->len >= (size_t)(end + 4 - req->buf) + body)
				return true;
		}
		ssize_t n = read(conn, buf, sizeof(buf));
		if (n <= 0)
			return false;
		strbuf_add(req, buf, (size_t)n);
	}
}

static void serve(struct fake_docker *fd, int conn)
{
	struct strbuf req = STRBUF_INIT;
	if (!read_request(conn, &req)) {
		strbuf_release(&req);
		return;
	}
	pthread_mutex_lock(&fd->lock);
	strbuf_reset(&fd->request);
	strbuf_add(&fd->request, req.buf, req.len);
	fd->requests++;
	bool hang = fd->hang;
	size_t len = fd->response.len;
	char *resp = xmalloc(len + 1);
	memcpy(resp, fd->response.buf, len);
	pthread_mutex_unlock(&fd->lock);
	if (hang) {
		struct pollfd p = { .fd = conn, .events = POLLIN };
		poll(&p, 1, 10000); /* until the client gives up and closes */
	} else {
		for (size_t off = 0; off < len;) {
			ssize_t n = send(conn, resp + off, len - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
	}
	free(resp);
	strbuf_release(&req);
}

static void *run(void *arg)
{
	struct fake_docker *fd = arg;
	for (;;) {
		int conn = accept(fd->listen_fd, NULL, NULL);
		if (conn < 0)
			return NULL; /* the socket was shut down: stop */
		serve(fd, conn);
		close(conn);
	}
}

void fake_docker_start(struct fake_docker *fd)
{
	char tmpl[] = "/tmp/k8c-fake-docker-XXXXXX";
	*fd = (struct fake_docker){ .response = STRBUF_INIT, .request = STRBUF_INIT };
	if (!mkdtemp(tmpl))
		abort();
	fd->dir = xstrdup(tmpl);
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/docker.sock", tmpl);
	fd->socket_path = strbuf_detach(&path, NULL);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(fd->socket_path) >= sizeof(addr.sun_path))
		abort();
	memcpy(addr.sun_path, fd->socket_path, strlen(fd->socket_path) + 1);
	fd->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd->listen_fd < 0 || bind(fd->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd->listen_fd, 16) < 0)
		abort();
	pthread_mutex_init(&fd->lock, NULL);
	fake_docker_respond(fd, 200, "{}");
	if (pthread_create(&fd->thread, NULL, run, fd) != 0)
		abort();
}

void fake_docker_stop(struct fake_docker *fd)
{
	shutdown(fd->listen_fd, SHUT_RDWR);
	pthread_join(fd->thread, NULL);
	close(fd->listen_fd);
	unlink(fd->socket_path);
	rmdir(fd->dir);
	free(fd->socket_path);
	free(fd->dir);
	strbuf_release(&fd->response);
	strbuf_release(&fd->request);
	pthread_mutex_destroy(&fd->lock);
}

void fake_docker_respond_raw(struct fake_docker *fd, const void *data, size_t len)
{
	pthread_mutex_lock(&fd->lock);
	strbuf_reset(&fd->response);
	strbuf_add(&fd->response, data, len);
	pthread_mutex_unlock(&fd->lock);
}

void fake_docker_respond(struct fake_docker *fd, int status, const char *body)
{
	struct strbuf r = STRBUF_INIT;
	strbuf_addf(&r,
		    "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n%s",
		    status, strlen(body), body);
	fake_docker_respond_raw(fd, r.buf, r.len);
	strbuf_release(&r);
}

void fake_docker_hang(struct fake_docker *fd, bool hang)
{
	pthread_mutex_lock(&fd->lock);
	fd->hang = hang;
	pthread_mutex_unlock(&fd->lock);
}

char *fake_docker_last_request(struct fake_docker *fd)
{
	pthread_mutex_lock(&fd->lock);
	char *r = xstrndup(fd->request.buf, fd->request.len);
	pthread_mutex_unlock(&fd->lock);
	return r;
}
