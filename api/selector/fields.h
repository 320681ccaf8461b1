/*
 * fields.h - field selectors (apimachinery's fields.Selector), the
 * ?fieldSelector= of list and watch requests: "metadata.name=web,
 * spec.nodeName!=n1", operators "=", "==" and "!=", values escaped with
 * "\," "\=" "\\". Matched through a caller-supplied getter so any object
 * representation works; the API server asks which fields a selector uses
 * (to answer 400 "field label not supported: foo") and whether it names a
 * single object (single-object watches). A selector owns its strings; not
 * thread-safe while being built, read-only use is.
 */
#ifndef K8C_API_SELECTOR_FIELDS_H
#define K8C_API_SELECTOR_FIELDS_H

#include "base/base.h"
#include "base/strbuf.h"

struct field_term {
	char *field;
	char *value; /* unescaped */
	bool negate; /* "!=" */
};

struct field_selector {
	struct field_term *terms; /* in parse order: sorted by their text, as upstream */
	size_t n, alloc;
};

/* The empty selector: matches everything. */
#define FIELD_SELECTOR_INIT                                                                        \
	{                                                                                          \
		0                                                                                  \
	}

/*
 * Parses text ("" = everything). On success *ret (uninitialized) receives
 * the selector and 0 is returned; on failure -EINVAL, *ret untouched, and err
 * (may be NULL) gets Kubernetes' message: "invalid selector: 'x'; can't
 * understand 'x'", "invalid field selector: invalid escape sequence: \q",
 * "invalid field selector: unescaped character in value: =".
 */
int field_selector_parse(const char *text, struct field_selector *ret, struct strbuf *err);

/* Appends the term field=value (or field!=value when negate); copies both. */
void field_selector_add(struct field_selector *sel, const char *field, const char *value,
			bool negate);

/* Frees everything; sel becomes the empty selector. */
void field_selector_release(struct field_selector *sel);

/*
 * Returns the value of field for the object being matched (borrowed, valid
 * until the match returns), or NULL when the object has none (treated as "").
 */
typedef const char *(*field_selector_get_fn)(const char *field, void *ctx);

/* True when every term holds for the object get describes. */
bool field_selector_matches(const struct field_selector *sel, field_selector_get_fn get, void *ctx);

/* True for the empty selector. */
bool field_selector_is_everything(const struct field_selector *sel);

/* Appends the canonical text: terms joined by ",", values escaped ("a=b\,c"). */
void field_selector_format(const struct field_selector *sel, struct strbuf *out);

/* Appends value with '\\', ',' and '=' escaped by a backslash (EscapeValue). */
void field_selector_escape_value(const char *value, struct strbuf *out);

/*
 * The first field the selector uses that is not one of supported[0..n), or
 * NULL when all are supported (borrowed from sel).
 */
const char *field_selector_unsupported(const struct field_selector *sel,
				       const char *const *supported, size_t n);

/*
 * RequiresExactMatch: when a term field=value exists, sets *ret_value
 * (borrowed) and returns true.
 */
bool field_selector_exact_match(const struct field_selector *sel, const char *field,
				const char **ret_value);

/*
 * True when the selector is exactly "metadata.name=<name>" (one term), as a
 * single-object watch sends; *ret_name (borrowed) gets the name.
 */
bool field_selector_single_name(const struct field_selector *sel, const char **ret_name);

#endif
