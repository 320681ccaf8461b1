/*
 * health.c - node liveness from heartbeats and leases; see health.h.
 */
#include "controllers/nodelifecycle/health.h"

#include "controllers/nodelifecycle/taints.h"

bool node_health_observe(struct node_health *h, const struct k8c_node *node,
			 const struct k8c_lease *lease, int64_t now,
			 const struct node_health_config *cfg)
{
	const struct k8c_node_condition *ready = node_condition(&node->status, "Ready");
	int64_t grace = ready ? cfg->grace_ns : cfg->startup_grace_ns;
	if (!h->known || h->had_ready != !!ready) {
		/* first sight (the controller started), or Ready appeared or vanished */
		h->probe = now;
	} else if (ready && ready->last_heartbeat_time != h->heartbeat) {
		h->probe = now;
	}
	h->known = true;
	h->had_ready = ready != NULL;
	h->heartbeat = ready ? ready->last_heartbeat_time : 0;
	if (lease && lease->spec.renew_time > h->lease_renew) {
		/* a renewed (or newly seen) lease is a sign of life even when the status is old */
		h->probe = now;
		h->lease_renew = lease->spec.renew_time;
	}
	return now > h->probe + grace;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

static const char *const kubelet_conditions[] = {
	"Ready", "MemoryPressure", "DiskPressure", "PIDPressure",
};

bool node_health_mark_unknown(struct k8c_node *node, int64_t now)
{
	bool ready_changed = false;
	struct k8c_node_status *st = &node->status;
	for (size_t i = 0; i < ARRAY_SIZE(kubelet_conditions); i++) {
		const char *type = kubelet_conditions[i];
		struct k8c_node_condition *c = (struct k8c_node_condition *)node_condition(st, type);
		if (!c) {
			st->conditions = xrealloc(st->conditions,
						  (st->n_conditions + 1) * sizeof(*c));
			c = &st->conditions[st->n_conditions++];
			memset(c, 0, sizeof(*c));
			c->type = xstrdup(type);
			c->last_heartbeat_time = node->metadata.creation_timestamp;
			set_str(&c->reason, "NodeStatusNeverUpdated");
			set_str(&c->message, "Kubelet never posted node status.");
		} else if (!streq_null(c->status, "Unknown")) {
			set_str(&c->reason, "NodeStatusUnknown");
			set_str(&c->message, "Kubelet stopped posting node status.");
		} else {
			continue;
		}
		set_str(&c->status, "Unknown");
		c->last_transition_time = now;
		ready_changed |= !strcmp(type, "Ready");
	}
	return ready_changed;
}

bool node_health_mark_pod_not_ready(struct k8c_pod *pod, int64_t now)
{
	for (size_t i = 0; i < pod->status.n_conditions; i++) {
		struct k8c_pod_condition *c = &pod->status.conditions[i];
		if (!streq_null(c->type, "Ready"))
			continue;
		if (streq_null(c->status, "False"))
			return false;
		set_str(&c->status, "False");
		c->last_transition_time = now;
		return true;
	}
	return false;
}
