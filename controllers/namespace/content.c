/*
 * content.c - deleting a namespace's content, kind by kind; see content.h.
 */
#include "controllers/namespace/content.h"

#include "api/object.h"
#include "base/log.h"
#include "client/verbs.h"

static void collection_path(const struct k8c_kind *k, const char *ns, struct strbuf *out)
{
	struct k8c_resource_path p = {
		.group = k->group, .version = k->version, .namespace = ns, .resource = k->resource,
	};
	k8c_path_append(out, &p);
}

/* The grace period a remaining pod still has (its deletion's, else its spec's). */
static int64_t pod_grace(const cJSON *pod)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(pod, "status");
	const char *phase = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(status, "phase"));
	if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
		return 0;
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(meta, "deletionGracePeriodSeconds");
	if (!cJSON_IsNumber(g))
		g = cJSON_GetObjectItemCaseSensitive(spec, "terminationGracePeriodSeconds");
	return cJSON_IsNumber(g) ? (int64_t)g->valuedouble : 30;
}

/* Tallies the items of a LIST answer; returns how many there are. */
static long tally_items(const struct k8c_kind *k, const cJSON *list, struct ns_tally *t,
			bool *finalized, int64_t *estimate)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "items");
	const cJSON *item;
	long n = 0;
	cJSON_ArrayForEach(item, items) {
		n++;
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(item, "metadata");
		const cJSON *f;
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(meta, "finalizers")) {
			if (cJSON_IsString(f)) {
				ns_tally_finalizer(t, f->valuestring, 1);
				*finalized = true;
			}
		}
		if (!strcmp(k->resource, "pods") && pod_grace(item) > *estimate)
			*estimate = pod_grace(item);
	}
	return n;
}

/* deleteAllContentForGroupVersionResource. */
static void delete_kind(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
			struct ns_tally *t)
{
	struct strbuf path = STRBUF_INIT;
	collection_path(k, ns, &path);
	cJSON *opts = cJSON_CreateObject();
	cJSON_AddStringToObject(opts, "propagationPolicy", "Background");
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	cJSON *list = NULL;
	int r = k8c_delete(c, path.buf, opts, NULL, &err);
	if (r == 0)
		r = k8c_list(c, path.buf, NULL, &list, &err);
	if (r < 0) {
		ns_tally_failure(t, k->resource, err.message ? err.message : strerror(-r));
		goto out;
	}
	bool finalized = false;
	int64_t estimate = 0;
	long n = tally_items(k, list, t, &finalized, &estimate);
	if (!n)
		goto out;
	ns_tally_remaining(t, k->resource, k->group, n);
	if (!estimate && finalized)
		estimate = NS_FINALIZER_ESTIMATE_S; /* let the garbage collector finish */
	if (estimate > t->estimate_s)
		t->estimate_s = estimate;
	if (!estimate) {
		struct strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "unexpected items still remain in namespace: %s for gvr: %s", ns,
			    k->resource);
		ns_tally_failure(t, k->resource, why.buf);
		strbuf_release(&why);
	}
out:
	cJSON_Delete(list);
	cJSON_Delete(opts);
	k8c_status_error_release(&err);
	strbuf_release(&path);
}

void ns_delete_content(struct k8c_client *c, const char *ns, struct ns_tally *t)
{
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++)
		if (k->flags & K8C_KIND_NAMESPACED)
			delete_kind(c, k, ns, t);
}
