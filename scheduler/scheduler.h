/*
 * scheduler.h - k8c's scheduler: informers on pods and nodes feed the node
 * cache and the scheduling queue; one scheduling thread takes pending pods
 * from the queue, filters and scores nodes with the cache locked, assumes
 * the pod on the chosen node and hands the bind to the binder pool, so the
 * next pod is considered while binds are in flight. Pods that fit nowhere
 * get PodScheduled=False/Unschedulable and a FailedScheduling event and are
 * parked until the cluster changes.
 */
#ifndef K8C_SCHEDULER_SCHEDULER_H
#define K8C_SCHEDULER_SCHEDULER_H

#include "client/rest.h"

/*
 * Binds in flight at once. A bind is one API write, so the bind rate is this
 * over the API's write latency (Kubernetes binds each pod in a goroutine of
 * its own, without a limit): 16 held a 10,000-pod density run to ~250
 * binds/s at ~55 ms per write on a loaded machine.
 */
#define SCHEDULER_DEFAULT_BIND_WORKERS 64

struct scheduler_config {
	const char *scheduler_name;  /* pods with this spec.schedulerName; NULL = "default-scheduler" */
	int bind_workers;            /* concurrent API writes; 0 = the default below */
	int percentage_of_nodes;     /* 0 = adaptive (50% - nodes/125, at least 5%), else 1..100 */
	int64_t min_feasible_nodes;  /* 0 = 100 */
};

struct scheduler;

/* Creates a scheduler over client (borrowed). Returns NULL on failure. */
struct scheduler *scheduler_new(struct k8c_client *client, const struct scheduler_config *cfg);
/* Starts the informers and waits until they synced (timeout_ms < 0: forever). */
int scheduler_sync(struct scheduler *s, int64_t timeout_ms);
/* Starts the scheduling thread. */
int scheduler_start(struct scheduler *s);
/* Counters since the start: pods bound, bind failures, unschedulable attempts. */
void scheduler_stats(struct scheduler *s, uint64_t *bound, uint64_t *bind_errors,
		     uint64_t *unschedulable);
/* Stops scheduling, finishes the binds in flight, stops the informers, frees s. NULL-safe. */
void scheduler_free(struct scheduler *s);

#endif
