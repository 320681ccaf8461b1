/*
 * logs.c - GET /containers/{id}/logs streamed through the multiplexed stream
 * decoder to the caller's callback; see logs.h.
 */
#include "kubelet/docker/logs.h"

#include "base/timeutil.h"
#include "kubelet/docker/http.h"

struct logs_read {
	struct docker_demux demux;
	const struct docker_logs_opts *opts;
	void *userdata;
};

static int on_body(void *ud, const char *data, size_t len)
{
	struct logs_read *lr = ud;
	return docker_demux_feed(&lr->demux, data, len);
}

static bool on_poll(void *ud)
{
	struct logs_read *lr = ud;
	return lr->opts->cancelled && lr->opts->cancelled(lr->userdata);
}

static void logs_path(struct strbuf *path, const char *id, const struct docker_logs_opts *o)
{
	unsigned streams = o->flags & (DOCKER_LOGS_STDOUT | DOCKER_LOGS_STDERR);
	if (!streams)
		streams = DOCKER_LOGS_STDOUT | DOCKER_LOGS_STDERR;
	docker__add_path(path, "/containers/", id, "/logs");
	strbuf_addf(path, "?stdout=%d&stderr=%d&timestamps=%d&follow=%d",
		    !!(streams & DOCKER_LOGS_STDOUT), !!(streams & DOCKER_LOGS_STDERR),
		    !!(o->flags & DOCKER_LOGS_TIMESTAMPS), !!(o->flags & DOCKER_LOGS_FOLLOW));
	if (o->flags & DOCKER_LOGS_TAIL)
		strbuf_addf(path, "&tail=%lld", (long long)(o->tail > 0 ? o->tail : 0));
	if (o->since_ns > 0)
		strbuf_addf(path, "&since=%lld.%09lld", (long long)(o->since_ns / K8C_NSEC_PER_SEC),
			    (long long)(o->since_ns % K8C_NSEC_PER_SEC));
}

int docker_container_logs(struct docker_client *c, const char *id,
			  const struct docker_logs_opts *opts, docker_frame_fn fn, void *userdata)
{
	static const struct docker_logs_opts defaults = { 0 };
	if (!opts)
		opts = &defaults;
	struct logs_read lr = { .opts = opts, .userdata = userdata };
	struct strbuf path = STRBUF_INIT;
	logs_path(&path, id, opts);
	bool follow = opts->flags & DOCKER_LOGS_FOLLOW;
	struct docker__request req = {
		.method = "GET",
		.path = path.buf,
		.sink = on_body,
		.ud = &lr,
		.timeout_ms = follow ? -1 : 0,
		.cancelled = opts->cancelled ? on_poll : NULL,
	};
	docker_demux_init(&lr.demux, opts->flags & DOCKER_LOGS_TTY, fn, userdata);
	int r = docker__do(c, &req);
	if (lr.demux.stopped) /* fn's value, or a malformed stream */
		r = lr.demux.stopped;
	else if (r >= 0)
		r = docker_demux_finish(&lr.demux);
	if (r == -EPROTO && !docker_client_last_error(c)[0])
		docker__fail(c, -EPROTO, "malformed log stream from docker");
	docker_demux_release(&lr.demux);
	strbuf_release(&path);
	return r;
}
