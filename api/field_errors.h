/*
 * field_errors.h - a list of errors about fields of an object, as Kubernetes'
 * field.ErrorList: decoding, validation and patching append to one, and the
 * API server turns it into a Status with details.causes. Not thread-safe.
 */
#ifndef K8C_API_FIELD_ERRORS_H
#define K8C_API_FIELD_ERRORS_H

#include "base/base.h"
#include "base/strbuf.h"

/* The cause reasons of metav1.CauseType, plus two for decoding. */
enum field_error_type {
	FIELD_ERROR_INVALID,       /* FieldValueInvalid: "Invalid value: ..." */
	FIELD_ERROR_REQUIRED,      /* FieldValueRequired: "Required value" */
	FIELD_ERROR_DUPLICATE,     /* FieldValueDuplicate: "Duplicate value: ..." */
	FIELD_ERROR_NOT_SUPPORTED, /* FieldValueNotSupported: "Unsupported value: ..." */
	FIELD_ERROR_FORBIDDEN,     /* FieldValueForbidden: "Forbidden: ..." */
	FIELD_ERROR_TOO_LONG,      /* FieldValueTooLong: "Too long: ..." */
	FIELD_ERROR_TOO_MANY,      /* FieldValueTooMany: "Too many: ..." */
	FIELD_ERROR_NOT_FOUND,     /* FieldValueNotFound: "Not found: ..." */
	FIELD_ERROR_TYPE,          /* decoding: a JSON value of the wrong type (HTTP 400) */
	FIELD_ERROR_UNKNOWN,       /* decoding: unknown field under fieldValidation=Strict (HTTP 400) */
};

struct field_error {
	enum field_error_type type;
	char *field;  /* path, e.g. "spec.template.spec.containers[0].image" */
	char *detail; /* full human message, Kubernetes-style */
};

struct field_errors {
	struct field_error *items;
	size_t n;
	size_t alloc;
};

#define FIELD_ERRORS_INIT { 0 }

/* Appends an error with a printf-formatted detail message (the full message for the cause). */
void field_errors_add(struct field_errors *errs, enum field_error_type type, const char *field,
		      const char *fmt, ...) K8C_PRINTF(4, 5);
/* Frees every error; errs is empty and reusable. */
void field_errors_release(struct field_errors *errs);
/* The metav1.CauseType string of type: "FieldValueInvalid", ... */
const char *field_error_reason(enum field_error_type type);
/*
 * Appends the errors joined as Kubernetes prints them in a Status message:
 * "[field: detail, field: detail]" for several, "field: detail" for one.
 */
void field_errors_format(const struct field_errors *errs, struct strbuf *out);

#endif
