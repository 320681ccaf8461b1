/*
 * scheduling.c - the scheduling constraints of a PodSpec: tolerations
 * (ValidateTolerations), node and pod (anti-)affinity (validateAffinity),
 * topology spread constraints, and metav1 label selectors
 * (ValidateLabelSelector) which workloads use too.
 */
#include "api/selector/labels.h"
#include "api/validation/object_meta.h"
#include "api/validation/pod_internal.h"

static const char *const taint_effects[] = { "NoSchedule", "PreferNoSchedule", "NoExecute" };

void vctx_label_selector(struct vctx *v, const char *child, const struct k8c_label_selector *sel)
{
	if (!sel)
		return;
	size_t m = vctx_child(v, child);
	size_t ml = vctx_child(v, "matchLabels");
	k8c_validate_labels(&sel->match_labels, v->path.buf, v->errs);
	vctx_pop(v, ml);
	ml = vctx_child(v, "matchExpressions");
	for (size_t i = 0; i < sel->n_match_expressions; i++) {
		const struct k8c_label_selector_requirement *r = &sel->match_expressions[i];
		size_t mi = vctx_index(v, i);
		label_selector_validate_requirement(r->key, r->operator,
						    (const char *const *)r->values, r->n_values,
						    v->path.buf, v->errs);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

void vctx_taint_effect(struct vctx *v, const char *child, const char *effect, bool allow_empty)
{
	if (!allow_empty && vempty(effect))
		vctx_required(v, child, "");
	else if (!vctx_one_of(effect, taint_effects, ARRAY_SIZE(taint_effects)))
		vctx_not_supported(v, child, effect, taint_effects, ARRAY_SIZE(taint_effects));
}

/* The operator and value of one toleration (errors at <path>.operator, as upstream). */
static void toleration_operator(struct vctx *v, const struct k8c_toleration *t)
{
	static const char *const ops[] = { "Equal", "Exists" };
	struct k8c_name_msgs msgs;
	if (vempty(t->operator) || vis(t->operator, "Equal")) {
		if (k8c_is_label_value(vstr(t->value), &msgs))
			return;
		struct strbuf joined = STRBUF_INIT;
		for (size_t i = 0; i < msgs.n; i++)
			strbuf_addf(&joined, "%s%s", i ? ";" : "", msgs.msg[i]);
		vctx_invalid(v, "operator", t->value, joined.buf);
		strbuf_release(&joined);
	} else if (vis(t->operator, "Exists")) {
		if (!vempty(t->value))
			vctx_invalid(v, "operator", t->value,
				     "value must be empty when `operator` is 'Exists'");
	} else {
		vctx_not_supported(v, "operator", t->operator, ops, ARRAY_SIZE(ops));
	}
}

void vctx_tolerations(struct vctx *v, const struct k8c_toleration *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t m = vctx_index(v, i);
		if (!vempty(t[i].key))
			vctx_qualified_name(v, "key", t[i].key);
		if (vempty(t[i].key) && !vis(t[i].operator, "Exists"))
			vctx_invalid(v, "operator", t[i].operator,
				     "operator must be Exists when `key` is empty, which means "
				     "\"match all values and all keys\"");
		if (t[i].has_toleration_seconds && !vis(t[i].effect, "NoExecute"))
			vctx_invalid(v, "effect", t[i].effect,
				     "effect must be 'NoExecute' when `tolerationSeconds` is set");
		toleration_operator(v, &t[i]);
		if (!vempty(t[i].effect))
			vctx_taint_effect(v, "effect", t[i].effect, true);
		vctx_pop(v, m);
	}
}

/* ValidateNodeSelectorRequirement at the current path. */
static void node_requirement(struct vctx *v, const struct k8c_node_selector_requirement *r,
			     bool allow_invalid_values)
{
	const char *op = vstr(r->operator);
	if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
		if (!r->n_values)
			vctx_required(v, "values",
				      "must be specified when `operator` is 'In' or 'NotIn'");
	} else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
		if (r->n_values)
			vctx_forbidden(v, "values", "may not be specified when `operator` is "
				       "'Exists' or 'DoesNotExist'");
	} else if (!strcmp(op, "Gt") || !strcmp(op, "Lt")) {
		if (r->n_values != 1)
			vctx_required(v, "values", "must be specified single value when "
				      "`operator` is 'Lt' or 'Gt'");
	} else {
		vctx_invalid(v, "operator", op, "not a valid selector operator");
	}
	vctx_qualified_name(v, "key", vstr(r->key));
	size_t m = vctx_child(v, "values");
	for (size_t i = 0; !allow_invalid_values && i < r->n_values; i++) {
		size_t mi = vctx_index(v, i);
		vctx_label_value(v, NULL, r->values[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* ValidateNodeFieldSelectorRequirement: only metadata.name with one In/NotIn value. */
static void node_field_requirement(struct vctx *v, const struct k8c_node_selector_requirement *r)
{
	if (vis(r->operator, "In") || vis(r->operator, "NotIn")) {
		if (r->n_values != 1)
			vctx_required(v, "values", "must be only one value when `operator` is 'In' "
				      "or 'NotIn' for node field selector");
	} else {
		vctx_invalid(v, "operator", r->operator, "not a valid selector operator");
	}
	if (!vis(r->key, "metadata.name")) {
		vctx_invalid(v, "key", r->key, "not a valid field selector key");
		return;
	}
	size_t m = vctx_child(v, "values");
	for (size_t i = 0; i < r->n_values; i++) {
		size_t mi = vctx_index(v, i);
		vctx_dns1123_subdomain(v, NULL, r->values[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* ValidateNodeSelectorTerm at the current path. */
static void node_term(struct vctx *v, const struct k8c_node_selector_term *t, bool allow_invalid)
{
	size_t m = vctx_child(v, "matchExpressions");
	for (size_t j = 0; j < t->n_match_expressions; j++) {
		size_t mj = vctx_index(v, j);
		node_requirement(v, &t->match_expressions[j], allow_invalid);
		vctx_pop(v, mj);
	}
	vctx_pop(v, m);
	m = vctx_child(v, "matchFields");
	for (size_t j = 0; j < t->n_match_fields; j++) {
		size_t mj = vctx_index(v, j);
		node_field_requirement(v, &t->match_fields[j]);
		vctx_pop(v, mj);
	}
	vctx_pop(v, m);
}

/* A preferred term's weight: 1..100. */
static void weight(struct vctx *v, bool has, int32_t w)
{
	if (!has || w <= 0 || w > 100)
		vctx_invalid_int(v, "weight", has ? w : 0, "must be in the range 1-100");
}

static void node_affinity(struct vctx *v, const struct k8c_node_affinity *na)
{
	const struct k8c_node_selector *req = na->required_during_scheduling_ignored_during_execution;
	if (req) {
		size_t m = vctx_child(v, "requiredDuringSchedulingIgnoredDuringExecution");
		size_t mt = vctx_child(v, "nodeSelectorTerms");
		if (!req->n_node_selector_terms)
			vctx_required(v, NULL, "must have at least one node selector term");
		for (size_t i = 0; i < req->n_node_selector_terms; i++) {
			size_t mi = vctx_index(v, i);
			node_term(v, &req->node_selector_terms[i], false);
			vctx_pop(v, mi);
		}
		vctx_pop(v, mt);
		vctx_pop(v, m);
	}
	size_t m = vctx_child(v, "preferredDuringSchedulingIgnoredDuringExecution");
	for (size_t i = 0; i < na->n_preferred_during_scheduling_ignored_during_execution; i++) {
		const struct k8c_preferred_scheduling_term *t =
			&na->preferred_during_scheduling_ignored_during_execution[i];
		size_t mi = vctx_index(v, i);
		weight(v, t->has_weight, t->weight);
		size_t mp = vctx_child(v, "preference");
		if (t->preference) /* preferred terms always allow invalid label values */
			node_term(v, t->preference, true);
		vctx_pop(v, mp);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* validatePodAffinityTerm at the current path. */
static void pod_affinity_term(struct vctx *v, const struct k8c_pod_affinity_term *t)
{
	vctx_label_selector(v, "labelSelector", t->label_selector);
	vctx_label_selector(v, "namespaceSelector", t->namespace_selector);
	for (size_t i = 0; i < t->n_namespaces; i++)
		vctx_dns1123_label(v, "namespace", t->namespaces[i]);
	if (vempty(t->topology_key))
		vctx_required(v, "topologyKey", "can not be empty");
	vctx_qualified_name(v, "topologyKey", vstr(t->topology_key));
}

static void pod_affinity_terms(struct vctx *v, const struct k8c_pod_affinity_term *req,
			       size_t n_req, const struct k8c_weighted_pod_affinity_term *pref,
			       size_t n_pref)
{
	size_t m = vctx_child(v, "requiredDuringSchedulingIgnoredDuringExecution");
	for (size_t i = 0; i < n_req; i++) {
		size_t mi = vctx_index(v, i);
		pod_affinity_term(v, &req[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
	m = vctx_child(v, "preferredDuringSchedulingIgnoredDuringExecution");
	for (size_t i = 0; i < n_pref; i++) {
		size_t mi = vctx_index(v, i);
		weight(v, pref[i].has_weight, pref[i].weight);
		size_t mt = vctx_child(v, "podAffinityTerm");
		if (pref[i].pod_affinity_term)
			pod_affinity_term(v, pref[i].pod_affinity_term);
		vctx_pop(v, mt);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

void vctx_affinity(struct vctx *v, const struct k8c_affinity *a)
{
	if (!a)
		return;
	size_t m = vctx_child(v, "affinity");
	size_t mc;
	if (a->node_affinity) {
		mc = vctx_child(v, "nodeAffinity");
		node_affinity(v, a->node_affinity);
		vctx_pop(v, mc);
	}
	if (a->pod_affinity) {
		const struct k8c_pod_affinity *p = a->pod_affinity;
		mc = vctx_child(v, "podAffinity");
		pod_affinity_terms(v, p->required_during_scheduling_ignored_during_execution,
				   p->n_required_during_scheduling_ignored_during_execution,
				   p->preferred_during_scheduling_ignored_during_execution,
				   p->n_preferred_during_scheduling_ignored_during_execution);
		vctx_pop(v, mc);
	}
	if (a->pod_anti_affinity) {
		const struct k8c_pod_anti_affinity *p = a->pod_anti_affinity;
		mc = vctx_child(v, "podAntiAffinity");
		pod_affinity_terms(v, p->required_during_scheduling_ignored_during_execution,
				   p->n_required_during_scheduling_ignored_during_execution,
				   p->preferred_during_scheduling_ignored_during_execution,
				   p->n_preferred_during_scheduling_ignored_during_execution);
		vctx_pop(v, mc);
	}
	vctx_pop(v, m);
}

/* ValidateSpreadConstraintNotRepeat against the constraints after c[i]. */
static void spread_not_repeated(struct vctx *v, const struct k8c_topology_spread_constraint *c,
				size_t i, size_t n)
{
	for (size_t j = i + 1; j < n; j++) {
		if (strcmp(vstr(c[i].topology_key), vstr(c[j].topology_key)) ||
		    strcmp(vstr(c[i].when_unsatisfiable), vstr(c[j].when_unsatisfiable)))
			continue;
		struct strbuf d = STRBUF_INIT;
		strbuf_addf(&d, "{%s, %s}", vstr(c[i].topology_key), vstr(c[i].when_unsatisfiable));
		vctx_duplicate(v, "{topologyKey, whenUnsatisfiable}", d.buf);
		strbuf_release(&d);
		return;
	}
}

void vctx_topology_spread(struct vctx *v, const struct k8c_topology_spread_constraint *c,
			  size_t n)
{
	static const char *const actions[] = { "DoNotSchedule", "ScheduleAnyway" };
	size_t m = vctx_child(v, "topologySpreadConstraints");
	for (size_t i = 0; i < n; i++) {
		size_t mi = vctx_index(v, i);
		if (!c[i].has_max_skew || c[i].max_skew <= 0)
			vctx_invalid_int(v, "maxSkew", c[i].max_skew, "must be greater than zero");
		if (vempty(c[i].topology_key))
			vctx_required(v, "topologyKey", "can not be empty");
		if (!vctx_one_of(c[i].when_unsatisfiable, actions, ARRAY_SIZE(actions)))
			vctx_not_supported(v, "whenUnsatisfiable", c[i].when_unsatisfiable, actions,
					   ARRAY_SIZE(actions));
		spread_not_repeated(v, c, i, n);
		vctx_label_selector(v, "labelSelector", c[i].label_selector);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}
