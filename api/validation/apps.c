/*
 * apps.c - apps/v1 Deployments and ReplicaSets (ValidateDeploymentSpec,
 * ValidateReplicaSetSpec, ValidatePodTemplateSpecForReplicaSet), and the
 * selector immutability their REST strategies add on update.
 */
#include <stdlib.h>

#include "api/codec.h"
#include "api/label_selector.h"
#include "api/validation/field_err.h"
#include "api/validation/govalue.h"
#include "api/validation/pod_internal.h"
#include "api/validation/validation.h"

static void invalid_selector(struct vctx *v, const struct k8c_label_selector *sel,
			     const char *detail)
{
	struct strbuf r = STRBUF_INIT;
	govalue_label_selector(&r, sel);
	vctx_invalid_go(v, "selector", r.buf, detail);
	strbuf_release(&r);
}

/* The selector rules and ValidatePodTemplateSpecForReplicaSet, at "spec". */
static void selector_and_template(struct vctx *v, const struct k8c_label_selector *sel,
				  const struct k8c_pod_template_spec *t)
{
	if (!sel) {
		vctx_required(v, "selector", "");
	} else {
		vctx_label_selector(v, "selector", sel);
		if (sel->match_labels.n + sel->n_match_expressions == 0)
			invalid_selector(v, sel, "empty selector is invalid for deployment");
	}
	struct label_selector compiled;
	if (k8c_label_selector_compile(sel, &compiled, NULL) < 0) {
		invalid_selector(v, sel, "invalid label selector");
		label_selector_release(&compiled);
		return;
	}
	size_t m = vctx_child(v, "template");
	if (!label_selector_is_everything(&compiled) &&
	    !label_selector_matches(&compiled, &t->metadata.labels)) {
		struct strbuf r = STRBUF_INIT;
		govalue_strmap(&r, &t->metadata.labels);
		vctx_invalid_go(v, "metadata.labels", r.buf,
				"`selector` does not match template `labels`");
		strbuf_release(&r);
	}
	label_selector_release(&compiled);
	vctx_pod_template(v, t);
	static const char *const always[] = { "Always" };
	if (!vis(t->spec.restart_policy, "Always"))
		vctx_not_supported(v, "spec.restartPolicy", t->spec.restart_policy, always, 1);
	if (t->spec.has_active_deadline_seconds)
		vctx_forbidden(v, "spec.activeDeadlineSeconds",
			       "activeDeadlineSeconds in ReplicaSet is not Supported");
	vctx_pop(v, m);
}

/* getIntOrPercentValue: the integer, or the number before '%' (0 when not a percent). */
static int intstr_value(const struct k8c_intstr *x)
{
	if (x->type != K8C_INTSTR_STRING)
		return x->type == K8C_INTSTR_INT ? x->ival : 0;
	if (!k8c_is_percent(vstr(x->sval), NULL))
		return 0;
	return atoi(x->sval);
}

/* ValidatePositiveIntOrPercent at child. */
static void positive_int_or_percent(struct vctx *v, const char *child, const struct k8c_intstr *x)
{
	struct k8c_name_msgs msgs;
	if (x->type == K8C_INTSTR_STRING) {
		if (k8c_is_percent(vstr(x->sval), &msgs))
			return;
		struct strbuf r = STRBUF_INIT;
		govalue_intstr_struct(&r, x);
		for (size_t i = 0; i < msgs.n; i++)
			vctx_invalid_go(v, child, r.buf, msgs.msg[i]);
		strbuf_release(&r);
	} else {
		vctx_nonnegative(v, child, x->type == K8C_INTSTR_INT ? x->ival : 0);
	}
}

static void rolling_update(struct vctx *v, const struct k8c_rolling_update_deployment *ru)
{
	size_t m = vctx_child(v, "rollingUpdate");
	positive_int_or_percent(v, "maxUnavailable", &ru->max_unavailable);
	positive_int_or_percent(v, "maxSurge", &ru->max_surge);
	struct strbuf r = STRBUF_INIT;
	govalue_intstr_struct(&r, &ru->max_unavailable);
	if (intstr_value(&ru->max_unavailable) == 0 && intstr_value(&ru->max_surge) == 0)
		vctx_invalid_go(v, "maxUnavailable", r.buf, "may not be 0 when `maxSurge` is 0");
	if (ru->max_unavailable.type == K8C_INTSTR_STRING &&
	    k8c_is_percent(vstr(ru->max_unavailable.sval), NULL) &&
	    intstr_value(&ru->max_unavailable) > 100)
		vctx_invalid_go(v, "maxUnavailable", r.buf, "must not be greater than 100%");
	strbuf_release(&r);
	vctx_pop(v, m);
}

