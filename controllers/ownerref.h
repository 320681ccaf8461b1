/*
 * ownerref.h - controller ownerReferences (metav1.GetControllerOf,
 * NewControllerRef) and the adopt/release patches of Kubernetes'
 * ControllerRefManager. Pure functions; thread-safe.
 */
#ifndef K8C_CONTROLLERS_OWNERREF_H
#define K8C_CONTROLLERS_OWNERREF_H

#include "api/kinds.h"
#include "api/types.gen.h"
#include "base/strbuf.h"

/* The ownerReference of m with controller=true, or NULL. */
const struct k8c_owner_reference *ownerref_controller(const struct k8c_object_meta *m);

/* True when m's controller reference has uid. */
bool ownerref_is_controlled_by(const struct k8c_object_meta *m, const char *uid);

/*
 * Appends to m a controller reference to owner (kind k): apiVersion, kind,
 * name, uid, controller=true, blockOwnerDeletion=true.
 */
void ownerref_add_controller(struct k8c_object_meta *m, const struct k8c_kind *k,
			     const struct k8c_object_meta *owner);

/*
 * Appends the strategic merge patch that makes the object with uid
 * child_uid controlled by owner (kind k): {"metadata":{"ownerReferences":
 * [<controller ref>],"uid":"<child uid>"}} (the uid makes the patch fail on
 * a re-created object of the same name).
 */
void ownerref_adopt_patch(struct strbuf *out, const struct k8c_kind *k,
			  const struct k8c_object_meta *owner, const char *child_uid);

/* Appends the patch that removes the reference to owner_uid from child_uid's object. */
void ownerref_release_patch(struct strbuf *out, const char *owner_uid, const char *child_uid);

#endif
