/*
 * conditions.c - a Deployment's status: the counts summed over its
 * ReplicaSets, and the Available and Progressing conditions `kubectl
 * rollout status` reads (calculateStatus, SetDeploymentCondition,
 * DeploymentComplete / DeploymentProgressing / DeploymentTimedOut).
 * Condition times are whole seconds, as the API stores them, so that a
 * status computed again compares equal to the stored one.
 */
#include "controllers/deployment/deployment_internal.h"

#include "api/codec.h"
#include "base/timeutil.h"

static int64_t seconds(int64_t ns)
{
	return ns / K8C_NSEC_PER_SEC * K8C_NSEC_PER_SEC;
}

struct k8c_deployment_condition *dep_condition(const struct k8c_deployment_status *s,
					       const char *type)
{
	for (size_t i = 0; i < s->n_conditions; i++)
		if (streq_null(s->conditions[i].type, type))
			return &s->conditions[i];
	return NULL;
}

void dep_condition_remove(struct k8c_deployment_status *s, const char *type)
{
	struct k8c_deployment_condition *c = dep_condition(s, type);

	if (!c)
		return;
	size_t i = (size_t)(c - s->conditions);
	k8c_release(&k8c_type_deployment_condition, c);
	memmove(c, c + 1, (s->n_conditions - i - 1) * sizeof(*c));
	s->n_conditions--;
}

void dep_condition_put(struct k8c_deployment_status *s, const char *type, const char *status,
		       const char *reason, const char *msg, int64_t update_ns,
		       int64_t transition_ns)
{
	size_t alloc = s->n_conditions;

	dep_condition_remove(s, type);
	ALLOC_GROW(s->conditions, s->n_conditions + 1, alloc);
	struct k8c_deployment_condition *c = &s->conditions[s->n_conditions++];
	memset(c, 0, sizeof(*c));
	c->type = xstrdup(type);
	c->status = xstrdup(status);
	c->reason = xstrdup(reason);
	c->message = xstrdup(msg);
	c->last_update_time = seconds(update_ns);
	c->last_transition_time = seconds(transition_ns);
}

void dep_condition_set(struct k8c_deployment_status *s, const char *type, const char *status,
		       const char *reason, const char *msg, int64_t now_ns)
{
	const struct k8c_deployment_condition *cur = dep_condition(s, type);
	int64_t transition = now_ns;

	if (cur && streq_null(cur->status, status) && streq_null(cur->reason, reason))
		return;
	if (cur && streq_null(cur->status, status))
		transition = cur->last_transition_time;
	dep_condition_put(s, type, status, reason, msg, now_ns, transition);
}

/* Go's omitempty for int32 counts. */
static void set_count(int32_t *v, bool *has, int32_t value)
{
	*v = value;
	*has = value != 0;
}

void dep_status_calculate(const struct k8c_deployment *d, const struct rslist *all,
			  const struct k8c_replica_set *new_rs, int64_t now_ns,
			  struct k8c_deployment_status *out)
{
	int32_t available = rslist_available(all);
	int32_t unavailable = rslist_spec_replicas(all) - available;

	memset(out, 0, sizeof(*out));
	out->observed_generation = d->metadata.generation;
	out->has_observed_generation = d->metadata.generation != 0;
	set_count(&out->replicas, &out->has_replicas, rslist_status_replicas(all));
	set_count(&out->updated_replicas, &out->has_updated_replicas,
		  new_rs ? new_rs->status.replicas : 0);
	set_count(&out->ready_replicas, &out->has_ready_replicas, rslist_ready(all));
	set_count(&out->available_replicas, &out->has_available_replicas, available);
	set_count(&out->unavailable_replicas, &out->has_unavailable_replicas,
		  unavailable < 0 ? 0 : unavailable);
	out->collision_count = d->status.collision_count;
	out->has_collision_count = d->status.has_collision_count;
	out->n_conditions = d->status.n_conditions;
	out->conditions = xcalloc(out->n_conditions ? out->n_conditions : 1,
				  sizeof(*out->conditions));
	for (size_t i = 0; i < out->n_conditions; i++)
		k8c_copy(&k8c_type_deployment_condition, &out->conditions[i],
			 &d->status.conditions[i]);
	if (available >= dep_replicas(d) - dep_max_unavailable(d))
		dep_condition_set(out, "Available", "True", "MinimumReplicasAvailable",
				  "Deployment has minimum availability.", now_ns);
	else
		dep_condition_set(out, "Available", "False", "MinimumReplicasUnavailable",
				  "Deployment does not have minimum availability.", now_ns);
}

bool dep_complete(const struct k8c_deployment *d, const struct k8c_deployment_status *s)
{
	int32_t want = dep_replicas(d);

	return s->updated_replicas == want && s->replicas == want &&
	       s->available_replicas == want && s->observed_generation >= d->metadata.generation;
}

bool dep_progressing(const struct k8c_deployment *d, const struct k8c_deployment_status *s)
{
	const struct k8c_deployment_status *old = &d->status;

	return s->updated_replicas > old->updated_replicas ||
	       s->replicas - s->updated_replicas < old->replicas - old->updated_replicas ||
	       s->ready_replicas > old->ready_replicas ||
	       s->available_replicas > old->available_replicas;
}

bool dep_timed_out(const struct k8c_deployment *d, const struct k8c_deployment_status *s,
		   int64_t now_ns)
{
	const struct k8c_deployment_condition *c = dep_condition(s, "Progressing");

	if (!dep_has_progress_deadline(d) || !c)
		return false;
	if (streq_null(c->reason, "NewReplicaSetAvailable"))
		return false;
	if (streq_null(c->reason, "ProgressDeadlineExceeded"))
		return true;
	return c->last_update_time + (int64_t)dep_progress_deadline(d) * K8C_NSEC_PER_SEC < now_ns;
}
