/*
 * test_client.c - unit tests of the Docker client against a fake daemon
 * (fake_docker.h): what requests look like on the wire, how HTTP statuses
 * and transport failures map to errnos and messages, JSON answers into
 * structs, and streamed logs. No real dockerd: see test_docker.c for that.
 */
#include "kubelet/docker/docker.h"
#include "base/timeutil.h"
#include "test/ktest.h"
#include "test/kubelet/docker/fake_docker.h"

static struct fake_docker fake;
static struct docker_client *client;

TEST(setup)
{
	fake_docker_start(&fake);
	REQUIRE(docker_client_new(fake.socket_path, &client) == 0);
}

TEST(create_sends_the_spec_as_json)
{
	const char *const cmd[] = { "sh", "-c", "echo \"hi\"", NULL };
	const char *const env[] = { "A=1", NULL };
	const char *const dns[] = { "10.0.0.10", NULL };
	const struct docker_kv labels[] = { { "io.k8c.pod", "web" }, { "x", "y" } };
	const struct docker_port ports[] = { { 80, NULL, 8080, "127.0.0.1" },
					     { 53, "udp", 0, NULL } };
	const struct docker_bind binds[] = { { "/h", "/c", true } };
	struct docker_create_spec spec = {
		.name = "k8c_web/1",
		.image = "k8c.local/busybox:latest",
		.cmd = cmd,
		.env = env,
		.labels = labels,
		.n_labels = 2,
		.ports = ports,
		.n_ports = 2,
		.binds = binds,
		.n_binds = 1,
		.memory_bytes = 1 << 20,
		.dns_servers = dns,
		.log_max_size = "10m",
	};
	char *id = NULL;
	fake_docker_respond(&fake, 201, "{\"Id\":\"abc123\",\"Warnings\":[]}");
	REQUIRE(docker_container_create(client, &spec, &id) == 0);
	CHECK_STR(id, "abc123");
	CHECK_STR(docker_client_last_error(client), "");
	char *req = fake_docker_last_request(&fake);
	CHECK(str_has_prefix(req, "POST /v1.41/containers/create?name=k8c_web%2F1 HTTP/1.1\r\n"));
	const char *body = strstr(req, "\r\n\r\n");
	REQUIRE(body);
	CHECK_STR(
		body + 4,
		"{\"Image\":\"k8c.local/busybox:latest\",\"Cmd\":[\"sh\",\"-c\",\"echo "
		"\\\"hi\\\"\"],"
		"\"Env\":[\"A=1\"],\"Tty\":false,\"OpenStdin\":false,\"StdinOnce\":false,"
		"\"Labels\":{\"io.k8c.pod\":\"web\",\"x\":\"y\"},"
		"\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},"
		"\"HostConfig\":{\"Binds\":[\"/h:/c:ro\"],"
		"\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}]},"
		"\"NetworkMode\":\"bridge\",\"RestartPolicy\":{\"Name\":\"no\"},"
		"\"Dns\":[\"10.0.0.10\"],\"Memory\":1048576,\"NanoCpus\":0,\"CpuQuota\":0,"
		"\"CpuPeriod\":0,\"CpuShares\":0,\"OomScoreAdj\":0,"
		"\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"10m\"}}}}");
	free(req);
	free(id);
}

TEST(create_rejects_a_colon_in_a_bind_without_asking)
{
	const struct docker_bind binds[] = { { "/a:b", "/c", false } };
	struct docker_create_spec spec = { .image = "i", .binds = binds, .n_binds = 1 };
	char *id = NULL;
	int before = fake.requests;
	CHECK_INT(docker_container_create(client, &spec, &id), -EINVAL);
	CHECK(id == NULL);
	CHECK_INT(fake.requests, before);
	CHECK_STR(docker_client_last_error(client), "invalid bind mount '/a:b' -> '/c'");
}

TEST(http_errors_map_to_errnos_with_the_daemons_message)
{
	struct docker_create_spec spec = { .name = "web", .image = "busybox" };
	char *id = NULL;
	fake_docker_respond(&fake, 409,
			    "{\"message\":\"Conflict. The name \\\"/web\\\" is in use\"}");
	CHECK_INT(docker_container_create(client, &spec, &id), -EEXIST);
	CHECK_STR(docker_client_last_error(client), "Conflict. The name \"/web\" is in use");
	CHECK_INT(docker_container_remove(client, "web", 0), -EBUSY);
	fake_docker_respond(&fake, 404, "{\"message\":\"No such container: web\"}");
	CHECK_INT(docker_container_start(client, "web"), -ENOENT);
	CHECK_STR(docker_client_last_error(client), "No such container: web");
	fake_docker_respond(&fake, 400, "{\"message\":\"bad\"}");
	CHECK_INT(docker_container_kill(client, "web", "SIGTERM"), -EINVAL);
	fake_docker_respond(&fake, 500, "not json\n");
	CHECK_INT(docker_container_stop(client, "web", 1), -EIO);
	CHECK_STR(docker_client_last_error(client), "docker: HTTP 500: not json");
	fake_docker_respond(&fake, 304, "");
	CHECK_INT(docker_container_start(client, "web"), 0);
	CHECK_STR(docker_client_last_error(client), "");
	CHECK(id == NULL);
}

