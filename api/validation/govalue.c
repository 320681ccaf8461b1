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

/* fmt's %v of a []string: "[a b]". */
static void plain_strings(struct strbuf *out, char *const *v, size_t n)
{
	strbuf_addch(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ' ');
		strbuf_addstr(out, v[i] ? v[i] : "");
	}
	strbuf_addch(out, ']');
}

void govalue_label_selector(struct strbuf *out, const struct k8c_label_selector *sel)
{
	if (!sel) {
		strbuf_addstr(out, "nil");
		return;
	}
	strbuf_addstr(out, "&LabelSelector{MatchLabels:map[string]string{");
	for (size_t i = 0; i < sel->match_labels.n; i++)
		strbuf_addf(out, "%s: %s,", sel->match_labels.items[i].key,
			    sel->match_labels.items[i].value);
	strbuf_addstr(out, "},MatchExpressions:[]LabelSelectorRequirement{");
	for (size_t i = 0; i < sel->n_match_expressions; i++) {
		const struct k8c_label_selector_requirement *r = &sel->match_expressions[i];
		strbuf_addf(out, "LabelSelectorRequirement{Key:%s,Operator:%s,Values:",
			    r->key ? r->key : "", r->operator ? r->operator : "");
		plain_strings(out, r->values, r->n_values);
		strbuf_addstr(out, ",},");
	}
	strbuf_addstr(out, "},}");
}
