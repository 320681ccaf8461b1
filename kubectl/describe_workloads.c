/*
 * describe_workloads.c - `k8c describe deployment|replicaset`: kubectl 1.20's
 * describeDeployment (replica counts, strategy, pod template, conditions, the old and
 * new ReplicaSets it controls) and describeReplicaSet (controller, replica counts,
 * pod phases of the pods it controls).
 */
#include "api/codec.h"
#include "api/selector/labels.h"
#include "api/types.gen.h"
#include "kubectl/describe.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/workloads.h"

static void conditions(struct dwriter *w, const cJSON *obj)
{
	const cJSON *list = kj_get(obj, "status.conditions"), *c;
	if (!cJSON_GetArraySize(list))
		return;
	dw_printf(w, 0, "Conditions:\n  Type\tStatus\tReason\n");
	dw_printf(w, 1, "----\t------\t------\n");
	cJSON_ArrayForEach(c, list)
		dw_printf(w, 1, "%s \t%s\t%s\n", kj_str_or(c, "type", ""), kj_str_or(c, "status", ""),
			  kj_str_or(c, "reason", ""));
}

static void intstr_text(const cJSON *v, struct strbuf *out)
{
	if (cJSON_IsNumber(v))
		strbuf_addi64(out, (int64_t)v->valuedouble);
	else if (cJSON_IsString(v))
		strbuf_addstr(out, v->valuestring);
	else
		strbuf_addstr(out, "0");
}

/* "web-5d4f8b (2/2 replicas created), ..." or "<none>". */
static void rs_list(const struct workload_rs *v, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addf(out, "%s%s (%lld/%lld replicas created)", i ? ", " : "",
			    kj_str_or(v[i].obj, "metadata.name", ""),
			    (long long)kj_int(v[i].obj, "status.replicas", 0),
			    (long long)kj_int(v[i].obj, "spec.replicas", 1));
	if (!out->len)
		strbuf_addstr(out, "<none>");
}

static void replica_sets(struct dwriter *w, const cJSON *d)
{
	struct workload_rs_set set;
	if (workload_replica_sets(w->k, d, &set) < 0)
		return;
	struct strbuf old = STRBUF_INIT, cur = STRBUF_INIT;
	struct workload_rs *active = xcalloc(set.n + 1, sizeof(*active));
	size_t n = 0;
	for (size_t i = 0; i < set.n; i++)
		if (&set.v[i] != set.new_rs && kj_int(set.v[i].obj, "spec.replicas", 1) != 0)
			active[n++] = set.v[i];
	rs_list(active, n, &old);
	rs_list(set.new_rs, set.new_rs ? 1 : 0, &cur);
	dw_printf(w, 0, "OldReplicaSets:\t%s\n", old.buf);
	dw_printf(w, 0, "NewReplicaSet:\t%s\n", cur.buf);
	free(active);
	strbuf_release(&old);
	strbuf_release(&cur);
	workload_rs_set_release(&set);
}

