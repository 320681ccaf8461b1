/*
 * health.h - is a node alive? As Kubernetes' tryUpdateNodeHealth: the
 * controller remembers, per node, when it last saw a sign of life on its
 * own clock (a new Ready heartbeat, or a renewed node Lease), so that skew
 * between the kubelet's clock and the controller's does not matter. A node
 * showing no sign of life for the grace period (the startup grace period
 * while it has never posted a Ready condition) gets its Ready,
 * MemoryPressure, DiskPressure and PIDPressure conditions set to Unknown,
 * and its pods' Ready condition set to False. Pure functions; a
 * node_health is owned by one caller at a time.
 */
#ifndef K8C_CONTROLLERS_NODELIFECYCLE_HEALTH_H
#define K8C_CONTROLLERS_NODELIFECYCLE_HEALTH_H

#include "api/object.h"

struct node_health {
	bool known;              /* observed at least once */
	bool had_ready;          /* the last observed status had a Ready condition */
	int64_t heartbeat;       /* that condition's lastHeartbeatTime */
	int64_t lease_renew;     /* the last observed Lease renewTime (0: none seen) */
	int64_t probe;           /* when the node last showed life (controller's clock, ns) */
};

struct node_health_config {
	int64_t grace_ns;         /* --node-monitor-grace-period (40 s) */
	int64_t startup_grace_ns; /* --node-startup-grace-period (60 s) */
};

/*
 * Folds what node and its lease (NULL: none) show at now (ns) into h.
 * Returns true when the node has shown no life for its grace period.
 */
bool node_health_observe(struct node_health *h, const struct k8c_node *node,
			 const struct k8c_lease *lease, int64_t now,
			 const struct node_health_config *cfg);

/*
 * Sets the kubelet-owned conditions of an overdue node to Unknown
 * ("NodeStatusUnknown", "Kubelet stopped posting node status."; missing ones
 * added as "NodeStatusNeverUpdated"), with lastTransitionTime = now where the
 * status changes. Returns true when the Ready condition changed (upstream
 * writes the status only then).
 */
bool node_health_mark_unknown(struct k8c_node *node, int64_t now);

/*
 * MarkPodsNotReady for one pod: sets its Ready condition to False (its
 * lastTransitionTime to now) unless it is False already or absent. Returns
 * true when pod changed.
 */
bool node_health_mark_pod_not_ready(struct k8c_pod *pod, int64_t now);

#endif
