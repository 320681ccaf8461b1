/*
 * status.c - a ReplicaSet's status from the pods it owns (calculateStatus,
 * updateReplicaSetStatus). The status is written only when a number, a
 * condition or observedGeneration changed: an idle cluster makes no writes.
 */
#include "controllers/replicaset/replicaset_internal.h"

#include "api/codec.h"
#include "api/kinds.h"
#include "base/timeutil.h"
#include "controllers/apiwrite.h"
#include "controllers/podutil.h"

/* Go's omitempty for int32 counts: 0 is left out of the JSON. */
static void set_count(int32_t *v, bool *has, int32_t value)
{
	*v = value;
	*has = value != 0;
}

/* True when the pod's labels include every label of the template (fullyLabeledReplicas). */
static bool fully_labeled(const struct k8c_replica_set *rs, const struct k8c_pod *pod)
{
	const struct k8c_strmap *want = &rs->spec.template.metadata.labels;

	for (size_t i = 0; i < want->n; i++)
		if (!streq_null(k8c_strmap_get(&pod->metadata.labels, want->items[i].key),
				want->items[i].value))
			return false;
	return true;
}

static ssize_t find_condition(const struct k8c_replica_set_status *s, const char *type)
{
	for (size_t i = 0; i < s->n_conditions; i++)
		if (streq_null(s->conditions[i].type, type))
			return (ssize_t)i;
	return -1;
}

static void remove_condition(struct k8c_replica_set_status *s, size_t i)
{
	struct k8c_replica_set_condition *c = &s->conditions[i];

	free(c->status);
	free(c->message);
	free(c->reason);
	free(c->type);
	memmove(c, c + 1, (s->n_conditions - i - 1) * sizeof(*c));
	s->n_conditions--;
}

static void add_failure(struct k8c_replica_set_status *s, const char *reason, const char *msg,
			int64_t now_ns)
{
	size_t alloc = s->n_conditions;

	ALLOC_GROW(s->conditions, s->n_conditions + 1, alloc);
	struct k8c_replica_set_condition *c = &s->conditions[s->n_conditions++];
	memset(c, 0, sizeof(*c));
	c->type = xstrdup("ReplicaFailure");
	c->status = xstrdup("True");
	c->reason = xstrdup(reason);
	c->message = xstrdup(msg);
	c->last_transition_time = now_ns / K8C_NSEC_PER_SEC * K8C_NSEC_PER_SEC;
}

void replicaset_status_compute(const struct k8c_replica_set *rs, struct k8c_pod *const *pods,
			       size_t n, const char *manage_err, int64_t now_ns,
			       struct k8c_replica_set_status *out)
{
	int32_t labeled = 0, ready = 0, available = 0;

	k8c_copy(&k8c_type_replica_set_status, out, &rs->status);
	for (size_t i = 0; i < n; i++) {
		labeled += fully_labeled(rs, pods[i]);
		if (podutil_is_ready(pods[i])) {
			ready++;
			available += podutil_is_available(pods[i], rs->spec.min_ready_seconds, now_ns);
		}
	}
	ssize_t failure = find_condition(out, "ReplicaFailure");
	if (manage_err && failure < 0) {
		int64_t diff = (int64_t)n - replicaset_replicas(rs);
		add_failure(out, diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "",
			    manage_err, now_ns);
	} else if (!manage_err && failure >= 0) {
		remove_condition(out, (size_t)failure);
	}
	out->replicas = (int32_t)n;
	out->has_replicas = true;
	set_count(&out->fully_labeled_replicas, &out->has_fully_labeled_replicas, labeled);
	set_count(&out->ready_replicas, &out->has_ready_replicas, ready);
	set_count(&out->available_replicas, &out->has_available_replicas, available);
}

bool replicaset_status_changed(const struct k8c_replica_set *rs,
			       const struct k8c_replica_set_status *status)
{
	const struct k8c_replica_set_status *cur = &rs->status;

	if (cur->replicas != status->replicas ||
	    cur->fully_labeled_replicas != status->fully_labeled_replicas ||
	    cur->ready_replicas != status->ready_replicas ||
	    cur->available_replicas != status->available_replicas ||
	    rs->metadata.generation != cur->observed_generation ||
	    cur->n_conditions != status->n_conditions)
		return true;
	for (size_t i = 0; i < cur->n_conditions; i++)
		if (!k8c_equal(&k8c_type_replica_set_condition, &cur->conditions[i],
			       &status->conditions[i]))
			return true;
	return false;
}

int replicaset_status_update(struct rsc *c, const struct k8c_replica_set *rs,
			     const struct k8c_replica_set_status *status)
{
	struct k8c_replica_set *copy = k8c_dup(&k8c_type_replica_set, rs);

	k8c_release(&k8c_type_replica_set_status, &copy->status);
	k8c_copy(&k8c_type_replica_set_status, &copy->status, status);
	copy->status.observed_generation = rs->metadata.generation;
	copy->status.has_observed_generation = rs->metadata.generation != 0;
	int r = apiwrite_update(c->client, c->rs_kind, copy, "status", NULL, NULL);
	k8c_free(&k8c_type_replica_set, copy);
	return r;
}
