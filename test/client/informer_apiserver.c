/*
 * informer_apiserver.c - a real k8c-apiserver child for C tests; see informer_apiserver.h.
 */
#include "test/client/informer_apiserver.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "base/timeutil.h"

void apiserver_proc_init(struct apiserver_proc *p, const char *const *extra)
{
	*p = (struct apiserver_proc){ 0 };
	const char *tmp = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/k8c-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(sb.buf))
		abort();
	p->dir = strbuf_detach(&sb, NULL);
	strbuf_addf(&sb, "%s/data", p->dir);
	p->data_dir = strbuf_detach(&sb, NULL);
	size_t n = 0;
	while (extra && extra[n])
		n++;
	p->extra = xcalloc(n + 1, sizeof(*p->extra));
	for (size_t i = 0; i < n; i++)
		p->extra[i] = xstrdup(extra[i]);
}

static int read_port(const char *path)
{
	FILE *f = fopen(path, "r");
	int port = 0;
	if (f) {
		if (fscanf(f, "%d", &port) != 1)
			port = 0;
		fclose(f);
	}
	return port;
}

static bool ready(const char *url)
{
	struct k8c_client *c = apiserver_proc_client(url);
	struct k8c_request req = { .method = "GET", .path = "/readyz", .no_retry = true,
				   .timeout_ms = 2000 };
	bool ok = k8c_client_do(c, &req, NULL, NULL) == 0;
	k8c_client_free(c);
	return ok;
}

/* In the child: the log as stdout and stderr, killed with the test if it dies, then exec. */
static void exec_child(const char *log, const char **argv)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* a crashed or aborted test leaves no server behind */
	execv(argv[0], (char **)argv);
	_exit(127);
}

static pid_t spawn(struct apiserver_proc *p, const char *port, const char *port_file)
{
	const char *bin = getenv("K8C_APISERVER");
	if (!bin) {
		fprintf(stderr, "K8C_APISERVER is not set\n");
		return -1;
	}
	const char *argv[32] = { bin, "--port", port, "--port-file", port_file,
				 "--data-dir", p->data_dir, "--compaction-interval", "0" };
	size_t n = 9;
	for (size_t i = 0; p->extra[i] && n < ARRAY_SIZE(argv) - 1; i++)
		argv[n++] = p->extra[i];
	struct strbuf log = STRBUF_INIT;
	strbuf_addf(&log, "%s/apiserver.log", p->dir);
	pid_t pid = fork();
	if (pid == 0)
		exec_child(log.buf, argv);
	strbuf_release(&log);
	return pid;
}

int apiserver_proc_start(struct apiserver_proc *p, int port_override, int *ret_port)
{
	struct strbuf port_file = STRBUF_INIT, port = STRBUF_INIT;
	strbuf_addf(&port_file, "%s/port", p->dir);
	unlink(port_file.buf);
	int want = port_override ? (port_override > 0 ? port_override : 0) : p->port;
	strbuf_addf(&port, "%d", want);
	pid_t pid = spawn(p, port.buf, port_file.buf);
	int got = 0, status;
	int64_t deadline = time_mono_ns() + 20 * K8C_NSEC_PER_SEC;
	struct strbuf url = STRBUF_INIT;
	while (pid > 0 && time_mono_ns() < deadline && waitpid(pid, &status, WNOHANG) == 0) {
		if (!got && (got = read_port(port_file.buf)))
			strbuf_addf(&url, "http://127.0.0.1:%d", got);
		if (got && ready(url.buf))
			break;
		time_sleep_ms(20);
	}
	bool ok = got && ready(url.buf);
	if (!ok) {
		fprintf(stderr, "k8c-apiserver did not become ready (log in %s)\n", p->dir);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
	} else if (port_override == 0) {
		p->pid = pid;
		p->port = got;
		free(p->url);
		p->url = xstrdup(url.buf);
	} else {
		p->pid = pid; /* a second server on the store; the caller signals it */
	}
	if (ret_port)
		*ret_port = got;
	strbuf_release(&url);
	strbuf_release(&port);
	strbuf_release(&port_file);
	return ok ? 0 : -1;
}

int apiserver_proc_signal(struct apiserver_proc *p, int sig)
{
	int status = 0;
	if (p->pid > 0) {
		kill(p->pid, sig);
		waitpid(p->pid, &status, 0);
		p->pid = 0;
	}
	return status;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void apiserver_proc_release(struct apiserver_proc *p)
{
	int status = apiserver_proc_signal(p, SIGTERM);
	if (status && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)) {
		fprintf(stderr, "k8c-apiserver exited with status %d; its log:\n", status);
		struct strbuf cmd = STRBUF_INIT;
		strbuf_addf(&cmd, "%s/apiserver.log", p->dir);
		FILE *f = fopen(cmd.buf, "r");
		char buf[4096];
		size_t n;
		while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stderr);
		if (f)
			fclose(f);
		strbuf_release(&cmd);
	}
	nftw(p->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; p->extra && p->extra[i]; i++)
		free(p->extra[i]);
	free(p->extra);
	free(p->dir);
	free(p->data_dir);
	free(p->url);
	*p = (struct apiserver_proc){ 0 };
}

struct k8c_client *apiserver_proc_client(const char *url)
{
	struct k8c_rest_config cfg = { .server = (char *)url, .qps = -1, .max_retries = -1 };
	struct k8c_client *c = NULL;
	if (k8c_client_new(&cfg, &c) < 0)
		abort();
	return c;
}
