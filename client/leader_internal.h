/*
 * leader_internal.h - what leader.c (the elector thread and its public API) shares with
 * leader_lease.c (one round of client-go's tryAcquireOrRenew on the Lease, and release).
 * Internal to client/.
 */
#ifndef K8C_CLIENT_LEADER_INTERNAL_H
#define K8C_CLIENT_LEADER_INTERNAL_H

#include <pthread.h>

#include "api/types.gen.h"
#include "client/leader.h"

struct k8c_leader {
	struct k8c_client *client;
	char *namespace, *name, *identity;
	int64_t lease_ns, renew_ns, retry_ns;
	void (*on_started)(void *userdata);
	void (*on_stopped)(void *userdata);
	void *userdata;
	char *collection_path; /* /apis/coordination.k8s.io/v1/namespaces/NS/leases */
	char *path;	       /* .../leases/NAME */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* stop requested */
	/* Under lock: */
	bool stopping;
	bool leading;	     /* on_started ran, on_stopped has not */
	int64_t valid_until; /* monotonic ns up to which a leader may act as one */

	/* The elector thread's own: */
	struct k8c_lease lease; /* the Lease last read or written (its resourceVersion guards
				   the next write); zeroed when there is none */
	char *observed;		/* its spec as last observed, encoded; NULL = none yet */
	int64_t observed_at;	/* monotonic ns when the observed spec last changed */
};

/*
 * One round of client-go's tryAcquireOrRenew: reads the Lease; creates it when absent;
 * takes it when it is free (empty holderIdentity) or its spec has not changed for the
 * lease duration as observed here; renews it when this candidate holds it. Every write
 * is a compare-and-swap on the resourceVersion read. Requests give up after timeout_ms.
 * Returns true when this candidate holds the Lease as written now. Elector thread only.
 */
bool leader__try_acquire_or_renew(struct k8c_leader *l, int64_t timeout_ms);

/*
 * Gives the Lease up (holderIdentity "", leaseDurationSeconds 1, as client-go's
 * ReleaseOnCancel) so that another candidate takes it at once. Failure is harmless: the
 * others then wait for the lease to expire. Elector thread only.
 */
void leader__release(struct k8c_leader *l);

#endif
