/*
 * progress.c - writing a Deployment's status after a sync
 * (syncRolloutStatus, syncDeploymentStatus, requeueStuckDeployment): the
 * Progressing condition moves through NewReplicaSetCreated /
 * FoundNewReplicaSet / ReplicaSetUpdated to NewReplicaSetAvailable, or to
 * ProgressDeadlineExceeded when no progress was seen for
 * progressDeadlineSeconds. The status is written only when it changed.
 */
#include "controllers/deployment/deployment_internal.h"

#include "api/codec.h"
#include "base/timeutil.h"

/* Writes status into d if it differs; returns 0 when nothing was due. */
static int write_if_changed(struct dsync *s, struct k8c_deployment_status *status)
{
	struct k8c_deployment *d = s->d;

	if (k8c_equal(&k8c_type_deployment_status, &d->status, status))
		return 1;
	k8c_release(&k8c_type_deployment_status, &d->status);
	d->status = *status;
	memset(status, 0, sizeof(*status));
	return s->ops->update_status(s, d);
}

int dsync_status(struct dsync *s, const struct rslist *all, const struct k8c_replica_set *new_rs)
{
	struct k8c_deployment_status status;

	dep_status_calculate(s->d, all, new_rs, s->now_ns, &status);
	int r = write_if_changed(s, &status);
	k8c_release(&k8c_type_deployment_status, &status);
	return r > 0 ? 0 : r;
}

static void progressing_message(struct strbuf *msg, const struct k8c_deployment *d,
				const struct k8c_replica_set *new_rs, const char *what)
{
	if (new_rs)
		strbuf_addf(msg, "ReplicaSet \"%s\" %s.", new_rs->metadata.name, what);
	else
		strbuf_addf(msg, "Deployment \"%s\" %s.", d->metadata.name, what);
}

/* The Progressing condition for the new status (the switch in syncRolloutStatus). */
static void estimate_progress(struct dsync *s, const struct k8c_replica_set *new_rs,
			      struct k8c_deployment_status *st)
{
	const struct k8c_deployment *d = s->d;
	const struct k8c_deployment_condition *cur = dep_condition(&d->status, "Progressing");
	struct strbuf msg = STRBUF_INIT;

	if (dep_complete(d, st)) {
		progressing_message(&msg, d, new_rs, "has successfully progressed");
		dep_condition_set(st, "Progressing", "True", "NewReplicaSetAvailable", msg.buf,
				  s->now_ns);
	} else if (dep_progressing(d, st)) {
		/* Progress refreshes lastUpdateTime even with the same reason. */
		int64_t transition = cur && streq_null(cur->status, "True") ?
					     cur->last_transition_time : s->now_ns;
		progressing_message(&msg, d, new_rs, "is progressing");
		dep_condition_put(st, "Progressing", "True", "ReplicaSetUpdated", msg.buf,
				  s->now_ns, transition);
	} else if (dep_timed_out(d, st, s->now_ns)) {
		progressing_message(&msg, d, new_rs, "has timed out progressing");
		dep_condition_set(st, "Progressing", "False", "ProgressDeadlineExceeded", msg.buf,
				  s->now_ns);
	}
	strbuf_release(&msg);
}

/* Copies a ReplicaFailure condition of the ReplicaSets to the Deployment (getReplicaFailures). */
static void replica_failures(struct dsync *s, const struct rslist *all,
			     const struct k8c_replica_set *new_rs, struct k8c_deployment_status *st)
{
	const struct k8c_replica_set_condition *found = NULL;

	/* The new ReplicaSet's failure first, else any old one's. */
	for (size_t i = 0; new_rs && i < new_rs->status.n_conditions && !found; i++)
		if (streq_null(new_rs->status.conditions[i].type, "ReplicaFailure"))
			found = &new_rs->status.conditions[i];
	for (size_t i = 0; i < all->n && !found; i++)
		for (size_t j = 0; all->v[i] && j < all->v[i]->status.n_conditions && !found; j++)
			if (streq_null(all->v[i]->status.conditions[j].type, "ReplicaFailure"))
				found = &all->v[i]->status.conditions[j];
	if (!found) {
		dep_condition_remove(st, "ReplicaFailure");
		return;
	}
	/* ReplicaSetToDeploymentCondition: both times are the ReplicaSet's transition time. */
	const struct k8c_deployment_condition *cur = dep_condition(st, "ReplicaFailure");
	const char *status = found->status ? found->status : "True";
	int64_t t = found->last_transition_time ? found->last_transition_time : s->now_ns;
	if (cur && streq_null(cur->status, status) && streq_null(cur->reason, found->reason))
		return;
	dep_condition_put(st, "ReplicaFailure", status, found->reason ? found->reason : "",
			  found->message ? found->message : "", t,
			  cur && streq_null(cur->status, status) ? cur->last_transition_time : t);
}

/* requeueStuckDeployment: sync again when the deadline would pass without progress. */
static void requeue_stuck(struct dsync *s, const struct k8c_deployment_status *st)
{
	const struct k8c_deployment *d = s->d;
	const struct k8c_deployment_condition *cur = dep_condition(&d->status, "Progressing");

	if (!dep_has_progress_deadline(d) || !cur || dep_complete(d, st) ||
	    streq_null(cur->reason, "ProgressDeadlineExceeded") || !s->ops->requeue)
		return;
	int64_t after_ms = (cur->last_update_time +
			    (int64_t)dep_progress_deadline(d) * K8C_NSEC_PER_SEC - s->now_ns) /
			   K8C_NSEC_PER_MSEC;
	s->ops->requeue(s, after_ms < 1000 ? -1 : after_ms + 1000);
}

int dsync_rollout_status(struct dsync *s, const struct rslist *all,
			 const struct k8c_replica_set *new_rs)
{
	const struct k8c_deployment *d = s->d;
	const struct k8c_deployment_condition *cur = dep_condition(&d->status, "Progressing");
	struct k8c_deployment_status st;

	dep_status_calculate(d, all, new_rs, s->now_ns, &st);
	if (!dep_has_progress_deadline(d))
		dep_condition_remove(&st, "Progressing");
	bool complete = st.replicas == st.updated_replicas && cur &&
			streq_null(cur->reason, "NewReplicaSetAvailable");
	if (dep_has_progress_deadline(d) && !complete)
		estimate_progress(s, new_rs, &st);
	replica_failures(s, all, new_rs, &st);
	int r = write_if_changed(s, &st);
	if (r > 0)
		requeue_stuck(s, &st);
	k8c_release(&k8c_type_deployment_status, &st);
	return r > 0 ? 0 : r;
}
