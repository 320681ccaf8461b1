/*
 * label_selector.h - the generated LabelSelector struct (matchLabels,
 * matchExpressions) turned into a matchable struct label_selector, as
 * metav1.LabelSelectorAsSelector does. Pure functions; thread-safe.
 */
#ifndef K8C_API_LABEL_SELECTOR_H
#define K8C_API_LABEL_SELECTOR_H

#include "api/selector/labels.h"
#include "api/types.gen.h"

/*
 * Compiles typed into *ret (uninitialized): NULL selects nothing, an empty
 * one everything. Returns 0, or -EINVAL with a message in err (may be NULL)
 * for an invalid requirement (*ret then selects nothing).
 */
int k8c_label_selector_compile(const struct k8c_label_selector *typed,
			       struct label_selector *ret, struct strbuf *err);
/* Appends typed's canonical text ("app=web,tier in (a,b)"); "" for NULL or empty. */
void k8c_label_selector_format(const struct k8c_label_selector *typed, struct strbuf *out);

#endif
