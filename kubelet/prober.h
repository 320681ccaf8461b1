/*
 * prober.h - the probes of one pod: a thread per probe (liveness,
 * readiness, startup of each container that has one) that runs it every
 * periodSeconds against the container's current instance, after
 * initialDelaySeconds from its start, and turns runs into a result with the
 * success and failure thresholds, as Kubernetes' probe workers do:
 * readiness starts as not ready, liveness as alive, startup as not started;
 * liveness and readiness wait for startup to succeed; a failed liveness or
 * startup probe holds until the container is replaced. A result change
 * calls the pod worker's notify function (from the probe's thread, no lock
 * held).
 *
 * The pod worker tells the prober what runs (prober_set_target) and asks
 * for results by container name and id. Thread-safe.
 */
#ifndef K8C_KUBELET_PROBER_H
#define K8C_KUBELET_PROBER_H

#include "api/types.gen.h"

struct prober;
struct kubelet;

enum probe_kind {
	PROBE_LIVENESS,
	PROBE_READINESS,
	PROBE_STARTUP,
};

/*
 * Starts a thread for every probe of the pod's app containers (pod is
 * copied). notify(ud) is called when a result changes. Returns the prober
 * (free with prober_free).
 */
struct prober *prober_new(struct kubelet *k, const struct k8c_pod *pod, void (*notify)(void *ud),
			  void *ud);
/* Stops and joins every probe thread, frees p. NULL-safe. */
void prober_free(struct prober *p);

/*
 * Says which instance of container name runs now: id (NULL: none runs),
 * since started_ns, in a pod reachable at pod_ip.
 */
void prober_set_target(struct prober *p, const char *name, const char *id, int64_t started_ns,
		       const char *pod_ip);

/*
 * The result of probe kind of container name for instance id: true when it
 * succeeds (also when the container has no such probe). For a container
 * whose probe has not produced a result for id yet: readiness false,
 * liveness true, startup false.
 */
bool prober_result(struct prober *p, const char *name, const char *id, enum probe_kind kind);

/*
 * True when the failed liveness or startup probe of name's instance id asks
 * for a restart; *ret_why (may be NULL) gets the event message ("Container
 * web failed liveness probe, will be restarted"), owned by the caller.
 */
bool prober_wants_restart(struct prober *p, const char *name, const char *id, char **ret_why);

#endif
