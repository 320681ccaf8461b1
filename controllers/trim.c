/*
 * trim.c - the controller manager's pod transform; see trim.h.
 */
#include "controllers/trim.h"

#include "api/types.gen.h"
#include "client/trim.h"

void controllers_trim_pod(void *obj)
{
	struct k8c_pod_spec *s = &((struct k8c_pod *)obj)->spec, keep = { 0 };
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
