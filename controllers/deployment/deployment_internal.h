/*
 * deployment_internal.h - the parts of the Deployment controller, shared by
 * its files and its unit tests.
 *
 * One sync of one Deployment (struct dsync) works on private copies: the
 * Deployment and the ReplicaSets it controls (claimed beforehand), and
 * makes its writes through struct dsync_ops. The controller binds the ops
 * to the API server; the unit tests bind them to an in-memory fake, which
 * lets them replay whole rollouts step by step. Everything else here is pure.
 */
#ifndef K8C_CONTROLLERS_DEPLOYMENT_INTERNAL_H
#define K8C_CONTROLLERS_DEPLOYMENT_INTERNAL_H

#include "api/types.gen.h"
#include "base/strbuf.h"

#define DEP_ANN_REVISION "deployment.kubernetes.io/revision"
#define DEP_ANN_REVISION_HISTORY "deployment.kubernetes.io/revision-history"
#define DEP_ANN_DESIRED_REPLICAS "deployment.kubernetes.io/desired-replicas"
#define DEP_ANN_MAX_REPLICAS "deployment.kubernetes.io/max-replicas"
#define DEP_LABEL_HASH "pod-template-hash"
/* The longest revision-history annotation kept (maxRevHistoryLengthInChars). */
#define DEP_REV_HISTORY_MAX_CHARS 2000

/* ---- a list of borrowed ReplicaSets (Go's []*apps.ReplicaSet) ---------- */

struct rslist {
	struct k8c_replica_set **v;
	size_t n, alloc;
};

void rslist_push(struct rslist *l, struct k8c_replica_set *rs);
void rslist_release(struct rslist *l);
/* Drops NULL entries and those with spec.replicas 0 (FilterActiveReplicaSets) into out. */
void rslist_active(const struct rslist *in, struct rslist *out);

/* ---- numbers (util.c) -------------------------------------------------- */

int32_t dep_replicas(const struct k8c_deployment *d);
int32_t drs_replicas(const struct k8c_replica_set *rs);
bool dep_is_recreate(const struct k8c_deployment *d);
/* ResolveFenceposts over maxSurge / maxUnavailable (defaults 25% / 25%). */
void dep_fenceposts(const struct k8c_deployment *d, int32_t *ret_surge, int32_t *ret_unavailable);
int32_t dep_max_surge(const struct k8c_deployment *d);
int32_t dep_max_unavailable(const struct k8c_deployment *d);
/* progressDeadlineSeconds (600 unset); false when it is MaxInt32 (no deadline). */
bool dep_has_progress_deadline(const struct k8c_deployment *d);
int32_t dep_progress_deadline(const struct k8c_deployment *d);
/* revisionHistoryLimit, 10 when unset. */
int32_t dep_revision_history_limit(const struct k8c_deployment *d);

/* Sums over l (NULL entries skipped): spec.replicas, status.replicas, ready, available. */
int32_t rslist_spec_replicas(const struct rslist *l);
int32_t rslist_status_replicas(const struct rslist *l);
int32_t rslist_ready(const struct rslist *l);
int32_t rslist_available(const struct rslist *l);

/*
 * Pod templates equal but for the pod-template-hash label (EqualIgnoreHash),
 * compared by their canonical JSON (dep_template_canonical).
 */
bool dep_template_equal(const struct k8c_pod_template_spec *a,
			const struct k8c_pod_template_spec *b);

/* The new ReplicaSet of d among l: the oldest whose template matches (FindNewReplicaSet). */
struct k8c_replica_set *dep_find_new(const struct k8c_deployment *d, const struct rslist *l);

/* Sorts: by creation time, then name; larger first (ties: newer/older first); by revision. */
void rslist_sort_by_creation(struct rslist *l);
void rslist_sort_by_size_newer(struct rslist *l);
void rslist_sort_by_size_older(struct rslist *l);
void rslist_sort_by_revision(struct rslist *l);

/* NewRSNewReplicas: how many replicas the new ReplicaSet may have now. */
int32_t dep_new_rs_replicas(const struct k8c_deployment *d, const struct rslist *all,
			    const struct k8c_replica_set *new_rs);
