/*
 * test_docker.c - integration tests of kubelet/docker/ against the real
 * dockerd and the local images (run through run-with-dockerd.sh): a pod's
 * worth of containers (a pause sandbox, a busybox web server in its network,
 * IPC and PID namespaces), exec, logs, stop with a timeout, errors, listing
 * by label; and the latency of each operation, printed at the end.
 *
 * Every container carries io.k8c.test=$K8C_TEST_LABEL and is removed by the
 * last case (and by the wrapper script should this program crash).
 */
#include <curl/curl.h>

#include "base/random.h"
#include "base/timeutil.h"
#include "kubelet/docker/docker.h"
#include "test/ktest.h"

#define BUSYBOX	       "k8c.local/busybox:latest"
#define PAUSE	       "k8c.local/pause:latest"
#define MAX_CONTAINERS 32

static struct docker_client *dc;
static char label[32];		  /* value of io.k8c.test */
static char label_filter[64];	  /* "io.k8c.test=<label>" */
static char *ids[MAX_CONTAINERS]; /* every container this run created */
static size_t n_ids;
static char *sandbox_id, *web_id;
static char host_dir[] = "/tmp/k8c-docker-test-XXXXXX";

/* Latency samples per operation. */
enum op {
	OP_CREATE,
	OP_START,
	OP_INSPECT,
	OP_STOP,
	OP_REMOVE,
	OP_EXEC,
	OP_COUNT
};
static const char *const op_names[] = { "create", "start", "inspect", "stop", "remove", "exec" };
static int64_t samples[OP_COUNT][64];
static size_t n_samples[OP_COUNT];

static void record(enum op op, int64_t t0)
{
	if (n_samples[op] < ARRAY_SIZE(samples[op]))
		samples[op][n_samples[op]++] = time_mono_ns() - t0;
}
#define TIMED(op, call)                                                                            \
	({                                                                                         \
		int64_t t0_ = time_mono_ns();                                                      \
		int r_ = (call);                                                                   \
		record((op), t0_);                                                                 \
		r_;                                                                                \
	})

static const char *why(void)
{
	return docker_client_last_error(dc);
}

/* Creates a container of role from spec with the test's labels and name. NULL on failure. */
static char *create(const char *role, struct docker_create_spec *spec)
{
	const struct docker_kv labels[] = { { "io.k8c.test", label }, { "io.k8c.role", role } };
	struct strbuf name = STRBUF_INIT;
	strbuf_addf(&name, "k8c-test-%s-%s", label, role);
	spec->name = name.buf;
	spec->labels = labels;
	spec->n_labels = ARRAY_SIZE(labels);
	char *id = NULL;
	int r = TIMED(OP_CREATE, docker_container_create(dc, spec, &id));
	if (r < 0)
		fprintf(stderr, "create %s: %d %s\n", role, r, why());
	if (r == 0 && n_ids < MAX_CONTAINERS)
		ids[n_ids++] = id;
	strbuf_release(&name);
	spec->name = NULL;
	spec->labels = NULL;
	return id;
}

/* Creates and starts a busybox container running the shell script. */
static char *run_sh(const char *role, const char *script)
{
	const char *const cmd[] = { "sh", "-c", script, NULL };
	struct docker_create_spec spec = { .image = BUSYBOX, .cmd = cmd };
	char *id = create(role, &spec);
	if (id && TIMED(OP_START, docker_container_start(dc, id)) < 0) {
		fprintf(stderr, "start %s: %s\n", role, why());
		return NULL;
	}
	return id;
}

/* Polls cond(arg) every 20 ms until it holds or timeout_ms pass. */
static bool wait_until(bool (*cond)(const void *), const void *arg, int64_t timeout_ms)
{
	int64_t deadline = time_mono_ns() + timeout_ms * K8C_NSEC_PER_MSEC;
	while (!cond(arg)) {
		if (time_mono_ns() > deadline)
			return false;
		time_sleep_ms(20);
	}
	return true;
}