TEST(paths_and_queries_are_escaped)
{
	struct docker_image img = { 0 };
	fake_docker_respond(&fake, 404, "{\"message\":\"No such image: k8c.local/x:1\"}");
	CHECK_INT(docker_image_inspect(client, "k8c.local/x:1", &img), -ENOENT);
	CHECK(img.id == NULL);
	char *req = fake_docker_last_request(&fake);
	CHECK(str_has_prefix(req, "GET /v1.41/images/k8c.local%2Fx%3A1/json HTTP/1.1\r\n"));
	free(req);
	struct docker_container_list list = { 0 };
	const char *const filters[] = { "io.k8c.test=a b", NULL };
	fake_docker_respond(&fake, 200, "[]");
	CHECK_INT(docker_container_list(client, filters, true, &list), 0);
	CHECK_INT(list.n, 0);
	docker_container_list_release(&list);
	req = fake_docker_last_request(&fake);
	CHECK(str_has_prefix(req, "GET /v1.41/containers/json?all=1&filters="
				  "%7B%22label%22%3A%7B%22io.k8c.test%3Da%20b%22%3Atrue%7D%7D "));
	free(req);
	fake_docker_respond(&fake, 204, "");
	CHECK_INT(
		docker_container_remove(client, "c1", DOCKER_REMOVE_FORCE | DOCKER_REMOVE_VOLUMES),
		0);
	req = fake_docker_last_request(&fake);
	CHECK(str_has_prefix(req, "DELETE /v1.41/containers/c1?force=1&v=1 HTTP/1.1\r\n"));
	free(req);
}

TEST(inspect_reads_the_answer_into_the_struct)
{
	fake_docker_respond(
		&fake, 200,
		"{\"Id\":\"c1\",\"Name\":\"/web\",\"Image\":\"sha256:1\",\"Created\":"
		"\"2024-05-01T10:00:00.5Z\",\"State\":{\"Status\":\"exited\",\"Running\":false,"
		"\"OOMKilled\":true,\"ExitCode\":137,\"Pid\":0,\"Error\":\"\",\"StartedAt\":"
		"\"2024-05-01T10:00:01.000000001Z\",\"FinishedAt\":\"0001-01-01T00:00:00Z\"},"
		"\"Config\":{\"Image\":\"busybox\",\"Env\":[\"A=1\",\"PATH=/bin\"],\"Labels\":"
		"{\"k\":\"v\"}},\"HostConfig\":{\"Memory\":67108864,\"NetworkMode\":\"container:"
		"s\"},"
		"\"NetworkSettings\":{\"IPAddress\":\"\",\"Networks\":{\"bridge\":{\"IPAddress\":"
		"\"172.17.0.9\"}}},\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/"
		"h\",\"Destination\":"
		"\"/c\",\"RW\":false}]}");
	struct docker_container ctr;
	REQUIRE(docker_container_inspect(client, "c1", &ctr) == 0);
	CHECK_STR(ctr.name, "web");
	CHECK_STR(ctr.image, "busybox");
	CHECK_STR(ctr.image_id, "sha256:1");
	CHECK_INT(ctr.state, DOCKER_STATE_EXITED);
	CHECK(ctr.oom_killed && !ctr.running);
	CHECK_INT(ctr.exit_code, 137);
	CHECK_INT(ctr.created_ns, 1714557600500000000LL);
	CHECK_INT(ctr.started_ns, 1714557601000000001LL);
	CHECK_INT(ctr.finished_ns, 0);
	CHECK(ctr.error == NULL);
	CHECK_STR(ctr.ip_address, "172.17.0.9");
	CHECK_STR(ctr.network_mode, "container:s");
	CHECK_STR(docker_labels_get(&ctr.labels, "k"), "v");
	CHECK_INT(docker_strv_len((const char *const *)ctr.env), 2);
	CHECK_INT(ctr.memory_bytes, 64 << 20);
	REQUIRE(ctr.n_mounts == 1);
	CHECK_STR(ctr.mounts[0].source, "/h");
	CHECK(ctr.mounts[0].read_only);
	docker_container_release(&ctr);
	CHECK(ctr.id == NULL);
}

