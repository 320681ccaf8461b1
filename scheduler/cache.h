/*
 * cache.h - the scheduler's incremental view of the cluster: for every node,
 * its allocatable resources and what the pods placed on it request (counted
 * as they arrive, never by walking all pods), its used host ports and how
 * many pods of each owner it runs (for spreading). Pods the scheduler has
 * decided on but whose binding the API server has not confirmed yet are
 * "assumed": counted at once, so that binds in flight never overcommit a
 * node, and forgotten if the bind fails.
 *
 * Fed by the pod and node informers (sched_cache_*_pod/_node) and by the
 * scheduling loop (assume/forget). One mutex guards everything; the loop
 * holds it (sched_cache_lock) for the whole of one pod's filter and score
 * pass so that it sees one consistent state.
 */
#ifndef K8C_SCHEDULER_CACHE_H
#define K8C_SCHEDULER_CACHE_H

#include <pthread.h>

#include "base/hashmap.h"
#include "scheduler/podinfo.h"

/* How many pods of one owner a node runs. */
struct sched_owner_count {
	char *uid;
	uint32_t hash; /* hashmap_hash(uid): most lookups end on a hash mismatch */
	int64_t pods;
};

/* What the cache knows of one node. */
struct sched_node {
	char *name;
	const struct k8c_node *node;       /* informer object (a reference), NULL while unknown */
	struct sched_resources allocatable; /* from node->status.allocatable */
	struct sched_resources requested;   /* sum of the placed pods' requests */
	struct sched_resources nonzero;     /* the same with the scoring defaults */
	struct sched_port *ports;           /* host ports in use (with repeats) */
	size_t n_ports, alloc_ports;
	/* pods per owner here: a node runs few owners, a scan beats hashing the uid per node */
	struct sched_owner_count *owners;
	size_t n_owners, alloc_owners;
	const char *ready; /* status of the Ready condition (in node), NULL when none */
	size_t index;          /* position in sched_cache.nodes while known */
	size_t n_pods;
};

struct sched_cache {
	pthread_mutex_t lock;
	struct hashmap by_name;   /* node name -> struct sched_node (known or not) */
	struct sched_node **nodes; /* the known nodes, in no particular order */
	size_t n_nodes, alloc_nodes;
	struct hashmap pods; /* pod uid -> struct sched_cache_pod (internal) */
	uint64_t generation; /* bumped by every change that could make a pod fit */
};

void sched_cache_init(struct sched_cache *c);
/* Frees everything (drops the node references). */
void sched_cache_release(struct sched_cache *c);

void sched_cache_lock(struct sched_cache *c);
void sched_cache_unlock(struct sched_cache *c);

/*
 * Informer events for nodes (the object is referenced while cached). Each
 * takes the lock itself.
 */
void sched_cache_set_node(struct sched_cache *c, const struct k8c_node *node);
void sched_cache_remove_node(struct sched_cache *c, const char *name);

/*
 * A pod as the informer sees it now: counted on spec.nodeName when bound and
 * not terminal, else not counted. Confirms an assumed placement (or moves
 * it if the API server says otherwise). Takes the lock itself.
 */
void sched_cache_update_pod(struct sched_cache *c, const struct k8c_pod *pod);
/* The pod is gone: stop counting it, assumed or not. Takes the lock itself. */
void sched_cache_remove_pod(struct sched_cache *c, const char *uid);

/*
 * With the lock held: counts pod (uid, its info) on node as assumed. The
 * info is copied. Returns 0, or -EEXIST when the pod is already counted.
 */
int sched_cache_assume(struct sched_cache *c, const char *uid, const struct sched_podinfo *info,
		       struct sched_node *node);
/* Forgets an assumed pod whose bind failed (no-op once confirmed). Takes the lock itself. */
void sched_cache_forget(struct sched_cache *c, const char *uid);
/* With the lock held: true when the pod with this uid is counted somewhere (assumed or bound). */
bool sched_cache_has_pod(struct sched_cache *c, const char *uid);

/* With the lock held: pods on node of the owner info names (0 when it has none). */
int64_t sched_node_owner_count(const struct sched_node *n, const struct sched_podinfo *info);

#endif
