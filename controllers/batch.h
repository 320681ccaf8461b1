/*
 * batch.h - running many independent API calls at once, as the ReplicaSet
 * controller's goroutines do: a parallel loop over a short-lived thread
 * team, and Kubernetes' slowStartBatch (1, 2, 4, ... calls per round,
 * stopping after the first round with a failure, so that a quota or a bad
 * template costs one failed call, not five hundred).
 */
#ifndef K8C_CONTROLLERS_BATCH_H
#define K8C_CONTROLLERS_BATCH_H

#include "base/base.h"

/* Threads one parallel loop may use. */
#define BATCH_MAX_THREADS 32

/* One call: i is the call's index (0..count-1). Returns 0 or a negative errno. */
typedef int (*batch_fn)(void *arg, size_t i);

/*
 * Calls fn(arg, i) for every i in [first, first + n) on up to max_threads
 * threads (the caller's included). Returns how many returned 0; *ret_err
 * (may be NULL) gets one of the errors, else 0. fn must be thread-safe.
 */
size_t batch_parallel(size_t first, size_t n, size_t max_threads, batch_fn fn, void *arg,
		      int *ret_err);

/*
 * slowStartBatch: calls fn for i in [0, count) in rounds of initial,
 * 2*initial, 4*initial... calls each (run in parallel), and stops after a
 * round in which any call failed. Returns how many succeeded; *ret_err as
 * above. Calls never made are count minus the calls of the rounds run.
 */
size_t batch_slow_start(size_t count, size_t initial, batch_fn fn, void *arg, int *ret_err);

#endif