TEST(garbage_answers_are_protocol_errors)
{
	struct docker_container ctr = { .pid = 42 };
	fake_docker_respond(&fake, 200, "[1,2]");
	CHECK_INT(docker_container_inspect(client, "c1", &ctr), -EPROTO);
	CHECK_INT(ctr.pid, 42);
	fake_docker_respond(&fake, 200, "{\"Id\":");
	CHECK_INT(docker_container_inspect(client, "c1", &ctr), -EPROTO);
	CHECK(str_has_prefix(docker_client_last_error(client), "docker answered with unexpected"));
}

struct lines {
	struct strbuf text;
	int frames;
	int stop_at;
};

static int on_line(void *ud, enum docker_stream stream, const char *data, size_t len)
{
	struct lines *l = ud;
	strbuf_addch(&l->text, stream == DOCKER_STREAM_STDERR ? 'E' : 'O');
	strbuf_add(&l->text, data, len);
	return ++l->frames == l->stop_at ? 42 : 0;
}

static void respond_stream(const char *frames, size_t len)
{
	struct strbuf r = STRBUF_INIT;
	strbuf_addstr(&r, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
			  "Connection: close\r\n\r\n");
	strbuf_add(&r, frames, len);
	fake_docker_respond_raw(&fake, r.buf, r.len);
	strbuf_release(&r);
}

TEST(logs_are_decoded_and_the_callback_can_stop_them)
{
	static const char frames[] = "\001\000\000\000\000\000\000\003a1\n"
				     "\002\000\000\000\000\000\000\003b2\n"
				     "\001\000\000\000\000\000\000\003c3\n";
	struct lines l = { .text = STRBUF_INIT };
	struct docker_logs_opts opts = {
		.flags = DOCKER_LOGS_STDERR | DOCKER_LOGS_TAIL | DOCKER_LOGS_TIMESTAMPS,
		.tail = 2,
		.since_ns = 1700000000000000005LL,
	};
	respond_stream(frames, sizeof(frames) - 1);
	CHECK_INT(docker_container_logs(client, "c1", &opts, on_line, &l), 0);
	CHECK_STR(l.text.buf, "Oa1\nEb2\nOc3\n");
	char *req = fake_docker_last_request(&fake);
	CHECK(str_has_prefix(req, "GET /v1.41/containers/c1/logs?stdout=0&stderr=1&timestamps=1"
				  "&follow=0&tail=2&since=1700000000.000000005 "));
	free(req);
	strbuf_reset(&l.text);
	l.frames = 0;
	l.stop_at = 2;
	CHECK_INT(docker_container_logs(client, "c1", NULL, on_line, &l), 42);
	CHECK_STR(l.text.buf, "Oa1\nEb2\n");
	respond_stream(frames, 12);
	CHECK_INT(docker_container_logs(client, "c1", NULL, on_line, &l), -EPROTO);
	CHECK_STR(docker_client_last_error(client), "malformed log stream from docker");
	strbuf_release(&l.text);
}

static bool always(void *ud)
{
	return true;
}

TEST(hung_daemon_times_out_or_is_cancelled)
{
	fake_docker_hang(&fake, true);
	docker_client_set_timeout(client, 200);
	int64_t t0 = time_mono_ns();
	CHECK_INT(docker_ping(client), -ETIMEDOUT);
	int64_t ms = (time_mono_ns() - t0) / K8C_NSEC_PER_MSEC;
	CHECK(ms >= 150 && ms < 3000);
	struct docker_logs_opts opts = { .flags = DOCKER_LOGS_FOLLOW, .cancelled = always };
	struct lines l = { .text = STRBUF_INIT };
	CHECK_INT(docker_container_logs(client, "c1", &opts, on_line, &l), -ECANCELED);
	CHECK_INT(l.frames, 0);
	fake_docker_hang(&fake, false);
	docker_client_set_timeout(client, DOCKER_DEFAULT_TIMEOUT_MS);
	strbuf_release(&l.text);
}

TEST(no_daemon_is_connection_refused)
{
	struct docker_client *nobody = NULL;
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/none.sock", fake.dir);
	REQUIRE(docker_client_new(path.buf, &nobody) == 0);
	CHECK_INT(docker_ping(nobody), -ECONNREFUSED);
	CHECK(strstr(docker_client_last_error(nobody), path.buf) != NULL);
	docker_client_free(nobody);
	strbuf_release(&path);
}

TEST(teardown)
{
	docker_client_free(client);
	fake_docker_stop(&fake);
}
