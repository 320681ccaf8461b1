/*
 * controller.h - how a controller plugs into k8c-controller-manager, as
 * kube-controller-manager's InitFunc table: each controller is one
 * `struct controller_def` listed in controllers/manager_list.c.
 *
 * Life of a controller, driven by the manager (all on the manager's main
 * thread unless said otherwise):
 *   1. init(ctx, &state): get the informers it needs from ctx->informers
 *      (k8c_informer_factory_get), add indexes and handlers (handlers only
 *      enqueue keys), make its workqueue. No API calls, no threads yet.
 *      Returns 0, or a negative errno (the manager then exits).
 *   2. the manager starts the informer factory and waits until every
 *      informer has synced.
 *   3. run(state, workers): starts `workers` worker threads (see
 *      controller_workers below) and any timers, then returns at once.
 *      Returns 0 or a negative errno.
 *   4. stop(state): shuts the workqueue down and joins every thread it
 *      started. Called once, after run (or even when run was never called).
 *   5. free(state): frees everything; the informers are stopped by then.
 *
 * The context and everything it points to belong to the manager and outlive
 * every controller.
 */
#ifndef K8C_CONTROLLERS_CONTROLLER_H
#define K8C_CONTROLLERS_CONTROLLER_H

#include <pthread.h>

#include "base/base.h"
#include "client/informer.h"
#include "client/recorder.h"
#include "client/rest.h"
#include "client/workqueue.h"

/*
 * Settings from the command line that controllers read (kube-controller-
 * manager's flag names and defaults). Durations in milliseconds.
 */
struct controller_options {
	int workers;				/* --workers: default concurrency of each controller */
	int64_t node_monitor_period_ms;		/* --node-monitor-period, 5s */
	int64_t node_monitor_grace_period_ms;	/* --node-monitor-grace-period, 40s */
	int64_t node_startup_grace_period_ms;	/* --node-startup-grace-period, 60s */
	int64_t pod_eviction_timeout_ms;	/* --pod-eviction-timeout, 5m */
};

struct controller_ctx {
	struct k8c_client *client;		/* shared keep-alive REST client */
	struct k8c_informer_factory *informers; /* shared informers, one per kind */
	const struct controller_options *options;
	struct controller_recorders *recorders; /* use controller_recorder() */
};

struct controller_def {
	const char *name; /* as in --controllers: "replicaset", "deployment", "endpoint"... */
	int (*init)(struct controller_ctx *ctx, void **ret_state);
	int (*run)(void *state, int workers);
	void (*stop)(void *state);
	void (*free)(void *state);
};

/* The manager's recorders, one per source component (see controller_recorder). */
struct controller_recorders *controller_recorders_new(struct k8c_client *client);
/* Flushes (up to a second) and frees every recorder. NULL-safe. */
void controller_recorders_free(struct controller_recorders *r);

/*
 * The event recorder writing as source component ("replicaset-controller",
 * "deployment-controller"...), created on first use and owned by the
 * manager (never free it). Returns NULL only if the recorder cannot start.
 * Thread-safe.
 */
struct k8c_recorder *controller_recorder(struct controller_ctx *ctx, const char *component);

/* ---- worker threads over a workqueue (processNextWorkItem) ------------- */

/*
 * Syncs one key ("ns/name"). Returns 0 when done (the key's failures are
 * forgotten), or a negative errno to retry it with rate-limited back-off.
 * Must be safe to run again for the same key at any time.
 */
typedef int (*controller_sync_fn)(void *state, const char *key);

struct controller_workers {
	struct k8c_workqueue *queue; /* borrowed */
	controller_sync_fn sync;
	void *state;
	const char *name; /* for log lines */
	pthread_t *threads;
	int n;
};

/*
 * Starts n (>= 1) threads that take keys from queue and call sync(state,
 * key), as the ReplicaSet controller's processNextWorkItem: a failed key is
 * re-queued with rate-limited back-off (5 ms doubling up to 1000 s), a
 * successful one forgotten. w is zeroed first. Returns 0, or a negative errno (no thread is left
 * running).
 */
int controller_workers_start(struct controller_workers *w, const char *name,
			     struct k8c_workqueue *queue, int n, controller_sync_fn sync,
			     void *state);

/*
 * Shuts the queue down (keys still queued are processed), joins the
 * threads and releases w. Idempotent; safe on a zeroed w.
 */
void controller_workers_stop(struct controller_workers *w);

/* ---- handler helpers --------------------------------------------------- */

/* Queues obj's key ("ns/name" or "name"). For informer handlers. */
void controller_enqueue(struct k8c_workqueue *q, const void *obj);

/* Queues obj's key after delay_ms. */
void controller_enqueue_after(struct k8c_workqueue *q, const void *obj, int64_t delay_ms);

/*
 * Splits key "ns/name" into *ret_ns and *ret_name (both owned by the
 * caller). A key without '/' gives ns "" (cluster-scoped). Returns 0 or
 * -EINVAL for an empty name.
 */
int controller_split_key(const char *key, char **ret_ns, char **ret_name);

#endif
