/*
 * admission.h - the mutating admission k8c applies to new objects beyond
 * per-kind defaulting. Today: Kubernetes' DefaultTolerationSeconds, which
 * gives every new pod that does not already tolerate them NoExecute
 * tolerations of the node.kubernetes.io/not-ready and
 * node.kubernetes.io/unreachable taints for a bounded time (300 s unless
 * --default-not-ready-toleration-seconds / --default-unreachable-
 * toleration-seconds say otherwise), so that the node-lifecycle controller
 * evicts pods from a lost node after that time rather than at once.
 * Pure functions; thread-safe on distinct objects.
 */
#ifndef K8C_APISERVER_ADMISSION_H
#define K8C_APISERVER_ADMISSION_H

#include "api/object.h"

/*
 * Adds the default tolerations to pod (a create): not_ready_s and
 * unreachable_s are their tolerationSeconds; a negative value adds none.
 */
void admission_default_tolerations(struct k8c_pod *pod, int64_t not_ready_s,
				   int64_t unreachable_s);

#endif