/* IsSaturated: new_rs runs and has annotated exactly spec.replicas, all available. */
bool dep_is_saturated(const struct k8c_deployment *d, const struct k8c_replica_set *rs);
/* GetProportion: rs's share of to_add, given added so far. */
int32_t dep_proportion(const struct k8c_replica_set *rs, const struct k8c_deployment *d,
		       int32_t to_add, int32_t added);

/* ---- the pod-template-hash (hash.c) ------------------------------------ */

/*
 * Appends t's canonical JSON: encoded without the pod-template-hash label,
 * members whose value is an empty object left out. Go's structs make
 * "resources": {} and no resources the same template (kubectl's rollout undo
 * sends the former); k8c's pointers would not, so both hash and compare
 * through this form.
 */
void dep_template_canonical(const struct k8c_pod_template_spec *t, struct strbuf *out);

/*
 * Appends ComputeHash(template, collisionCount): FNV-32a over the template's
 * canonical JSON (dep_template_canonical), then the collision count (if any) as 8 little-endian
 * bytes, the 32-bit sum printed in decimal and rendered with Kubernetes'
 * SafeEncodeString (no vowels, so no words).
 */
void dep_template_hash(const struct k8c_pod_template_spec *t, const int32_t *collision_count,
		       struct strbuf *out);
/* rand.SafeEncodeString: maps each byte of s to "bcdfghjklmnpqrstvwxz2456789". */
void dep_safe_encode(const char *s, struct strbuf *out);

/* ---- annotations (annotations.c) --------------------------------------- */

/* The revision annotation as a number: 0 when absent, -1 when not a number. */
int64_t drs_revision(const struct k8c_object_meta *m);
/* The largest revision in l (MaxRevision). */
int64_t rslist_max_revision(const struct rslist *l);
/* Sets d's revision annotation. True when it changed (SetDeploymentRevision). */
bool dep_set_revision(struct k8c_deployment *d, const char *revision);
/*
 * SetNewReplicaSetAnnotations: copies d's annotations (but the
 * deployment-only ones) to rs, bumps rs's revision to new_revision keeping the
 * one it had in revision-history, and (when !exists) sets the replicas
 * annotations. True when rs changed.
 */
bool dep_set_new_rs_annotations(const struct k8c_deployment *d, struct k8c_replica_set *rs,
				const char *new_revision, bool exists);
/* desired-replicas / max-replicas of rs; false when absent or bad. */
bool drs_desired_replicas(const struct k8c_replica_set *rs, int32_t *ret);
bool drs_max_replicas(const struct k8c_replica_set *rs, int32_t *ret);
/* Sets both replicas annotations; true when one changed. */
bool drs_set_replicas_annotations(struct k8c_replica_set *rs, int32_t desired, int32_t max);
bool drs_replicas_annotations_need_update(const struct k8c_replica_set *rs, int32_t desired,
					  int32_t max);

/* ---- conditions and status (conditions.c) ------------------------------ */

struct k8c_deployment_condition *dep_condition(const struct k8c_deployment_status *s,
					       const char *type);
/*
 * SetDeploymentCondition with NewDeploymentCondition(type, status, reason,
 * msg) at now_ns: nothing when status and reason are unchanged; an unchanged
 * status keeps lastTransitionTime.
 */
void dep_condition_set(struct k8c_deployment_status *s, const char *type, const char *status,
		       const char *reason, const char *msg, int64_t now_ns);
/* As dep_condition_set with both times given (the Progressing special case). */
void dep_condition_put(struct k8c_deployment_status *s, const char *type, const char *status,
		       const char *reason, const char *msg, int64_t update_ns,
		       int64_t transition_ns);
void dep_condition_remove(struct k8c_deployment_status *s, const char *type);

/* calculateStatus into *out (uninitialized; release with k8c_release). */
void dep_status_calculate(const struct k8c_deployment *d, const struct rslist *all,
			  const struct k8c_replica_set *new_rs, int64_t now_ns,
			  struct k8c_deployment_status *out);
bool dep_complete(const struct k8c_deployment *d, const struct k8c_deployment_status *s);
bool dep_progressing(const struct k8c_deployment *d, const struct k8c_deployment_status *s);
bool dep_timed_out(const struct k8c_deployment *d, const struct k8c_deployment_status *s,
		   int64_t now_ns);

