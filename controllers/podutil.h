/*
 * podutil.h - what controllers ask of a pod, as Kubernetes' podutil and
 * controller utilities: is it active (counts toward a ReplicaSet), ready,
 * available for minReadySeconds. Pure functions on typed pods; thread-safe.
 */
#ifndef K8C_CONTROLLERS_PODUTIL_H
#define K8C_CONTROLLERS_PODUTIL_H

#include "api/types.gen.h"

/* Not Succeeded, not Failed, and not being deleted (controller.IsPodActive). */
bool podutil_is_active(const struct k8c_pod *pod);

/* The Ready condition, or NULL. */
const struct k8c_pod_condition *podutil_ready_condition(const struct k8c_pod *pod);

/* True when the Ready condition is "True" (podutil.IsPodReady). */
bool podutil_is_ready(const struct k8c_pod *pod);

/*
 * True when ready for at least min_ready_seconds at now_ns
 * (podutil.IsPodAvailable): with 0, ready is enough; else the Ready
 * condition's lastTransitionTime must be set and old enough.
 */
bool podutil_is_available(const struct k8c_pod *pod, int32_t min_ready_seconds, int64_t now_ns);

/* The sum of the restart counts of the pod's containers. */
int64_t podutil_restarts(const struct k8c_pod *pod);

/* Phase string, "" when unset. */
const char *podutil_phase(const struct k8c_pod *pod);

#endif
