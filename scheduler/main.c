/*
 * main.c - k8c-scheduler: the shared component flags (client/component.h),
 * the scheduler's own, leader election, and a clean stop on SIGTERM/SIGINT.
 * A leader that loses its Lease exits, as kube-scheduler does, so that two
 * schedulers never bind at once.
 */
#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "client/component.h"
#include "client/leader.h"
#include "scheduler/scheduler.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: k8c-scheduler [options]\n");
	k8c_component_usage(out);
	fprintf(out,
		"  --scheduler-name NAME              schedule pods naming this scheduler "
		"(default default-scheduler)\n"
		"  --bind-workers N                   concurrent binds (default 64)\n"
		"  --percentage-of-nodes-to-score N   0 = adaptive, as Kubernetes (default 0)\n");
}

static int parse_own(int argc, char **argv, struct scheduler_config *cfg)
{
	static const struct option longopts[] = {
		{ "scheduler-name", required_argument, NULL, 'n' },
		{ "bind-workers", required_argument, NULL, 'b' },
		{ "percentage-of-nodes-to-score", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': cfg->scheduler_name = optarg; break;
		case 'b': cfg->bind_workers = atoi(optarg); break;
		case 'p': cfg->percentage_of_nodes = atoi(optarg); break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind != argc || cfg->bind_workers < 0 || cfg->percentage_of_nodes < 0 ||
	    cfg->percentage_of_nodes > 100)
		return -1;
	return 0;
}

struct leading {
	struct scheduler *sched;
	volatile sig_atomic_t started;
};

static void on_started(void *ud)
{
	struct leading *l = ud;
	log_info("became the leader: scheduling");
	if (scheduler_start(l->sched) == 0)
		l->started = 1;
}

static void on_stopped(void *ud)
{
	if (stop_requested)
		return; /* we released the lease ourselves */
	/* kube-scheduler exits on a lost lease: another may already bind */
	log_error("leader election lost");
	_exit(1);
}

static void wait_for_stop(struct scheduler *s)
{
	int64_t last = time_mono_ns();
	uint64_t prev = 0;
	while (!stop_requested) {
		time_sleep_ms(200);
		if (!log_enabled(LOG_LEVEL_DEBUG) || time_mono_ns() - last < 5 * K8C_NSEC_PER_SEC)
			continue;
		uint64_t bound, errors, unsched;
		scheduler_stats(s, &bound, &errors, &unsched);
		log_debug("bound %llu (+%llu), bind errors %llu, unschedulable attempts %llu",
			  (unsigned long long)bound, (unsigned long long)(bound - prev),
			  (unsigned long long)errors, (unsigned long long)unsched);
		prev = bound;
		last = time_mono_ns();
	}
}

int main(int argc, char **argv)
{
	struct k8c_component_options opts;
	struct strbuf err = STRBUF_INIT;
	struct scheduler_config cfg = { 0 };
	k8c_component_tune_malloc(K8C_MALLOC_FEW_ARENAS);
	k8c_component_options_init(&opts, "kube-scheduler", 50, 100);
	if (k8c_component_parse(&opts, &argc, argv, &err) < 0 || parse_own(argc, argv, &cfg) < 0) {
		if (err.len)
			fprintf(stderr, "k8c-scheduler: %s\n", err.buf);
		usage(stderr);
		return 2;
	}
	struct k8c_client *client = NULL, *le_client = NULL;
	if (k8c_component_client(&opts, NULL, &client, &err) < 0 ||
	    (opts.leader_elect &&
	     k8c_component_client(&opts, "leader-election", &le_client, &err) < 0)) {
		fprintf(stderr, "k8c-scheduler: %s\n", err.buf);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	struct scheduler *s = scheduler_new(client, &cfg);
	int rc = 0;
	while (!stop_requested && (rc = scheduler_sync(s, 1000)) == -ETIMEDOUT)
		;
	struct leading lead = { .sched = s };
	struct k8c_leader *leader = NULL;
	char *identity = NULL;
	if (!stop_requested && opts.leader_elect) {
		struct k8c_leader_config lc;
		identity = k8c_component_identity();
		k8c_component_leader_config(&opts, identity, &lc);
		lc.on_started = on_started;
		lc.on_stopped = on_stopped;
		lc.userdata = &lead;
		rc = k8c_leader_start(le_client, &lc, &leader);
	} else if (!stop_requested) {
		rc = scheduler_start(s);
	}
	if (rc < 0)
		log_error("failed to start: %s", strerror(-rc));
	else
		wait_for_stop(s);
	stop_requested = 1; /* also on a start failure: on_stopped must not exit */
	k8c_leader_stop(leader);
	scheduler_free(s);
	k8c_client_free(le_client);
	k8c_client_free(client);
	free(identity);
	strbuf_release(&err);
	return rc < 0 ? 1 : 0;
}
