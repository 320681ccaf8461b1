/*
 * workloads.c - Deployments and their ReplicaSets; see workloads.h.
 */
#include "kubectl/workloads.h"

#include "api/codec.h"
#include "api/selector/labels.h"
#include "api/types.gen.h"
#include "base/timeutil.h"
#include "client/path.h"
#include "client/verbs.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"

int workload_selector(const cJSON *sel, struct strbuf *out)
{
	struct label_selector s = LABEL_SELECTOR_INIT;
	int r = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, kj_get(sel, "matchLabels")) {
		if (r == 0)
			r = label_selector_add_match_label(&s, c->string,
							   cJSON_IsString(c) ? c->valuestring : "",
							   NULL);
	}
	cJSON_ArrayForEach(c, kj_get(sel, "matchExpressions")) {
		const cJSON *values = kj_get(c, "values"), *v;
		size_t n = 0;
		const char **vals = xcalloc((size_t)cJSON_GetArraySize(values) + 1, sizeof(*vals));
		cJSON_ArrayForEach(v, values)
			vals[n++] = cJSON_IsString(v) ? v->valuestring : "";
		if (r == 0)
			r = label_selector_add(&s, kj_str_or(c, "key", ""), kj_str_or(c, "operator", ""),
					       vals, n, NULL);
		free(vals);
	}
	if (r == 0)
		label_selector_format(&s, out);
	label_selector_release(&s);
	return r < 0 ? -EINVAL : 0;
}

/* Removes nulls and empty objects and lists, repeatedly: apimachinery's semantic
 * equality holds absent, nil and empty the same. */
static bool prune(cJSON *v)
{
	bool changed = false;
	for (cJSON *c = v ? v->child : NULL, *next; c; c = next) {
		next = c->next;
		changed |= prune(c);
		bool empty = cJSON_IsNull(c) || ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !c->child);
		if (empty && cJSON_IsObject(v)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(v, c));
			changed = true;
		}
	}
	return changed;
}

/* A template as Semantic.DeepEqual sees it: typed (defaults of the codec applied,
 * unknown fields gone), pod-template-hash removed, emptiness pruned. */
static cJSON *canonical_template(const cJSON *t)
{
	struct k8c_pod_template_spec x = { 0 };
	struct field_errors errs = FIELD_ERRORS_INIT;
	k8c_decode(&k8c_type_pod_template_spec, t, &x, 0, "", &errs);
	k8c_strmap_remove(&x.metadata.labels, "pod-template-hash");
	struct strbuf sb = STRBUF_INIT;
	k8c_encode(&k8c_type_pod_template_spec, &x, &sb);
	cJSON *json = cJSON_ParseWithLength(sb.buf, sb.len);
	while (prune(json))
		;
	k8c_release(&k8c_type_pod_template_spec, &x);
	field_errors_release(&errs);
	strbuf_release(&sb);
	return json;
}

bool workload_templates_equal(const cJSON *a, const cJSON *b)
{
	cJSON *x = canonical_template(a), *y = canonical_template(b);
	bool eq = cJSON_Compare(x, y, true);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return eq;
}

int64_t workload_revision(const cJSON *obj)
{
	const char *r = kj_map_str(obj, "metadata.annotations", "deployment.kubernetes.io/revision");
	return r ? strtoll(r, NULL, 10) : 0;
}

static int cmp_rs(const void *pa, const void *pb)
{
	const struct workload_rs *a = pa, *b = pb;
	if (a->created_ns != b->created_ns)
		return a->created_ns < b->created_ns ? -1 : 1;
	return strcmp(kj_str_or(a->obj, "metadata.name", ""), kj_str_or(b->obj, "metadata.name", ""));
}

static bool controlled_by(const cJSON *rs, const char *uid)
{
	const cJSON *ref;
	cJSON_ArrayForEach(ref, kj_get(rs, "metadata.ownerReferences"))
		if (kj_true(ref, "controller") && !strcmp(kj_str_or(ref, "uid", ""), uid))
			return true;
	return false;
}

int workload_replica_sets(struct kctl *k, const cJSON *d, struct workload_rs_set *out)
{
	memset(out, 0, sizeof(*out));
	struct strbuf sel = STRBUF_INIT, path = STRBUF_INIT;
	workload_selector(kj_get(d, "spec.selector"), &sel);
	kres_path(&path, k8c_kind_lookup("replicasets"), kj_str(d, "metadata.namespace"), NULL, NULL);
	struct k8c_list_options lo = { .label_selector = sel.buf };
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_list(kctl_client(k), path.buf, &lo, &out->list, &e);
	strbuf_release(&sel);
	strbuf_release(&path);
	if (rc < 0) {
		kctl_api_error(k, rc, &e);
		k8c_status_error_release(&e);
		return -1;
	}
	const char *uid = kj_str_or(d, "metadata.uid", "");
	const cJSON *items = kj_get(out->list, "items"), *rs;
	out->v = xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof(*out->v));
	cJSON_ArrayForEach(rs, items) {
		if (!controlled_by(rs, uid))
			continue;
		struct workload_rs *w = &out->v[out->n++];
		w->obj = rs;
		w->revision = workload_revision(rs);
		const char *ts = kj_str(rs, "metadata.creationTimestamp");
		if (ts)
			time_parse_rfc3339(ts, &w->created_ns);
	}
	qsort(out->v, out->n, sizeof(*out->v), cmp_rs);
	for (size_t i = 0; i < out->n && !out->new_rs; i++)
		if (workload_templates_equal(kj_get(out->v[i].obj, "spec.template"),
					     kj_get(d, "spec.template")))
			out->new_rs = &out->v[i];
	k8c_status_error_release(&e);
	return 0;
}

void workload_rs_set_release(struct workload_rs_set *s)
{
	free(s->v);
	cJSON_Delete(s->list);
	memset(s, 0, sizeof(*s));
}
