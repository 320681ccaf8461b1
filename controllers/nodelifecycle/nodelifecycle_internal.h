/*
 * nodelifecycle_internal.h - what the node-lifecycle controller's files
 * share: its state, the node monitor (monitor.c) and the taint manager
 * (taintmanager.c).
 */
#ifndef K8C_CONTROLLERS_NODELIFECYCLE_NODELIFECYCLE_INTERNAL_H
#define K8C_CONTROLLERS_NODELIFECYCLE_NODELIFECYCLE_INTERNAL_H

#include <pthread.h>

#include "base/hashmap.h"
#include "controllers/nodelifecycle/health.h"
#include "controllers/nodelifecycle/nodelifecycle.h"

#define NLC_INDEX_NODE "nodelifecycle-node" /* pods by spec.nodeName */
#define NODE_LEASE_NAMESPACE "kube-node-lease"

struct nodelifecycle {
	struct controller_ctx *ctx;
	struct k8c_informer *nodes, *leases, *pods;
	struct k8c_recorder *recorder; /* "node-controller"; may be NULL */
	struct k8c_recorder *taint_recorder; /* "taint-controller"; may be NULL */
	struct node_health_config health_cfg;
	int64_t monitor_period_ns;

	/* node monitor: node names */
	struct k8c_workqueue *nodes_q;
	struct controller_workers node_workers;
	pthread_mutex_t lock;
	struct hashmap health; /* node name -> struct nlc_node (under lock) */

	/* taint manager: pod keys */
	struct k8c_workqueue *pods_q;
	struct controller_workers pod_workers;
	struct hashmap evictions; /* pod key -> struct nlc_eviction (under lock) */

	/* the --node-monitor-period ticker */
	pthread_t ticker;
	bool ticker_running, stopping;
	pthread_cond_t wake;
};

/* What the monitor remembers of one node. */
struct nlc_node {
	struct node_health health;
	bool was_ready;   /* the Ready condition last seen was True */
	bool mark_pods;   /* Ready left True: the node's pods still need marking */
};

/* A pending eviction: the pod (uid) tolerated the node's taints since start_ns. */
struct nlc_eviction {
	char *uid;
	int64_t start_ns; /* monotonic */
};

/* Node monitor (monitor.c): syncs one node name. */
int nlc_monitor_sync(void *state, const char *key);
/* Starts / stops the thread that queues every node each monitor period. */
int nlc_ticker_start(struct nodelifecycle *nlc);
void nlc_ticker_stop(struct nodelifecycle *nlc);

/* Taint manager (taintmanager.c): syncs one pod key. */
int nlc_taint_sync(void *state, const char *key);
/* Queues every cached pod bound to node name. */
void nlc_enqueue_pods_on(struct nodelifecycle *nlc, const char *node);
/* Frees a struct nlc_eviction. NULL-safe. */
void nlc_eviction_free(void *ev);
/* Forgets a pending eviction (the pod is gone). */
void nlc_cancel_eviction(struct nodelifecycle *nlc, const char *key);

/* Index function: a pod's spec.nodeName. */
void nlc_index_node(const void *obj, char ***ret, size_t *n, size_t *alloc);

#endif
