/*
 * conditions.h - the status conditions of a Terminating namespace, as
 * Kubernetes' namespaceConditionUpdater writes them after each deletion
 * pass: NamespaceDeletionDiscoveryFailure, NamespaceDeletionGroupVersion-
 * ParsingFailure, NamespaceDeletionContentFailure, NamespaceContentRemaining
 * ("Some resources are remaining: pods. has 2 resource instances") and
 * NamespaceFinalizersRemaining ("Some content in the namespace has
 * finalizers remaining: foo in 1 resource instances"), each False with its
 * "all went well" reason when nothing is wrong. Pure functions; a tally is
 * owned by its caller.
 */
#ifndef K8C_CONTROLLERS_NAMESPACE_CONDITIONS_H
#define K8C_CONTROLLERS_NAMESPACE_CONDITIONS_H

#include "api/object.h"

struct ns_finalizer_count {
	char *name;
	long n;
};

/* What one pass over a namespace's content found. */
struct ns_tally {
	char **remaining; /* "pods. has 2 resource instances" per resource type */
	size_t n_remaining, alloc_remaining;
	struct ns_finalizer_count *finalizers; /* over every resource type */
	size_t n_finalizers, alloc_finalizers;
	struct strbuf failures; /* the deletion errors, "; "-separated */
	int failed_kinds;       /* resource types whose deletion failed */
	int64_t estimate_s;     /* seconds until graceful deletions should be done */
};

#define NS_TALLY_INIT { .failures = STRBUF_INIT }

void ns_tally_release(struct ns_tally *t);

/* Records that n (> 0) objects of resource (group "" for core) remain. */
void ns_tally_remaining(struct ns_tally *t, const char *resource, const char *group, long n);
/* Records that n more objects carry finalizer. */
void ns_tally_finalizer(struct ns_tally *t, const char *finalizer, long n);
/* Records that deleting resource failed with message. */
void ns_tally_failure(struct ns_tally *t, const char *resource, const char *message);

/*
 * Sets the five conditions of st from t (lastTransitionTime = now where the
 * status changes; other conditions are kept). Returns true when st changed.
 */
bool ns_conditions_update(struct k8c_namespace_status *st, const struct ns_tally *t, int64_t now);

#endif
