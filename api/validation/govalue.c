/*
 * govalue.c - Go renderings of composite values for field error texts; see
 * govalue.h.
 */
#include "api/validation/govalue.h"

#include "api/validation/field_err.h"

void govalue_strmap(struct strbuf *out, const struct k8c_strmap *m)
{
	if (!m || m->n == 0) {
		strbuf_addstr(out, "map[string]string(nil)");
		return;
	}
	strbuf_addstr(out, "map[string]string{");
	for (size_t i = 0; i < m->n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		field_err_quote(out, m->items[i].key);
		strbuf_addch(out, ':');
		field_err_quote(out, m->items[i].value);
	}
	strbuf_addch(out, '}');
}

void govalue_strings(struct strbuf *out, char *const *v, size_t n)
{
	if (n == 0) {
		strbuf_addstr(out, "[]string(nil)");
		return;
	}
	strbuf_addstr(out, "[]string{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		field_err_quote(out, v[i] ? v[i] : "");
	}
	strbuf_addch(out, '}');
}

void govalue_intstr(struct strbuf *out, const struct k8c_intstr *v)
{
	if (v->type == K8C_INTSTR_STRING)
		strbuf_addstr(out, v->sval ? v->sval : "");
	else
		strbuf_addi64(out, v->type == K8C_INTSTR_INT ? v->ival : 0);
}

void govalue_intstr_struct(struct strbuf *out, const struct k8c_intstr *v)
{
	bool is_str = v->type == K8C_INTSTR_STRING;
	strbuf_addf(out, "intstr.IntOrString{Type:%d, IntVal:%d, StrVal:", is_str ? 1 : 0,
		    is_str ? 0 : (int)v->ival);
	field_err_quote(out, is_str && v->sval ? v->sval : "");
	strbuf_addch(out, '}');
}

void govalue_label_selector(struct strbuf *out, const struct k8c_label_selector *sel)
{
	if (!sel) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addstr(out, "v1.LabelSelector{MatchLabels:");
	govalue_strmap(out, &sel->match_labels);
	strbuf_addstr(out, ", MatchExpressions:");
	if (!sel->n_match_expressions)
		strbuf_addstr(out, "[]v1.LabelSelectorRequirement(nil)");
	else
		strbuf_addstr(out, "[]v1.LabelSelectorRequirement{");
	for (size_t i = 0; i < sel->n_match_expressions; i++) {
		const struct k8c_label_selector_requirement *r = &sel->match_expressions[i];
		strbuf_addstr(out, i ? ", v1.LabelSelectorRequirement{Key:" :
				       "v1.LabelSelectorRequirement{Key:");
		field_err_quote(out, r->key ? r->key : "");
		strbuf_addstr(out, ", Operator:");
		field_err_quote(out, r->operator ? r->operator : "");
		strbuf_addstr(out, ", Values:");
		govalue_strings(out, r->values, r->n_values);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, sel->n_match_expressions ? "}}" : "}");
}
