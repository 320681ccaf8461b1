/*
 * node.h - this node's Node object, as Kubernetes' kubelet registers and
 * reports it: labels (kubernetes.io/hostname, os, arch), addresses
 * (InternalIP, Hostname), capacity and allocatable (cpu, memory, pods,
 * ephemeral-storage; memory and disk less Kubernetes' default eviction
 * thresholds), nodeInfo (ids, kernel, OS image, "docker://<version>",
 * kubelet version), daemonEndpoints.kubeletEndpoint.Port and the four
 * conditions (MemoryPressure, DiskPressure, PIDPressure, Ready). Used by
 * the real kubelet and by hollow nodes. Thread-safe for different nodes.
 */
#ifndef K8C_KUBELET_NODE_H
#define K8C_KUBELET_NODE_H

#include "api/types.gen.h"
#include "client/rest.h"

/* What a node reports about itself. Borrowed strings; NULL leaves a field out. */
struct node_facts {
	const char *name;
	const char *ip;
	const char *hostname;
	int64_t cpus;
	int64_t memory_bytes;
	int64_t ephemeral_bytes; /* 0: not reported */
	int max_pods;
	int port;
	const char *os, *arch;
	const char *kernel_version, *os_image, *runtime_version;
	const char *machine_id, *boot_id, *system_uuid;
};

/* How the node is; transition times kept by the caller between reports. */
struct node_health {
	bool ready;
	const char *message; /* why not ready */
	int64_t ready_since; /* when ready last changed (ns) */
	int64_t started;     /* when the kubelet started: the pressure conditions' transition */
};

/* Fills out (zeroed; release with k8c_release) with the whole Node at time now. */
void node_build(const struct node_facts *f, const struct node_health *h, int64_t now,
		struct k8c_node *out);

/*
 * Creates the Node, or finds the one a previous run created and writes its
 * status. Returns 0 and *ret_uid (owned), or a negative errno with why set.
 */
int node_register(struct k8c_client *api, const struct node_facts *f, const struct node_health *h,
		  char **ret_uid, struct strbuf *why);

/* Writes the node's status (a merge patch of nodes/<name>/status). Returns 0 or -errno. */
int node_write_status(struct k8c_client *api, const struct node_facts *f,
		      const struct node_health *h, struct strbuf *why);

#endif
