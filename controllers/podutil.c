/*
 * podutil.c - pod predicates shared by the controllers (podutil.h).
 */
#include "controllers/podutil.h"

#include "base/timeutil.h"

const char *podutil_phase(const struct k8c_pod *pod)
{
	return pod->status.phase ? pod->status.phase : "";
}

bool podutil_is_active(const struct k8c_pod *pod)
{
	const char *phase = podutil_phase(pod);

	return strcmp(phase, "Succeeded") && strcmp(phase, "Failed") &&
	       !pod->metadata.deletion_timestamp;
}

const struct k8c_pod_condition *podutil_ready_condition(const struct k8c_pod *pod)
{
	for (size_t i = 0; i < pod->status.n_conditions; i++)
		if (streq_null(pod->status.conditions[i].type, "Ready"))
			return &pod->status.conditions[i];
	return NULL;
}

bool podutil_is_ready(const struct k8c_pod *pod)
{
	const struct k8c_pod_condition *c = podutil_ready_condition(pod);

	return c && streq_null(c->status, "True");
}

bool podutil_is_available(const struct k8c_pod *pod, int32_t min_ready_seconds, int64_t now_ns)
{
	const struct k8c_pod_condition *c = podutil_ready_condition(pod);

	if (!c || !streq_null(c->status, "True"))
		return false;
	if (min_ready_seconds <= 0)
		return true;
	return c->last_transition_time &&
	       c->last_transition_time + (int64_t)min_ready_seconds * K8C_NSEC_PER_SEC < now_ns;
}

int64_t podutil_restarts(const struct k8c_pod *pod)
{
	int64_t n = 0;

	for (size_t i = 0; i < pod->status.n_container_statuses; i++)
		n += pod->status.container_statuses[i].restart_count;
	return n;
}
