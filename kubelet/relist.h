/*
 * relist.h - the kubelet's pod lifecycle event generator (Kubernetes'
 * generic PLEG): every --relist-period it lists this node's containers and
 * wakes the worker of every pod whose containers appeared, disappeared or
 * changed state (an exit is noticed within a period); containers of unknown
 * pods are handed to the pod manager as orphans. It also reaps finished
 * workers. One thread.
 */
#ifndef K8C_KUBELET_RELIST_H
#define K8C_KUBELET_RELIST_H

struct kubelet;
struct relist;

/* Starts the relist thread of k. Returns it, or NULL when Docker cannot be reached at all. */
struct relist *relist_start(struct kubelet *k);
/* Stops and joins the thread, frees r. NULL-safe. */
void relist_stop(struct relist *r);

#endif
