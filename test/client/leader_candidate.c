/*
 * leader_candidate.c - one leader-election candidate in a process of its own, for
 * test_leader's kill -9 case: campaigns on a Lease until SIGTERM (then releases it) or
 * until it is killed. Lines "started" / "stopped" go to stdout as leadership changes.
 * usage: leader_candidate URL NAMESPACE NAME IDENTITY LEASE_MS RENEW_MS RETRY_MS
 */
#include <signal.h>

#include "base/timeutil.h"
#include "client/leader.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static void on_started(void *userdata)
{
	printf("started\n");
	fflush(stdout);
}

static void on_stopped(void *userdata)
{
	printf("stopped\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: leader_candidate URL NAMESPACE NAME IDENTITY LEASE_MS "
				"RENEW_MS RETRY_MS\n");
		return 2;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	struct k8c_rest_config rc = { .server = argv[1], .qps = -1 };
	struct k8c_client *client;
	if (k8c_client_new(&rc, &client) < 0)
		return 1;
	struct k8c_leader_config cfg = {
		.namespace = argv[2],
		.name = argv[3],
		.identity = argv[4],
		.lease_duration_ms = atoll(argv[5]),
		.renew_deadline_ms = atoll(argv[6]),
		.retry_period_ms = atoll(argv[7]),
	};
	cfg.on_started = on_started;
	cfg.on_stopped = on_stopped;
	struct k8c_leader *l;
	if (k8c_leader_start(client, &cfg, &l) < 0) {
		k8c_client_free(client);
		return 1;
	}
	while (!stop_requested)
		time_sleep_ms(20);
	k8c_leader_stop(l);
	k8c_client_free(client);
	return 0;
}
