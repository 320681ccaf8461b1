/*
 * apiserver_proc.c - starting and stopping a real k8c-apiserver for tests; see
 * apiserver_proc.h.
 */
#include "test/client/apiserver_proc.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "base/strbuf.h"
#include "base/timeutil.h"

extern char **environ;

static char *path_in(const struct test_apiserver *s, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/%s", s->dir, name);
	return strbuf_detach(&sb, NULL);
}

pid_t test_apiserver_spawn(const struct test_apiserver *s, char *const argv[])
{
	char *log = path_in(s, "apiserver.log");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	pid_t pid;
	int r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(log);
	if (r != 0) {
		fprintf(stderr, "cannot run '%s': %s\n", argv[0], strerror(r));
		return -1;
	}
	return pid;
}

/* The port from the port file, or 0 while it is not written yet. */
static int read_port(const struct test_apiserver *s)
{
	char *file = path_in(s, "port");
	FILE *f = fopen(file, "r");
	free(file);
	int port = 0;
	if (f) {
		if (fscanf(f, "%d", &port) != 1)
			port = 0;
		fclose(f);
	}
	return port;
}

static bool ready(const struct test_apiserver *s)
{
	struct k8c_client *c = test_apiserver_client(s, -1, 1000);
	struct k8c_request req = { .method = "GET", .path = "/readyz", .no_retry = true };
	bool ok = c && k8c_client_do(c, &req, NULL, NULL) == 0;
	k8c_client_free(c);
	return ok;
}

static void print_log(const struct test_apiserver *s)
{
	char *file = path_in(s, "apiserver.log");
	FILE *f = fopen(file, "r");
	free(file);
	char line[512];
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stderr);
	if (f)
		fclose(f);
}

static int wait_ready(struct test_apiserver *s)
{
	int64_t deadline = time_mono_ns() + 20 * K8C_NSEC_PER_SEC;
	while (time_mono_ns() < deadline) {
		int status;
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			break;
		}
		int port = s->url ? 0 : read_port(s);
		if (port) {
			struct strbuf url = STRBUF_INIT;
			strbuf_addf(&url, "http://127.0.0.1:%d", port);
			s->url = strbuf_detach(&url, NULL);
		}
		if (s->url && ready(s))
			return 0;
		time_sleep_ms(20);
	}
	fprintf(stderr, "k8c-apiserver did not become ready; its log:\n");
	print_log(s);
	return -1;
}

int test_apiserver_start(struct test_apiserver *s)
{
	const char *exe = getenv("K8C_APISERVER");
	char tmpl[] = "/tmp/k8c-client-test-XXXXXX";
	*s = (struct test_apiserver){ 0 };
	if (!exe || !mkdtemp(tmpl)) {
		fprintf(stderr, "set K8C_APISERVER to the k8c-apiserver binary\n");
		return -1;
	}
	s->dir = xstrdup(tmpl);
	char *data = path_in(s, "data"), *port = path_in(s, "port");
	char *argv[] = { (char *)exe, "--port", "0", "--port-file", port, "--data-dir", data, NULL };
	s->pid = test_apiserver_spawn(s, argv);
	free(data);
	free(port);
	if (s->pid < 0 || wait_ready(s) < 0) {
		test_apiserver_stop(s);
		return -1;
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

int test_apiserver_stop(struct test_apiserver *s)
{
	int status = 0, code = -1;
	if (s->pid > 0) {
		kill(s->pid, SIGCONT);
		kill(s->pid, SIGTERM);
		int64_t deadline = time_mono_ns() + 20 * K8C_NSEC_PER_SEC;
		while (waitpid(s->pid, &status, WNOHANG) == 0) {
			if (time_mono_ns() > deadline)
				kill(s->pid, SIGKILL);
			time_sleep_ms(10);
		}
		code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (code != 0)
			print_log(s);
	}
	if (s->dir)
		nftw(s->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(s->dir);
	free(s->url);
	*s = (struct test_apiserver){ 0 };
	return code;
}

void test_apiserver_pause(struct test_apiserver *s)
{
	kill(s->pid, SIGSTOP);
}

void test_apiserver_resume(struct test_apiserver *s)
{
	kill(s->pid, SIGCONT);
}

struct k8c_client *test_apiserver_client(const struct test_apiserver *s, double qps,
					 int64_t timeout_ms)
{
	struct k8c_rest_config cfg = { .server = s->url, .qps = qps, .timeout_ms = timeout_ms };
	struct k8c_client *c = NULL;
	if (k8c_client_new(&cfg, &c) < 0)
		return NULL;
	return c;
}
