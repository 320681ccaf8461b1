/*
 * field_errors.c - accumulating field errors; see field_errors.h.
 */
#include "api/field_errors.h"

#include <stdarg.h>

void field_errors_add(struct field_errors *errs, enum field_error_type type, const char *field,
		      const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(errs->items, errs->n + 1, errs->alloc);
	struct field_error *e = &errs->items[errs->n++];
	e->type = type;
	e->field = xstrdup(field ? field : "");
	e->detail = strbuf_detach(&sb, NULL);
}

void field_errors_release(struct field_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		free(errs->items[i].field);
		free(errs->items[i].detail);
	}
	free(errs->items);
	memset(errs, 0, sizeof(*errs));
}

const char *field_error_reason(enum field_error_type type)
{
	switch (type) {
	case FIELD_ERROR_INVALID: return "FieldValueInvalid";
	case FIELD_ERROR_REQUIRED: return "FieldValueRequired";
	case FIELD_ERROR_DUPLICATE: return "FieldValueDuplicate";
	case FIELD_ERROR_NOT_SUPPORTED: return "FieldValueNotSupported";
	case FIELD_ERROR_FORBIDDEN: return "FieldValueForbidden";
	case FIELD_ERROR_TOO_LONG: return "FieldValueTooLong";
	case FIELD_ERROR_TOO_MANY: return "FieldValueTooMany";
	case FIELD_ERROR_NOT_FOUND: return "FieldValueNotFound";
	case FIELD_ERROR_TYPE: return "FieldValueTypeInvalid";
	case FIELD_ERROR_UNKNOWN: return "FieldValueUnknown";
	}
	return "FieldValueInvalid";
}

static void format_one(const struct field_error *e, struct strbuf *out)
{
	if (*e->field)
		strbuf_addf(out, "%s: ", e->field);
	strbuf_addstr(out, e->detail);
}

void field_errors_format(const struct field_errors *errs, struct strbuf *out)
{
	if (errs->n == 1) {
		format_one(&errs->items[0], out);
		return;
	}
	strbuf_addch(out, '[');
	for (size_t i = 0; i < errs->n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		format_one(&errs->items[i], out);
	}
	strbuf_addch(out, ']');
}
