/*
 * scale.c - a Deployment whose size changed (or that is paused): resize its
 * ReplicaSets without rolling anything (sync, scale). With one active
 * ReplicaSet it takes the whole size; during a rollout the change is spread
 * over all active ReplicaSets in proportion to their sizes, so that a
 * rollout in progress keeps its shape (proportional scaling).
 */
#include "controllers/deployment/deployment_internal.h"


/* FindActiveOrLatest: the only active ReplicaSet, or the newest when none is; else NULL. */
static struct k8c_replica_set *active_or_latest(struct k8c_replica_set *new_rs,
						const struct rslist *old)
{
	struct rslist all = { 0 }, active = { 0 }, sorted = { 0 };
	struct k8c_replica_set *out = NULL;

	if (!new_rs && !old->n)
		return NULL;
	for (size_t i = 0; i < old->n; i++)
		rslist_push(&sorted, old->v[i]);
	rslist_sort_by_creation(&sorted);
	for (size_t i = 0; i < sorted.n; i++)
		rslist_push(&all, sorted.v[sorted.n - 1 - i]); /* newest first */
	rslist_push(&all, new_rs);
	rslist_active(&all, &active);
	if (active.n == 1)
		out = active.v[0];
	else if (active.n == 0)
		out = new_rs ? new_rs : all.v[0];
	rslist_release(&sorted);
	rslist_release(&active);
	rslist_release(&all);
	return out;
}

/* Spreads the difference to the allowed size over the active ReplicaSets. */
static int scale_proportionally(struct dsync *s, struct k8c_replica_set *new_rs,
				const struct rslist *old)
{
	struct rslist all = { 0 }, active = { 0 };
	const struct k8c_deployment *d = s->d;
	int32_t allowed = dep_replicas(d) > 0 ? dep_replicas(d) + dep_max_surge(d) : 0;
	int r = 0;

	for (size_t i = 0; i < old->n; i++)
		rslist_push(&all, old->v[i]);
	rslist_push(&all, new_rs);
	rslist_active(&all, &active);
	int32_t to_add = allowed - rslist_spec_replicas(&active), added = 0;
	const char *dir = to_add > 0 ? "up" : "down";
	if (to_add > 0)
		rslist_sort_by_size_newer(&active); /* ties: newer grow first */
	else if (to_add < 0)
		rslist_sort_by_size_older(&active); /* ties: older shrink first */
	int32_t *size = xcalloc(active.n ? active.n : 1, sizeof(*size));
	for (size_t i = 0; i < active.n; i++) {
		int32_t p = dep_proportion(active.v[i], d, to_add, added);
		size[i] = drs_replicas(active.v[i]) + p;
		added += p;
	}
	if (active.n && to_add != 0) { /* leftovers go to the largest */
		size[0] += to_add - added;
		if (size[0] < 0)
			size[0] = 0;
	}
	for (size_t i = 0; i < active.n && r == 0; i++)
		r = dsync_scale_rs_dir(s, active.v[i], size[i], dir, NULL);
	free(size);
	rslist_release(&active);
	rslist_release(&all);
	return r;
}

static int scale(struct dsync *s, struct k8c_replica_set *new_rs, const struct rslist *old)
{
	struct k8c_replica_set *one = active_or_latest(new_rs, old);
	int r = 0;

	if (one)
		return drs_replicas(one) == dep_replicas(s->d) ?
			       0 : dsync_scale_rs(s, one, dep_replicas(s->d), NULL);
	if (dep_is_saturated(s->d, new_rs)) {
		for (size_t i = 0; i < old->n && r == 0; i++)
			if (drs_replicas(old->v[i]) > 0)
				r = dsync_scale_rs(s, old->v[i], 0, NULL);
		return r;
	}
	return dep_is_recreate(s->d) ? 0 : scale_proportionally(s, new_rs, old);
}

int dsync_scale_only(struct dsync *s)
{
	struct k8c_replica_set *new_rs;
	struct rslist old = { 0 };
	int r = dsync_new_and_old(s, false, &new_rs, &old);

	if (r == 0)
		r = scale(s, new_rs, &old);
	if (r == 0 && s->d->spec.paused)
		r = dsync_cleanup(s, &old);
	if (r == 0) {
		rslist_push(&old, new_rs);
		r = dsync_status(s, &old, new_rs);
	}
	rslist_release(&old);
	return r;
}
