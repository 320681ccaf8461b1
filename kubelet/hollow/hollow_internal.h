/*
 * hollow_internal.h - the hollow nodes' shared state: hollow.c (nodes,
 * registration, leases, the worker threads) and hollow_pods.c (what a
 * hollow node does with a pod).
 */
#ifndef K8C_KUBELET_HOLLOW_HOLLOW_INTERNAL_H
#define K8C_KUBELET_HOLLOW_HOLLOW_INTERNAL_H

#include <stdatomic.h>

#include "client/informer.h"
#include "client/workqueue.h"
#include "kubelet/config.h"
#include "kubelet/lease.h"

struct hollow;

struct hollow_node {
	struct hollow *h;
	int index;
	char *name;
	char ip[16];
	struct node_lease lease;
	struct k8c_informer *pods;
	atomic_uint next_ip; /* the last octet of the next pod IP */
	atomic_bool registered;
};

struct hollow {
	const struct kubelet_config *cfg;
	struct k8c_client *api; /* one keep-alive client for every node and thread */
	struct hollow_node *nodes;
	size_t n;
	/* keys: "p/<node index>/<ns>/<name>" (a pod), "l/<node index>" (a lease renewal),
	 * "n/<node index>" (a node status report) */
	struct k8c_workqueue *queue;
	int64_t started_ns;
	atomic_size_t registered;
	atomic_ulong pods_reported;
};

/* Informer handlers of node: queue the pods that need a status or their final delete. */
void hollow_pods_watch(struct hollow_node *node);
/* Processes pod key "<ns>/<name>" of node. Returns 0, or a negative errno to retry it. */
int hollow_pod_sync(struct hollow_node *node, const char *key);

#endif