static bool has_exited(const void *id)
{
	struct docker_container ctr;
	if (TIMED(OP_INSPECT, docker_container_inspect(dc, id, &ctr)) < 0)
		return false;
	bool exited = ctr.state == DOCKER_STATE_EXITED;
	docker_container_release(&ctr);
	return exited;
}

TEST(setup)
{
	const char *env = getenv("K8C_TEST_LABEL");
	if (env && *env && strlen(env) < sizeof(label))
		memcpy(label, env, strlen(env) + 1);
	else
		random_name_suffix(label, 10);
	snprintf(label_filter, sizeof(label_filter), "io.k8c.test=%s", label);
	REQUIRE(mkdtemp(host_dir) != NULL);
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/msg", host_dir);
	FILE *f = fopen(path.buf, "w");
	REQUIRE(f);
	fputs("from-host\n", f);
	fclose(f);
	strbuf_release(&path);
	REQUIRE(docker_client_new(NULL, &dc) == 0);
}

TEST(system_info)
{
	CHECK_INT(docker_ping(dc), 0);
	struct docker_info info;
	REQUIRE(docker_system_info(dc, &info) == 0);
	CHECK(info.server_version && info.server_version[0]);
	CHECK_STR(info.api_version, DOCKER_API_VERSION);
	CHECK_STR(info.os, "linux");
	CHECK(info.arch && info.kernel_version && info.operating_system);
	CHECK(info.cgroup_driver != NULL);
	CHECK(info.ncpu > 0);
	CHECK(info.mem_total > 0);
	printf("docker %s (API %s), %s %s, cgroup driver %s v%s, %d CPUs, %lld MiB\n",
	       info.server_version, info.api_version, info.os, info.arch, info.cgroup_driver,
	       info.cgroup_version ? info.cgroup_version : "?", info.ncpu,
	       (long long)(info.mem_total >> 20));
	docker_info_release(&info);
}

TEST(image_inspect)
{
	struct docker_image img;
	REQUIRE(docker_image_inspect(dc, BUSYBOX, &img) == 0);
	CHECK(str_has_prefix(img.id, "sha256:"));
	CHECK(img.size > 0);
	bool tagged = false;
	for (size_t i = 0; img.repo_tags[i]; i++)
		tagged |= strcmp(img.repo_tags[i], BUSYBOX) == 0;
	CHECK(tagged);
	CHECK(docker_labels_get(&img.labels, "io.k8c.content-hash") != NULL);
	docker_image_release(&img);

	struct docker_image missing = { .size = -1 };
	CHECK_INT(docker_image_inspect(dc, "k8c.local/no-such-image:1", &missing), -ENOENT);
	CHECK(strstr(why(), "no-such-image") != NULL);
	CHECK_INT(missing.size, -1);
}

/* A pod: the pause sandbox holds the namespaces; the web server joins them. */
TEST(sandbox_and_web_server)
{
	struct docker_create_spec sandbox = { .image = PAUSE,
					      .ipc_mode = "shareable",
					      .hostname = "k8c-test-pod" };
	sandbox_id = create("sandbox", &sandbox);
	REQUIRE(sandbox_id);
	REQUIRE(TIMED(OP_START, docker_container_start(dc, sandbox_id)) == 0);

	struct strbuf mode = STRBUF_INIT, greeting = STRBUF_INIT;
	strbuf_addf(&mode, "container:%s", sandbox_id);
	strbuf_addf(&greeting, "GREETING=%s", label);
	const char *const cmd[] = {
		"sh",
		"-c",
		"mkdir -p /www && echo \"hello $GREETING\" > /www/index.html && cat /data/msg && "
		"(sleep 0.2 &) && exec httpd -f -p 8080 -h /www",
		NULL,
	};
	const char *const env[] = { greeting.buf, NULL };
	const struct docker_bind binds[] = { { host_dir, "/data", true } };
	struct docker_create_spec web = {
		.image = BUSYBOX,
		.cmd = cmd,
		.env = env,
		.binds = binds,
		.n_binds = 1,
		.network_mode = mode.buf,
		.ipc_mode = mode.buf,
		.pid_mode = mode.buf,
		.memory_bytes = 64 << 20,
		.nano_cpus = 500000000,
		.stop_signal = "SIGTERM",
	};
	web_id = create("web", &web);
	strbuf_release(&mode);
	strbuf_release(&greeting);
	REQUIRE(web_id);
	REQUIRE(TIMED(OP_START, docker_container_start(dc, web_id)) == 0);
}

