/*
 * score.h - ranking the nodes a pod fits on, as kube-scheduler's default
 * score plugins do, each 0..100 and weighted as in its default profile:
 *   NodeResourcesFit (LeastAllocated, cpu and memory)   weight 1
 *   NodeResourcesBalancedAllocation                      weight 1
 *   NodeAffinity (preferred terms, normalized)           weight 2
 *   spreading of the pods of one owner over nodes        weight 2
 *   TaintToleration (fewer untolerated PreferNoSchedule) weight 3
 * Requests use the non-zero scoring defaults. Ties are broken uniformly at
 * random. Call with the cache locked.
 */
#ifndef K8C_SCHEDULER_SCORE_H
#define K8C_SCHEDULER_SCORE_H

#include "scheduler/filter.h"

/*
 * Scores the n feasible nodes for p and returns the index of the best one
 * (n must be > 0). scratch must hold 4 * n int64_t. seed is advanced (the
 * tie-breaker's random state).
 */
size_t sched_score_pick(const struct sched_pod *p, struct sched_node *const *nodes, size_t n,
			int64_t *scratch, uint64_t *seed);

/* The score of one node for p, without the normalized plugins (tests). */
int64_t sched_score_resources(const struct sched_pod *p, const struct sched_node *n);

#endif
