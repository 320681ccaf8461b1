/*
 * trim.h - what the controller manager keeps of a pod: the transform
 * (k8c_informer_factory_set_transform) of the pod informer every controller
 * shares, so that 10,000 cached pods hold only what some controller reads.
 */
#ifndef K8C_CONTROLLERS_TRIM_H
#define K8C_CONTROLLERS_TRIM_H

/*
 * Trims a decoded struct k8c_pod to what the controllers read:
 *   kind, apiVersion, the whole metadata (claims and ReplicaSet ranking:
 *     labels, ownerReferences, annotations; the garbage collector: owners,
 *     finalizers; the Endpoints' targetRef);
 *   the whole status (readiness and availability, phase, restart counts,
 *     pod IPs; and the node lifecycle controller PUTs a copy of a cached pod
 *     to pods/status when it marks pods NotReady: that takes the status and
 *     nothing else, so the status must stay whole);
 *   spec nodeName, hostname, subdomain (Endpoints, ranking, the node
 *     lifecycle's by-node index) and tolerations (the taint manager); of
 *     each container its name and ports (Endpoints' named target ports).
 * The rest of the spec is dropped: images, commands, env, resources,
 * probes, volumes, init containers, scheduling fields. No controller PUTs
 * a cached pod other than to pods/status; pods are made from their
 * ReplicaSet's template, not from the cache.
 */
void controllers_trim_pod(void *pod);

#endif