/* ValidateDeploymentStrategy at spec.strategy. */
static void strategy(struct vctx *v, const struct k8c_deployment_strategy *s)
{
	static const char *const types[] = { "Recreate", "RollingUpdate" };
	struct k8c_deployment_strategy none = { 0 };
	s = s ? s : &none;
	size_t m = vctx_child(v, "strategy");
	if (vis(s->type, "Recreate")) {
		if (s->rolling_update)
			vctx_forbidden(v, "rollingUpdate", "may not be specified when strategy `type` "
				       "is 'Recreate'");
	} else if (vis(s->type, "RollingUpdate")) {
		if (!s->rolling_update)
			vctx_required(v, "rollingUpdate", "this should be defaulted and never be nil");
		else
			rolling_update(v, s->rolling_update);
	} else {
		struct strbuf r = STRBUF_INIT;
		strbuf_addstr(&r, "apps.DeploymentStrategy{Type:");
		field_err_quote(&r, vstr(s->type));
		strbuf_addstr(&r, s->rolling_update ? ", RollingUpdate:(*apps.RollingUpdateDeployment)"
				  "(0xc000000000)}" : ", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}");
		vctx_not_supported_go(v, NULL, r.buf, types, ARRAY_SIZE(types));
		strbuf_release(&r);
	}
	vctx_pop(v, m);
}

static void deployment_spec(struct vctx *v, const struct k8c_deployment_spec *s)
{
	vctx_nonnegative(v, "replicas", s->replicas);
	selector_and_template(v, s->selector, &s->template);
	strategy(v, s->strategy);
	vctx_nonnegative(v, "minReadySeconds", s->min_ready_seconds);
	if (s->has_revision_history_limit)
		vctx_nonnegative(v, "revisionHistoryLimit", s->revision_history_limit);
	if (s->has_progress_deadline_seconds) {
		vctx_nonnegative(v, "progressDeadlineSeconds", s->progress_deadline_seconds);
		if (s->progress_deadline_seconds <= s->min_ready_seconds)
			vctx_invalid_int(v, "progressDeadlineSeconds", s->progress_deadline_seconds,
					 "must be greater than minReadySeconds");
	}
}

void k8c_validate_deployment(const void *obj, struct field_errors *errs)
{
	const struct k8c_deployment *d = obj;
	struct vctx v;
	vctx_init(&v, errs, "spec");
	deployment_spec(&v, &d->spec);
	vctx_release(&v);
}

/* ValidateImmutableField for spec.selector. */
static void selector_immutable(struct vctx *v, const struct k8c_label_selector *sel,
			       const struct k8c_label_selector *old)
{
	struct k8c_label_selector none = { 0 };
	if (k8c_equal(&k8c_type_label_selector, sel ? sel : &none, old ? old : &none))
		return;
	invalid_selector(v, sel, "field is immutable");
}

void k8c_validate_deployment_update(const void *obj, const void *old, struct field_errors *errs)
{
	const struct k8c_deployment *d = obj, *o = old;
	struct vctx v;
	vctx_init(&v, errs, "spec");
	deployment_spec(&v, &d->spec);
	selector_immutable(&v, d->spec.selector, o->spec.selector);
	vctx_release(&v);
}

static void replica_set_spec(struct vctx *v, const struct k8c_replica_set_spec *s)
{
	vctx_nonnegative(v, "replicas", s->replicas);
	vctx_nonnegative(v, "minReadySeconds", s->min_ready_seconds);
	selector_and_template(v, s->selector, &s->template);
}

void k8c_validate_replica_set(const void *obj, struct field_errors *errs)
{
	const struct k8c_replica_set *rs = obj;
	struct vctx v;
	vctx_init(&v, errs, "spec");
	replica_set_spec(&v, &rs->spec);
	vctx_release(&v);
}

void k8c_validate_replica_set_update(const void *obj, const void *old, struct field_errors *errs)
{
	const struct k8c_replica_set *rs = obj, *o = old;
	struct vctx v;
	vctx_init(&v, errs, "spec");
	replica_set_spec(&v, &rs->spec);
	selector_immutable(&v, rs->spec.selector, o->spec.selector);
	vctx_release(&v);
}
