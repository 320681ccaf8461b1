/*
 * proxier.c - the sync loop of k8c-proxy (see proxier.h). Informer handlers
 * only mark the state dirty; one thread (the caller of proxier_run) builds
 * the whole rule set from the caches and applies it in one iptables-restore
 * transaction, as kube-proxy's syncProxyRules does: simple, and a restart or
 * a missed event can never leave a rule behind.
 */
#include "proxy/proxier.h"

#include <pthread.h>

#include "api/kinds.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "client/cond.h" /* monotonic waits; header-only */
#include "client/informer.h"
#include "proxy/hairpin.h"
#include "proxy/iptables.h"
#include "proxy/rules.h"

struct proxier {
	struct proxier_config cfg;
	struct k8c_informer *services, *endpoints;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool dirty;		/* under lock */
	uint64_t ok, failed;	/* under lock */
	struct rules_stats last; /* what the last successful sync wrote (sync thread only) */
	int hairpin_err;	/* the last hairpin_enable error, logged once (sync thread only) */
};

static void mark_dirty(struct proxier *p)
{
	pthread_mutex_lock(&p->lock);
	p->dirty = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

static void on_add(void *ud, const void *obj)
{
	mark_dirty(ud);
}

static void on_update(void *ud, const void *old_obj, const void *new_obj)
{
	if (old_obj != new_obj) /* a resync re-delivers the same object: nothing changed */
		mark_dirty(ud);
}

static void on_delete(void *ud, const void *obj)
{
	mark_dirty(ud);
}

struct proxier *proxier_new(struct k8c_client *client, const struct proxier_config *cfg)
{
	struct proxier *p = xcalloc(1, sizeof(*p));
	p->cfg = *cfg;
	pthread_mutex_init(&p->lock, NULL);
	k8c_cond_init_mono(&p->wake);
	struct k8c_informer_options o = { .kind = k8c_kind_lookup("services") };
	p->services = k8c_informer_new(client, &o);
	o.kind = k8c_kind_lookup("endpoints");
	p->endpoints = k8c_informer_new(client, &o);
	struct k8c_informer_handlers h = { on_add, on_update, on_delete, p };
	k8c_informer_add_handlers(p->services, &h);
	k8c_informer_add_handlers(p->endpoints, &h);
	return p;
}

/* Hairpin mode for the bridge's ports; a failure is logged when it first happens. */
static void sync_hairpin(struct proxier *p)
{
	if (!p->cfg.hairpin_bridge || !*p->cfg.hairpin_bridge)
		return;
	int rc = hairpin_enable(p->cfg.hairpin_bridge);
	if (rc < 0 && rc != p->hairpin_err)
		log_warn("cannot set hairpin mode on the ports of bridge '%s': %s (a pod will not "
			 "reach itself through its service)", p->cfg.hairpin_bridge, strerror(-rc));
	else if (rc > 0)
		log_debug("hairpin mode set on %d ports of '%s'", rc, p->cfg.hairpin_bridge);
	p->hairpin_err = rc < 0 ? rc : 0;
}

/* One full sync. Returns 0 or a negative errno (logged). */
static int sync_rules(struct proxier *p)
{
	int64_t t0 = time_mono_ns();
	struct rules_input in = { .prefix = p->cfg.prefix };
	void **svcs, **eps;
	in.n_services = k8c_informer_list(p->services, NULL, &svcs);
	in.n_endpoints = k8c_informer_list(p->endpoints, NULL, &eps);
	in.services = (const struct k8c_service *const *)svcs;
	in.endpoints = (const struct k8c_endpoints *const *)eps;
	char **nat = NULL, **filter = NULL;
	struct strbuf err = STRBUF_INIT, payload = STRBUF_INIT;
	struct rules_stats st;
	int rc = iptables_chains("nat", &nat, &in.n_nat_chains, &err);
	if (rc == 0)
		rc = iptables_chains("filter", &filter, &in.n_filter_chains, &err);
	if (rc == 0) {
		in.nat_chains = nat;
		in.filter_chains = filter;
		rules_build(&in, &payload, &st);
		rc = iptables_restore(payload.buf, payload.len, &err);
	}
	/* after the restore: the jumps need their target chains to exist */
	if (rc == 0)
		rc = iptables_ensure_jumps(p->cfg.prefix, &err);
	if (rc == 0)
		sync_hairpin(p);
	if (rc < 0) {
		log_error("failed to sync the service rules: %s", err.buf ? err.buf : "");
	} else if (memcmp(&st, &p->last, sizeof(st)) || log_enabled(LOG_LEVEL_DEBUG)) {
		log_info("synced rules: %zu service ports, %zu endpoints, %zu without endpoints, "
			 "%zu stale chains removed, in %.1f ms", st.service_ports, st.endpoints,
			 st.no_endpoints, st.stale_chains, (double)(time_mono_ns() - t0) / 1e6);
		p->last = st;
	}
	k8c_obj_unref_array(svcs, in.n_services);
	k8c_obj_unref_array(eps, in.n_endpoints);
	iptables_chains_free(nat);
	iptables_chains_free(filter);
	strbuf_release(&err);
	strbuf_release(&payload);
	return rc;
}

/* Waits until the state is dirty and earliest_ns has come, or resync_ns has (monotonic). */
static void wait_for_work(struct proxier *p, volatile sig_atomic_t *stop, int64_t earliest_ns,
			  int64_t resync_ns)
{
	pthread_mutex_lock(&p->lock);
	for (;;) {
		int64_t now = time_mono_ns();
		if (*stop || now >= resync_ns || (p->dirty && now >= earliest_ns))
			break;
		int64_t until = p->dirty ? earliest_ns : resync_ns;
		if (until > now + 100 * 1000000)
			until = now + 100 * 1000000; /* look at *stop often */
		k8c_cond_wait_until(&p->wake, &p->lock, until);
	}
	p->dirty = false;
	pthread_mutex_unlock(&p->lock);
}

int proxier_run(struct proxier *p, volatile sig_atomic_t *stop)
{
	int rc = k8c_informer_start(p->services);
	if (rc == 0)
		rc = k8c_informer_start(p->endpoints);
	if (rc < 0)
		return rc;
	/* never write rules from half the picture: a service whose endpoints are not listed
	 * yet would be rejected for a moment */
	while (!*stop && !(k8c_informer_wait_synced(p->services, 100) &&
			   k8c_informer_wait_synced(p->endpoints, 100)))
		;
	while (!*stop) {
		rc = sync_rules(p);
		pthread_mutex_lock(&p->lock);
		if (rc == 0)
			p->ok++;
		else
			p->failed++, p->dirty = true;
		pthread_mutex_unlock(&p->lock);
		int64_t now = time_mono_ns();
		int64_t gap_ms = rc < 0 ? 1000 : p->cfg.min_sync_ms; /* a failure is retried in 1 s */
		wait_for_work(p, stop, now + gap_ms * 1000000, now + p->cfg.sync_ms * 1000000);
	}
	return 0;
}

void proxier_stats(struct proxier *p, uint64_t *ret_ok, uint64_t *ret_failed)
{
	pthread_mutex_lock(&p->lock);
	*ret_ok = p->ok;
	*ret_failed = p->failed;
	pthread_mutex_unlock(&p->lock);
}

void proxier_free(struct proxier *p)
{
	if (!p)
		return;
	k8c_informer_free(p->services);
	k8c_informer_free(p->endpoints);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}
