/*
 * iptables.c - runs iptables, iptables-save and iptables-restore for
 * k8c-proxy (see iptables.h). The child's input is written while its output
 * is read (poll), so neither side can block the other on a full pipe.
 */
#include "proxy/iptables.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t spawn(char *const argv[], int in_fd, int out_fd, int close1, int close2)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	dup2(in_fd, 0);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	close(close1);
	close(close2);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	_exit(127);
}

/* Feeds in to fd_in and drains fd_out into out until the child closes its output. */
static void pump(int fd_in, int fd_out, const char *in, size_t in_len, struct strbuf *out)
{
	size_t off = 0;
	if (in_len == 0) {
		close(fd_in);
		fd_in = -1;
	}
	for (;;) {
		struct pollfd p[2] = { { fd_out, POLLIN, 0 }, { fd_in, POLLOUT, 0 } };
		if (poll(p, fd_in >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fd_in >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(fd_in, in + off, in_len - off);
			if (w > 0)
				off += (size_t)w;
			if (w < 0 || off == in_len) {
				close(fd_in);
				fd_in = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[4096];
			ssize_t r = read(fd_out, buf, sizeof(buf));
			if (r <= 0)
				break;
			if (out)
				strbuf_add(out, buf, (size_t)r);
		}
	}
	if (fd_in >= 0)
		close(fd_in);
}

int iptables_run(char *const argv[], const char *in, size_t in_len, struct strbuf *out)
{
	int pin[2], pout[2];
	if (pipe2(pin, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(pout, O_CLOEXEC) < 0) {
		int e = -errno;
		close(pin[0]);
		close(pin[1]);
		return e;
	}
	pid_t pid = spawn(argv, pin[0], pout[1], pin[1], pout[0]);
	int spawn_errno = errno;
	close(pin[0]);
	close(pout[1]);
	if (pid < 0) {
		close(pin[1]);
		close(pout[0]);
		return -spawn_errno;
	}
	pump(pin[1], pout[0], in, in_len, out);
	close(pout[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 127 ? -ENOENT : WEXITSTATUS(status);
	return -EINTR;
}

void iptables_chains_free(char **chains)
{
	for (size_t i = 0; chains && chains[i]; i++)
		free(chains[i]);
	free(chains);
}

int iptables_chains(const char *table, char ***ret, size_t *ret_n, struct strbuf *err)
{
	char *argv[] = { "iptables-save", "-t", (char *)table, NULL };
	struct strbuf out = STRBUF_INIT;
	int rc = iptables_run(argv, NULL, 0, &out);
	if (rc != 0) {
		if (err)
			strbuf_addf(err, "iptables-save -t %s failed (%d): %s", table, rc,
				    out.len ? out.buf : "");
		strbuf_release(&out);
		return rc < 0 ? rc : -EIO;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	for (char *line = out.buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (line[0] == ':') {
			size_t len = strcspn(line + 1, " ");
			ALLOC_GROW(names, n + 2, alloc);
			names[n++] = xstrndup(line + 1, len);
		}
		line = nl ? nl + 1 : NULL;
	}
	ALLOC_GROW(names, n + 1, alloc);
	names[n] = NULL;
	strbuf_release(&out);
	*ret = names;
	*ret_n = n;
	return 0;
}

int iptables_restore(const char *payload, size_t len, struct strbuf *err)
{
	char *argv[] = { "iptables-restore", "--noflush", NULL };
	struct strbuf out = STRBUF_INIT;
	int rc = iptables_run(argv, payload, len, &out);
	if (rc != 0 && err) {
		strbuf_rtrim(&out);
		strbuf_addf(err, "iptables-restore failed (%d): %s", rc, out.len ? out.buf : "");
	}
	strbuf_release(&out);
	return rc == 0 ? 0 : -EIO;
}

/* A jump from a built-in chain into one of the proxy's. */
struct jump {
	const char *table, *chain, *target, *comment;
	bool new_only; /* filter: judge a connection once, on its first packet */
};

static const struct jump jumps[] = {
	{ "nat", "PREROUTING", "SERVICES", "k8c service portals", false },
	{ "nat", "OUTPUT", "SERVICES", "k8c service portals", false },
	{ "nat", "POSTROUTING", "POSTROUTING", "k8c postrouting rules", false },
	{ "filter", "FORWARD", "SERVICES", "k8c service portals", true },
	{ "filter", "OUTPUT", "SERVICES", "k8c service portals", true },
};

/* Runs `iptables -w -t TABLE OP CHAIN <the jump's match> -j PREFIX-TARGET`. */
static int jump_op(const struct jump *j, const char *prefix, const char *op, struct strbuf *out)
{
	struct strbuf target = STRBUF_INIT;
	strbuf_addf(&target, "%s-%s", prefix, j->target);
	char *argv[20];
	size_t n = 0;
	argv[n++] = "iptables";
	argv[n++] = "-w";
	argv[n++] = "-t";
	argv[n++] = (char *)j->table;
	argv[n++] = (char *)op;
	argv[n++] = (char *)j->chain;
	if (j->new_only) {
		argv[n++] = "-m";
		argv[n++] = "conntrack";
		argv[n++] = "--ctstate";
		argv[n++] = "NEW";
	}
	argv[n++] = "-m";
	argv[n++] = "comment";
	argv[n++] = "--comment";
	argv[n++] = (char *)j->comment;
	argv[n++] = "-j";
	argv[n++] = target.buf;
	argv[n] = NULL;
	int rc = iptables_run(argv, NULL, 0, out);
	strbuf_release(&target);
	return rc;
}

int iptables_ensure_jumps(const char *prefix, struct strbuf *err)
{
	for (size_t i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++) {
		if (jump_op(&jumps[i], prefix, "-C", NULL) == 0)
			continue;
		struct strbuf out = STRBUF_INIT;
		int rc = jump_op(&jumps[i], prefix, "-I", &out);
		if (rc != 0 && err) {
			strbuf_rtrim(&out);
			strbuf_addf(err, "failed to add the jump from %s %s to %s-%s (%d): %s",
				    jumps[i].table, jumps[i].chain, prefix, jumps[i].target, rc,
				    out.buf ? out.buf : "");
		}
		strbuf_release(&out);
		if (rc != 0)
			return -EIO;
	}
	return 0;
}

/* Flushes and deletes every chain of table named <prefix>-*. */
static int delete_chains(const char *table, const char *prefix, struct strbuf *err)
{
	char **chains;
	size_t n;
	int rc = iptables_chains(table, &chains, &n, err);
	if (rc < 0)
		return rc;
	struct strbuf mine = STRBUF_INIT, decl = STRBUF_INIT, del = STRBUF_INIT;
	strbuf_addf(&mine, "%s-", prefix);
	for (size_t i = 0; i < n; i++) {
		if (!str_has_prefix(chains[i], mine.buf))
			continue;
		strbuf_addf(&decl, ":%s - [0:0]\n", chains[i]);
		strbuf_addf(&del, "-X %s\n", chains[i]);
	}
	if (del.len) {
		struct strbuf payload = STRBUF_INIT;
		strbuf_addf(&payload, "*%s\n%s%sCOMMIT\n", table, decl.buf, del.buf);
		rc = iptables_restore(payload.buf, payload.len, err);
		strbuf_release(&payload);
	}
	iptables_chains_free(chains);
	strbuf_release(&mine);
	strbuf_release(&decl);
	strbuf_release(&del);
	return rc;
}

int iptables_cleanup(const char *prefix, struct strbuf *err)
{
	for (size_t i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++)
		for (int tries = 0; tries < 16 && jump_op(&jumps[i], prefix, "-D", NULL) == 0;
		     tries++)
			; /* a jump added twice (by hand, or a race) is removed too */
	int rc = delete_chains("nat", prefix, err);
	int rc2 = delete_chains("filter", prefix, err);
	return rc < 0 ? rc : rc2;
}
