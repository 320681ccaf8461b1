/*
 * content.h - one pass of Kubernetes' deleteAllContent over a namespace:
 * DELETE the collection of every namespaced kind k8c serves (propagation
 * Background, so the garbage collector takes the dependents' view), then
 * LIST what is left and tally it (conditions.h): how many objects of which
 * kind, which finalizers hold them, and how long graceful pod deletions
 * should still take. Uses the API server directly (not a cache): the
 * namespace must be seen empty by the server itself. Thread-safe.
 */
#ifndef K8C_CONTROLLERS_NAMESPACE_CONTENT_H
#define K8C_CONTROLLERS_NAMESPACE_CONTENT_H

#include "client/rest.h"
#include "controllers/namespace/conditions.h"

/* Seconds upstream waits for content held by finalizers (finalizerEstimateSeconds). */
#define NS_FINALIZER_ESTIMATE_S 15

/* Deletes the content of namespace ns through c and tallies what remains into t. */
void ns_delete_content(struct k8c_client *c, const char *ns, struct ns_tally *t);

#endif
