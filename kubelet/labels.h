/*
 * labels.h - how the kubelet marks the Docker containers it owns: the
 * labels every one of them carries (node, pod uid/namespace/name, container
 * name, kind, attempt...) and their names, "k8c_<container>_<pod>_<ns>_<uid>_<attempt>"
 * ("POD" for the sandbox), like dockershim's "k8s_..." names. A container
 * without LABEL_NODE set to this node's name is never touched.
 * Pure functions; thread-safe.
 */
#ifndef K8C_KUBELET_LABELS_H
#define K8C_KUBELET_LABELS_H

#include "base/strbuf.h"
#include "kubelet/docker/values.h"

#define LABEL_NODE	     "io.k8c.node"
#define LABEL_POD_UID	     "io.k8c.pod.uid"
#define LABEL_POD_NAMESPACE  "io.k8c.pod.namespace"
#define LABEL_POD_NAME	     "io.k8c.pod.name"
#define LABEL_CONTAINER	     "io.k8c.container.name"
#define LABEL_KIND	     "io.k8c.container.kind"   /* KIND_SANDBOX, KIND_INIT, KIND_APP */
#define LABEL_ATTEMPT	     "io.k8c.container.attempt" /* 0, 1, ...: the restart count */
#define LABEL_HASH	     "io.k8c.container.hash"	/* of the container's spec */
#define LABEL_SANDBOX	     "io.k8c.sandbox.id"	/* app/init: the sandbox it joined */
#define LABEL_GRACE	     "io.k8c.pod.termination-grace-period"

#define KIND_SANDBOX "sandbox"
#define KIND_INIT    "init"
#define KIND_APP     "app"

#define SANDBOX_CONTAINER_NAME "POD"

/* What a container of a pod is, for its labels and name. Borrowed strings. */
struct container_identity {
	const char *node;
	const char *pod_uid;
	const char *pod_namespace;
	const char *pod_name;
	const char *container; /* SANDBOX_CONTAINER_NAME for the sandbox */
	const char *kind;      /* KIND_* */
	int attempt;
	uint32_t hash;		/* 0 for the sandbox */
	const char *sandbox_id; /* NULL for the sandbox */
	int64_t grace_seconds;
};

/* The labels of id, pointing into storage (owned by the caller). */
#define CONTAINER_LABELS_MAX 10
struct container_labels {
	struct docker_kv kv[CONTAINER_LABELS_MAX];
	size_t n;
	char attempt[16];
	char hash[16];
	char grace[24];
};

/* Fills out with the labels of id (strings borrowed from id and out). */
void labels_for(const struct container_identity *id, struct container_labels *out);
/* Appends the Docker name of id to out. */
void labels_container_name(const struct container_identity *id, struct strbuf *out);
/* The attempt label of l as a number (-1 when absent or malformed). */
int labels_attempt(const struct docker_labels *l);
/* The hash label of l (0 when absent). */
uint32_t labels_hash(const struct docker_labels *l);

#endif
