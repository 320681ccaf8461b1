/*
 * printers.h - the server-side table printers: for each kind k8c serves, the
 * cells of its `kubectl get` row, computed exactly as the Kubernetes API
 * server computes them (pkg/printers/internalversion/printers.go, always in
 * its wide form, as the server does). kubectl prints these cells verbatim.
 *
 * Every row function has the k8c_row_fn shape of api/kinds.h: obj is a
 * decoded object of the kind (struct k8c_pod for k8c_pod_row, ...), now_ns
 * the time ages are relative to, and the cells are appended to cells as JSON
 * values separated by commas, one per column of the kind's column list in
 * api/kinds.c, Name included. Nothing is written before the first cell or
 * after the last. Integer columns get JSON numbers, as the real server sends.
 * The functions cannot fail; they only read obj. Thread-safe.
 *
 * Fields that Kubernetes always defaults before an object is stored (service
 * type and port protocols, replicas) are read with their defaults when
 * absent, so a row looks as it would on a real cluster.
 */
#ifndef K8C_API_PRINTERS_H
#define K8C_API_PRINTERS_H

#include "base/strbuf.h"

/* Name, Ready "1/2", Status, Restarts "0" or "3 (2m ago)", Age, IP, Node,
 * Nominated Node, Readiness Gates. */
void k8c_pod_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Type, Cluster-IP, External-IP, Port(s), Age, Selector. */
void k8c_service_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Endpoints "10.0.0.1:80,10.0.0.2:80 + 3 more...", Age. */
void k8c_endpoints_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Status "Ready,SchedulingDisabled", Roles, Age, Version, Internal-IP,
 * External-IP, OS-Image, Kernel-Version, Container-Runtime. */
void k8c_node_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Status (the phase), Age. */
void k8c_namespace_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Last Seen, Type, Reason, Object "pod/web-1", Subobject, Source, Message,
 * First Seen, Count (a number), Name. */
void k8c_event_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Data (number of keys in data and binaryData), Age. */
void k8c_configmap_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Type, Data (number of keys), Age. */
void k8c_secret_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Ready "ready/desired", Up-to-date, Available (numbers), Age,
 * Containers, Images, Selector. */
void k8c_deployment_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Desired, Current, Ready (numbers), Age, Containers, Images, Selector. */
void k8c_replicaset_row(const void *obj, int64_t now_ns, struct strbuf *cells);
/* Name, Holder (spec.holderIdentity), Age. */
void k8c_lease_row(const void *obj, int64_t now_ns, struct strbuf *cells);

#endif
