/*
 * service_alloc.h - the cluster IPs (10.96.0.0/12) and node ports (30000-32767) of
 * services, as Kubernetes' service REST storage allocates them.
 */
#ifndef K8C_APISERVER_SERVICE_ALLOC_H
#define K8C_APISERVER_SERVICE_ALLOC_H

#include "api/field_errors.h"
#include "api/object.h"

struct api_request;

/*
 * Gives svc (a valid service being created or updated through r) the cluster IP and
 * node ports it asks for or needs, unless its type is ExternalName; with
 * ?dryRun=All nothing is reserved. A value already taken, or out of range, or a
 * full range is a field error appended to errs. What is in use is the watch
 * cache's services plus the values this API server handed out in the last 30 s,
 * so two creates never get the same value from one API server (several API
 * servers on one etcd do not coordinate). Thread: any; serialized inside.
 */
void service_alloc(struct api_request *r, struct k8c_service *svc, struct field_errors *errs);

#endif
