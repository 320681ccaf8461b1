/*
 * leader.c - the elector thread of leader.h, as client-go's LeaderElector.Run: try to
 * acquire every retry period (jittered by a factor of 1.2 so that candidates spread out),
 * then renew every retry period while leading; step down when no renewal succeeded for
 * renew_deadline; on stop, step down and release the Lease.
 *
 * Safety does not depend on the elector thread being scheduled in time: is_leader() is
 * true only until renew_deadline after the START of the last successful round (a
 * monotonic deadline checked on every call), and another candidate takes over no
 * earlier than lease_duration after it first saw that round's write, which it cannot
 * have seen before the round started. renew_deadline < lease_duration (checked at start)
 * therefore means no two candidates of one machine ever both report leading.
 *
 * Callbacks run on the elector thread and must return quickly (start or stop worker
 * threads): renewals wait for them. After stepping down a candidate campaigns again, so
 * on_started may run again later. Deliberately unlike client-go, on_stopped runs BEFORE
 * the Lease is released on stop, so that the next leader starts only after the old one
 * has stopped its work.
 */
#include "client/leader_internal.h"

#include "api/codec.h"
#include "base/random.h"
#include "base/timeutil.h"
#include "client/cond.h"
#include "client/path.h"

#define DEFAULT_LEASE_MS 15000
#define DEFAULT_RENEW_MS 10000
#define DEFAULT_RETRY_MS 2000
#define JITTER_FACTOR	 1.2

/* The checks of client-go's NewLeaderElector. */
static int config_check(const struct k8c_leader_config *c, int64_t lease, int64_t renew,
			int64_t retry)
{
	if (!c->namespace || !*c->namespace || !c->name || !*c->name || !c->identity ||
	    !*c->identity)
		return -EINVAL;
	if (lease <= renew || renew <= (int64_t)(JITTER_FACTOR * (double)retry) || retry <= 0)
		return -EINVAL;
	return 0;
}

static char *lease_path(const char *ns, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	struct k8c_resource_path p = { .group = "coordination.k8s.io", .version = "v1",
				       .namespace = ns, .resource = "leases", .name = name };
	k8c_path_append(&sb, &p);
	return strbuf_detach(&sb, NULL);
}

/* Marks this candidate leading (or not) and runs the callback of the change, if any. */
static void set_leading(struct k8c_leader *l, bool leading, int64_t valid_until)
{
	pthread_mutex_lock(&l->lock);
	bool was = l->leading;
	l->leading = leading;
	l->valid_until = valid_until;
	pthread_mutex_unlock(&l->lock);
	if (leading && !was && l->on_started)
		l->on_started(l->userdata);
	if (!leading && was && l->on_stopped)
		l->on_stopped(l->userdata);
}

/* How long this round's requests may take: never past the time a leader must step down. */
static int64_t round_timeout_ms(struct k8c_leader *l, int64_t start)
{
	pthread_mutex_lock(&l->lock);
	int64_t left = l->leading ? l->valid_until - start : l->renew_ns;
	pthread_mutex_unlock(&l->lock);
	if (left > l->renew_ns)
		left = l->renew_ns;
	return left > K8C_NSEC_PER_MSEC ? left / K8C_NSEC_PER_MSEC : 1;
}

/*
 * Steps down (on_stopped) when leading and now is past the renew deadline. Returns
 * whether this candidate still leads.
 */
static bool check_lapsed(struct k8c_leader *l, int64_t now)
{
	pthread_mutex_lock(&l->lock);
	bool leading = l->leading, lapsed = leading && now >= l->valid_until;
	pthread_mutex_unlock(&l->lock);
	if (lapsed)
		set_leading(l, false, 0);
	return leading && !lapsed;
}

/*
 * One round: acquire or renew, then step up or down. Returns true when leading after it.
 * A round that starts past the deadline steps down first, so that leading again is
 * always announced with a fresh on_started.
 */
static bool campaign_round(struct k8c_leader *l)
{
	int64_t start = time_mono_ns();
	check_lapsed(l, start);
	if (leader__try_acquire_or_renew(l, round_timeout_ms(l, start))) {
		set_leading(l, true, start + l->renew_ns);
		return true;
	}
	return check_lapsed(l, time_mono_ns());
}

static void *elector_main(void *arg)
{
	struct k8c_leader *l = arg;
	for (;;) {
		bool leading = campaign_round(l);
		int64_t wait = l->retry_ns;
		if (!leading) /* wait.JitterUntil(RetryPeriod, 1.2) */
			wait += (int64_t)(JITTER_FACTOR * (double)random_below((uint64_t)l->retry_ns));
		if (k8c_cond_sleep_unless(&l->cond, &l->lock, &l->stopping, wait))
			break;
	}
	set_leading(l, false, 0);
	leader__release(l);
	return NULL;
}

static void leader_free(struct k8c_leader *l)
{
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->cond);
	k8c_release(&k8c_type_lease, &l->lease);
	free(l->observed);
	free(l->path);
	free(l->collection_path);
	free(l->namespace);
	free(l->name);
	free(l->identity);
	free(l);
}

int k8c_leader_start(struct k8c_client *client, const struct k8c_leader_config *cfg,
		     struct k8c_leader **ret)
{
	int64_t lease = (cfg->lease_duration_ms ? cfg->lease_duration_ms : DEFAULT_LEASE_MS);
	int64_t renew = (cfg->renew_deadline_ms ? cfg->renew_deadline_ms : DEFAULT_RENEW_MS);
	int64_t retry = (cfg->retry_period_ms ? cfg->retry_period_ms : DEFAULT_RETRY_MS);
	int r = config_check(cfg, lease, renew, retry);
	if (r < 0)
		return r;
	struct k8c_leader *l = xcalloc(1, sizeof(*l));
	l->client = client;
	l->namespace = xstrdup(cfg->namespace);
	l->name = xstrdup(cfg->name);
	l->identity = xstrdup(cfg->identity);
	l->lease_ns = lease * K8C_NSEC_PER_MSEC;
	l->renew_ns = renew * K8C_NSEC_PER_MSEC;
	l->retry_ns = retry * K8C_NSEC_PER_MSEC;
	l->on_started = cfg->on_started;
	l->on_stopped = cfg->on_stopped;
	l->userdata = cfg->userdata;
	l->collection_path = lease_path(cfg->namespace, NULL);
	l->path = lease_path(cfg->namespace, cfg->name);
	pthread_mutex_init(&l->lock, NULL);
	k8c_cond_init_mono(&l->cond);
	r = -pthread_create(&l->thread, NULL, elector_main, l);
	if (r < 0) {
		leader_free(l);
		return r;
	}
	*ret = l;
	return 0;
}

bool k8c_leader_is_leader(struct k8c_leader *l)
{
	pthread_mutex_lock(&l->lock);
	bool leader = l->leading && time_mono_ns() < l->valid_until;
	pthread_mutex_unlock(&l->lock);
	return leader;
}

void k8c_leader_stop(struct k8c_leader *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = true;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
	leader_free(l);
}
