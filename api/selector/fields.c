/*
 * fields.c - field selector parsing, matching and printing; see fields.h.
 * Parsing follows fields.ParseSelector: split on unescaped commas, sort the
 * terms, split each at its first "!=", "==" or "=", unescape the value.
 */
#include "api/selector/fields.h"

struct terms {
	char **v;
	size_t n, alloc;
};

/* Splits text on commas that are not escaped by a backslash (splitTerms). */
static void split_terms(const char *text, struct terms *out)
{
	const char *start = text;
	bool in_slash = false;
	for (const char *p = text;; p++) {
		if (*p && in_slash) {
			in_slash = false;
		} else if (*p == '\\') {
			in_slash = true;
		} else if (*p == ',' || !*p) {
			ALLOC_GROW(out->v, out->n + 1, out->alloc);
			out->v[out->n++] = xstrndup(start, (size_t)(p - start));
			if (!*p)
				return;
			start = p + 1;
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Unescapes a value (UnescapeValue): "\\" "\," "\=" only; bare ',' and '=' are errors. */
static int unescape(const char *s, struct strbuf *out, struct strbuf *err)
{
	for (; *s; s++) {
		if (*s == ',' || *s == '=') {
			strbuf_addf(err, "invalid field selector: unescaped character in value: %c",
				    *s);
			return -EINVAL;
		}
		if (*s != '\\') {
			strbuf_addch(out, *s);
			continue;
		}
		if (!s[1] || !strchr("\\,=", s[1])) {
			/* the whole (possibly multi-byte) character after the backslash */
			size_t n = s[1] ? 1 : 0;
			while (((unsigned char)s[1 + n] & 0xc0) == 0x80)
				n++;
			strbuf_addf(err, "invalid field selector: invalid escape sequence: \\%.*s",
				    (int)n, s + 1);
			return -EINVAL;
		}
		strbuf_addch(out, *++s);
	}
	return 0;
}

static int parse_term(const char *text, const char *term, struct field_selector *sel,
		      struct strbuf *err)
{
	static const char *const ops[] = { "!=", "==", "=" };
	for (const char *p = term; *p; p++) {
		for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
			if (!str_has_prefix(p, ops[i]))
				continue;
			struct strbuf value = STRBUF_INIT;
			int rc = unescape(p + strlen(ops[i]), &value, err);
			if (rc == 0) {
				char *field = xstrndup(term, (size_t)(p - term));
				field_selector_add(sel, field, value.buf, i == 0);
				free(field);
			}
			strbuf_release(&value);
			return rc;
		}
	}
	strbuf_addf(err, "invalid selector: '%s'; can't understand '%s'", text, term);
	return -EINVAL;
}

int field_selector_parse(const char *text, struct field_selector *ret, struct strbuf *err)
{
	struct terms parts = { 0 };
	struct field_selector sel = FIELD_SELECTOR_INIT;
	struct strbuf msg = STRBUF_INIT;
	int rc = 0;
	if (*text)
		split_terms(text, &parts);
	if (parts.n)
		qsort(parts.v, parts.n, sizeof(*parts.v), cmp_str);
	for (size_t i = 0; i < parts.n && rc == 0; i++)
		if (*parts.v[i])
			rc = parse_term(text, parts.v[i], &sel, &msg);
	for (size_t i = 0; i < parts.n; i++)
		free(parts.v[i]);
	free(parts.v);
	if (rc < 0) {
		if (err)
			strbuf_addstr(err, msg.buf);
		field_selector_release(&sel);
	} else {
		*ret = sel;
	}
	strbuf_release(&msg);
	return rc;
}

void field_selector_add(struct field_selector *sel, const char *field, const char *value,
			bool negate)
{
	ALLOC_GROW(sel->terms, sel->n + 1, sel->alloc);
	struct field_term *t = &sel->terms[sel->n++];
	t->field = xstrdup(field);
	t->value = xstrdup(value);
	t->negate = negate;
}

void field_selector_release(struct field_selector *sel)
{
	for (size_t i = 0; i < sel->n; i++) {
		free(sel->terms[i].field);
		free(sel->terms[i].value);
	}
	free(sel->terms);
	memset(sel, 0, sizeof(*sel));
}

bool field_selector_matches(const struct field_selector *sel, field_selector_get_fn get, void *ctx)
{
	for (size_t i = 0; i < sel->n; i++) {
		const struct field_term *t = &sel->terms[i];
		const char *v = get(t->field, ctx);
		if ((strcmp(v ? v : "", t->value) == 0) == t->negate)
			return false;
	}
	return true;
}

bool field_selector_is_everything(const struct field_selector *sel)
{
	return sel->n == 0;
}

void field_selector_escape_value(const char *value, struct strbuf *out)
{
	for (; *value; value++) {
		if (strchr("\\,=", *value))
			strbuf_addch(out, '\\');
		strbuf_addch(out, *value);
	}
}

void field_selector_format(const struct field_selector *sel, struct strbuf *out)
{
	for (size_t i = 0; i < sel->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addstr(out, sel->terms[i].field);
		strbuf_addstr(out, sel->terms[i].negate ? "!=" : "=");
		field_selector_escape_value(sel->terms[i].value, out);
	}
}

const char *field_selector_unsupported(const struct field_selector *sel,
				       const char *const *supported, size_t n)
{
	for (size_t i = 0; i < sel->n; i++) {
		size_t j = 0;
		while (j < n && strcmp(sel->terms[i].field, supported[j]) != 0)
			j++;
		if (j == n)
			return sel->terms[i].field;
	}
	return NULL;
}

bool field_selector_exact_match(const struct field_selector *sel, const char *field,
				const char **ret_value)
{
	for (size_t i = 0; i < sel->n; i++) {
		if (!sel->terms[i].negate && strcmp(sel->terms[i].field, field) == 0) {
			*ret_value = sel->terms[i].value;
			return true;
		}
	}
	return false;
}

bool field_selector_single_name(const struct field_selector *sel, const char **ret_name)
{
	if (sel->n != 1 || sel->terms[0].negate || strcmp(sel->terms[0].field, "metadata.name"))
		return false;
	*ret_name = sel->terms[0].value;
	return true;
}
