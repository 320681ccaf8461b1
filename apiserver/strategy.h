/*
 * strategy.h - what the API server does to objects of particular kinds beyond
 * defaulting and validation (Kubernetes' "REST strategies"): status reset and
 * initial values on create, system fields kept on update, the generic
 * ObjectMeta checks. Pure functions; thread-safe on distinct objects.
 */
#ifndef K8C_APISERVER_STRATEGY_H
#define K8C_APISERVER_STRATEGY_H

#include "api/field_errors.h"
#include "api/kinds.h"

/* Readies a new object: clears status where clients may not set it, pods start Pending... */
void strategy_prepare_create(const struct k8c_kind *k, void *obj);
/* Readies an update of old to obj (e.g. namespaces keep spec.finalizers). */
void strategy_prepare_update(const struct k8c_kind *k, void *obj, const void *old);
/* Appends what is wrong with obj's metadata (old != NULL on update). */
void strategy_validate_meta(const struct k8c_kind *k, const void *obj, const void *old,
			    struct field_errors *errs);
/* True when obj's deletion can complete now: deletionTimestamp set, no finalizer left. */
bool strategy_deletion_complete(const struct k8c_kind *k, const void *obj);

#endif
