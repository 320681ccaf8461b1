/*
 * pods.h - the pod manager: the pods bound to this node, from an informer
 * (spec.nodeName=<node>), each handed to its pod worker; workers of removed
 * pods are reaped once they are done; containers whose pod the informer
 * does not know (a pod deleted while the kubelet was down) get an orphan
 * worker that removes them, once the informer has synced. Thread-safe.
 */
#ifndef K8C_KUBELET_PODS_H
#define K8C_KUBELET_PODS_H

#include "base/strbuf.h"
#include "client/informer.h"

struct kubelet;
struct pod_manager;

/* Makes the manager of k's pods; nothing runs until pod_manager_start. */
struct pod_manager *pod_manager_new(struct kubelet *k);
/* Starts the pod informer. Returns 0 or a negative errno. */
int pod_manager_start(struct pod_manager *pm);
/* True once the informer has listed the pods. */
bool pod_manager_synced(struct pod_manager *pm);
/* Stops the informer and every worker (containers keep running), frees pm. NULL-safe. */
void pod_manager_free(struct pod_manager *pm);

/*
 * Says a container of pod uid exists (changed: it appeared, changed state or
 * vanished): wakes the pod's worker when it changed, or starts an orphan
 * worker when the pod has none and the informer has synced.
 */
void pod_manager_container_seen(struct pod_manager *pm, const char *uid, bool changed);
/* Frees the workers that are done. */
void pod_manager_reap(struct pod_manager *pm);
/* How many workers run. */
size_t pod_manager_len(struct pod_manager *pm);

/*
 * The container `kubectl logs` wants (see pod_worker_log_target): -ENOENT
 * with why when this node runs no pod ns/name.
 */
int pod_manager_log_target(struct pod_manager *pm, const char *ns, const char *name,
			   const char *container, bool previous, char **ret_id, bool *ret_tty,
			   struct strbuf *why);

#endif