/* ---- one sync (sync.c, newrs.c, rollout.c, scale.c, progress.c) -------- */

struct dsync;

struct dsync_ops {
	/* PUTs rs; on success refreshes rs->metadata.resourceVersion. */
	int (*update_rs)(struct dsync *s, struct k8c_replica_set *rs);
	/*
	 * POSTs rs; on success *ret is the server's object (owned); else a
	 * negative errno (-EEXIST AlreadyExists) with the reason in err_msg.
	 */
	int (*create_rs)(struct dsync *s, const struct k8c_replica_set *rs,
			 struct k8c_replica_set **ret, struct strbuf *err_msg);
	int (*delete_rs)(struct dsync *s, const struct k8c_replica_set *rs);
	/* Writes d's annotations (if changed) and status; refreshes its resourceVersion. */
	int (*update_status)(struct dsync *s, struct k8c_deployment *d);
	/* The cached ReplicaSet ns/name (a private copy, owned), or NULL. */
	struct k8c_replica_set *(*get_rs)(struct dsync *s, const char *ns, const char *name);
	void (*event)(struct dsync *s, const char *type, const char *reason, const char *msg);
	/* Sync d again after delay_ms (< 0: rate-limited). */
	void (*requeue)(struct dsync *s, int64_t delay_ms);
};

struct dsync_pods {
	char *rs_uid;
	int n; /* pods of that ReplicaSet not Succeeded or Failed (Recreate waits for none) */
};

struct dsync {
	const struct dsync_ops *ops;
	void *ud;
	int64_t now_ns;
	struct k8c_deployment *d; /* owned copy */
	struct k8c_replica_set **rs; /* owned copies of the ReplicaSets d controls */
	size_t n_rs, alloc_rs;
	struct dsync_pods *pods;
	size_t n_pods;
};

/* Sets s up (zeroed) over a copy of d. */
void dsync_init(struct dsync *s, const struct dsync_ops *ops, void *ud,
		const struct k8c_deployment *d, int64_t now_ns);
/* Adds a copy of rs (owned by s). Returns the copy. */
struct k8c_replica_set *dsync_add_rs(struct dsync *s, const struct k8c_replica_set *rs);
/* Records n live pods for ReplicaSet uid. */
void dsync_add_pods(struct dsync *s, const char *rs_uid, int n);
void dsync_release(struct dsync *s);

/*
 * syncDeployment after the claim: pause conditions, scaling events, the
 * rollout of the strategy, clean-up and status. Returns 0 or a negative
 * errno (the controller retries).
 */
int dsync_run(struct dsync *s);

/* getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when create) and the old ones. */
int dsync_new_and_old(struct dsync *s, bool create, struct k8c_replica_set **ret_new,
		      struct rslist *ret_old);

/* scaleReplicaSetAndRecordEvent; *ret_scaled (may be NULL) tells if the size changed. */
int dsync_scale_rs(struct dsync *s, struct k8c_replica_set *rs, int32_t to, bool *ret_scaled);
/* scaleReplicaSet with the scaling direction given ("up", "down"). */
int dsync_scale_rs_dir(struct dsync *s, struct k8c_replica_set *rs, int32_t to, const char *dir,
		       bool *ret_scaled);

int dsync_rolling(struct dsync *s);
int dsync_recreate(struct dsync *s);
/* sync(): scaling only (paused, or a scaling event), then clean-up and status. */
int dsync_scale_only(struct dsync *s);
/* isScalingEvent */
int dsync_is_scaling_event(struct dsync *s, bool *ret);
/* cleanupDeployment: deletes the oldest unused ReplicaSets beyond revisionHistoryLimit. */
int dsync_cleanup(struct dsync *s, const struct rslist *old);
/* syncRolloutStatus / syncDeploymentStatus. */
int dsync_rollout_status(struct dsync *s, const struct rslist *all,
			 const struct k8c_replica_set *new_rs);
int dsync_status(struct dsync *s, const struct rslist *all, const struct k8c_replica_set *new_rs);

/* Formats an event and passes it to ops->event. */
void dsync_eventf(struct dsync *s, const char *type, const char *reason, const char *fmt, ...)
	K8C_PRINTF(4, 5);

#endif
