/*
 * sync.c - one sync of one Deployment (syncDeployment after the claim): the
 * dispatch between status-only, paused, scaling and rollout syncs, and the
 * pieces they share: scaling a ReplicaSet, the revision history clean-up.
 */
#include "controllers/deployment/deployment_internal.h"

#include <stdarg.h>

#include "api/codec.h"
#include "api/values.h"

void dsync_init(struct dsync *s, const struct dsync_ops *ops, void *ud,
		const struct k8c_deployment *d, int64_t now_ns)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ud = ud;
	s->now_ns = now_ns;
	s->d = k8c_dup(&k8c_type_deployment, d);
}

struct k8c_replica_set *dsync_add_rs(struct dsync *s, const struct k8c_replica_set *rs)
{
	ALLOC_GROW(s->rs, s->n_rs + 1, s->alloc_rs);
	return s->rs[s->n_rs++] = k8c_dup(&k8c_type_replica_set, rs);
}

void dsync_add_pods(struct dsync *s, const char *rs_uid, int n)
{
	s->pods = xrealloc(s->pods, (s->n_pods + 1) * sizeof(*s->pods));
	s->pods[s->n_pods].rs_uid = xstrdup(rs_uid);
	s->pods[s->n_pods++].n = n;
}

void dsync_release(struct dsync *s)
{
	k8c_free(&k8c_type_deployment, s->d);
	for (size_t i = 0; i < s->n_rs; i++)
		k8c_free(&k8c_type_replica_set, s->rs[i]);
	free(s->rs);
	for (size_t i = 0; i < s->n_pods; i++)
		free(s->pods[i].rs_uid);
	free(s->pods);
	memset(s, 0, sizeof(*s));
}

void dsync_eventf(struct dsync *s, const char *type, const char *reason, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (s->ops->event)
		s->ops->event(s, type, reason, msg.buf);
	strbuf_release(&msg);
}

int dsync_scale_rs_dir(struct dsync *s, struct k8c_replica_set *rs, int32_t to, const char *dir,
		       bool *ret_scaled)
{
	const struct k8c_deployment *d = s->d;
	int32_t desired = dep_replicas(d), max = desired + dep_max_surge(d);
	bool size_changed = drs_replicas(rs) != to;
	int r = 0;

	if (ret_scaled)
		*ret_scaled = false;
	if (!size_changed && !drs_replicas_annotations_need_update(rs, desired, max))
		return 0;
	int32_t from = drs_replicas(rs);
	rs->spec.replicas = to;
	rs->spec.has_replicas = true;
	drs_set_replicas_annotations(rs, desired, max);
	r = s->ops->update_rs(s, rs);
	if (r == 0 && size_changed) {
		if (ret_scaled)
			*ret_scaled = true;
		dsync_eventf(s, "Normal", "ScalingReplicaSet", "Scaled %s replica set %s to %d from %d",
			     dir, rs->metadata.name, to, from);
	}
	return r;
}

int dsync_scale_rs(struct dsync *s, struct k8c_replica_set *rs, int32_t to, bool *ret_scaled)
{
	if (ret_scaled)
		*ret_scaled = false;
	if (drs_replicas(rs) == to)
		return 0;
	return dsync_scale_rs_dir(s, rs, to, drs_replicas(rs) < to ? "up" : "down", ret_scaled);
}

int dsync_cleanup(struct dsync *s, const struct rslist *old)
{
	struct rslist alive = { 0 };
	int r = 0;

	for (size_t i = 0; i < old->n; i++)
		if (old->v[i] && !old->v[i]->metadata.deletion_timestamp)
			rslist_push(&alive, old->v[i]);
	int64_t diff = (int64_t)alive.n - dep_revision_history_limit(s->d);
	rslist_sort_by_revision(&alive);
	for (int64_t i = 0; i < diff && r == 0; i++) {
		const struct k8c_replica_set *rs = alive.v[i];
		/* Only ReplicaSets that run nothing and whose status caught up. */
		if (rs->status.replicas != 0 || drs_replicas(rs) != 0 ||
		    rs->metadata.generation > rs->status.observed_generation)
			continue;
		r = s->ops->delete_rs(s, rs);
		if (r == -ENOENT)
			r = 0;
	}
	rslist_release(&alive);
	return r;
}

int dsync_is_scaling_event(struct dsync *s, bool *ret)
{
	struct k8c_replica_set *new_rs;
	struct rslist old = { 0 }, all = { 0 }, active = { 0 };
	int r = dsync_new_and_old(s, false, &new_rs, &old);

	*ret = false;
	if (r < 0)
		goto out;
	for (size_t i = 0; i < old.n; i++)
		rslist_push(&all, old.v[i]);
	rslist_push(&all, new_rs);
	rslist_active(&all, &active);
	for (size_t i = 0; i < active.n && !*ret; i++) {
		int32_t desired;
		if (drs_desired_replicas(active.v[i], &desired) && desired != dep_replicas(s->d))
			*ret = true;
	}
out:
	rslist_release(&active);
	rslist_release(&all);
	rslist_release(&old);
	return r;
}

/* SelectingAll: an empty selector would claim every pod of the namespace. */
static bool selects_everything(const struct k8c_deployment *d)
{
	const struct k8c_label_selector *sel = d->spec.selector;

	return sel && !sel->match_labels.n && !sel->n_match_expressions;
}

/* checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
static int paused_conditions(struct dsync *s)
{
	struct k8c_deployment *d = s->d;
	const struct k8c_deployment_condition *c = dep_condition(&d->status, "Progressing");
	bool paused_cond = c && streq_null(c->reason, "DeploymentPaused");

	if (!dep_has_progress_deadline(d) || (c && streq_null(c->reason, "ProgressDeadlineExceeded")))
		return 0;
	if (d->spec.paused && !paused_cond)
		dep_condition_set(&d->status, "Progressing", "Unknown", "DeploymentPaused",
				  "Deployment is paused", s->now_ns);
	else if (!d->spec.paused && paused_cond)
		dep_condition_set(&d->status, "Progressing", "Unknown", "DeploymentResumed",
				  "Deployment is resumed", s->now_ns);
	else
		return 0;
	return s->ops->update_status(s, d);
}

static int status_only(struct dsync *s)
{
	struct k8c_replica_set *new_rs;
	struct rslist old = { 0 };
	int r = dsync_new_and_old(s, false, &new_rs, &old);

	if (r == 0) {
		rslist_push(&old, new_rs);
		r = dsync_status(s, &old, new_rs);
	}
	rslist_release(&old);
	return r;
}

int dsync_run(struct dsync *s)
{
	struct k8c_deployment *d = s->d;
	bool scaling;
	int r;

	if (selects_everything(d)) {
		dsync_eventf(s, "Warning", "SelectingAll",
			     "This deployment is selecting all pods. A non-empty selector is required.");
		if (d->status.observed_generation >= d->metadata.generation)
			return 0;
		d->status.observed_generation = d->metadata.generation;
		d->status.has_observed_generation = true;
		return s->ops->update_status(s, d);
	}
	if (d->metadata.deletion_timestamp)
		return status_only(s);
	if ((r = paused_conditions(s)) < 0)
		return r;
	if (d->spec.paused)
		return dsync_scale_only(s);
	if ((r = dsync_is_scaling_event(s, &scaling)) < 0)
		return r;
	if (scaling)
		return dsync_scale_only(s);
	return dep_is_recreate(d) ? dsync_recreate(s) : dsync_rolling(s);
}
