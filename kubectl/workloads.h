/*
 * workloads.h - what describe and rollout know about Deployments and their
 * ReplicaSets, as kubectl's deployment util computes it: the ReplicaSets a Deployment
 * controls (its selector, its controller reference), which one is "new" (the pod
 * template equal to the Deployment's, pod-template-hash ignored), revisions, and the
 * text form of a LabelSelector. Not thread-safe.
 */
#ifndef K8C_KUBECTL_WORKLOADS_H
#define K8C_KUBECTL_WORKLOADS_H

#include "kubectl/kctl.h"

struct workload_rs {
	const cJSON *obj;  /* borrowed from the set's list */
	int64_t revision;  /* deployment.kubernetes.io/revision, 0 when unset */
	int64_t created_ns;
};

struct workload_rs_set {
	struct workload_rs *v; /* oldest first (creation time, then name) */
	size_t n;
	struct workload_rs *new_rs; /* the one matching the Deployment's template, or NULL */
	cJSON *list;		    /* the listed ReplicaSets (owned) */
};

/*
 * Lists the ReplicaSets of deployment d (labelSelector from its selector, in its
 * namespace) and keeps those it controls. Returns 0, or -1 after printing an error.
 */
int workload_replica_sets(struct kctl *k, const cJSON *d, struct workload_rs_set *out);

/* Frees the set. */
void workload_rs_set_release(struct workload_rs_set *s);

/*
 * Appends LabelSelectorAsSelector(sel).String() ("app=web,tier in (a,b)"); "" for no
 * selector. Returns 0, or -EINVAL for an invalid selector (out untouched).
 */
int workload_selector(const cJSON *sel, struct strbuf *out);

/* True when two pod templates are equal apart from the pod-template-hash label. */
bool workload_templates_equal(const cJSON *a, const cJSON *b);

/* The deployment.kubernetes.io/revision annotation of obj as a number, 0 when unset. */
int64_t workload_revision(const cJSON *obj);

#endif
