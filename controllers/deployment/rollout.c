/*
 * rollout.c - the two strategies (rolloutRolling, rolloutRecreate).
 *
 * RollingUpdate: scale the new ReplicaSet up as far as maxSurge allows,
 * else scale old ones down as far as maxUnavailable allows, one step per
 * sync; every ReplicaSet change brings the next sync. Two guards go beyond
 * Kubernetes so that the bounds hold on every event, not only eventually:
 * pods an old ReplicaSet still has above its new size count toward the
 * surge (util.c), and an old ReplicaSet counts as available no more than
 * its new size, because its status lags a scale-down until its controller
 * has deleted the pods.
 *
 * Recreate: scale every old ReplicaSet to 0, wait until none of their pods
 * is left, then create and scale up the new one.
 */
#include "controllers/deployment/deployment_internal.h"

static void concat(struct rslist *out, const struct rslist *old, struct k8c_replica_set *new_rs)
{
	for (size_t i = 0; i < old->n; i++)
		rslist_push(out, old->v[i]);
	rslist_push(out, new_rs);
}

/* Available pods of l, each ReplicaSet counted at most at its spec size. */
static int32_t available_bounded(const struct rslist *l)
{
	int32_t sum = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct k8c_replica_set *rs = l->v[i];
		if (rs)
			sum += rs->status.available_replicas < drs_replicas(rs) ?
				       rs->status.available_replicas : drs_replicas(rs);
	}
	return sum;
}

static int reconcile_new(struct dsync *s, const struct rslist *all, struct k8c_replica_set *new_rs,
			 bool *ret_scaled)
{
	int32_t want = dep_replicas(s->d);

	*ret_scaled = false;
	if (drs_replicas(new_rs) == want)
		return 0;
	if (drs_replicas(new_rs) > want)
		return dsync_scale_rs(s, new_rs, want, ret_scaled);
	return dsync_scale_rs(s, new_rs, dep_new_rs_replicas(s->d, all, new_rs), ret_scaled);
}

/* cleanupUnhealthyReplicas: scale down old ReplicaSets by their unavailable pods first. */
static int cleanup_unhealthy(struct dsync *s, struct rslist *old, int32_t max_cleanup,
			     int32_t *ret_done)
{
	int32_t done = 0;
	int r = 0;

	rslist_sort_by_creation(old);
	for (size_t i = 0; i < old->n && done < max_cleanup && r == 0; i++) {
		struct k8c_replica_set *rs = old->v[i];
		int32_t unhealthy = drs_replicas(rs) - rs->status.available_replicas;
		if (drs_replicas(rs) == 0 || unhealthy <= 0)
			continue;
		int32_t n = max_cleanup - done < unhealthy ? max_cleanup - done : unhealthy;
		r = dsync_scale_rs(s, rs, drs_replicas(rs) - n, NULL);
		if (r == 0)
			done += n;
	}
	*ret_done = done;
	return r;
}

/* scaleDownOldReplicaSetsForRollingUpdate, bounded by max_down as well. */
static int scale_down_old(struct dsync *s, const struct rslist *all, struct rslist *old,
			  int32_t max_down, int32_t *ret_done)
{
	int32_t min_available = dep_replicas(s->d) - dep_max_unavailable(s->d);
	int32_t available = available_bounded(all);
	int32_t total = available - min_available, done = 0;
	int r = 0;

	*ret_done = 0;
	if (total > max_down)
		total = max_down;
	if (total <= 0)
		return 0;
	rslist_sort_by_creation(old);
	for (size_t i = 0; i < old->n && done < total && r == 0; i++) {
		struct k8c_replica_set *rs = old->v[i];
		if (drs_replicas(rs) == 0)
			continue;
		int32_t n = drs_replicas(rs) < total - done ? drs_replicas(rs) : total - done;
		r = dsync_scale_rs(s, rs, drs_replicas(rs) - n, NULL);
		if (r == 0)
			done += n;
	}
	*ret_done = done;
	return r;
}

static int reconcile_old(struct dsync *s, const struct rslist *all, const struct rslist *old_all,
			 struct k8c_replica_set *new_rs, bool *ret_scaled)
{
	struct rslist old = { 0 }, all2 = { 0 };
	int32_t cleaned = 0, down = 0;
	int r = 0;

	*ret_scaled = false;
	rslist_active(old_all, &old);
	if (rslist_spec_replicas(&old) == 0)
		goto out;
	int32_t min_available = dep_replicas(s->d) - dep_max_unavailable(s->d);
	int32_t new_unavailable = drs_replicas(new_rs) - new_rs->status.available_replicas;
	int32_t max_down = rslist_spec_replicas(all) - min_available - new_unavailable;
	if (max_down <= 0)
		goto out;
	if ((r = cleanup_unhealthy(s, &old, max_down, &cleaned)) < 0)
		goto out;
	concat(&all2, &old, new_rs);
	r = scale_down_old(s, &all2, &old, max_down - cleaned, &down);
	*ret_scaled = cleaned + down > 0;
out:
	rslist_release(&all2);
	rslist_release(&old);
	return r;
}

int dsync_rolling(struct dsync *s)
{
	struct k8c_replica_set *new_rs;
	struct rslist old = { 0 }, all = { 0 };
	bool scaled = false;
	int r = dsync_new_and_old(s, true, &new_rs, &old);

	if (r < 0 || !new_rs)
		goto out;
	concat(&all, &old, new_rs);
	if ((r = reconcile_new(s, &all, new_rs, &scaled)) < 0)
		goto out;
	if (!scaled && (r = reconcile_old(s, &all, &old, new_rs, &scaled)) < 0)
		goto out;
	if (!scaled && dep_complete(s->d, &s->d->status) && (r = dsync_cleanup(s, &old)) < 0)
		goto out;
	r = dsync_rollout_status(s, &all, new_rs);
out:
	rslist_release(&all);
	rslist_release(&old);
	return r;
}

/* True while any old ReplicaSet has pods that are not Succeeded or Failed (oldPodsRunning). */
static bool old_pods_running(const struct dsync *s, const struct k8c_replica_set *new_rs,
			     const struct rslist *old)
{
	if (rslist_status_replicas(old) > 0)
		return true;
	for (size_t i = 0; i < s->n_pods; i++)
		if (s->pods[i].n > 0 &&
		    !(new_rs && streq_null(new_rs->metadata.uid, s->pods[i].rs_uid)))
			return true;
	return false;
}

int dsync_recreate(struct dsync *s)
{
	struct k8c_replica_set *new_rs;
	struct rslist old = { 0 }, all = { 0 };
	bool scaled = false;
	int r = dsync_new_and_old(s, false, &new_rs, &old);

	for (size_t i = 0; i < old.n && r == 0; i++) {
		bool one = false;
		if (drs_replicas(old.v[i]) > 0)
			r = dsync_scale_rs(s, old.v[i], 0, &one);
		scaled |= one;
	}
	if (r < 0)
		goto out;
	if (!scaled && !old_pods_running(s, new_rs, &old)) {
		if (!new_rs) {
			rslist_release(&old);
			if ((r = dsync_new_and_old(s, true, &new_rs, &old)) < 0)
				goto out;
		}
		if (new_rs && (r = dsync_scale_rs(s, new_rs, dep_replicas(s->d), NULL)) < 0)
			goto out;
		if (dep_complete(s->d, &s->d->status) && (r = dsync_cleanup(s, &old)) < 0)
			goto out;
	}
	concat(&all, &old, new_rs);
	r = dsync_rollout_status(s, &all, new_rs);
out:
	rslist_release(&all);
	rslist_release(&old);
	return r;
}
