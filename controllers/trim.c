/*
 * trim.c - the controller manager's pod transform; see trim.h.
 */
#include "controllers/trim.h"

#include "api/types.gen.h"
#include "client/trim.h"

static bool is_ready(const void *elem)
{
	return streq_null(((const struct k8c_pod_condition *)elem)->type, "Ready");
}

static void trim_spec(struct k8c_pod_spec *s)
{
	struct k8c_pod_spec keep = { 0 };
	K8C_TRIM_MOVE(&keep, s, node_name);
	K8C_TRIM_MOVE(&keep, s, hostname);
	K8C_TRIM_MOVE(&keep, s, subdomain);
	K8C_TRIM_MOVE(&keep, s, tolerations);
	K8C_TRIM_MOVE(&keep, s, n_tolerations);
	K8C_TRIM_MOVE(&keep, s, containers);
	K8C_TRIM_MOVE(&keep, s, n_containers);
	k8c_trim_keep(&k8c_type_pod_spec, s, &keep);
	for (size_t i = 0; i < s->n_containers; i++) {
		struct k8c_container *c = &s->containers[i], kept = { 0 };
		K8C_TRIM_MOVE(&kept, c, name);
		K8C_TRIM_MOVE(&kept, c, ports);
		K8C_TRIM_MOVE(&kept, c, n_ports);
		k8c_trim_keep(&k8c_type_container, c, &kept);
	}
}

static void trim_status(struct k8c_pod_status *s)
{
	struct k8c_pod_status keep = { 0 };
	K8C_TRIM_MOVE(&keep, s, phase);
	K8C_TRIM_MOVE(&keep, s, pod_ip);
	K8C_TRIM_MOVE(&keep, s, conditions);
	K8C_TRIM_MOVE(&keep, s, n_conditions);
	K8C_TRIM_MOVE(&keep, s, container_statuses);
	K8C_TRIM_MOVE(&keep, s, n_container_statuses);
	k8c_trim_keep(&k8c_type_pod_status, s, &keep);
	k8c_trim_list(&k8c_type_pod_condition, &s->conditions, &s->n_conditions, is_ready);
	for (size_t i = 0; i < s->n_container_statuses; i++) {
		struct k8c_container_status *c = &s->container_statuses[i], kept = { 0 };
		K8C_TRIM_MOVE(&kept, c, name);
		K8C_TRIM_MOVE(&kept, c, restart_count);
		K8C_TRIM_MOVE(&kept, c, has_restart_count);
		K8C_TRIM_MOVE(&kept, c, ready); /* the scalars cost nothing: no false "not ready" */
		K8C_TRIM_MOVE(&kept, c, has_ready);
		K8C_TRIM_MOVE(&kept, c, started);
		K8C_TRIM_MOVE(&kept, c, has_started);
		k8c_trim_keep(&k8c_type_container_status, c, &kept);
	}
}

void controllers_trim_pod(void *obj)
{
	struct k8c_pod *pod = obj;
	trim_spec(&pod->spec);
	trim_status(&pod->status);
}
