/*
 * rollout_history.c - `k8c rollout history|undo` for Deployments, from the
 * ReplicaSets they control and their deployment.kubernetes.io/revision annotations,
 * as kubectl 1.20's DeploymentHistoryViewer and DeploymentRollbacker: history lists
 * the revisions with their change-cause (or one revision's pod template); undo
 * replaces the Deployment's template and annotations with those of the previous (or
 * --to-revision) ReplicaSet through a JSON patch.
 */
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/describe.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/rollout.h"

#define CHANGE_CAUSE "kubernetes.io/change-cause"

static int cmp_rev(const void *a, const void *b)
{
	int64_t x = ((const struct workload_rs *)a)->revision;
	int64_t y = ((const struct workload_rs *)b)->revision;
	return x < y ? -1 : x > y;
}

/* The ReplicaSet of each revision (the later one wins a duplicate), sorted by revision. */
static size_t revisions(struct workload_rs_set *set)
{
	qsort(set->v, set->n, sizeof(*set->v), cmp_rev);
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++) {
		if (n && set->v[n - 1].revision == set->v[i].revision)
			n--;
		set->v[n++] = set->v[i];
	}
	set->new_rs = NULL;
	return n;
}

/* One revision's pod template, with the ReplicaSet's change-cause among its annotations
 * as kubectl shows it. */
static void print_revision(struct dwriter *w, const cJSON *rs)
{
	cJSON *t = cJSON_Duplicate(kj_get(rs, "spec.template"), true);
	const char *cause = kj_map_str(rs, "metadata.annotations", CHANGE_CAUSE);
	if (cause && *cause)
		kj_set(kj_ensure(t, "metadata.annotations"), CHANGE_CAUSE, cJSON_CreateString(cause));
	dw_pod_template(w, t);
	cJSON_Delete(t);
}

static void history_text(struct kctl *k, struct workload_rs_set *set, int64_t revision,
			 struct strbuf *out, struct kerrors *errs)
{
	size_t n = revisions(set);
	if (!n) {
		strbuf_addstr(out, "No rollout history found.");
		return;
	}
	struct dwriter w;
	dw_init(&w, k);
	if (revision > 0) {
		w.raw = true;
		size_t i = 0;
		while (i < n && set->v[i].revision != revision)
			i++;
		if (i == n)
			kerrors_addf(errs, "unable to find the specified revision");
		else
			print_revision(&w, set->v[i].obj);
	} else {
		dw_printf(&w, 0, "REVISION\tCHANGE-CAUSE\n");
		for (size_t i = 0; i < n; i++) {
			const char *cause = kj_map_str(set->v[i].obj, "metadata.annotations", CHANGE_CAUSE);
			dw_printf(&w, 0, "%lld\t%s\n", (long long)set->v[i].revision,
				  cause && *cause ? cause : "<none>");
		}
		dw_flush(&w);
	}
	strbuf_add(out, w.out.buf, w.out.len);
	dw_release(&w);
}

static void history_one(struct kctl *k, struct kobj *ob, int64_t revision, struct kerrors *errs)
{
	struct workload_rs_set set;
	if (kobj_fetch(k, ob, errs) < 0 || workload_replica_sets(k, ob->obj, &set) < 0)
		return;
	struct strbuf text = STRBUF_INIT, line = STRBUF_INIT;
	size_t before = errs->n;
	history_text(k, &set, revision, &text, errs);
	if (errs->n == before) {
		kres_ref(&line, ob->kind, ob->name);
		if (revision > 0)
			strbuf_addf(&line, " with revision #%lld", (long long)revision);
		else
			strbuf_addch(&line, ' ');
		strbuf_addf(&line, "\n%s\n", text.buf);
		kctl_write(k, &line);
	}
	strbuf_release(&text);
	strbuf_release(&line);
	workload_rs_set_release(&set);
}

int cmd_rollout_history(struct kctl *k, int argc, char **argv)
{
	int64_t revision = 0;
	const struct kflag flags[] = {
		{ "revision", 0, KFLAG_INT, &revision, NULL, "Show the pod template of a revision" },
		{ 0 },
	};
	struct kobjs objs = { 0 };
	struct kerrors errs = KERRORS_INIT;
	int r = rollout_select(k, "history", argc, argv, flags, &objs, &errs);
	for (size_t i = 0; r == 0 && i < objs.n; i++)
		history_one(k, &objs.v[i], revision, &errs);
	kobjs_release(&objs);
	return kerrors_finish(k, &errs) || r != 0;
}

/* kubectl's deploymentRevision: the ReplicaSet of to (0: the one before the latest). */
static const cJSON *target_rs(const struct workload_rs_set *set, int64_t to, const char *name,
			      struct kerrors *errs)
{
	const struct workload_rs *latest = NULL, *previous = NULL;
	for (size_t i = 0; i < set->n; i++) {
		const struct workload_rs *rs = &set->v[i];
		if (to > 0 && rs->revision == to)
			return rs->obj;
		if (to == 0 && (!latest || latest->revision < rs->revision)) {
			previous = latest;
			latest = rs;
		} else if (to == 0 && (!previous || previous->revision < rs->revision)) {
			previous = rs;
		}
	}
	if (to > 0)
		kerrors_addf(errs, "unable to find specified revision %lld in history", (long long)to);
	else if (!previous)
		kerrors_addf(errs, "no rollout history found for deployment \"%s\"", name);
	return to > 0 ? NULL : previous ? previous->obj : NULL;
}

