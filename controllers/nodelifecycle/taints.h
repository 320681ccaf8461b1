/*
 * taints.h - the node taints the node-lifecycle controller manages and how
 * pods tolerate them, as Kubernetes' node lifecycle controller and its
 * NoExecute taint manager decide:
 *   - NoExecute: node.kubernetes.io/not-ready while Ready is False,
 *     node.kubernetes.io/unreachable while it is Unknown, neither when True;
 *   - NoSchedule: one per condition (Ready False/Unknown, MemoryPressure,
 *     DiskPressure, PIDPressure, NetworkUnavailable True) and
 *     node.kubernetes.io/unschedulable for spec.unschedulable;
 * other taints are the user's and are never touched. A pod on a node with
 * NoExecute taints is evicted at once unless it tolerates all of them, then
 * after the smallest tolerationSeconds of the tolerations used, or never.
 * Pure functions; thread-safe.
 */
#ifndef K8C_CONTROLLERS_NODELIFECYCLE_TAINTS_H
#define K8C_CONTROLLERS_NODELIFECYCLE_TAINTS_H

#include "api/object.h"

#define TAINT_NOT_READY "node.kubernetes.io/not-ready"
#define TAINT_UNREACHABLE "node.kubernetes.io/unreachable"
#define TAINT_UNSCHEDULABLE "node.kubernetes.io/unschedulable"

/* The condition of type in status, or NULL. */
const struct k8c_node_condition *node_condition(const struct k8c_node_status *status,
						const char *type);

/* Toleration.ToleratesTaint: effect, key and value (operator Equal or Exists) agree. */
bool toleration_tolerates(const struct k8c_toleration *t, const struct k8c_taint *taint);

enum eviction {
	EVICT_NEVER, /* no NoExecute taint, or tolerated forever */
	EVICT_NOW,   /* some NoExecute taint is not tolerated */
	EVICT_AFTER, /* tolerated for *ret_seconds */
};

/*
 * What the taint manager does with a pod (its tolerations) on a node with
 * taints (only the NoExecute ones count): see enum eviction. *ret_seconds
 * is set for EVICT_AFTER (0 for EVICT_NOW).
 */
enum eviction taints_eviction(const struct k8c_toleration *tols, size_t n_tols,
			      const struct k8c_taint *taints, size_t n_taints,
			      int64_t *ret_seconds);

/*
 * Brings node->spec.taints in line with its conditions and
 * spec.unschedulable (see above): adds the missing controller taints (with
 * timeAdded = now_ns) and removes the stale ones, keeping every other taint
 * and its order. A node without a Ready condition keeps its NoExecute taints
 * as they are (upstream only acts on a Ready it observed). Returns true when
 * the taints changed.
 */
bool taints_reconcile(struct k8c_node *node, int64_t now_ns);
/* True when taints_reconcile() would change nothing on node (a pure check, no copy needed). */
bool taints_in_sync(const struct k8c_node *node);

/* True when taints hold a taint with key and effect. */
bool taints_has(const struct k8c_taint *taints, size_t n, const char *key, const char *effect);

#endif
