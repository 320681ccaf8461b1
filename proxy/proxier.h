/*
 * proxier.h - k8c-proxy's loop: informers on Services and Endpoints, and a
 * sync that rewrites the proxy's iptables chains (rules.h) whenever either
 * changes (coalesced: at most one sync per min_sync_ms) and every sync_ms
 * anyway, repairing rules someone else removed. Like kube-proxy, rules are
 * left in place when the proxy stops, so a restart does not cut service
 * traffic; iptables_cleanup() removes them.
 */
#ifndef K8C_PROXY_PROXIER_H
#define K8C_PROXY_PROXIER_H

#include <signal.h>

#include "client/rest.h"

struct proxier_config {
	const char *prefix;  /* chain prefix (rules.h) */
	int64_t min_sync_ms; /* the shortest time between two syncs */
	int64_t sync_ms;     /* a sync at least this often */
	const char *hairpin_bridge; /* its ports get hairpin mode at each sync (hairpin.h); NULL: none */
};

struct proxier;

/* A proxier over client (borrowed; must outlive it) with cfg (copied; strings borrowed). */
struct proxier *proxier_new(struct k8c_client *client, const struct proxier_config *cfg);

/*
 * Starts the informers, waits until both have listed, then syncs whenever
 * needed until *stop becomes non-zero (checked at least every 100 ms; a
 * signal handler may set it). A failed sync is logged and retried after a
 * second. Returns 0 once stopped, or a negative errno when the informers
 * could not start. Runs on the caller's thread.
 */
int proxier_run(struct proxier *p, volatile sig_atomic_t *stop);

/* How many syncs succeeded and failed so far. Thread-safe. */
void proxier_stats(struct proxier *p, uint64_t *ret_ok, uint64_t *ret_failed);

/* Stops the informers and frees p. NULL-safe. */
void proxier_free(struct proxier *p);

#endif
