/*
 * replicaset_internal.h - what the files of the ReplicaSet controller share:
 * the controller's state, the pure parts (deletion ranking, status) that
 * the unit tests call directly, and the replica management step.
 */
#ifndef K8C_CONTROLLERS_REPLICASET_INTERNAL_H
#define K8C_CONTROLLERS_REPLICASET_INTERNAL_H

#include "api/types.gen.h"
#include "controllers/controller.h"
#include "controllers/expectations.h"

/* At most this many creations or deletions per sync (Kubernetes' BurstReplicas). */
#define REPLICASET_BURST 500

struct rsc {
	struct k8c_client *client;
	const struct k8c_kind *pod_kind, *rs_kind;
	struct k8c_informer *pods;
	struct k8c_informer *rss;
	struct k8c_workqueue *queue;
	struct expectations *exp;
	struct k8c_recorder *rec; /* may be NULL */
	struct controller_workers workers;
	int burst;
};

/* spec.replicas, 1 when unset (the API default). */
int32_t replicaset_replicas(const struct k8c_replica_set *rs);

/* ---- deletion ranking (rank.c) ----------------------------------------- */

struct rank_pod {
	const struct k8c_pod *pod;
	int rank; /* active related pods on the same node */
};

/*
 * Sorts pods so that the ones to delete first come first, as Kubernetes'
 * ActivePodsWithRanks: unassigned < assigned; Pending < Unknown < Running;
 * not ready < ready; lower pod-deletion-cost < higher; higher rank (more
 * pods on the same node) < lower; ready more recently < longer; more
 * restarts < fewer; newer < older; then by name, so the order is total.
 */
void replicaset_rank_sort(struct rank_pod *pods, size_t n);

/*
 * Fills ranks of pods[0..n) by the active pods of related (the ReplicaSet's
 * and its siblings' pods) on each pod's node
 * (getPodsRankedByRelatedPodsOnSameNode).
 */
void replicaset_rank_fill(struct rank_pod *pods, size_t n, struct k8c_pod *const *related,
			  size_t n_related);

/* ---- status (status.c) ------------------------------------------------- */

/*
 * Computes rs's new status (a copy of rs->status with the counts replaced)
 * into *out (uninitialized; release with k8c_release(&k8c_type_replica_set_status)):
 * replicas, fullyLabeledReplicas, readyReplicas, availableReplicas (ready for
 * minReadySeconds at now_ns), and the ReplicaFailure condition set from
 * manage_err (a message, or NULL when managing succeeded).
 */
void replicaset_status_compute(const struct k8c_replica_set *rs, struct k8c_pod *const *pods,
			       size_t n, const char *manage_err, int64_t now_ns,
			       struct k8c_replica_set_status *out);

/* True when status differs from rs's (or observedGeneration is behind): a write is due. */
bool replicaset_status_changed(const struct k8c_replica_set *rs,
			       const struct k8c_replica_set_status *status);

/* Writes status (observedGeneration set to rs's generation) to rs/status. */
int replicaset_status_update(struct rsc *c, const struct k8c_replica_set *rs,
			     const struct k8c_replica_set_status *status);

/* ---- managing replicas (manage.c) -------------------------------------- */

/*
 * Creates or deletes pods so that pods[0..n) (the active pods rs claims)
 * become spec.replicas, recording expectations under key. Returns 0, or a
 * negative errno with a message in err_msg.
 */
int replicaset_manage(struct rsc *c, const struct k8c_replica_set *rs, const char *key,
		      struct k8c_pod *const *pods, size_t n, struct strbuf *err_msg);

#endif
