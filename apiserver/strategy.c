/*
 * strategy.c - per-kind create/update preparation and the generic metadata
 * checks; see strategy.h.
 */
#include "apiserver/strategy.h"

#include "api/object.h"
#include "api/validation/field_err.h"
#include "api/validation/object_meta.h"

static bool is(const struct k8c_kind *k, const char *resource)
{
	return !strcmp(k->resource, resource);
}

static const char *pod_qos_class(const struct k8c_pod *p)
{
	bool any = false, guaranteed = true;
	for (size_t i = 0; i < p->spec.n_containers; i++) {
		const struct k8c_resource_requirements *rr = p->spec.containers[i].resources;
		if (!rr || (!rr->requests.n && !rr->limits.n)) {
			guaranteed = false;
			continue;
		}
		any = true;
		static const char *names[] = { "cpu", "memory" };
		for (size_t j = 0; j < ARRAY_SIZE(names); j++) {
			const char *lim = k8c_strmap_get(&rr->limits, names[j]);
			const char *req = k8c_strmap_get(&rr->requests, names[j]);
			if (!lim || (req && strcmp(req, lim)))
				guaranteed = false;
		}
	}
	return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

void strategy_prepare_create(const struct k8c_kind *k, void *obj)
{
	if ((k->flags & K8C_KIND_STATUS) && !is(k, "nodes"))
		k8c_object_field_clear(k, obj, "status");
	if (is(k, "pods")) {
		struct k8c_pod *p = obj;
		p->status.phase = xstrdup("Pending");
		p->status.qos_class = xstrdup(pod_qos_class(p));
	} else if (is(k, "namespaces")) {
		struct k8c_namespace *ns = obj;
		ns->status.phase = xstrdup("Active");
		if (!ns->spec.n_finalizers) {
			ns->spec.finalizers = xcalloc(1, sizeof(char *));
			ns->spec.finalizers[0] = xstrdup("kubernetes");
			ns->spec.n_finalizers = 1;
		}
	}
}

void strategy_prepare_update(const struct k8c_kind *k, void *obj, const void *old)
{
	if (is(k, "namespaces")) /* spec.finalizers change only through /finalize */
		k8c_object_field_copy(k, obj, old, "spec");
	if (is(k, "pods")) { /* the QoS class is set once */
		struct k8c_pod *p = obj;
		const struct k8c_pod *o = old;
		free(p->status.qos_class);
		p->status.qos_class = xstrdup(o->status.qos_class);
	}
}

void strategy_validate_meta(const struct k8c_kind *k, const void *obj, const void *old,
			    struct field_errors *errs)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
	enum k8c_name_rule rule = k8c_name_rule_for_kind(k->kind);
	if (!old) {
		k8c_validate_object_name(rule, m->name, "metadata.name", errs);
		k8c_validate_generate_name(rule, m->generate_name, "metadata.generateName", errs);
	}
	k8c_validate_namespace(m->namespace, k->flags & K8C_KIND_NAMESPACED, "metadata.namespace",
			       errs);
	const struct k8c_object_meta *o = old ? &((const struct k8c_object *)old)->metadata : NULL;
	if (o && !streq_null(m->uid, o->uid)) /* clients name the uid to guard a write */
		field_err_invalid(errs, "metadata.uid", m->uid ? m->uid : "", "field is immutable");
	k8c_validate_labels(&m->labels, "metadata.labels", errs);
	k8c_validate_annotations(&m->annotations, "metadata.annotations", errs);
	if (m->has_deletion_grace_period_seconds)
		k8c_validate_nonnegative(m->deletion_grace_period_seconds,
					 "metadata.deletionGracePeriodSeconds", errs);
}

bool strategy_deletion_complete(const struct k8c_kind *k, const void *obj)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
	if (!m->deletion_timestamp || m->n_finalizers)
		return false;
	if (is(k, "namespaces"))
		return ((const struct k8c_namespace *)obj)->spec.n_finalizers == 0;
	if (is(k, "pods")) /* a graceful pod deletion ends with the kubelet's grace-0 delete */
		return m->has_deletion_grace_period_seconds && m->deletion_grace_period_seconds == 0;
	return true;
}
