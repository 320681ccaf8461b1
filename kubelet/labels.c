/*
 * labels.c - the labels and names of the kubelet's containers; see labels.h.
 */
#include "kubelet/labels.h"

static void add(struct container_labels *out, const char *key, const char *value)
{
	if (value && out->n < CONTAINER_LABELS_MAX)
		out->kv[out->n++] = (struct docker_kv){ key, value };
}

void labels_for(const struct container_identity *id, struct container_labels *out)
{
	out->n = 0;
	snprintf(out->attempt, sizeof(out->attempt), "%d", id->attempt);
	snprintf(out->hash, sizeof(out->hash), "%08x", id->hash);
	snprintf(out->grace, sizeof(out->grace), "%lld", (long long)id->grace_seconds);
	add(out, LABEL_NODE, id->node);
	add(out, LABEL_POD_UID, id->pod_uid);
	add(out, LABEL_POD_NAMESPACE, id->pod_namespace);
	add(out, LABEL_POD_NAME, id->pod_name);
	add(out, LABEL_CONTAINER, id->container);
	add(out, LABEL_KIND, id->kind);
	add(out, LABEL_ATTEMPT, out->attempt);
	add(out, LABEL_GRACE, out->grace);
	if (id->hash)
		add(out, LABEL_HASH, out->hash);
	add(out, LABEL_SANDBOX, id->sandbox_id);
}

void labels_container_name(const struct container_identity *id, struct strbuf *out)
{
	strbuf_addf(out, "k8c_%s_%s_%s_%s_%d", id->container, id->pod_name, id->pod_namespace,
		    id->pod_uid, id->attempt);
}

int labels_attempt(const struct docker_labels *l)
{
	const char *v = docker_labels_get(l, LABEL_ATTEMPT);
	char *end;
	if (!v || !*v)
		return -1;
	long n = strtol(v, &end, 10);
	return *end || n < 0 || n > 1000000000 ? -1 : (int)n;
}

uint32_t labels_hash(const struct docker_labels *l)
{
	const char *v = docker_labels_get(l, LABEL_HASH);
	return v ? (uint32_t)strtoul(v, NULL, 16) : 0;
}
