/*
 * pod.c - v1 Pods: ValidatePodCreate and ValidatePodUpdate. An update may
 * only change container images, lower activeDeadlineSeconds, add
 * tolerations and remove scheduling gates; anything else in the spec is
 * refused with upstream's message and a short diff of what changed.
 */
#include "api/codec.h"
#include "api/validation/pod_internal.h"
#include "api/validation/validation.h"

/* validatePodMetadataAndSpec (the spec part) plus the projected-token rule for pods. */
static void pod_spec(struct vctx *v, const struct k8c_pod *pod)
{
	const struct k8c_pod_spec *spec = &pod->spec;
	vctx_podv_run(v, spec, true);
	if (!vempty(spec->service_account_name))
		return;
	for (size_t i = 0; i < spec->n_volumes; i++) {
		const struct k8c_projected_volume_source *pr = spec->volumes[i].projected;
		for (size_t j = 0; pr && j < pr->n_sources; j++) {
			if (!pr->sources[j].service_account_token)
				continue;
			size_t m = vctx_child(v, "volumes");
			vctx_index(v, i);
			vctx_child(v, "projected.sources");
			vctx_index(v, j);
			vctx_forbidden(v, "serviceAccountToken",
				       "must not be specified when serviceAccountName is not set");
			vctx_pop(v, m);
		}
	}
}

void k8c_validate_pod(const void *obj, struct field_errors *errs)
{
	const struct k8c_pod *pod = obj;
	struct vctx v;
	vctx_init(&v, errs, "spec");
	pod_spec(&v, pod);
	if (pod->spec.n_ephemeral_containers)
		vctx_forbidden(&v, "ephemeralContainers", "cannot be set on create");
	if (!vempty(pod->spec.node_name) && pod->spec.n_scheduling_gates)
		vctx_forbidden(&v, "nodeName",
			       "cannot be set until all schedulingGates have been cleared");
	vctx_release(&v);
}

