/*
 * hash.c - the pod-template-hash of a Deployment's template (ComputeHash),
 * which names its ReplicaSets ("web-5d8c7b9f4") and labels their pods, so
 * that every template gets its own ReplicaSet and a template seen again
 * (a rollback) finds its old one. Kubernetes hashes Go's printout of the
 * struct; k8c hashes the template's canonical JSON (below), which is as
 * deterministic.
 */
#include "controllers/deployment/deployment_internal.h"

#include <cjson/cJSON.h>

#include "api/codec.h"
#include "api/values.h"

static const char SAFE_ALPHABET[] = "bcdfghjklmnpqrstvwxz2456789";

static uint32_t fnv32a(uint32_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

void dep_safe_encode(const char *s, struct strbuf *out)
{
	for (; *s; s++)
		strbuf_addch(out, SAFE_ALPHABET[(unsigned char)*s % (sizeof(SAFE_ALPHABET) - 1)]);
}

/* Drops members whose value is an empty object, depth first. Returns true if o is empty now. */
static bool prune_empty(cJSON *o)
{
	cJSON *c = o->child;

	while (c) {
		cJSON *next = c->next;
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && prune_empty(c) && cJSON_IsObject(c) &&
		    cJSON_IsObject(o))
			cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
		c = next;
	}
	return !o->child;
}

void dep_template_canonical(const struct k8c_pod_template_spec *t, struct strbuf *out)
{
	struct k8c_pod_template_spec copy;
	struct strbuf json = STRBUF_INIT;

	k8c_copy(&k8c_type_pod_template_spec, &copy, t);
	k8c_strmap_remove(&copy.metadata.labels, DEP_LABEL_HASH);
	k8c_encode(&k8c_type_pod_template_spec, &copy, &json);
	k8c_release(&k8c_type_pod_template_spec, &copy);
	cJSON *tree = cJSON_ParseWithLength(json.buf, json.len);
	if (!tree)
		abort(); /* our own encoder's output */
	prune_empty(tree);
	char *text = cJSON_PrintUnformatted(tree);
	if (!text)
		abort();
	strbuf_addstr(out, text);
	free(text);
	cJSON_Delete(tree);
	strbuf_release(&json);
}

void dep_template_hash(const struct k8c_pod_template_spec *t, const int32_t *collision_count,
		       struct strbuf *out)
{
	struct strbuf json = STRBUF_INIT;
	uint32_t h = 2166136261u;
	char digits[16];

	dep_template_canonical(t, &json);
	h = fnv32a(h, json.buf, json.len);
	if (collision_count) {
		uint32_t c = (uint32_t)*collision_count;
		unsigned char le[8] = { c & 0xff, (c >> 8) & 0xff, (c >> 16) & 0xff, c >> 24 };
		h = fnv32a(h, le, sizeof(le));
	}
	snprintf(digits, sizeof(digits), "%u", h);
	dep_safe_encode(digits, out);
	strbuf_release(&json);
}
