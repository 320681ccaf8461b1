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
 *   spec nodeName, hostname, subdomain (Endpoints, ranking, the node
 *     lifecycle's by-node index) and tolerations (the taint manager); of
 *     each container its name and ports (Endpoints' named target ports);
 *   status phase, podIP, the Ready condition (readiness, availability,
 *     ranking, Endpoints) and each container status' name, restart count
 *     (ranking), ready and started flags.
 * The rest is dropped: images, commands, env, resources, probes, volumes,
 * init containers, scheduling fields, the other conditions, container
 * states, host IPs. No controller writes a cached pod back: pods are made
 * from their ReplicaSet's template, and the node lifecycle controller reads
 * a pod again from the API server before it PUTs its status.
 */
void controllers_trim_pod(void *pod);

#endif
