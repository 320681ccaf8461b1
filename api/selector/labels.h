/*
 * labels.h - label selectors (apimachinery's labels.Selector): parsed from
 * the text form of ?labelSelector= and `kubectl -l` ("app=web,tier in (a,b),
 * !canary"), or built from a LabelSelector's matchLabels / matchExpressions;
 * matched against a label map; printed back in Kubernetes' canonical form
 * (Scale.status.selector "app=web"); and validated as metav1 validation does.
 *
 * A selector is a list of requirements kept sorted by key, all of which must
 * match. The empty selector matches everything; the "nothing" selector
 * (what a NULL LabelSelector converts to) matches nothing. A selector owns
 * its strings; not thread-safe while being built, read-only use is.
 */
#ifndef K8C_API_SELECTOR_LABELS_H
#define K8C_API_SELECTOR_LABELS_H

#include "api/field_errors.h"
#include "api/values.h"
#include "base/strbuf.h"

enum label_op {
	LABEL_OP_IN,		 /* key in (a,b) */
	LABEL_OP_NOT_IN,	 /* key notin (a,b): also true when the key is absent */
	LABEL_OP_EQUALS,	 /* key=a */
	LABEL_OP_DOUBLE_EQUALS,	 /* key==a */
	LABEL_OP_NOT_EQUALS,	 /* key!=a: also true when the key is absent */
	LABEL_OP_EXISTS,	 /* key */
	LABEL_OP_DOES_NOT_EXIST, /* !key */
	LABEL_OP_GT,		 /* key>5 (integers) */
	LABEL_OP_LT,		 /* key<5 */
};

struct label_requirement {
	char *key;
	enum label_op op;
	char **values; /* as given (the parser sorts and deduplicates) */
	size_t n_values;
};

struct label_selector {
	struct label_requirement *reqs; /* sorted by key, stable */
	size_t n, alloc;
	bool nothing; /* matches nothing; requirements are then ignored */
};

/* The empty selector: matches everything. */
#define LABEL_SELECTOR_INIT                                                                        \
	{                                                                                          \
		0                                                                                  \
	}

/* Makes sel (uninitialized) the selector that matches nothing. */
void label_selector_init_nothing(struct label_selector *sel);

/* Frees everything; sel becomes the empty (everything) selector. */
void label_selector_release(struct label_selector *sel);

/*
 * Parses the text form (whitespace tolerant, "" = everything). On success
 * *ret (uninitialized) receives the selector and 0 is returned; on failure
 * -EINVAL, *ret is untouched and err (may be NULL) gets Kubernetes' message,
 * e.g. "unable to parse requirement: found 'x', expected: in, notin, =, ==,
 * !=, gt, lt".
 */
int label_selector_parse(const char *text, struct label_selector *ret, struct strbuf *err);

/*
 * Adds a requirement validated as labels.NewRequirement does (key a
 * qualified name, values label values, In/NotIn need values, Exists and
 * DoesNotExist none, = == != exactly one, gt/lt one integer). values may be
 * NULL when n is 0. Returns 0, or -EINVAL with the aggregated field errors
 * in err (sel unchanged). Adding to the nothing selector does nothing.
 */
int label_selector_add_requirement(struct label_selector *sel, const char *key, enum label_op op,
				   const char *const *values, size_t n, struct strbuf *err);

/*
 * Adds one matchExpressions entry with its metav1 operator name ("In",
 * "NotIn", "Exists", "DoesNotExist"), as LabelSelectorAsSelector. An unknown
 * operator fails with `"Foo" is not a valid label selector operator`.
 */
int label_selector_add(struct label_selector *sel, const char *key, const char *op,
		       const char *const *values, size_t n, struct strbuf *err);

/* Adds one matchLabels entry: key=value. */
int label_selector_add_match_label(struct label_selector *sel, const char *key, const char *value,
				   struct strbuf *err);

/* True when every requirement matches labels (NULL = no labels). */
bool label_selector_matches(const struct label_selector *sel, const struct k8c_strmap *labels);

/* True for the empty selector (matches everything). */
bool label_selector_is_everything(const struct label_selector *sel);

/*
 * Appends the canonical text: requirements joined by ",", e.g.
 * "app=web,tier in (a,b),!canary"; values of in/notin sorted. Both the
 * everything and the nothing selector print as "" (as upstream).
 */
void label_selector_format(const struct label_selector *sel, struct strbuf *out);

/*
 * RequiresExactMatch: when the first requirement on key is =, == or "in"
 * with exactly one value, sets *ret_value (borrowed) and returns true.
 */
bool label_selector_exact_match(const struct label_selector *sel, const char *key,
				const char **ret_value);

/*
 * Validates one LabelSelectorRequirement (metav1 validation) at path, e.g.
 * "spec.selector.matchExpressions[0]": key at <path>.key, operator at
 * <path>.operator (Invalid "not a valid selector operator"), values at
 * <path>.values (Required for In/NotIn without values, Forbidden for
 * Exists/DoesNotExist with values) and <path>.values[i].
 */
void label_selector_validate_requirement(const char *key, const char *op, const char *const *values,
					 size_t n, const char *path, struct field_errors *errs);

#endif
