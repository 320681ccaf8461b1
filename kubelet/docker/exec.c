/*
 * exec.c - exec create, attached start (the multiplexed stream decoded into
 * one bounded buffer) and exec inspect for the exit code; see exec.h.
 */
#include "kubelet/docker/exec.h"

#include "base/timeutil.h"
#include "kubelet/docker/http.h"
#include "kubelet/docker/json.h"
#include "kubelet/docker/stream.h"

struct exec_output {
	struct docker_demux demux;
	struct strbuf out;
	size_t max;
	bool truncated;
};

static int on_frame(void *ud, enum docker_stream stream, const char *data, size_t len)
{
	struct exec_output *x = ud;
	size_t room = x->max - x->out.len;
	if (len > room) {
		x->truncated = true;
		len = room;
	}
	strbuf_add(&x->out, data, len);
	return 0;
}

static int on_body(void *ud, const char *data, size_t len)
{
	struct exec_output *x = ud;
	return docker_demux_feed(&x->demux, data, len);
}

/* Milliseconds left until deadline (mono ns), or -ETIMEDOUT with c->error set. */
static int64_t ms_left(struct docker_client *c, int64_t deadline)
{
	int64_t ms = (deadline - time_mono_ns()) / K8C_NSEC_PER_MSEC;
	if (ms > 0)
		return ms;
	return docker__fail(c, -ETIMEDOUT, "command did not finish in time");
}

/* docker__do() with the time left until deadline as the request's timeout. */
static int do_until(struct docker_client *c, struct docker__request *req, int64_t deadline)
{
	int64_t ms = ms_left(c, deadline);
	if (ms < 0)
		return (int)ms;
	req->timeout_ms = ms;
	return docker__do(c, req);
}

static int exec_create(struct docker_client *c, const char *id, const char *const *cmd,
		       int64_t deadline, char **ret_exec_id)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	docker__add_path(&path, "/containers/", id, "/exec");
	docker__jw_open(&body, NULL, '{');
	docker__jw_bool(&body, "AttachStdout", true);
	docker__jw_bool(&body, "AttachStderr", true);
	docker__jw_bool(&body, "Tty", false);
	docker__jw_strv(&body, "Cmd", cmd);
	docker__jw_close(&body, '{');
	struct docker__request req = { .method = "POST", .path = path.buf, .json = body.buf };
	int r = do_until(c, &req, deadline);
	cJSON *json = NULL;
	if (r > 0)
		r = docker__parse_body(c, cJSON_Object, &json);
	strbuf_release(&path);
	strbuf_release(&body);
	if (r < 0)
		return r;
	*ret_exec_id = docker__json_str(json, "Id");
	cJSON_Delete(json);
	return *ret_exec_id ? 0 : docker__fail(c, -EPROTO, "docker created an exec without an id");
}

/* Starts exec_id attached and reads its output until it closes the stream. */
static int exec_start(struct docker_client *c, const char *exec_id, int64_t deadline,
		      struct exec_output *x)
{
	struct strbuf path = STRBUF_INIT;
	docker__add_path(&path, "/exec/", exec_id, "/start");
	struct docker__request req = {
		.method = "POST",
		.path = path.buf,
		.json = "{\"Detach\":false,\"Tty\":false}",
		.sink = on_body,
		.ud = x,
	};
	int r = do_until(c, &req, deadline);
	if (r > 0)
		r = docker_demux_finish(&x->demux);
	strbuf_release(&path);
	if (r == -EPROTO && !docker_client_last_error(c)[0])
		docker__fail(c, -EPROTO, "malformed output stream from docker");
	return r < 0 ? r : 0;
}

/*
 * Waits until exec_id has exited and takes its exit code: the stream can
 * close a moment before the daemon has recorded the exit.
 */
static int exec_wait(struct docker_client *c, const char *exec_id, int64_t deadline, int *ret_code)
{
	struct strbuf path = STRBUF_INIT;
	docker__add_path(&path, "/exec/", exec_id, "/json");
	struct docker__request req = { .method = "GET", .path = path.buf };
	int64_t delay_ms = 1;
	int r;
	for (;;) {
		cJSON *json = NULL;
		r = do_until(c, &req, deadline);
		if (r > 0)
			r = docker__parse_body(c, cJSON_Object, &json);
		if (r < 0)
			break;
		bool running = docker__json_bool(json, "Running");
		*ret_code = (int)docker__json_int(json, "ExitCode");
		cJSON_Delete(json);
		if (!running)
			break;
		time_sleep_ms(delay_ms);
		delay_ms = delay_ms < 32 ? delay_ms * 2 : 50;
	}
	strbuf_release(&path);
	return r < 0 ? r : 0;
}

int docker_exec(struct docker_client *c, const char *id, const char *const *cmd, int64_t timeout_ms,
		size_t max_output, struct docker_exec_result *ret)
{
	int64_t deadline = time_mono_ns() + timeout_ms * K8C_NSEC_PER_MSEC;
	struct exec_output x = { .max = max_output ? max_output : DOCKER_EXEC_DEFAULT_MAX_OUTPUT };
	_cleanup_free_ char *exec_id = NULL;
	int code = 0;
	if (!cmd || !cmd[0] || timeout_ms <= 0)
		return docker__fail(c, -EINVAL, "exec needs a command and a timeout");
	docker_demux_init(&x.demux, false, on_frame, &x);
	strbuf_init(&x.out, 0);
	int r = exec_create(c, id, cmd, deadline, &exec_id);
	if (r == 0)
		r = exec_start(c, exec_id, deadline, &x);
	if (r == 0)
		r = exec_wait(c, exec_id, deadline, &code);
	docker_demux_release(&x.demux);
	if (r < 0) {
		strbuf_release(&x.out);
		return r;
	}
	*ret = (struct docker_exec_result){ .exit_code = code, .truncated = x.truncated };
	ret->output = strbuf_detach(&x.out, &ret->output_len);
	return 0;
}

void docker_exec_result_release(struct docker_exec_result *result)
{
	free(result->output);
	*result = (struct docker_exec_result){ 0 };
}
