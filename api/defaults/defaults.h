/*
 * defaults.h - Kubernetes' defaulting of the served kinds (the SetDefaults_*
 * functions of core/v1 and apps/v1, plus the few field conversions and
 * allocator-side defaults a kube-apiserver applies before storing), so that
 * objects read back as they do from a real API server. Each function takes
 * a decoded object of its kind (as void * to fit the kinds registry hook),
 * fills in what is absent and never overwrites what the client set;
 * applying it twice changes nothing. Quantities are kept as written (no
 * canonicalization), so a re-applied manifest does not differ from what is
 * stored. Pure functions; thread-safe on distinct objects.
 */
#ifndef K8C_API_DEFAULTS_DEFAULTS_H
#define K8C_API_DEFAULTS_DEFAULTS_H

#include "api/types.gen.h"

/* SetDefaults_PodSpec and everything inside a PodSpec (containers, probes, volumes...). */
void k8c_default_pod_spec(struct k8c_pod_spec *spec);

/* v1 Pod: the PodSpec defaults plus SetDefaults_Pod (requests from limits, service links). */
void k8c_default_pod(void *pod);

/* apps/v1: replicas 1; Deployments also strategy, history limit and progress deadline. */
void k8c_default_deployment(void *deployment);
void k8c_default_replica_set(void *replica_set);

/* v1 Service: type, session affinity, ports, traffic policies, IP families. */
void k8c_default_service(void *service);

/* v1 Endpoints (port protocols), Namespace (name label, phase), Secret (type, stringData),
 * Node (allocatable from capacity). */
void k8c_default_endpoints(void *endpoints);
void k8c_default_namespace(void *ns);
void k8c_default_secret(void *secret);
void k8c_default_node(void *node);

#endif