void describe_deployment(struct dwriter *w, const cJSON *d)
{
	struct strbuf t = STRBUF_INIT, sel = STRBUF_INIT;
	dw_time(&t, kj_str(d, "metadata.creationTimestamp"));
	workload_selector(kj_get(d, "spec.selector"), &sel);
	dw_printf(w, 0, "Name:\t%s\n", kj_str_or(d, "metadata.name", ""));
	dw_printf(w, 0, "Namespace:\t%s\n", kj_str_or(d, "metadata.namespace", ""));
	dw_printf(w, 0, "CreationTimestamp:\t%s\n", t.buf);
	dw_labels(w, "Labels", kj_get(d, "metadata.labels"));
	dw_annotations(w, "Annotations", kj_get(d, "metadata.annotations"));
	dw_printf(w, 0, "Selector:\t%s\n", sel.buf);
	const cJSON *st = kj_get(d, "status");
	dw_printf(w, 0,
		  "Replicas:\t%lld desired | %lld updated | %lld total | %lld available | %lld "
		  "unavailable\n",
		  (long long)kj_int(d, "spec.replicas", 1), (long long)kj_int(st, "updatedReplicas", 0),
		  (long long)kj_int(st, "replicas", 0), (long long)kj_int(st, "availableReplicas", 0),
		  (long long)kj_int(st, "unavailableReplicas", 0));
	dw_printf(w, 0, "StrategyType:\t%s\n", kj_str_or(d, "spec.strategy.type", ""));
	dw_printf(w, 0, "MinReadySeconds:\t%lld\n", (long long)kj_int(d, "spec.minReadySeconds", 0));
	const cJSON *ru = kj_get(d, "spec.strategy.rollingUpdate");
	if (ru) {
		struct strbuf mu = STRBUF_INIT, ms = STRBUF_INIT;
		intstr_text(kj_get(ru, "maxUnavailable"), &mu);
		intstr_text(kj_get(ru, "maxSurge"), &ms);
		dw_printf(w, 0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", mu.buf,
			  ms.buf);
		strbuf_release(&mu);
		strbuf_release(&ms);
	}
	dw_pod_template(w, kj_get(d, "spec.template"));
	conditions(w, d);
	replica_sets(w, d);
	dw_events(w, d, "Deployment", NULL, NULL);
	strbuf_release(&t);
	strbuf_release(&sel);
}

/* Counts the pods the ReplicaSet controls by phase (getPodStatusForController). */
static int pod_phases(struct dwriter *w, const cJSON *rs, int counts[4])
{
	struct strbuf sel = STRBUF_INIT, path = STRBUF_INIT;
	if (workload_selector(kj_get(rs, "spec.selector"), &sel) < 0) {
		strbuf_release(&sel);
		return -1;
	}
	kres_path(&path, k8c_kind_lookup("pods"), kj_str(rs, "metadata.namespace"), NULL, NULL);
	cJSON *pods = dw_list(w, path.buf, sel.buf, NULL);
	const char *uid = kj_str_or(rs, "metadata.uid", ""), *phases[] = { "Running", "Pending",
									     "Succeeded", "Failed" };
	const cJSON *p;
	cJSON_ArrayForEach(p, kj_get(pods, "items")) {
		const cJSON *ctl = dw_controller(p);
		if (!ctl || strcmp(kj_str_or(ctl, "uid", ""), uid))
			continue;
		for (int i = 0; i < 4; i++)
			counts[i] += !strcmp(kj_str_or(p, "status.phase", ""), phases[i]);
	}
	int r = pods ? 0 : -1;
	cJSON_Delete(pods);
	strbuf_release(&sel);
	strbuf_release(&path);
	return r;
}

void describe_replicaset(struct dwriter *w, const cJSON *rs)
{
	struct strbuf sel = STRBUF_INIT;
	workload_selector(kj_get(rs, "spec.selector"), &sel);
	dw_printf(w, 0, "Name:\t%s\n", kj_str_or(rs, "metadata.name", ""));
	dw_printf(w, 0, "Namespace:\t%s\n", kj_str_or(rs, "metadata.namespace", ""));
	dw_printf(w, 0, "Selector:\t%s\n", sel.buf);
	dw_labels(w, "Labels", kj_get(rs, "metadata.labels"));
	dw_annotations(w, "Annotations", kj_get(rs, "metadata.annotations"));
	const cJSON *ctl = dw_controller(rs);
	if (ctl)
		dw_printf(w, 0, "Controlled By:\t%s/%s\n", kj_str_or(ctl, "kind", ""),
			  kj_str_or(ctl, "name", ""));
	dw_printf(w, 0, "Replicas:\t%lld current / %lld desired\n",
		  (long long)kj_int(rs, "status.replicas", 0), (long long)kj_int(rs, "spec.replicas", 1));
	int counts[4] = { 0 };
	if (pod_phases(w, rs, counts) < 0)
		dw_printf(w, 0, "Pods Status:\terror in fetching pods\n");
	else
		dw_printf(w, 0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n",
			  counts[0], counts[1], counts[2], counts[3]);
	dw_pod_template(w, kj_get(rs, "spec.template"));
	conditions(w, rs);
	dw_events(w, rs, "ReplicaSet", NULL, NULL);
	strbuf_release(&sel);
}
