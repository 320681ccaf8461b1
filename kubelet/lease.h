/*
 * lease.h - a node's heartbeat Lease in kube-node-lease, as Kubernetes'
 * kubelet keeps it: named after the node, holderIdentity the node,
 * leaseDurationSeconds, renewTime moved forward at every renewal, owned by
 * the Node (an ownerReference, so it goes with the Node). One struct per
 * node; not thread-safe (one thread renews it).
 */
#ifndef K8C_KUBELET_LEASE_H
#define K8C_KUBELET_LEASE_H

#include "api/types.gen.h"
#include "client/rest.h"

struct node_lease {
	char *node;
	char *node_uid;
	int32_t duration_s;
	struct k8c_lease *cur; /* what the API held after the last renewal, or NULL */
};

/* Sets l up for node (uid: the Node's, for the ownerReference). */
void node_lease_init(struct node_lease *l, const char *node, const char *node_uid,
		     int32_t duration_s);
void node_lease_release(struct node_lease *l);

/*
 * Renews the lease now: creates it when missing, else updates renewTime
 * (reading it again after a conflict). Returns 0 or a negative errno with
 * why set.
 */
int node_lease_renew(struct node_lease *l, struct k8c_client *api, struct strbuf *why);

#endif
