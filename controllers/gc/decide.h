/*
 * decide.h - the garbage collector's decisions, as Kubernetes'
 * attemptToDeleteItem and processDeletingDependentsItem make them, without
 * any I/O: given a dependent and what is known about each of its owners,
 * keep it, cut the references to owners that are gone (or waiting for it),
 * or delete it, and with which propagation policy; given an owner being
 * deleted in the foreground, whether dependents still block it. Also the
 * patch bodies the collector sends. Pure functions; thread-safe.
 */
#ifndef K8C_CONTROLLERS_GC_DECIDE_H
#define K8C_CONTROLLERS_GC_DECIDE_H

#include <cjson/cJSON.h>

#include "api/object.h"

#define GC_FINALIZER_FOREGROUND "foregroundDeletion"
#define GC_FINALIZER_ORPHAN "orphan"

/* What a live read found for one ownerReference of a dependent. */
enum gc_owner_state {
	GC_OWNER_SOLID,    /* exists with the referenced uid, not deleting its dependents */
	GC_OWNER_DANGLING, /* absent, or the name now belongs to another uid */
	GC_OWNER_WAITING,  /* exists, being deleted in the foreground (waits for dependents) */
};

enum gc_action {
	GC_KEEP,        /* nothing to do */
	GC_REMOVE_REFS, /* patch out the references to dangling and waiting owners */
	GC_DELETE,      /* delete the dependent with decision.policy */
};

struct gc_decision {
	enum gc_action action;
	const char *policy; /* GC_DELETE: "Background", "Foreground" or "Orphan" (static) */
	/* GC_DELETE: first make every blocking reference non-blocking (a dependent of this
	 * dependent is itself deleting dependents: a possible cycle, as upstream) */
	bool unblock;
};

/* True when meta is being deleted and still has finalizer f. */
bool gc_deleting_with(const struct k8c_object_meta *meta, const char *f);

/*
 * Decides about a dependent (meta, its latest state) whose i-th
 * ownerReference is in states[i]. has_dependents: the dependent owns
 * objects itself; dependent_deleting_dependents: one of those is itself
 * deleting its dependents in the foreground. Fills *out.
 */
void gc_decide(const struct k8c_object_meta *meta, const enum gc_owner_state *states,
	       bool has_dependents, bool dependent_deleting_dependents, struct gc_decision *out);

/* True when dep has an ownerReference to owner_uid with blockOwnerDeletion=true. */
bool gc_blocks_owner(const struct k8c_object_meta *dep, const char *owner_uid);

/*
 * The strategic merge patch that removes the ownerReferences of dep with the
 * given uids (n of them), guarded by dep's uid so that it cannot touch a
 * namesake: {"metadata":{"ownerReferences":[{"$patch":"delete","uid":U}...],
 * "uid":DEP}}. Owned by the caller.
 */
cJSON *gc_patch_remove_refs(const char *dep_uid, const char *const *uids, size_t n);

/*
 * The strategic merge patch that sets blockOwnerDeletion=false on every
 * blocking ownerReference of dep (NULL when none blocks). Owned by the caller.
 */
cJSON *gc_patch_unblock(const struct k8c_object_meta *dep);

/*
 * The JSON merge patch that sets meta's finalizers to its current ones
 * without f, guarded by its resourceVersion (409 when it changed), as
 * upstream's removeFinalizer. NULL when meta does not list f. Owned by the
 * caller.
 */
cJSON *gc_patch_remove_finalizer(const struct k8c_object_meta *meta, const char *f);

#endif