static size_t on_page(char *data, size_t size, size_t nmemb, void *ud)
{
	strbuf_add(ud, data, size * nmemb);
	return size * nmemb;
}

/* GETs url from the host; the body (or "") in *body. */
static void http_get(const char *url, struct strbuf *body)
{
	CURL *h = curl_easy_init();
	strbuf_reset(body);
	if (!h)
		return;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 1000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_page);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	if (curl_easy_perform(h) != CURLE_OK)
		strbuf_reset(body);
	curl_easy_cleanup(h);
}

struct page_check {
	const char *url;
	const char *want;
};

static bool page_served(const void *arg)
{
	const struct page_check *pc = arg;
	struct strbuf body = STRBUF_INIT;
	http_get(pc->url, &body);
	bool ok = strcmp(body.buf, pc->want) == 0;
	strbuf_release(&body);
	return ok;
}

TEST(page_is_served_on_the_sandbox_ip)
{
	REQUIRE(sandbox_id && web_id);
	struct docker_container sb;
	REQUIRE(TIMED(OP_INSPECT, docker_container_inspect(dc, sandbox_id, &sb)) == 0);
	CHECK(sb.running);
	CHECK_STR(sb.hostname, "k8c-test-pod");
	REQUIRE(sb.ip_address != NULL);
	struct strbuf url = STRBUF_INIT, want = STRBUF_INIT;
	strbuf_addf(&url, "http://%s:8080/", sb.ip_address);
	strbuf_addf(&want, "hello %s\n", label);
	struct page_check pc = { url.buf, want.buf };
	CHECK(wait_until(page_served, &pc, 10000));
	printf("page served at %s\n", url.buf);
	strbuf_release(&url);
	strbuf_release(&want);
	docker_container_release(&sb);
}

static bool has_env(char **env, const char *kv)
{
	for (size_t i = 0; env[i]; i++)
		if (strcmp(env[i], kv) == 0)
			return true;
	return false;
}

TEST(inspect_shows_the_spec)
{
	REQUIRE(web_id);
	struct docker_container ctr;
	REQUIRE(TIMED(OP_INSPECT, docker_container_inspect(dc, web_id, &ctr)) == 0);
	CHECK_STR(ctr.id, web_id);
	CHECK(ctr.running && ctr.state == DOCKER_STATE_RUNNING && ctr.pid > 0);
	CHECK(ctr.started_ns > ctr.created_ns && ctr.created_ns > 0 && ctr.finished_ns == 0);
	CHECK_STR(ctr.image, BUSYBOX);
	CHECK(str_has_prefix(ctr.image_id, "sha256:"));
	CHECK(str_has_prefix(ctr.name, "k8c-test-"));
	CHECK_STR(docker_labels_get(&ctr.labels, "io.k8c.test"), label);
	CHECK_STR(docker_labels_get(&ctr.labels, "io.k8c.role"), "web");
	struct strbuf kv = STRBUF_INIT;
	strbuf_addf(&kv, "GREETING=%s", label);
	CHECK(has_env(ctr.env, kv.buf));
	CHECK(has_env(ctr.env, "PATH=/bin:/sbin:/usr/bin:/usr/sbin"));
	strbuf_reset(&kv);
	strbuf_addf(&kv, "container:%s", sandbox_id);
	CHECK_STR(ctr.network_mode, kv.buf);
	strbuf_release(&kv);
	CHECK(ctr.ip_address == NULL);
	CHECK_INT(ctr.memory_bytes, 64 << 20);
	CHECK_INT(ctr.nano_cpus, 500000000);
	REQUIRE(ctr.n_mounts == 1);
	CHECK_STR(ctr.mounts[0].type, "bind");
	CHECK_STR(ctr.mounts[0].source, host_dir);
	CHECK_STR(ctr.mounts[0].destination, "/data");
	CHECK(ctr.mounts[0].read_only);
	CHECK(ctr.log_path != NULL);
	docker_container_release(&ctr);
}

