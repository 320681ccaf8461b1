/*
 * status.h - the pod status exactly as Kubernetes' kubelet reports it,
 * computed from what the kubelet knows about each container of the spec:
 * its newest and previous Docker containers, why it waits (back-off, image,
 * config errors) and its probe results. Phase (getPhase), conditions
 * (Initialized, Ready, ContainersReady, PodScheduled with lastTransitionTime
 * kept while unchanged), podIP(s), hostIP, startTime, qosClass, and
 * containerStatuses (sorted by name) / initContainerStatuses (spec order)
 * with state, lastState, restartCount, ready, started, image, imageID and
 * containerID. Pure functions; thread-safe.
 */
#ifndef K8C_KUBELET_STATUS_H
#define K8C_KUBELET_STATUS_H

#include "api/types.gen.h"
#include "kubelet/observed.h"

/* What the kubelet knows about one container of the spec. Everything borrowed. */
struct container_view {
	const struct k8c_container *spec;
	const struct observed_container *current;  /* its newest instance, or NULL */
	const struct observed_container *previous; /* the one before, or NULL */
	const char *waiting_reason;  /* why it does not run ("CrashLoopBackOff"...); NULL: none */
	const char *waiting_message; /* and the message */
	bool ready;		     /* current passes its readiness probe (or has none) */
	bool started;		     /* current passed its startup probe (or has none) */
};

struct status_input {
	const struct k8c_pod *pod; /* its spec, and its status as the API holds it now */
	const struct container_view *init;
	size_t n_init;
	const struct container_view *app;
	size_t n_app;
	const char *pod_ip;  /* the sandbox's address; NULL: keep the one reported */
	const char *host_ip; /* the node's InternalIP */
	int64_t now_ns;
};

/*
 * Fills out (zeroed) with the status in describes. Conditions other than the
 * four the kubelet owns are kept from the old status. A phase of Succeeded
 * or Failed in the old status is kept (a pod never leaves them). Release out
 * with k8c_release(&k8c_type_pod_status, out).
 */
void status_compute(const struct status_input *in, struct k8c_pod_status *out);

/*
 * The phase of a pod with spec and these container statuses, as the
 * kubelet's getPhase(): "Pending", "Running", "Succeeded" or "Failed"
 * (static strings).
 */
const char *status_phase(const struct k8c_pod_spec *spec, const struct k8c_container_status *init,
			 size_t n_init, const struct k8c_container_status *app, size_t n_app);

/* The pod's QoS class: "Guaranteed", "Burstable" or "BestEffort" (static strings). */
const char *status_qos_class(const struct k8c_pod_spec *spec);

/* The restart policy of spec with Kubernetes' default ("Always"). */
const char *status_restart_policy(const struct k8c_pod_spec *spec);

/*
 * The body of a JSON merge patch of pods/<name>/status that turns old into
 * st: {"status": st} with null for the top-level fields st no longer has
 * (a merge patch replaces lists whole, so containerStatuses and conditions
 * end up exactly as st has them). Owned by the caller.
 */
char *status_merge_patch(const struct k8c_pod_status *old, const struct k8c_pod_status *st);

/* Appends the image reference as Docker reports it: ref with ":latest" when it has no tag. */
void status_normalize_image(const char *ref, struct strbuf *out);

#endif
