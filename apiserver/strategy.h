/*
 * strategy.h - what the API server does to objects of particular kinds beyond
 * defaulting (Kubernetes' "REST strategies"): status reset and initial values
 * on create, system fields kept on update, which validation a write gets
 * (the generic ObjectMeta checks, then the kind's own), and the cluster IPs
 * and node ports of services. The prepare and meta functions are pure; all
 * are thread-safe on distinct objects.
 */
#ifndef K8C_APISERVER_STRATEGY_H
#define K8C_APISERVER_STRATEGY_H

#include "api/field_errors.h"
#include "api/kinds.h"

struct api_request;

/* Readies a new object: clears status where clients may not set it, pods start Pending... */
void strategy_prepare_create(const struct k8c_kind *k, void *obj);
/* Readies an update of old to obj (e.g. namespaces keep spec.finalizers). */
void strategy_prepare_update(const struct k8c_kind *k, void *obj, const void *old);
/* Appends what is wrong with obj's metadata (old != NULL on update). */
void strategy_validate_meta(const struct k8c_kind *k, const void *obj, const void *old,
			    struct field_errors *errs);
/*
 * Validates a write of obj (old, the stored object, != NULL on update) of
 * r->kind and appends what is wrong to errs: the ObjectMeta rules, then the
 * kind's validate or validate_update hook with old defaulted first (as
 * objects read from storage are). Writes that cannot change the spec --
 * /status, /binding, /finalize, deletion marks -- get only the ObjectMeta
 * rules, as upstream validates them with strategies of their own. When
 * everything is valid, services get their cluster IP and node ports
 * (10.96.0.0/12, 30000-32767); allocation conflicts are field errors too.
 * Thread: any; allocation is serialized inside.
 */
void strategy_validate(struct api_request *r, void *obj, const void *old,
		       struct field_errors *errs);

/* True when obj's deletion can complete now: deletionTimestamp set, no finalizer left. */
bool strategy_deletion_complete(const struct k8c_kind *k, const void *obj);

#endif
