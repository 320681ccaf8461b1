/*
 * workqueue.h - client-go's rate-limiting work queue, with string keys ("ns/name").
 *
 * - add(): a key is queued at most once; a key added while a worker processes it is
 *   queued again only after that worker calls done(), so at most one worker ever holds
 *   a given key.
 * - get() blocks until a key is ready and hands it to the caller; false after shutdown
 *   once nothing is left.
 * - add_after() makes a key ready later (a key already waiting keeps the earlier time).
 * - add_rate_limited() waits the larger of a per-key exponential back-off (base x 2^n,
 *   n = earlier failures of this key, capped) and an overall token bucket, like client-go's
 *   DefaultControllerRateLimiter (5 ms, 1000 s, 10 qps, burst 100). forget() resets n.
 * - shutdown() wakes every getter; keys still queued are handed out, new adds are ignored,
 *   keys waiting for their time are dropped.
 *
 * Thread-safe: any number of producers and workers. Typical worker:
 *
 *	char *key;
 *	while (k8c_workqueue_get(q, &key)) {
 *		if (sync(key) < 0)
 *			k8c_workqueue_add_rate_limited(q, key);
 *		else
 *			k8c_workqueue_forget(q, key);
 *		k8c_workqueue_done(q, key);
 *		free(key);
 *	}
 */
#ifndef K8C_CLIENT_WORKQUEUE_H
#define K8C_CLIENT_WORKQUEUE_H

#include "base/base.h"

struct k8c_workqueue_options {
	int64_t base_delay_ns; /* first back-off of a failing key; 0 = 5 ms */
	int64_t max_delay_ns;  /* back-off cap; 0 = 1000 s */
	double qps;	       /* overall re-queue rate; 0 = 10, < 0 = unlimited */
	int burst;	       /* 0 = 100 */
};

struct k8c_workqueue;

/* Creates a queue; opts may be NULL for client-go's defaults. Never fails. */
struct k8c_workqueue *k8c_workqueue_new(const struct k8c_workqueue_options *opts);

/* Frees q and every key in it. No thread may use q any more (shut it down, join workers). */
void k8c_workqueue_free(struct k8c_workqueue *q);

/* Queues key (copied) unless it is queued already; ignored after shutdown. */
void k8c_workqueue_add(struct k8c_workqueue *q, const char *key);

/* Queues key after delay_ns (at once when <= 0). */
void k8c_workqueue_add_after(struct k8c_workqueue *q, const char *key, int64_t delay_ns);

/* Queues key after its rate-limited back-off and counts one more failure for it. */
void k8c_workqueue_add_rate_limited(struct k8c_workqueue *q, const char *key);

/*
 * Blocks until a key is ready, then marks it as being processed and returns true with
 * *ret_key (owned by the caller; pass it to done(), then free it). Returns false, leaving
 * *ret_key untouched, once the queue is shut down and empty.
 */
bool k8c_workqueue_get(struct k8c_workqueue *q, char **ret_key);

/* Ends the processing of key (from get()); re-queues it if it was added meanwhile. */
void k8c_workqueue_done(struct k8c_workqueue *q, const char *key);

/* Forgets the failures of key: its next add_rate_limited() waits the base delay. */
void k8c_workqueue_forget(struct k8c_workqueue *q, const char *key);

/* How many times key went through add_rate_limited() since its last forget(). */
int k8c_workqueue_num_requeues(struct k8c_workqueue *q, const char *key);

/* Keys queued and ready (not those being processed or still waiting for their time). */
size_t k8c_workqueue_len(struct k8c_workqueue *q);

/* Stops the queue and wakes every getter. Idempotent. */
void k8c_workqueue_shutdown(struct k8c_workqueue *q);

/*
 * Like shutdown(), then waits until no key is being processed any more (workers keep
 * taking what is still queued meanwhile). Must not be called from a worker.
 */
void k8c_workqueue_shutdown_with_drain(struct k8c_workqueue *q);

/* True once shutdown() was called. */
bool k8c_workqueue_shutting_down(struct k8c_workqueue *q);

#endif
