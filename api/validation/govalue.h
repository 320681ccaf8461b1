/*
 * govalue.h - composite values rendered as a Kubernetes API server prints
 * them inside field errors (apimachinery's field.Error.ErrorBody): pointers
 * are dereferenced first (a nil one prints "null"), values with a String()
 * method print through it, everything else as Go's %#v
 * (map[string]string{"app":"web"}, []string{"a", "b"},
 * v1.LabelSelector{...}). Each function appends to out. Pure functions;
 * thread-safe on distinct buffers.
 */
#ifndef K8C_API_VALIDATION_GOVALUE_H
#define K8C_API_VALIDATION_GOVALUE_H

#include "api/types.gen.h"
#include "base/strbuf.h"

/* %#v of a map[string]string: keys sorted; `map[string]string(nil)` when empty. */
void govalue_strmap(struct strbuf *out, const struct k8c_strmap *m);

/* %#v of a []string: `[]string{"a", "b"}`; `[]string(nil)` when n is 0. */
void govalue_strings(struct strbuf *out, char *const *v, size_t n);

/* IntOrString.String(): the integer in decimal or the string as is (unset: "0"). */
void govalue_intstr(struct strbuf *out, const struct k8c_intstr *v);

/* %#v of an IntOrString nested in a struct: `intstr.IntOrString{Type:0, IntVal:80, StrVal:""}`. */
void govalue_intstr_struct(struct strbuf *out, const struct k8c_intstr *v);

/*
 * %#v of a dereferenced *metav1.LabelSelector, as "field is immutable" errors show it:
 * `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
 * "null" for NULL.
 */
void govalue_label_selector(struct strbuf *out, const struct k8c_label_selector *sel);

#endif
