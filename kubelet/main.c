/*
 * main.c - k8c-kubelet: flags, signals, then a real kubelet (kubelet.h) or
 * hollow nodes (hollow/hollow.h) until SIGTERM or SIGINT.
 */
#include <curl/curl.h>
#include <signal.h>
#include <sys/resource.h>

#include "base/log.h"
#include "kubelet/config.h"
#include "kubelet/hollow/hollow.h"
#include "kubelet/kubelet.h"

static volatile int stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct kubelet_config cfg;
	int r = kubelet_config_parse(&cfg, argc, argv);
	if (r)
		return r > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	raise_fd_limit();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = cfg.hollow_nodes > 0 ? hollow_run(&cfg, &stop_requested) :
				   kubelet_run(&cfg, &stop_requested);
	curl_global_cleanup();
	return r < 0 ? 1 : 0;
}
