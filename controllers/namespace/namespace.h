/*
 * namespace.h - the Namespace controller (Kubernetes' namespace controller):
 * a namespace with a deletionTimestamp (phase Terminating, the "kubernetes"
 * finalizer in spec.finalizers) has everything in it deleted (content.h),
 * its status conditions kept up to date (conditions.h), and once nothing is
 * left the "kubernetes" finalizer removed through the namespace's finalize
 * subresource, upon which the API server deletes it. While content remains
 * the namespace is synced again after the graceful deletions' estimate (or
 * with back-off on errors). Namespaces not being deleted cost nothing.
 */
#ifndef K8C_CONTROLLERS_NAMESPACE_NAMESPACE_H
#define K8C_CONTROLLERS_NAMESPACE_NAMESPACE_H

#include "controllers/controller.h"

/* The controller's entry in controller_list ("namespace"). */
extern const struct controller_def namespace_controller_def;

#endif
