/*
 * nodelifecycle.h - the node-lifecycle controller (Kubernetes' node
 * lifecycle controller with its NoExecute taint manager):
 *   - node monitor: every --node-monitor-period (and on every node or node
 *     Lease change) each node's liveness is checked (health.h); a node that
 *     showed no life for --node-monitor-grace-period gets its conditions set
 *     to Unknown, and when its Ready leaves True its pods' Ready condition is
 *     set to False at once; its taints follow its conditions (taints.h):
 *     node.kubernetes.io/unreachable:NoExecute while Unknown, not-ready
 *     while False, none once Ready again;
 *   - taint manager: a pod on a node with NoExecute taints it does not
 *     tolerate is deleted at once, one that tolerates them for
 *     tolerationSeconds (the API server's DefaultTolerationSeconds gives
 *     300) is deleted that long after the taint manager first saw it
 *     tainted, so that its owner replaces it; the countdown is cancelled when
 *     the taint goes.
 * No rate limiting of evictions per zone (one zone here). Writes only on
 * change.
 */
#ifndef K8C_CONTROLLERS_NODELIFECYCLE_NODELIFECYCLE_H
#define K8C_CONTROLLERS_NODELIFECYCLE_NODELIFECYCLE_H

#include "controllers/controller.h"

/* The controller's entry in controller_list ("nodelifecycle"). */
extern const struct controller_def nodelifecycle_controller_def;

#endif
