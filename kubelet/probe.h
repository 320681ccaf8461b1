/*
 * probe.h - running one probe of a container once, as Kubernetes' prober
 * does: httpGet (a GET to the pod IP or host, 200-399 succeeds), tcpSocket
 * (a connection opens) or exec (the command exits 0, run in the container
 * through Docker), each within timeoutSeconds. Named ports are looked up in
 * the container's ports. Thread-safe (the Docker client is the caller's).
 */
#ifndef K8C_KUBELET_PROBE_H
#define K8C_KUBELET_PROBE_H

#include "api/types.gen.h"
#include "base/strbuf.h"
#include "kubelet/docker/client.h"

/* The probe's fields with Kubernetes' defaults. */
struct probe_timing {
	int32_t initial_delay_s; /* 0 */
	int32_t period_s;	 /* 10 */
	int32_t timeout_s;	 /* 1 */
	int32_t success_threshold; /* 1 */
	int32_t failure_threshold; /* 3 */
};
void probe_timing_of(const struct k8c_probe *p, struct probe_timing *ret);

struct probe_target {
	const struct k8c_container *container; /* for named ports */
	const char *pod_ip;
	const char *container_id;
};

/*
 * Runs probe p against t once. Returns 1 when it succeeded, 0 when it failed
 * (why says why, as Kubernetes' Unhealthy events do: "HTTP probe failed with
 * statuscode: 500", the output of a failed exec...), or a negative errno when
 * it could not be run at all (why set; counted as a failure by the caller).
 */
int probe_run(const struct k8c_probe *p, const struct probe_target *t, struct docker_client *dc,
	      struct strbuf *why);

/* The port an IntOrString names for container c (a number, or a port name); -1 if none. */
int probe_port(const struct k8c_intstr *port, const struct k8c_container *c);

#endif
