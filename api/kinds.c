/*
 * kinds.c - the registry of served resources and lookups over it; see kinds.h.
 * Per-kind behaviour (rows, defaults, validation) lives in api/printers/ and
 * api/validation/; this file only wires it up.
 */
#include "api/kinds.h"

#include <cjson/cJSON.h>
#include <strings.h>

#include "api/defaults/defaults.h"
#include "api/printers/printers.h"
#include "api/types.gen.h"
#include "api/validation/validation.h"

#define COLUMNS(name) .columns = name##_columns, .n_columns = ARRAY_SIZE(name##_columns)
#define COL(n, t, d) { n, t, "", d, 0 }
#define WIDE(n, t, d) { n, t, "", d, 1 }
#define NAME_COL { "Name", "string", "name", "Name must be unique within a namespace.", 0 }
#define AGE_COL COL("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created.")

static const struct k8c_column pod_columns[] = {
	NAME_COL,
	COL("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
	COL("Status", "string", "The aggregate status of the containers in this pod."),
	COL("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
	AGE_COL,
	WIDE("IP", "string", "IP address allocated to the pod. Routable at least within the cluster."),
	WIDE("Node", "string", "NodeName is a request to schedule this pod onto a specific node."),
	WIDE("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node."),
	WIDE("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness."),
};

static const struct k8c_column deployment_columns[] = {
	NAME_COL,
	COL("Ready", "string", "Number of the pod with ready state"),
	COL("Up-to-date", "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
	COL("Available", "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
	AGE_COL,
	WIDE("Containers", "string", "Names of each container in the template."),
	WIDE("Images", "string", "Images referenced by each container in the template."),
	WIDE("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
};

static const struct k8c_column replicaset_columns[] = {
	NAME_COL,
	COL("Desired", "integer", "Replicas is the number of desired replicas."),
	COL("Current", "integer", "Replicas is the most recently oberved number of replicas."),
	COL("Ready", "integer", "The number of ready replicas for this replica set."),
	AGE_COL,
	WIDE("Containers", "string", "Names of each container in the template."),
	WIDE("Images", "string", "Images referenced by each container in the template."),
	WIDE("Selector", "string", "Selector is a label query over pods that should match the replica count."),
};

static const struct k8c_column service_columns[] = {
	NAME_COL,
	COL("Type", "string", "type determines how the Service is exposed."),
	COL("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
	COL("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
	COL("Port(s)", "string", "The list of ports that are exposed by this service."),
	AGE_COL,
	WIDE("Selector", "string", "Route service traffic to pods with label keys and values matching this selector."),
};

static const struct k8c_column endpoints_columns[] = {
	NAME_COL,
	COL("Endpoints", "string", "Endpoints is the list of endpoints in the service."),
	AGE_COL,
};

static const struct k8c_column node_columns[] = {
	NAME_COL,
	COL("Status", "string", "The status of the node"),
	COL("Roles", "string", "The roles of the node"),
	AGE_COL,
	COL("Version", "string", "Kubelet Version reported by the node."),
	WIDE("Internal-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available."),
	WIDE("External-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available."),
	WIDE("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
	WIDE("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
	WIDE("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
};

static const struct k8c_column namespace_columns[] = {
	NAME_COL,
	COL("Status", "string", "The status of the namespace"),
	AGE_COL,
};

static const struct k8c_column event_columns[] = {
	COL("Last Seen", "string", "Time when last event occurred"),
	COL("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
	COL("Reason", "string", "This should be a short, machine understandable string that gives the reason for this event being generated."),
	COL("Object", "string", "The object that this event is about."),
	WIDE("Subobject", "string", "The subobject that this event is about."),
	WIDE("Source", "string", "The component reporting this event. Should be a short machine understandable string."),
	COL("Message", "string", "A human-readable description of the status of this operation."),
	WIDE("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
	WIDE("Count", "string", "The number of times this event has occurred."),
	{ "Name", "string", "name", "Name must be unique within a namespace.", 1 },
};

static const struct k8c_column configmap_columns[] = {
	NAME_COL,
	COL("Data", "string", "Data contains the configuration data."),
	AGE_COL,
};

static const struct k8c_column secret_columns[] = {
	NAME_COL,
	COL("Type", "string", "Used to facilitate programmatic handling of secret data."),
	COL("Data", "string", "Data contains the secret data."),
	AGE_COL,
};

static const struct k8c_column lease_columns[] = {
	NAME_COL,
	COL("Holder", "string", "The holder of a lease"),
	AGE_COL,
};

#define NS K8C_KIND_NAMESPACED
#define KIND(g, v, gv, k, res, sing) .group = g, .version = v, .group_version = gv, .kind = k, \
	.list_kind = k "List", .resource = res, .singular = sing

const struct k8c_kind k8c_kinds[] = {
	{ KIND("", "v1", "v1", "Pod", "pods", "pod"), .short_names = { "po" },
	  .in_category_all = true, .flags = NS | K8C_KIND_STATUS, .type = &k8c_type_pod,
	  .fields = { "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
		      "spec.serviceAccountName", "status.phase", "status.podIP",
		      "status.nominatedNodeName" },
	  COLUMNS(pod), .row = k8c_pod_row, .defaults = k8c_default_pod,
	  .validate = k8c_validate_pod, .validate_update = k8c_validate_pod_update },
	{ KIND("", "v1", "v1", "Service", "services", "service"), .short_names = { "svc" },
	  .in_category_all = true, .flags = NS | K8C_KIND_STATUS, .type = &k8c_type_service,
	  COLUMNS(service), .row = k8c_service_row, .defaults = k8c_default_service,
	  .validate = k8c_validate_service, .validate_update = k8c_validate_service_update },
	{ KIND("", "v1", "v1", "Endpoints", "endpoints", "endpoints"), .short_names = { "ep" },
	  .flags = NS | K8C_KIND_CREATE_ON_UPDATE, .type = &k8c_type_endpoints,
	  COLUMNS(endpoints), .row = k8c_endpoints_row, .defaults = k8c_default_endpoints,
	  .validate = k8c_validate_endpoints },
	{ KIND("", "v1", "v1", "Node", "nodes", "node"), .short_names = { "no" },
	  .flags = K8C_KIND_STATUS, .type = &k8c_type_node, .fields = { "spec.unschedulable" },
	  COLUMNS(node), .row = k8c_node_row, .defaults = k8c_default_node,
	  .validate = k8c_validate_node, .validate_update = k8c_validate_node_update },
	{ KIND("", "v1", "v1", "Namespace", "namespaces", "namespace"), .short_names = { "ns" },
	  .flags = K8C_KIND_STATUS, .type = &k8c_type_namespace, .fields = { "status.phase" },
	  COLUMNS(namespace), .row = k8c_namespace_row, .defaults = k8c_default_namespace,
	  .validate = k8c_validate_namespace_object },
	{ KIND("", "v1", "v1", "Event", "events", "event"), .short_names = { "ev" },
	  .flags = NS | K8C_KIND_CREATE_ON_UPDATE, .type = &k8c_type_event,
	  .fields = { "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
		      "involvedObject.uid", "involvedObject.apiVersion",
		      "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason" },
	  COLUMNS(event), .row = k8c_event_row, .validate = k8c_validate_event },
	{ KIND("", "v1", "v1", "ConfigMap", "configmaps", "configmap"), .short_names = { "cm" },
	  .flags = NS, .type = &k8c_type_config_map, COLUMNS(configmap),
	  .row = k8c_configmap_row, .validate = k8c_validate_config_map,
	  .validate_update = k8c_validate_config_map_update },
	{ KIND("", "v1", "v1", "Secret", "secrets", "secret"), .flags = NS,
	  .type = &k8c_type_secret, .fields = { "type" }, COLUMNS(secret),
	  .row = k8c_secret_row, .defaults = k8c_default_secret, .validate = k8c_validate_secret,
	  .validate_update = k8c_validate_secret_update },
	{ KIND("apps", "v1", "apps/v1", "Deployment", "deployments", "deployment"),
	  .short_names = { "deploy" }, .in_category_all = true,
	  .flags = NS | K8C_KIND_STATUS | K8C_KIND_SCALE | K8C_KIND_GENERATION,
	  .type = &k8c_type_deployment, COLUMNS(deployment), .row = k8c_deployment_row,
	  .defaults = k8c_default_deployment, .validate = k8c_validate_deployment,
	  .validate_update = k8c_validate_deployment_update },
	{ KIND("apps", "v1", "apps/v1", "ReplicaSet", "replicasets", "replicaset"),
	  .short_names = { "rs" }, .in_category_all = true,
	  .flags = NS | K8C_KIND_STATUS | K8C_KIND_SCALE | K8C_KIND_GENERATION,
	  .type = &k8c_type_replica_set,
	  COLUMNS(replicaset), .row = k8c_replicaset_row, .defaults = k8c_default_replica_set,
	  .validate = k8c_validate_replica_set, .validate_update = k8c_validate_replica_set_update },
	{ KIND("coordination.k8s.io", "v1", "coordination.k8s.io/v1", "Lease", "leases", "lease"),
	  .flags = NS, .type = &k8c_type_lease, COLUMNS(lease), .row = k8c_lease_row,
	  .validate = k8c_validate_lease },
	{ 0 },
};

const struct k8c_kind *k8c_kind_by_resource(const char *group, const char *version,
					    const char *resource)
{
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++)
		if (!strcmp(k->group, group) && !strcmp(k->version, version) &&
		    !strcmp(k->resource, resource))
			return k;
	return NULL;
}

const struct k8c_kind *k8c_kind_by_kind(const char *api_version, const char *kind)
{
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++)
		if (!strcmp(k->group_version, api_version) && !strcmp(k->kind, kind))
			return k;
	return NULL;
}

static bool names_kind(const struct k8c_kind *k, const char *name)
{
	if (!strcmp(k->resource, name) || !strcmp(k->singular, name) ||
	    !strcasecmp(k->kind, name))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(k->short_names) && k->short_names[i]; i++)
		if (!strcmp(k->short_names[i], name))
			return true;
	return false;
}

const struct k8c_kind *k8c_kind_lookup(const char *name)
{
	_cleanup_free_ char *base = xstrdup(name);
	char *dot = strchr(base, '.');
	const char *group = NULL;
	if (dot) { /* "deployments.apps", "leases.coordination.k8s.io" */
		*dot = '\0';
		group = dot + 1;
	}
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++)
		if (names_kind(k, base) && (!group || !strcmp(k->group, group)))
			return k;
	return NULL;
}

const char *k8c_kind_field_value(const struct k8c_kind *k, const cJSON *json, const char *field)
{
	bool known = !strcmp(field, "metadata.name") || !strcmp(field, "metadata.namespace");
	for (size_t i = 0; !known && i < ARRAY_SIZE(k->fields) && k->fields[i]; i++)
		known = !strcmp(k->fields[i], field);
	if (!known)
		return NULL;
	const cJSON *node = json;
	_cleanup_free_ char *path = xstrdup(field);
	char *save = NULL;
	for (char *seg = strtok_r(path, ".", &save); seg && node; seg = strtok_r(NULL, ".", &save))
		node = cJSON_GetObjectItemCaseSensitive(node, seg);
	if (cJSON_IsString(node))
		return node->valuestring;
	if (cJSON_IsBool(node))
		return cJSON_IsTrue(node) ? "true" : "false";
	return "";
}
