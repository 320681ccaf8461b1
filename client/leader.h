/*
 * leader.h - leader election on a coordination.k8s.io/v1 Lease, as
 * client-go's leaderelection with a LeaseLock: one candidate at a time holds
 * the Lease (spec.holderIdentity) and renews it (spec.renewTime) every
 * retry period; the others try to take it once it has not been renewed for
 * leaseDurationSeconds. Updates are compare-and-swap on resourceVersion, so
 * two candidates never both believe they lead. A leader that cannot renew
 * within renew_deadline_ms steps down (on_stopped) before another can take
 * over.
 */
#ifndef K8C_CLIENT_LEADER_H
#define K8C_CLIENT_LEADER_H

#include "client/rest.h"

struct k8c_leader_config {
	const char *namespace;     /* of the Lease, e.g. "kube-system" */
	const char *name;          /* of the Lease, e.g. "kube-controller-manager" */
	const char *identity;      /* this candidate, e.g. "host_<random>"; unique */
	int64_t lease_duration_ms; /* 0 = 15000 */
	int64_t renew_deadline_ms; /* 0 = 10000 */
	int64_t retry_period_ms;   /* 0 = 2000 */
	/*
	 * Called on the elector's thread when this candidate starts / stops leading; they
	 * must return quickly (renewals wait for them) and must not call k8c_leader_stop().
	 * After stepping down a candidate campaigns again, so on_started may run again.
	 */
	void (*on_started)(void *userdata);
	void (*on_stopped)(void *userdata);
	void *userdata;
};

struct k8c_leader;

/*
 * Starts campaigning on a thread of its own (cfg and its strings are copied;
 * client is borrowed and must outlive the elector). Returns 0 and *ret, or a
 * negative errno.
 */
int k8c_leader_start(struct k8c_client *client, const struct k8c_leader_config *cfg,
		     struct k8c_leader **ret);
/* True while this candidate holds the Lease. Thread-safe. */
bool k8c_leader_is_leader(struct k8c_leader *l);
/*
 * Stops campaigning; a leader releases the Lease (clears holderIdentity) so
 * that another takes over at once, and on_stopped runs. Frees l. NULL-safe.
 */
void k8c_leader_stop(struct k8c_leader *l);

#endif
