/*
 * trim.c - the scheduler's pod and node transforms; see trim.h.
 */
#include "scheduler/trim.h"

#include "api/types.gen.h"
#include "client/trim.h"

static bool is_host_port(const void *elem)
{
	const struct k8c_container_port *p = elem;
	return p->has_host_port && p->host_port > 0;
}

static bool is_pod_scheduled(const void *elem)
{
	return streq_null(((const struct k8c_pod_condition *)elem)->type, "PodScheduled");
}

static bool is_ready(const void *elem)
{
	return streq_null(((const struct k8c_node_condition *)elem)->type, "Ready");
}

static bool is_controller(const void *elem)
{
	const struct k8c_owner_reference *r = elem;
	return r->controller && r->uid;
}

/* Of the owners, the controller's uid (spreading by owner, the controller index). */
static void trim_owners(struct k8c_object_meta *m)
{
	k8c_trim_list(&k8c_type_owner_reference, &m->owner_references, &m->n_owner_references,
		      is_controller);
	for (size_t i = 0; i < m->n_owner_references; i++) {
		struct k8c_owner_reference *r = &m->owner_references[i], keep = { 0 };
		K8C_TRIM_MOVE(&keep, r, uid);
		K8C_TRIM_MOVE(&keep, r, controller);
		K8C_TRIM_MOVE(&keep, r, has_controller);
		k8c_trim_keep(&k8c_type_owner_reference, r, &keep);
	}
}

static void trim_containers(struct k8c_container *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct k8c_container *c = &cs[i], keep = { 0 };
		K8C_TRIM_MOVE(&keep, c, name);
		K8C_TRIM_MOVE(&keep, c, resources);
		K8C_TRIM_MOVE(&keep, c, ports);
		K8C_TRIM_MOVE(&keep, c, n_ports);
		k8c_trim_keep(&k8c_type_container, c, &keep);
		k8c_trim_list(&k8c_type_container_port, &c->ports, &c->n_ports, is_host_port);
	}
}

/* Keeps what names the object and its owners, and with labels its labels. */
static void trim_metadata(struct k8c_object_meta *m, bool labels)
{
	struct k8c_object_meta keep = { 0 };
	if (labels)
		K8C_TRIM_MOVE(&keep, m, labels);
	K8C_TRIM_MOVE(&keep, m, name);
	K8C_TRIM_MOVE(&keep, m, namespace);
	K8C_TRIM_MOVE(&keep, m, uid);
	K8C_TRIM_MOVE(&keep, m, resource_version);
	K8C_TRIM_MOVE(&keep, m, generation);
	K8C_TRIM_MOVE(&keep, m, has_generation);
	K8C_TRIM_MOVE(&keep, m, creation_timestamp);
	K8C_TRIM_MOVE(&keep, m, deletion_timestamp);
	K8C_TRIM_MOVE(&keep, m, deletion_grace_period_seconds);
	K8C_TRIM_MOVE(&keep, m, has_deletion_grace_period_seconds);
	K8C_TRIM_MOVE(&keep, m, owner_references);
	K8C_TRIM_MOVE(&keep, m, n_owner_references);
	k8c_trim_keep(&k8c_type_object_meta, m, &keep);
}

static void trim_spec(struct k8c_pod_spec *s)
{
	struct k8c_pod_spec keep = { 0 };
	K8C_TRIM_MOVE(&keep, s, node_name);
	K8C_TRIM_MOVE(&keep, s, scheduler_name);
	K8C_TRIM_MOVE(&keep, s, scheduling_gates);
	K8C_TRIM_MOVE(&keep, s, n_scheduling_gates);
	K8C_TRIM_MOVE(&keep, s, priority);
	K8C_TRIM_MOVE(&keep, s, has_priority);
	K8C_TRIM_MOVE(&keep, s, node_selector);
	K8C_TRIM_MOVE(&keep, s, tolerations);
	K8C_TRIM_MOVE(&keep, s, n_tolerations);
	K8C_TRIM_MOVE(&keep, s, overhead);
	K8C_TRIM_MOVE(&keep, s, containers);
	K8C_TRIM_MOVE(&keep, s, n_containers);
	K8C_TRIM_MOVE(&keep, s, init_containers);
	K8C_TRIM_MOVE(&keep, s, n_init_containers);
	if (s->affinity && s->affinity->node_affinity) {
		keep.affinity = xcalloc(1, sizeof(*keep.affinity));
		K8C_TRIM_MOVE(keep.affinity, s->affinity, node_affinity);
	}
	k8c_trim_keep(&k8c_type_pod_spec, s, &keep);
	trim_containers(s->containers, s->n_containers);
	trim_containers(s->init_containers, s->n_init_containers);
}

static void trim_status(struct k8c_pod_status *s)
{
	struct k8c_pod_status keep = { 0 };
	K8C_TRIM_MOVE(&keep, s, phase);
	K8C_TRIM_MOVE(&keep, s, conditions);
	K8C_TRIM_MOVE(&keep, s, n_conditions);
	k8c_trim_keep(&k8c_type_pod_status, s, &keep);
	k8c_trim_list(&k8c_type_pod_condition, &s->conditions, &s->n_conditions,
		      is_pod_scheduled);
}

void sched_trim_pod(void *obj)
{
	struct k8c_pod *pod = obj;
	trim_metadata(&pod->metadata, false);
	trim_owners(&pod->metadata);
	trim_spec(&pod->spec);
	trim_status(&pod->status);
}

void sched_trim_node(void *obj)
{
	struct k8c_node *node = obj;
	trim_metadata(&node->metadata, true);
	struct k8c_node_status *s = &node->status, keep = { 0 };
	K8C_TRIM_MOVE(&keep, s, allocatable);
	K8C_TRIM_MOVE(&keep, s, conditions);
	K8C_TRIM_MOVE(&keep, s, n_conditions);
	k8c_trim_keep(&k8c_type_node_status, s, &keep);
	k8c_trim_list(&k8c_type_node_condition, &s->conditions, &s->n_conditions, is_ready);
}