/* ValidateContainerUpdates; returns false when the container count changed (stop). */
static bool container_updates(struct vctx *v, const char *child, const struct k8c_container *nc,
			      size_t nn, size_t on)
{
	size_t m = vctx_child(v, child);
	if (nn != on) {
		vctx_forbidden(v, NULL, "pod updates may not add or remove containers");
		vctx_pop(v, m);
		return false;
	}
	for (size_t i = 0; i < nn; i++) {
		size_t mi = vctx_index(v, i);
		if (vempty(nc[i].image))
			vctx_required(v, "image", "");
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
	return true;
}

/* The activeDeadlineSeconds rules; returns false when upstream stops validating. */
static bool deadline_update(struct vctx *v, const struct k8c_pod_spec *ns,
			    const struct k8c_pod_spec *os)
{
	if (ns->has_active_deadline_seconds) {
		int64_t n = ns->active_deadline_seconds;
		if (n < 0 || n > 2147483647LL) {
			vctx_int_range(v, "activeDeadlineSeconds", n, 0, 2147483647LL);
			return false;
		}
		if (os->has_active_deadline_seconds && os->active_deadline_seconds < n) {
			vctx_invalid_int(v, "activeDeadlineSeconds", n,
					 "must be less than or equal to previous value");
			return false;
		}
	} else if (os->has_active_deadline_seconds) {
		vctx_invalid(v, "activeDeadlineSeconds", "null",
			     "must not update from a positive integer to nil value");
	}
	return true;
}

/* True when a and b are the same toleration, tolerationSeconds aside. */
static bool same_toleration(const struct k8c_toleration *a, const struct k8c_toleration *b)
{
	return !strcmp(vstr(a->key), vstr(b->key)) &&
	       !strcmp(vstr(a->operator), vstr(b->operator)) &&
	       !strcmp(vstr(a->value), vstr(b->value)) && !strcmp(vstr(a->effect), vstr(b->effect));
}

/* validateOnlyAddedTolerations. */
static void tolerations_update(struct vctx *v, const struct k8c_pod_spec *ns,
			       const struct k8c_pod_spec *os)
{
	size_t m = vctx_child(v, "tolerations");
	for (size_t i = 0; i < os->n_tolerations; i++) {
		bool found = false;
		for (size_t j = 0; j < ns->n_tolerations && !found; j++)
			found = same_toleration(&os->tolerations[i], &ns->tolerations[j]);
		if (!found) {
			vctx_forbidden(v, NULL, "existing toleration can not be modified except its "
				       "tolerationSeconds");
			vctx_pop(v, m);
			return;
		}
	}
	vctx_tolerations(v, ns->tolerations, ns->n_tolerations);
	vctx_pop(v, m);
}

/* validateOnlyDeletedSchedulingGates. */
static void gates_update(struct vctx *v, const struct k8c_pod_spec *ns,
			 const struct k8c_pod_spec *os)
{
	for (size_t i = 0; i < ns->n_scheduling_gates; i++) {
		const char *name = vstr(ns->scheduling_gates[i].name);
		bool old = false;
		for (size_t j = 0; j < os->n_scheduling_gates && !old; j++)
			old = !strcmp(vstr(os->scheduling_gates[j].name), name);
		if (old)
			continue;
		struct strbuf d = STRBUF_INIT;
		strbuf_addf(&d, "only deletion is allowed, but found new scheduling gate '%s'", name);
		size_t m = vctx_child(v, "schedulingGates");
		vctx_index(v, i);
		vctx_forbidden(v, "name", d.buf);
		vctx_pop(v, m);
		strbuf_release(&d);
	}
}

/* Replaces the list *items (n entries of type t) by a deep copy of src. */
static void list_replace(const struct k8c_type *t, void *items, size_t *n, const void *src,
			 size_t src_n)
{
	char **arr = items;
	for (size_t i = 0; i < *n; i++)
		k8c_release(t, *arr + i * t->size);
	free(*arr);
	*arr = xcalloc(src_n + 1, t->size);
	for (size_t i = 0; i < src_n; i++)
		k8c_copy(t, *arr + i * t->size, (const char *)src + i * t->size);
	*n = src_n;
}

/* Resets in munged (a copy of the new spec) what a pod update may change. */
static void munge(struct k8c_pod_spec *munged, const struct k8c_pod_spec *os)
{
	for (size_t i = 0; i < munged->n_containers; i++) {
		free(munged->containers[i].image);
		munged->containers[i].image = xstrdup(os->containers[i].image);
	}
	for (size_t i = 0; i < munged->n_init_containers; i++) {
		free(munged->init_containers[i].image);
		munged->init_containers[i].image = xstrdup(os->init_containers[i].image);
	}
	munged->has_active_deadline_seconds = os->has_active_deadline_seconds;
	munged->active_deadline_seconds = os->active_deadline_seconds;
	list_replace(&k8c_type_toleration, &munged->tolerations, &munged->n_tolerations,
		     os->tolerations, os->n_tolerations);
	list_replace(&k8c_type_pod_scheduling_gate, &munged->scheduling_gates,
		     &munged->n_scheduling_gates, os->scheduling_gates, os->n_scheduling_gates);
	if (os->has_termination_grace_period_seconds && os->termination_grace_period_seconds < 0 &&
	    munged->has_termination_grace_period_seconds &&
	    munged->termination_grace_period_seconds == 1)
		munged->termination_grace_period_seconds = os->termination_grace_period_seconds;
}

/* Appends "-\tfield: old\n+\tfield: new\n" for each top-level spec field that differs. */
static void spec_diff(const struct k8c_pod_spec *os, const struct k8c_pod_spec *ns,
		      struct strbuf *out)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	k8c_encode(&k8c_type_pod_spec, os, &a);
	k8c_encode(&k8c_type_pod_spec, ns, &b);
	cJSON *ja = cJSON_Parse(a.buf), *jb = cJSON_Parse(b.buf);
	strbuf_addstr(out, "  core.PodSpec{\n");
	for (size_t i = 0; i < k8c_type_pod_spec.n_fields; i++) {
		const char *name = k8c_type_pod_spec.fields[i].json;
		cJSON *x = cJSON_GetObjectItemCaseSensitive(ja, name);
		cJSON *y = cJSON_GetObjectItemCaseSensitive(jb, name);
		if ((!x && !y) || (x && y && cJSON_Compare(x, y, true)))
			continue;
		char *xs = x ? cJSON_PrintUnformatted(x) : NULL, *ys = y ? cJSON_PrintUnformatted(y) : NULL;
		if (xs)
			strbuf_addf(out, "- \t%s: %s,\n", name, xs);
		if (ys)
			strbuf_addf(out, "+ \t%s: %s,\n", name, ys);
		free(xs);
		free(ys);
	}
	strbuf_addstr(out, "  }\n");
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	strbuf_release(&a);
	strbuf_release(&b);
}

/* The final rule: nothing else in the spec may change. */
static void spec_unchanged(struct vctx *v, const struct k8c_pod_spec *ns,
			   const struct k8c_pod_spec *os)
{
	if (k8c_equal(&k8c_type_pod_spec, ns, os))
		return;
	struct k8c_pod_spec munged;
	k8c_copy(&k8c_type_pod_spec, &munged, ns);
	munge(&munged, os);
	if (!k8c_equal(&k8c_type_pod_spec, &munged, os)) {
		struct strbuf d = STRBUF_INIT;
		strbuf_addstr(&d, "pod updates may not change fields other than "
			      "`spec.containers[*].image`,`spec.initContainers[*].image`,"
			      "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
			      "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it "
			      "to be set to 1 if it was previously negative)\n");
		spec_diff(os, &munged, &d);
		vctx_forbidden(v, NULL, d.buf);
		strbuf_release(&d);
	}
	k8c_release(&k8c_type_pod_spec, &munged);
}

void k8c_validate_pod_update(const void *obj, const void *old_obj, struct field_errors *errs)
{
	const struct k8c_pod *pod = obj, *old = old_obj;
	const struct k8c_pod_spec *ns = &pod->spec, *os = &old->spec;
	struct vctx v;
	vctx_init(&v, errs, "spec");
	pod_spec(&v, pod);
	if (container_updates(&v, "containers", ns->containers, ns->n_containers,
			      os->n_containers) &&
	    container_updates(&v, "initContainers", ns->init_containers, ns->n_init_containers,
			      os->n_init_containers) &&
	    deadline_update(&v, ns, os)) {
		tolerations_update(&v, ns, os);
		gates_update(&v, ns, os);
		spec_unchanged(&v, ns, os);
	}
	vctx_release(&v);
}
