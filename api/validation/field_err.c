/*
 * field_err.c - Kubernetes field error texts and Go-style quoting; see
 * field_err.h.
 */
#include "api/validation/field_err.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	static const uint32_t min_cp[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void quote_ascii(struct strbuf *out, unsigned char c)
{
	static const char esc_from[] = "\a\b\f\n\r\t\v\"\\";
	static const char esc_to[] = "abfnrtv\"\\";
	const char *p = c ? strchr(esc_from, c) : NULL;
	if (p) {
		strbuf_addch(out, '\\');
		strbuf_addch(out, esc_to[p - esc_from]);
	} else if (c < 0x20 || c == 0x7f) {
		strbuf_addf(out, "\\x%02x", c);
	} else {
		strbuf_addch(out, c);
	}
}

void field_err_quote(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	strbuf_addch(out, '"');
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 1) {
			quote_ascii(out, *p);
		} else if (n == 0) {
			strbuf_addf(out, "\\x%02x", *p);
			n = 1;
		} else {
			strbuf_add(out, p, n);
		}
		p += n;
	}
	strbuf_addch(out, '"');
}

/* Appends "<label>: <value>[: <detail>]" where value is already rendered. */
static void add_with_value(struct field_errors *errs, enum field_error_type type, const char *path,
			   const char *label, const char *value, const char *detail)
{
	if (detail && *detail)
		field_errors_add(errs, type, path, "%s: %s: %s", label, value, detail);
	else
		field_errors_add(errs, type, path, "%s: %s", label, value);
}

static void add_plain(struct field_errors *errs, enum field_error_type type, const char *path,
		      const char *label, const char *detail)
{
	if (detail && *detail)
		field_errors_add(errs, type, path, "%s: %s", label, detail);
	else
		field_errors_add(errs, type, path, "%s", label);
}

void field_err_invalid(struct field_errors *errs, const char *path, const char *value,
		       const char *detail)
{
	struct strbuf q = STRBUF_INIT;
	field_err_quote(&q, value ? value : "");
	add_with_value(errs, FIELD_ERROR_INVALID, path, "Invalid value", q.buf, detail);
	strbuf_release(&q);
}

void field_err_invalid_int(struct field_errors *errs, const char *path, int64_t value,
			   const char *detail)
{
	struct strbuf v = STRBUF_INIT;
	strbuf_addi64(&v, value);
	add_with_value(errs, FIELD_ERROR_INVALID, path, "Invalid value", v.buf, detail);
	strbuf_release(&v);
}

void field_err_invalid_json(struct field_errors *errs, const char *path, const char *json,
			    const char *detail)
{
	add_with_value(errs, FIELD_ERROR_INVALID, path, "Invalid value", json, detail);
}

void field_err_required(struct field_errors *errs, const char *path, const char *detail)
{
	add_plain(errs, FIELD_ERROR_REQUIRED, path, "Required value", detail);
}

void field_err_forbidden(struct field_errors *errs, const char *path, const char *detail)
{
	add_plain(errs, FIELD_ERROR_FORBIDDEN, path, "Forbidden", detail);
}

void field_err_not_supported(struct field_errors *errs, const char *path, const char *value,
			     const char *const *supported, size_t n)
{
	struct strbuf q = STRBUF_INIT, detail = STRBUF_INIT;
	field_err_quote(&q, value ? value : "");
	if (n)
		strbuf_addstr(&detail, "supported values: ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(&detail, ", ");
		field_err_quote(&detail, supported[i]);
	}
	add_with_value(errs, FIELD_ERROR_NOT_SUPPORTED, path, "Unsupported value", q.buf,
		       detail.buf);
	strbuf_release(&q);
	strbuf_release(&detail);
}

void field_err_too_long(struct field_errors *errs, const char *path, long max)
{
	field_errors_add(errs, FIELD_ERROR_TOO_LONG, path, "Too long: must have at most %ld bytes",
			 max);
}

void field_err_duplicate(struct field_errors *errs, const char *path, const char *value)
{
	struct strbuf q = STRBUF_INIT;
	field_err_quote(&q, value ? value : "");
	add_with_value(errs, FIELD_ERROR_DUPLICATE, path, "Duplicate value", q.buf, NULL);
	strbuf_release(&q);
}

void field_err_not_found(struct field_errors *errs, const char *path, const char *value)
{
	struct strbuf q = STRBUF_INIT;
	field_err_quote(&q, value ? value : "");
	add_with_value(errs, FIELD_ERROR_NOT_FOUND, path, "Not found", q.buf, NULL);
	strbuf_release(&q);
}
