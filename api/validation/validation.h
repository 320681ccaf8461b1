/*
 * validation.h - per-kind validation of the served kinds, ports of
 * Kubernetes' ValidateXxx (create) and ValidateXxxUpdate (update) with
 * upstream's field paths and messages. Every function takes a decoded and
 * defaulted object of its kind (the generated struct, as void * so that the
 * functions fit the hooks of api/kinds.h), and for updates the stored object
 * (also defaulted), and appends what is wrong to errs. ObjectMeta rules are
 * not repeated here (the API server checks them for every kind).
 * Pure functions; thread-safe on distinct error lists.
 */
#ifndef K8C_API_VALIDATION_VALIDATION_H
#define K8C_API_VALIDATION_VALIDATION_H

#include "api/field_errors.h"

/* v1 Pod: ValidatePodCreate / ValidatePodUpdate (the spec is immutable but for a few fields). */
void k8c_validate_pod(const void *pod, struct field_errors *errs);
void k8c_validate_pod_update(const void *pod, const void *old, struct field_errors *errs);

/* apps/v1 Deployment and ReplicaSet; updates also keep spec.selector immutable. */
void k8c_validate_deployment(const void *d, struct field_errors *errs);
void k8c_validate_deployment_update(const void *d, const void *old, struct field_errors *errs);
void k8c_validate_replica_set(const void *rs, struct field_errors *errs);
void k8c_validate_replica_set_update(const void *rs, const void *old, struct field_errors *errs);

/* v1 Service; updates keep the cluster IPs. */
void k8c_validate_service(const void *svc, struct field_errors *errs);
void k8c_validate_service_update(const void *svc, const void *old, struct field_errors *errs);

/* v1 Endpoints, Node, Namespace. */
void k8c_validate_endpoints(const void *ep, struct field_errors *errs);
void k8c_validate_node(const void *node, struct field_errors *errs);
void k8c_validate_node_update(const void *node, const void *old, struct field_errors *errs);
void k8c_validate_namespace_object(const void *ns, struct field_errors *errs);

/* v1 ConfigMap and Secret: keys, 1 MiB, immutable ones; Secret types. */
void k8c_validate_config_map(const void *cm, struct field_errors *errs);
void k8c_validate_config_map_update(const void *cm, const void *old, struct field_errors *errs);
void k8c_validate_secret(const void *s, struct field_errors *errs);
void k8c_validate_secret_update(const void *s, const void *old, struct field_errors *errs);

/* v1 Event (the legacy rules core/v1 applies) and coordination.k8s.io/v1 Lease. */
void k8c_validate_event(const void *ev, struct field_errors *errs);
void k8c_validate_lease(const void *lease, struct field_errors *errs);

#endif
