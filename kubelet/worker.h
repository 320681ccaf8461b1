/*
 * worker.h - one pod's worker: a thread that drives the pod's sandbox and
 * containers in Docker towards its spec (sync.c), kills them when the pod is
 * deleted (terminate.c), and writes the pod's status back. It syncs when
 * told (a new version of the pod, a container exit seen by the relist, a
 * probe result) and at least every --sync-frequency; back-offs wake it when
 * they end. An orphan worker (no pod: its containers outlived the pod
 * object) only removes them.
 *
 * The worker copies every pod version it is given. All functions are
 * thread-safe; the pod manager owns workers.
 */
#ifndef K8C_KUBELET_WORKER_H
#define K8C_KUBELET_WORKER_H

#include "api/types.gen.h"
#include "base/strbuf.h"

struct kubelet;
struct pod_worker;

/*
 * Starts the worker of pod uid. pod (an informer object, referenced with
 * k8c_obj_ref(); NULL for an orphan) is the version to sync. Returns the worker.
 */
struct pod_worker *pod_worker_new(struct kubelet *k, const char *uid, const struct k8c_pod *pod);
/*
 * Hands the worker a new version of its pod (an informer object, referenced), and
 * wakes it when wake is set. A version that differs only in what the worker does not act on (its status) must
 * still be handed over unwoken: the next sync computes the status from it (startTime
 * and transition times are kept from what the API holds).
 */
void pod_worker_update(struct pod_worker *w, const struct k8c_pod *pod, bool wake);
/* Says the pod object is gone from the API: the worker kills and removes its containers. */
void pod_worker_remove(struct pod_worker *w);
/* Makes the worker sync soon (a container changed). */
void pod_worker_wake(struct pod_worker *w);
/* True once the worker has removed everything of a removed pod and ended. */
bool pod_worker_done(struct pod_worker *w);
/*
 * Stops the worker's thread without touching its containers (kubelet
 * shutdown) and frees it. NULL-safe.
 */
void pod_worker_free(struct pod_worker *w);

/* The uid, namespace and name the worker is about (namespace/name NULL for an orphan). */
const char *pod_worker_uid(const struct pod_worker *w);
bool pod_worker_is(struct pod_worker *w, const char *ns, const char *name);

/*
 * The Docker id of the container whose logs `kubectl logs [--previous]`
 * wants, validated as Kubernetes' kubelet does. Returns 0 and *ret_id
 * (owned) with *ret_tty, or -ENOENT for a container the pod does not have,
 * -EAGAIN with Kubernetes' message in why ("container \"x\" in pod \"y\" is
 * waiting to start: ContainerCreating", "previous terminated container ...
 * not found").
 */
int pod_worker_log_target(struct pod_worker *w, const char *container, bool previous,
			  char **ret_id, bool *ret_tty, struct strbuf *why);

#endif
