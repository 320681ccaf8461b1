/*
 * label_selector.c - typed LabelSelector to label_selector; see label_selector.h.
 */
#include "api/label_selector.h"

int k8c_label_selector_compile(const struct k8c_label_selector *typed,
			       struct label_selector *ret, struct strbuf *err)
{
	struct label_selector sel = LABEL_SELECTOR_INIT;
	if (!typed) {
		label_selector_init_nothing(ret);
		return 0;
	}
	int r = 0;
	for (size_t i = 0; i < typed->match_labels.n && r == 0; i++)
		r = label_selector_add_match_label(&sel, typed->match_labels.items[i].key,
						   typed->match_labels.items[i].value, err);
	for (size_t i = 0; i < typed->n_match_expressions && r == 0; i++) {
		const struct k8c_label_selector_requirement *e = &typed->match_expressions[i];
		r = label_selector_add(&sel, e->key ? e->key : "", e->operator ? e->operator : "",
				       (const char *const *)e->values, e->n_values, err);
	}
	if (r < 0) {
		label_selector_release(&sel);
		label_selector_init_nothing(ret);
		return r;
	}
	*ret = sel;
	return 0;
}

void k8c_label_selector_format(const struct k8c_label_selector *typed, struct strbuf *out)
{
	struct label_selector sel;
	k8c_label_selector_compile(typed, &sel, NULL);
	label_selector_format(&sel, out);
	label_selector_release(&sel);
}
