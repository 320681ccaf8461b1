/*
 * pause.c - k8c-pause, the process that holds a pod's sandbox (its network,
 * IPC and PID namespaces) open while the app containers come and go, like
 * Kubernetes' pause. It sleeps until SIGTERM or SIGINT, then exits 0, and as
 * PID 1 of a shared PID namespace it reaps the zombies that orphaned
 * processes leave behind.
 *
 * Built static (see meson.build): the image holds this one file and nothing
 * else, so it must not need a loader or a libc on disk.
 */
#include "base/base.h"

#include <signal.h>
#include <sys/wait.h>

static void on_stop(int sig)
{
	_exit(0);
}

static void on_child(int sig)
{
	int saved = errno;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

static int handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		puts("k8c-pause");
		return 0;
	}
	if (handle(SIGTERM, on_stop, 0) < 0 || handle(SIGINT, on_stop, 0) < 0 ||
	    handle(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) < 0) {
		perror("k8c-pause: sigaction");
		return 1;
	}
	for (;;)
		pause();
}
