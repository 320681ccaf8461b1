/*
 * main.c - k8c-controller-manager: the shared component flags (server,
 * kubeconfig, client rate limit, leader election), its own flags, and the
 * life of the process: campaign for the Lease when --leader-elect, run the
 * controllers while leading, and on SIGTERM / SIGINT stop them, release the
 * Lease (so that a standby takes over at once) and exit 0. Losing the Lease
 * stops the controllers and exits 1, as kube-controller-manager does.
 */
#include <pthread.h>
#include <signal.h>

#include "base/log.h"
#include "client/component.h"
#include "controllers/manager.h"
#include "controllers/trim.h"

static const char PROG[] = "k8c-controller-manager";

struct state {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	volatile bool stop;	/* SIGTERM / SIGINT */
	bool leading, lost;
	sigset_t signals;
};

static void wake(struct state *st, bool *flag)
{
	pthread_mutex_lock(&st->lock);
	*flag = true;
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
}

static void *signal_thread(void *arg)
{
	struct state *st = arg;
	int sig;

	while (sigwait(&st->signals, &sig) == 0) {
		log_info("received signal %d, shutting down", sig);
		wake(st, (bool *)&st->stop);
	}
	return NULL;
}

static void on_started(void *arg)
{
	struct state *st = arg;

	wake(st, &st->leading);
}

static void on_stopped(void *arg)
{
	struct state *st = arg;

	wake(st, &st->lost);
}

/* Waits until a stop, a lost lease, or (want_leading) until leading. */
static void wait_for(struct state *st, bool want_leading)
{
	pthread_mutex_lock(&st->lock);
	while (!st->stop && !st->lost && !(want_leading && st->leading))
		pthread_cond_wait(&st->cond, &st->lock);
	pthread_mutex_unlock(&st->lock);
}

static int parse_flags(int *argc, char **argv, struct k8c_component_options *comp,
		       struct manager_flags *f)
{
	struct strbuf err = STRBUF_INIT;
	int r;

	/* Kubernetes' defaults are 20 qps / 30 burst; pods for thousands of
	 * replicas must be created within seconds, so k8c allows far more. */
	k8c_component_options_init(comp, "kube-controller-manager", 2000, 4000);
	manager_flags_init(f);
	if ((r = k8c_component_parse(comp, argc, argv, &err)) == 0)
		r = manager_flags_parse(f, *argc, argv, &err);
	if (r < 0)
		fprintf(stderr, "%s: %s\n", PROG, err.buf);
	strbuf_release(&err);
	return r;
}

static void usage(void)
{
	printf("Usage: %s [flags]\nRuns the ReplicaSet, Deployment and other controllers.\n\n",
	       PROG);
	k8c_component_usage(stdout);
	manager_flags_usage(stdout);
}

/* Campaigns for the Lease (when asked). Returns 0, or -1 after printing why. */
static int start_election(const struct k8c_component_options *comp, struct state *st,
			  struct k8c_client **ret_client, struct k8c_leader **ret)
{
	struct strbuf err = STRBUF_INIT;
	struct k8c_leader_config cfg;
	char *identity = k8c_component_identity();
	int r = k8c_component_client(comp, "leader-election", ret_client, &err);

	if (r == 0) {
		k8c_component_leader_config(comp, identity, &cfg);
		cfg.on_started = on_started;
		cfg.on_stopped = on_stopped;
		cfg.userdata = st;
		r = k8c_leader_start(*ret_client, &cfg, ret);
		if (r < 0)
			strbuf_addf(&err, "cannot start leader election: %s", strerror(-r));
		else
			log_info("attempting to acquire leader lease %s/%s as '%s'", cfg.namespace,
				 cfg.name, identity);
	}
	if (r < 0)
		fprintf(stderr, "%s: %s\n", PROG, err.buf);
	free(identity);
	strbuf_release(&err);
	return r < 0 ? -1 : 0;
}

/* Runs the controllers until a stop or a lost lease. Returns the exit status. */
static int run(struct controller_ctx *ctx, const struct manager_flags *f, struct state *st,
	       bool electing)
{
	struct strbuf err = STRBUF_INIT;
	struct manager *m;

	if (electing)
		wait_for(st, true);
	if (st->stop || st->lost)
		return st->lost;
	m = manager_start(ctx, f->controllers, &st->stop, &err);
	if (!m) {
		if (!st->stop)
			fprintf(stderr, "%s: %s\n", PROG, err.buf);
		strbuf_release(&err);
		return st->stop ? 0 : 1;
	}
	wait_for(st, false);
	if (st->lost)
		log_error("leader election lost");
	manager_stop(m);
	strbuf_release(&err);
	return st->lost ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct k8c_component_options comp;
	struct manager_flags f;
	struct state st = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };
	struct k8c_client *client = NULL, *le_client = NULL;
	struct k8c_leader *leader = NULL;
	struct strbuf err = STRBUF_INIT;
	pthread_t sig_thread;
	int status = 1;

	k8c_component_tune_malloc(K8C_MALLOC_NO_FASTBINS | K8C_MALLOC_FEW_ARENAS);
	/* First of all, so that a SIGTERM during start-up is a clean stop too;
	 * every thread inherits the mask and only signal_thread takes them. */
	sigemptyset(&st.signals);
	sigaddset(&st.signals, SIGTERM);
	sigaddset(&st.signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &st.signals, NULL);
	if (parse_flags(&argc, argv, &comp, &f) < 0)
		return 2;
	if (f.help) {
		usage();
		return 0;
	}
	if (k8c_component_client(&comp, NULL, &client, &err) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err.buf);
		strbuf_release(&err);
		return 1;
	}
	pthread_create(&sig_thread, NULL, signal_thread, &st);
	struct controller_ctx ctx = {
		.client = client,
		.informers = k8c_informer_factory_new(client, 0),
		.options = &f.options,
		.recorders = controller_recorders_new(client),
	};
	k8c_informer_factory_set_transform(ctx.informers, k8c_kind_lookup("pods"),
					   controllers_trim_pod);
	if (!comp.leader_elect || start_election(&comp, &st, &le_client, &leader) == 0)
		status = run(&ctx, &f, &st, comp.leader_elect);
	k8c_leader_stop(leader); /* releases the Lease: a standby takes over at once */
	controller_recorders_free(ctx.recorders);
	k8c_informer_factory_free(ctx.informers);
	pthread_cancel(sig_thread);
	pthread_join(sig_thread, NULL);
	k8c_client_free(le_client);
	k8c_client_free(client);
	strbuf_release(&err);
	log_info("exiting with status %d", status);
	return status;
}
