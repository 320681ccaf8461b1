/*
 * filter.h - the scheduler's filters: can this pod run on this node? The
 * checks of kube-scheduler's default filter plugins, in their order, with
 * their reasons (the words users see in "0/3 nodes are available: ..."):
 *   NodeUnschedulable  "node(s) were unschedulable"
 *   TaintToleration    "node(s) had untolerated taint {key: value}" (NoSchedule and
 *                      NoExecute; a node whose Ready condition is not True carries the
 *                      implicit node.kubernetes.io/not-ready or /unreachable taint, as
 *                      Kubernetes' TaintNodesByCondition gives it)
 *   NodeAffinity       "node(s) didn't match Pod's node affinity/selector"
 *   NodePorts          "node(s) didn't have free ports for the requested pod ports"
 *   NodeResourcesFit   "Insufficient cpu", "Insufficient memory",
 *                      "Insufficient ephemeral-storage", "Too many pods"
 * The first failing plugin decides (it may give several reasons). Pure
 * functions of the pod and the cache's node; call with the cache locked.
 */
#ifndef K8C_SCHEDULER_FILTER_H
#define K8C_SCHEDULER_FILTER_H

#include "base/strbuf.h"
#include "scheduler/cache.h"

/* A pod being scheduled: the object and what was computed from it once. */
struct sched_pod {
	const struct k8c_pod *pod;
	struct sched_podinfo info;
};

/* Counts of the reasons nodes were rejected for, for the FailedScheduling message. */
struct sched_reasons {
	struct hashmap counts; /* reason -> (void *)(intptr_t)count */
	size_t nodes;          /* nodes considered */
};

/*
 * True when p fits on n. When it does not and reasons is not NULL, adds this
 * node's reasons to it.
 */
bool sched_filter(const struct sched_pod *p, const struct sched_node *n,
		  struct sched_reasons *reasons);

/* True when the node term matches node (matchExpressions and matchFields, ANDed). */
bool sched_node_term_matches(const struct k8c_node_selector_term *term,
			     const struct k8c_node *node);

/* True when one of tolerations tolerates taint (v1helper.TolerationsTolerateTaint). */
bool sched_tolerates(const struct k8c_toleration *tolerations, size_t n,
		     const struct k8c_taint *taint);

void sched_reasons_init(struct sched_reasons *r);
void sched_reasons_release(struct sched_reasons *r);
/*
 * Appends Kubernetes' FitError message: "0/3 nodes are available: 1 node(s)
 * had untolerated taint {k: v}, 2 Insufficient cpu." (the "<count> <reason>"
 * items sorted as strings), or "no nodes available to schedule pods".
 */
void sched_reasons_format(const struct sched_reasons *r, size_t all_nodes, struct strbuf *out);

#endif
