/*
 * claim.h - Kubernetes' ControllerRefManager: a controller (ReplicaSet,
 * Deployment) claims the objects it should control. Of the candidates,
 *   - those it controls and its selector matches are kept;
 *   - those it controls that no longer match are released (the controller
 *     reference is patched away), unless the controller is being deleted;
 *   - orphans (no controller reference) that match, are not being deleted and
 *     live in its namespace are adopted (a controller reference is patched
 *     in), after one fresh GET of the controller proves it still exists with
 *     the same uid and is not being deleted (RecheckDeletionTimestamp).
 * Candidates come from an informer: those indexed by the controller's uid
 * plus the orphans of its namespace (claim_add_index).
 */
#ifndef K8C_CONTROLLERS_CLAIM_H
#define K8C_CONTROLLERS_CLAIM_H

#include "api/kinds.h"
#include "api/selector/labels.h"
#include "client/informer.h"

/* The index claim_candidates uses: namespace of every object without a controller. */
#define CLAIM_INDEX_ORPHANS "k8c-orphans-by-namespace"

/*
 * Adds CLAIM_INDEX_ORPHANS to inf (before the informer starts). Adding it
 * twice (two controllers sharing an informer) is fine. Returns 0 or a
 * negative errno.
 */
int claim_add_index(struct k8c_informer *inf);

/*
 * The objects of inf controlled by uid plus the orphans of namespace ns, as
 * a new array of references in *ret (free with k8c_obj_unref_array).
 * Returns how many.
 */
size_t claim_candidates(struct k8c_informer *inf, const char *ns, const char *uid, void ***ret);

struct claim {
	struct k8c_client *client;
	const struct k8c_kind *owner_kind;
	const struct k8c_object_meta *owner; /* borrowed */
	const struct label_selector *selector;
	const struct k8c_kind *child_kind;
	int adopt_ok; /* set by claim_objects: 0 not checked yet, 1 yes, < 0 no */
};

/*
 * Claims the n candidates (typed objects of c->child_kind): *ret gets a new
 * array of references to the claimed ones, *ret_n their count. Returns 0,
 * or the first error of an adopt or release patch (those not claimed are
 * simply left out; the caller retries later). Patches of objects that
 * vanished meanwhile are not errors.
 */
int claim_objects(struct claim *c, void *const *cands, size_t n, void ***ret, size_t *ret_n);

#endif