/* Runs cmd in web; *res filled; returns docker_exec's result. */
static int exec_in(const char *id, const char *const *cmd, int64_t timeout_ms, size_t max,
		   struct docker_exec_result *res)
{
	return TIMED(OP_EXEC, docker_exec(dc, id, cmd, timeout_ms, max, res));
}

TEST(exec_returns_output_and_exit_code)
{
	REQUIRE(web_id);
	struct docker_exec_result res;
	const char *const both[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	REQUIRE(exec_in(web_id, both, 5000, 0, &res) == 0);
	CHECK_INT(res.exit_code, 3);
	CHECK(strstr(res.output, "out\n") && strstr(res.output, "err\n"));
	CHECK_INT(res.output_len, 8);
	CHECK(!res.truncated);
	docker_exec_result_release(&res);

	const char *const bind[] = { "cat", "/data/msg", NULL };
	REQUIRE(exec_in(web_id, bind, 5000, 0, &res) == 0);
	CHECK_INT(res.exit_code, 0);
	CHECK_STR(res.output, "from-host\n");
	docker_exec_result_release(&res);

	const char *const ro[] = { "touch", "/data/new", NULL };
	REQUIRE(exec_in(web_id, ro, 5000, 0, &res) == 0);
	CHECK(res.exit_code != 0);
	docker_exec_result_release(&res);

	const char *const pid1[] = { "cat", "/proc/1/cmdline", NULL };
	REQUIRE(exec_in(web_id, pid1, 5000, 0, &res) == 0);
	CHECK_INT(res.output_len, 7);
	CHECK(memcmp(res.output, "/pause", 7) == 0);
	docker_exec_result_release(&res);
}

TEST(exec_bounds_output_and_time)
{
	REQUIRE(web_id);
	struct docker_exec_result res = { .exit_code = -7 };
	const char *const big[] = { "sh", "-c", "yes | head -c 100000", NULL };
	REQUIRE(exec_in(web_id, big, 5000, 0, &res) == 0);
	CHECK_INT(res.exit_code, 0);
	CHECK_INT(res.output_len, DOCKER_EXEC_DEFAULT_MAX_OUTPUT);
	CHECK(res.truncated);
	docker_exec_result_release(&res);

	res.exit_code = -7;
	const char *const slow[] = { "sleep", "5", NULL };
	int64_t t0 = time_mono_ns();
	CHECK_INT(exec_in(web_id, slow, 300, 0, &res), -ETIMEDOUT);
	int64_t ms = (time_mono_ns() - t0) / K8C_NSEC_PER_MSEC;
	CHECK(ms >= 250 && ms < 2000);
	CHECK_INT(res.exit_code, -7);
	CHECK_INT(exec_in("k8c-test-no-such-container", slow, 1000, 0, &res), -ENOENT);
}

static bool no_sleep_process(const void *id)
{
	const char *const cmd[] = { "sh", "-c", "cat /proc/[0-9]*/stat | grep -c '(sleep)'", NULL };
	struct docker_exec_result res;
	if (exec_in(id, cmd, 5000, 0, &res) < 0)
		return false;
	bool none = strcmp(res.output, "0\n") == 0;
	docker_exec_result_release(&res);
	return none;
}

/*
 * The web script orphaned a short sleep: pause, PID 1 of the pod, must reap it. The exec
 * test's "sleep 5" (Docker cannot kill an exec'd process) may still run for 5 s, longer
 * on a loaded machine: the deadline leaves room for it.
 */
TEST(pause_reaps_orphans)
{
	REQUIRE(web_id);
	CHECK(wait_until(no_sleep_process, web_id, 15000));
}

struct log_text {
	struct strbuf out, err;
	int frames;
	int stop_at; /* return 42 at this frame */
	int64_t first_ts;
	int bad_ts;
};

static int on_log(void *ud, enum docker_stream stream, const char *data, size_t len)
{
	struct log_text *lt = ud;
	strbuf_add(stream == DOCKER_STREAM_STDERR ? &lt->err : &lt->out, data, len);
	return ++lt->frames == lt->stop_at ? 42 : 0;
}

/* Splits off the timestamp each line starts with, checking it. */
static int on_stamped_log(void *ud, enum docker_stream stream, const char *data, size_t len)
{
	struct log_text *lt = ud;
	const char *space = memchr(data, ' ', len);
	char *stamp = space ? xstrndup(data, (size_t)(space - data)) : NULL;
	int64_t ns = 0;
	if (!stamp || time_parse_rfc3339(stamp, &ns) < 0 || ns < lt->first_ts)
		lt->bad_ts++;
	free(stamp);
	if (!space)
		return 0;
	if (!lt->first_ts)
		lt->first_ts = ns; /* the since test below starts at the second line */
	return on_log(ud, stream, space + 1, len - (size_t)(space + 1 - data));
}

static void log_text_reset(struct log_text *lt)
{
	strbuf_release(&lt->out);
	strbuf_release(&lt->err);
	*lt = (struct log_text){ .out = STRBUF_INIT, .err = STRBUF_INIT };
}

TEST(logs_return_the_containers_output)
{
	char *id =
		run_sh("logger",
		       "echo err1 >&2; sleep 0.2; echo line1; sleep 0.1; echo line2; echo line3");
	REQUIRE(id);
	REQUIRE(wait_until(has_exited, id, 10000));
	struct log_text lt = { .out = STRBUF_INIT, .err = STRBUF_INIT };
	CHECK_INT(docker_container_logs(dc, id, NULL, on_log, &lt), 0);
	CHECK_STR(lt.out.buf, "line1\nline2\nline3\n");
	CHECK_STR(lt.err.buf, "err1\n");
	CHECK_INT(lt.frames, 4);

	log_text_reset(&lt);
	struct docker_logs_opts tail = { .flags = DOCKER_LOGS_TAIL, .tail = 2 };
	CHECK_INT(docker_container_logs(dc, id, &tail, on_log, &lt), 0);
	CHECK_STR(lt.out.buf, "line2\nline3\n");
	CHECK_STR(lt.err.buf, "");

	log_text_reset(&lt);
	struct docker_logs_opts stamped = { .flags = DOCKER_LOGS_STDOUT | DOCKER_LOGS_TIMESTAMPS };
	CHECK_INT(docker_container_logs(dc, id, &stamped, on_stamped_log, &lt), 0);
	CHECK_STR(lt.out.buf, "line1\nline2\nline3\n");
	CHECK_STR(lt.err.buf, "");
	CHECK_INT(lt.bad_ts, 0);
	CHECK(lt.first_ts > 0);

	int64_t since = lt.first_ts + 1;
	log_text_reset(&lt);
	struct docker_logs_opts later = { .flags = DOCKER_LOGS_STDOUT, .since_ns = since };
	CHECK_INT(docker_container_logs(dc, id, &later, on_log, &lt), 0);
	CHECK_STR(lt.out.buf, "line2\nline3\n");
	CHECK_INT(docker_container_logs(dc, "k8c-test-no-such-container", NULL, on_log, &lt),
		  -ENOENT);
	log_text_reset(&lt);
	strbuf_release(&lt.out);
	strbuf_release(&lt.err);
}

static bool after_300ms(void *ud)
{
	return time_mono_ns() > *(const int64_t *)ud + 300 * K8C_NSEC_PER_MSEC;
}

TEST(logs_follow_until_the_end_or_a_stop)
{
	char *ticker = run_sh("ticker", "for i in 1 2 3; do echo tick$i; sleep 0.2; done");
	char *chatty = run_sh("chatty", "while true; do echo x; sleep 0.05; done");
	REQUIRE(ticker && chatty && sandbox_id);
	struct log_text lt = { .out = STRBUF_INIT, .err = STRBUF_INIT };
	struct docker_logs_opts follow = { .flags = DOCKER_LOGS_FOLLOW };
	CHECK_INT(docker_container_logs(dc, ticker, &follow, on_log, &lt), 0);
	CHECK_STR(lt.out.buf, "tick1\ntick2\ntick3\n");
	CHECK(has_exited(ticker));

	log_text_reset(&lt);
	lt.stop_at = 3;
	CHECK_INT(docker_container_logs(dc, chatty, &follow, on_log, &lt), 42);
	CHECK_STR(lt.out.buf, "x\nx\nx\n");

	/* the sandbox writes nothing: only cancelled() can end this */
	int64_t t0 = time_mono_ns();
	struct docker_logs_opts cancel = { .flags = DOCKER_LOGS_FOLLOW, .cancelled = after_300ms };
	CHECK_INT(docker_container_logs(dc, sandbox_id, &cancel, on_log, &t0), -ECANCELED);
	int64_t ms = (time_mono_ns() - t0) / K8C_NSEC_PER_MSEC;
	CHECK(ms >= 300 && ms < 3000);
	strbuf_release(&lt.out);
	strbuf_release(&lt.err);
}

static bool says_ready(const void *id)
{
	struct log_text lt = { .out = STRBUF_INIT, .err = STRBUF_INIT };
	bool ready = docker_container_logs(dc, id, NULL, on_log, &lt) == 0 &&
		     strcmp(lt.out.buf, "ready\n") == 0;
	strbuf_release(&lt.out);
	strbuf_release(&lt.err);
	return ready;
}

TEST(stop_kills_what_ignores_sigterm_after_the_timeout)
{
	char *id = run_sh("stubborn", "trap '' TERM; echo ready; while true; do sleep 0.1; done");
	REQUIRE(id);
	REQUIRE(wait_until(says_ready, id, 5000));
	int64_t t0 = time_mono_ns();
	CHECK_INT(TIMED(OP_STOP, docker_container_stop(dc, id, 1)), 0);
	int64_t ms = (time_mono_ns() - t0) / K8C_NSEC_PER_MSEC;
	printf("stop with a 1 s timeout took %lld ms\n", (long long)ms);
	CHECK(ms >= 900 && ms < 15000); /* SIGKILLed: without it the stop would never end */
	struct docker_container ctr;
	REQUIRE(docker_container_inspect(dc, id, &ctr) == 0);
	CHECK_INT(ctr.state, DOCKER_STATE_EXITED);
	CHECK_INT(ctr.exit_code, 137);
	CHECK(ctr.finished_ns >= ctr.started_ns && ctr.finished_ns > 0);
	docker_container_release(&ctr);
	CHECK_INT(docker_container_stop(dc, id, 1), 0); /* stopped already: fine */
	CHECK_INT(docker_container_kill(dc, id, NULL), -EBUSY);
	const char *const cmd[] = { "true", NULL };
	struct docker_exec_result res;
	CHECK_INT(docker_exec(dc, id, cmd, 1000, 0, &res), -EBUSY);
}

TEST(errors_say_what_went_wrong)
{
	REQUIRE(web_id);
	struct docker_container web;
	REQUIRE(docker_container_inspect(dc, web_id, &web) == 0);
	struct docker_create_spec taken = { .image = BUSYBOX, .name = web.name };
	char *id = NULL;
	CHECK_INT(docker_container_create(dc, &taken, &id), -EEXIST);
	CHECK(strstr(why(), "already in use") != NULL);
	docker_container_release(&web);
	struct docker_create_spec no_image = { .image = "k8c.local/no-such-image:1" };
	CHECK_INT(docker_container_create(dc, &no_image, &id), -ENOENT);
	CHECK(strstr(why(), "No such image") != NULL);
	CHECK(id == NULL);
	CHECK_INT(docker_container_start(dc, "k8c-test-no-such-container"), -ENOENT);
	CHECK(strstr(why(), "No such container") != NULL);
	CHECK_INT(docker_container_remove(dc, web_id, 0), -EBUSY);
	CHECK(why()[0] != '\0');
	CHECK_INT(docker_container_kill(dc, web_id, "SIGKILL"), 0);
	CHECK(wait_until(has_exited, web_id, 5000));
}

static bool is_ours(const char *id)
{
	for (size_t i = 0; i < n_ids; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

TEST(list_by_label_finds_exactly_ours)
{
	struct docker_container_list list;
	const char *const filters[] = { label_filter, NULL };
	REQUIRE(docker_container_list(dc, filters, true, &list) == 0);
	CHECK_INT(list.n, n_ids);
	for (size_t i = 0; i < list.n; i++) {
		CHECK(is_ours(list.items[i].id));
		CHECK(str_has_prefix(list.items[i].name, "k8c-test-"));
		CHECK_STR(docker_labels_get(&list.items[i].labels, "io.k8c.test"), label);
		CHECK(list.items[i].created_ns > 0 && list.items[i].state != DOCKER_STATE_UNKNOWN);
	}
	docker_container_list_release(&list);

	const char *const web[] = { label_filter, "io.k8c.role=web", NULL };
	REQUIRE(docker_container_list(dc, web, true, &list) == 0);
	REQUIRE(list.n == 1);
	CHECK_STR(list.items[0].id, web_id);
	CHECK_INT(list.items[0].state, DOCKER_STATE_EXITED);
	docker_container_list_release(&list);

	REQUIRE(docker_container_list(dc, web, false, &list) == 0);
	CHECK_INT(list.n, 0); /* it is not running any more */
	docker_container_list_release(&list);
}

/* A sandbox's whole life, five times over, for the latency table. */
TEST(sandbox_lifecycle_latency)
{
	for (int i = 0; i < 5; i++) {
		struct strbuf role = STRBUF_INIT;
		strbuf_addf(&role, "cycle%d", i);
		struct docker_create_spec spec = { .image = PAUSE };
		char *id = create(role.buf, &spec);
		strbuf_release(&role);
		REQUIRE(id);
		CHECK_INT(TIMED(OP_START, docker_container_start(dc, id)), 0);
		struct docker_container ctr;
		REQUIRE(TIMED(OP_INSPECT, docker_container_inspect(dc, id, &ctr)) == 0);
		CHECK(ctr.running && ctr.ip_address);
		docker_container_release(&ctr);
		CHECK_INT(TIMED(OP_STOP, docker_container_stop(dc, id, 10)), 0);
		REQUIRE(docker_container_inspect(dc, id, &ctr) == 0);
		CHECK_INT(ctr.exit_code, 0); /* pause exits 0 on SIGTERM */
		docker_container_release(&ctr);
	}
}

TEST(cleanup)
{
	for (size_t i = 0; i < n_ids; i++) {
		int r = TIMED(OP_REMOVE,
			      docker_container_remove(dc, ids[i],
						      DOCKER_REMOVE_FORCE | DOCKER_REMOVE_VOLUMES));
		CHECK_INT(r, 0);
		free(ids[i]);
	}
	n_ids = 0;
	struct docker_container_list list;
	const char *const filters[] = { label_filter, NULL };
	REQUIRE(docker_container_list(dc, filters, true, &list) == 0);
	CHECK_INT(list.n, 0);
	docker_container_list_release(&list);
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/msg", host_dir);
	remove(path.buf);
	rmdir(host_dir);
	strbuf_release(&path);
	docker_client_free(dc);
	dc = NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

TEST(latency_report)
{
	for (int op = 0; op < OP_COUNT; op++) {
		size_t n = n_samples[op];
		if (!n)
			continue;
		qsort(samples[op], n, sizeof(int64_t), cmp_i64);
		printf("latency %-8s n=%2zu  median %6.1f ms  min %6.1f ms  max %6.1f ms\n",
		       op_names[op], n, samples[op][n / 2] / 1e6, samples[op][0] / 1e6,
		       samples[op][n - 1] / 1e6);
	}
}
