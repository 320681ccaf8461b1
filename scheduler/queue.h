/*
 * queue.h - the scheduling queue, as kube-scheduler's PriorityQueue:
 *   active        pods ready to be tried, highest spec.priority first, then
 *                 the oldest (by when they were first queued);
 *   backoff       pods that failed and wait 1 s, 2 s, 4 s ... up to 10 s;
 *   unschedulable pods that fit nowhere; they stay parked until the cluster
 *                 changes in a way that could make them fit (a node added or
 *                 changed, a pod deleted: sched_queue_move_all), or for at
 *                 most a minute, then go through backoff again.
 * A popped pod is "in flight" until sched_queue_done/_forget; a move event
 * that happens while it is in flight sends it to backoff instead of parking
 * it, so that no change is missed. Keys are "namespace/name". Thread-safe.
 */
#ifndef K8C_SCHEDULER_QUEUE_H
#define K8C_SCHEDULER_QUEUE_H

#include "base/base.h"

struct sched_queue;

struct sched_queue *sched_queue_new(void);
/* Frees q; no thread may use it any more. NULL-safe. */
void sched_queue_free(struct sched_queue *q);

/*
 * A pending pod was added or changed. A new key goes to active; a parked
 * one to backoff (or active once its back-off is over); one in flight is
 * retried after it is done. priority is spec.priority.
 */
void sched_queue_add(struct sched_queue *q, const char *key, int32_t priority);

/*
 * Blocks until a pod is ready, hands its key to the caller (to free) and
 * marks it in flight. Returns false once the queue is closed.
 */
bool sched_queue_pop(struct sched_queue *q, char **ret_key);

enum sched_result {
	SCHED_RESULT_UNSCHEDULABLE, /* fits nowhere: park it */
	SCHED_RESULT_ERROR,         /* failed (bind error...): back off */
};
/* The in-flight pod key did not get placed: park it or back it off. */
void sched_queue_done(struct sched_queue *q, const char *key, enum sched_result result);
/* The pod key needs no more scheduling (bound, deleted, not ours): forget it. */
void sched_queue_forget(struct sched_queue *q, const char *key);

/* The cluster changed: every parked pod gets another chance (after its back-off). */
void sched_queue_move_all(struct sched_queue *q);

/* Pods known to the queue in each state (active, backoff, parked, in flight). */
void sched_queue_counts(struct sched_queue *q, size_t *active, size_t *backoff, size_t *parked,
			size_t *inflight);

/* Wakes every pop; they return false. */
void sched_queue_close(struct sched_queue *q);

#endif
