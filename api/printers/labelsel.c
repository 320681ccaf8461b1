/*
 * labelsel.c - label selectors as the printers show them: the LabelSelector
 * of a workload's spec converted with api/selector/ (the equivalent of
 * metav1.LabelSelectorAsSelector) and printed in its canonical form; see
 * printers_internal.h.
 */
#include "api/printers/printers_internal.h"

#include "api/selector/labels.h"

/* Adds sel's matchLabels and matchExpressions to out; -EINVAL when one is invalid. */
static int convert(struct label_selector *out, const struct k8c_label_selector *sel)
{
	const struct k8c_strmap *labels = &sel->match_labels;
	for (size_t i = 0; i < labels->n; i++)
		if (label_selector_add_match_label(out, labels->items[i].key,
						   labels->items[i].value, NULL) < 0)
			return -EINVAL;
	for (size_t i = 0; i < sel->n_match_expressions; i++) {
		const struct k8c_label_selector_requirement *e = &sel->match_expressions[i];
		if (label_selector_add(out, e->key ? e->key : "", e->operator,
				       (const char *const *)e->values, e->n_values, NULL) < 0)
			return -EINVAL;
	}
	return 0;
}

int printers__format_selector(struct strbuf *out, const struct k8c_label_selector *sel)
{
	struct label_selector s = LABEL_SELECTOR_INIT;
	int r = sel ? convert(&s, sel) : 0;
	if (r == 0)
		label_selector_format(&s, out);
	label_selector_release(&s);
	return r;
}
