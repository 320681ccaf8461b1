/*
 * gc.h - the garbage collector (Kubernetes' garbagecollector controller):
 * the ownerReferences graph over every kind k8c serves but Events (which
 * Kubernetes ignores too), read from the shared informers with two indexes
 * (objects by owner uid, objects by uid). It deletes
 *   - in the background: dependents whose owners are all gone (a live GET of
 *     each owner confirms it before anything is deleted; references to gone
 *     owners are cut when a live owner remains);
 *   - in the foreground: the dependents of an owner that carries a
 *     deletionTimestamp and the foregroundDeletion finalizer, then removes
 *     the finalizer once no dependent with blockOwnerDeletion=true is left;
 *   - orphaning: for an owner with the orphan finalizer, it removes the
 *     references to it from its dependents, then the finalizer.
 * Handlers only queue items ("attempt to delete" a dependent, "attempt to
 * orphan" an owner); every decision reads the item's latest state from the
 * API server, so a slow cache never deletes the wrong object. Idle: no
 * writes and no reads.
 */
#ifndef K8C_CONTROLLERS_GC_GC_H
#define K8C_CONTROLLERS_GC_GC_H

#include "controllers/controller.h"

/* The controller's entry in controller_list ("garbagecollector"). */
extern const struct controller_def gc_controller_def;

#endif