static bool skipped_annotation(const char *key)
{
	static const char *const skip[] = {
		"kubectl.kubernetes.io/last-applied-configuration",
		"deployment.kubernetes.io/revision",
		"deployment.kubernetes.io/revision-history",
		"deployment.kubernetes.io/desired-replicas",
		"deployment.kubernetes.io/max-replicas",
		"deprecated.deployment.rollback.to",
	};
	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (!strcmp(key, skip[i]))
			return true;
	return false;
}

/* What Go's json.Marshal of a typed PodTemplateSpec always writes (kubectl sends the
 * template so): a null creationTimestamp and every container's "resources". */
static void go_template_fields(cJSON *tmpl)
{
	static const char *const lists[] = { "spec.initContainers", "spec.containers" };
	cJSON *meta = kj_ensure(tmpl, "metadata");
	if (!cJSON_GetObjectItemCaseSensitive(meta, "creationTimestamp"))
		cJSON_AddNullToObject(meta, "creationTimestamp");
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		cJSON *c;
		cJSON_ArrayForEach(c, kj_get(tmpl, lists[i]))
			if (!cJSON_GetObjectItemCaseSensitive(c, "resources"))
				cJSON_AddObjectToObject(c, "resources");
	}
}

/* The JSON patch of kubectl's getDeploymentPatch: template and annotations replaced. */
static cJSON *undo_patch(const cJSON *d, const cJSON *rs)
{
	cJSON *tmpl = cJSON_Duplicate(kj_get(rs, "spec.template"), true);
	kj_remove(tmpl, "metadata.labels.pod-template-hash");
	go_template_fields(tmpl);
	cJSON *ann = cJSON_CreateObject();
	const cJSON *a;
	cJSON_ArrayForEach(a, kj_get(d, "metadata.annotations"))
		if (skipped_annotation(a->string))
			cJSON_AddItemToObject(ann, a->string, cJSON_Duplicate(a, true));
	cJSON_ArrayForEach(a, kj_get(rs, "metadata.annotations"))
		if (!skipped_annotation(a->string))
			kj_set(ann, a->string, cJSON_Duplicate(a, true));
	cJSON *patch = cJSON_CreateArray(), *op1 = cJSON_CreateObject(), *op2 = cJSON_CreateObject();
	cJSON_AddStringToObject(op1, "op", "replace");
	cJSON_AddStringToObject(op1, "path", "/spec/template");
	cJSON_AddItemToObject(op1, "value", tmpl);
	cJSON_AddStringToObject(op2, "op", "replace");
	cJSON_AddStringToObject(op2, "path", "/metadata/annotations");
	cJSON_AddItemToObject(op2, "value", ann);
	cJSON_AddItemToArray(patch, op1);
	cJSON_AddItemToArray(patch, op2);
	return patch;
}

static void undo_one(struct kctl *k, struct kobj *ob, int64_t to, struct kerrors *errs)
{
	struct workload_rs_set set;
	if (kobj_fetch(k, ob, errs) < 0 || workload_replica_sets(k, ob->obj, &set) < 0)
		return;
	const cJSON *rs = target_rs(&set, to, ob->name, errs);
	struct strbuf msg = STRBUF_INIT;
	if (rs && kj_true(ob->obj, "spec.paused")) {
		kerrors_addf(errs, "you cannot rollback a paused deployment; resume it first with "
				   "'k8c rollout resume deployment/%s' and try again", ob->name);
	} else if (rs && workload_templates_equal(kj_get(rs, "spec.template"),
						  kj_get(ob->obj, "spec.template"))) {
		strbuf_addf(&msg, "skipped rollback (current template already matches revision %lld)",
			    (long long)to);
		kprint_op(k, NULL, ob->kind, ob->name, NULL, msg.buf);
	} else if (rs) {
		cJSON *patch = undo_patch(ob->obj, rs);
		struct strbuf path = STRBUF_INIT;
		kobj_path(ob, NULL, &path);
		struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
		int rc = kpatch(k, path.buf, K8C_PATCH_JSON, patch, NULL, &e);
		if (rc < 0)
			kerrors_addf(errs, "failed restoring revision %lld: %s", (long long)to,
				     e.message ? e.message : "");
		else
			kprint_op(k, NULL, ob->kind, ob->name, NULL, "rolled back");
		k8c_status_error_release(&e);
		strbuf_release(&path);
		cJSON_Delete(patch);
	}
	strbuf_release(&msg);
	workload_rs_set_release(&set);
}

int cmd_rollout_undo(struct kctl *k, int argc, char **argv)
{
	int64_t to = 0;
	const struct kflag flags[] = {
		{ "to-revision", 0, KFLAG_INT, &to, NULL, "The revision to go back to (0: previous)" },
		{ 0 },
	};
	struct kobjs objs = { 0 };
	struct kerrors errs = KERRORS_INIT;
	int r = rollout_select(k, "undo", argc, argv, flags, &objs, &errs);
	if (r == 0 && to < 0) {
		kerrors_addf(&errs, "unable to find specified revision %lld in history", (long long)to);
		r = -1;
	}
	for (size_t i = 0; r == 0 && i < objs.n; i++)
		undo_one(k, &objs.v[i], to, &errs);
	kobjs_release(&objs);
	return kerrors_finish(k, &errs) || r != 0;
}
