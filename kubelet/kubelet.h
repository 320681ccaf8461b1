/*
 * kubelet.h - one real kubelet: the context every part of it shares (its
 * settings, the API client, this node's name and address), and the entry
 * point that runs it until asked to stop.
 *
 *   node.c, lease.c     the Node object and its Lease (heartbeat thread)
 *   pods.c              pods bound here (an informer) -> one worker per pod
 *   worker.c, sync*.c   a pod's sandbox and containers through Docker
 *   relist.c            notices container exits within --relist-period
 *   prober.c, probe.c   liveness/readiness/startup probes
 *   logs_server.c       /containerLogs for `kubectl logs` (via pods/log)
 */
#ifndef K8C_KUBELET_KUBELET_H
#define K8C_KUBELET_KUBELET_H

#include "client/rest.h"
#include "kubelet/config.h"

struct pod_manager;
struct k8c_recorder;

/*
 * API clients: one keep-alive client (api) serves every thread (the node
 * heartbeat, the pod informer, the pod workers); events have their own, so
 * that their rate limit never delays the rest (as Kubernetes' kubelet).
 */
struct kubelet {
	const struct kubelet_config *cfg;
	struct k8c_client *api;
	const char *node_name;
	char *node_ip;		      /* InternalIP, the pods' hostIP */
	int port;		      /* where the log server listens */
	struct pod_manager *pods;     /* the pod workers */
	struct k8c_recorder *recorder; /* events; NULL: none */
};

/*
 * Runs a kubelet with cfg until *stop becomes non-zero (a signal handler
 * sets it): registers the node, serves logs, runs the pods bound to it.
 * Containers keep running when it returns (a restarted kubelet adopts them).
 * Returns 0 or a negative errno after logging why it could not run.
 */
int kubelet_run(const struct kubelet_config *cfg, volatile int *stop);

/*
 * Makes an API client from cfg's shared flags (kubeconfig, --server, qps).
 * Returns 0 or a negative errno (logged).
 */
int kubelet_api_client(const struct kubelet_config *cfg, struct k8c_client **ret);

#endif
