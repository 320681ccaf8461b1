/*
 * env.h - a container's environment as Kubernetes builds it: envFrom
 * (configMapRef, secretRef, with prefix) first, then env in order, each
 * value expanded for $(VAR) references to variables defined before it; and
 * valueFrom fieldRef (metadata.*, spec.nodeName, spec.serviceAccountName,
 * status.podIP(s), status.hostIP(s)), resourceFieldRef (limits/requests of
 * cpu and memory), configMapKeyRef and secretKeyRef. Also the $(VAR)
 * expansion of command and args. Thread-safe for different pods.
 */
#ifndef K8C_KUBELET_ENV_H
#define K8C_KUBELET_ENV_H

#include "api/types.gen.h"
#include "base/strbuf.h"
#include "client/rest.h"

/* An environment: "NAME=value" strings, NULL-terminated. */
struct env_list {
	char **items;
	size_t n, alloc;
};

struct env_context {
	struct k8c_client *api; /* reads configMaps and secrets */
	const struct k8c_pod *pod;
	const char *pod_ip;
	const char *host_ip;
	const char *node_name;
};

/*
 * Builds the environment of container c into *ret (empty; release with
 * env_list_release). Returns 0, or a negative errno with Kubernetes'
 * message in why (CreateContainerConfigError): `configmap "x" not found`,
 * `couldn't find key k in ConfigMap ns/x`, the same for secrets.
 */
int env_build(const struct env_context *ctx, const struct k8c_container *c, struct env_list *ret,
	      struct strbuf *why);
void env_list_release(struct env_list *env);

/*
 * Appends s with $(NAME) replaced by NAME's value in env (NULL when only
 * expanding against nothing), "$$" by "$", and references to undefined
 * names kept as written, as Kubernetes' expansion package does.
 */
void env_expand(const struct env_list *env, const char *s, struct strbuf *out);

/* The value of NAME in env (borrowed), or NULL. */
const char *env_get(const struct env_list *env, const char *name);

#endif
