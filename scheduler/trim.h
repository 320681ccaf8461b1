/*
 * trim.h - what the scheduler keeps of a pod and of a node: its informers'
 * transforms (k8c_informer_factory_set_transform), so that 10,000 cached
 * pods and 1,000 nodes hold only what scheduling reads.
 */
#ifndef K8C_SCHEDULER_TRIM_H
#define K8C_SCHEDULER_TRIM_H

/*
 * Trims a decoded struct k8c_pod to what the scheduler reads, and only that:
 *   kind, apiVersion, metadata name, namespace, uid, resourceVersion and
 *     the timestamps and other scalars (the queue key, the cache, events),
 *     and of the ownerReferences the controller's uid (spreading by owner);
 *   spec nodeName, schedulerName, schedulingGates, priority, nodeSelector,
 *     affinity.nodeAffinity, tolerations, overhead; of each container and
 *     init container its name, resources and the ports with a hostPort
 *     (podinfo.c's requests and host ports);
 *   status phase and the PodScheduled condition (terminal pods, the
 *     Unschedulable condition already shown).
 * Labels, annotations, images, commands, env, probes, volumes, container
 * statuses and IPs are dropped. The scheduler writes pods only through
 * Bindings and status PATCHes, never a PUT of a cached pod.
 */
void sched_trim_pod(void *pod);

/*
 * Trims a decoded struct k8c_node to what the scheduler reads: kind,
 * apiVersion, metadata as for pods plus the labels (node selectors and
 * affinity), the whole spec (taints, unschedulable; a change of it wakes
 * parked pods), status allocatable and the Ready condition. Addresses,
 * capacity, images, nodeInfo and the other conditions are dropped. The
 * scheduler never writes nodes.
 */
void sched_trim_node(void *node);

#endif
