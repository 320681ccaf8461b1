/*
 * field_err.h - constructors for the field errors of Kubernetes validation,
 * with the exact texts of apimachinery's field package: each appends to a
 * field_errors list the full message a Kubernetes API server puts in
 * details.causes[].message, e.g. `Invalid value: "Web": a lowercase RFC 1123
 * subdomain must ...`. Values are quoted as Go's %q does. Pure functions;
 * not thread-safe on the same list. Paths are the caller's ("metadata.name").
 */
#ifndef K8C_API_VALIDATION_FIELD_ERR_H
#define K8C_API_VALIDATION_FIELD_ERR_H

#include "api/field_errors.h"
#include "base/strbuf.h"

/*
 * Appends s to out quoted as Go's strconv.Quote: double quotes, backslash
 * escapes for '"', '\\' and control bytes, \xNN for bytes that are not valid
 * UTF-8; valid UTF-8 text is kept as is.
 */
void field_err_quote(struct strbuf *out, const char *s);

/*
 * field.Invalid for a string value: `Invalid value: "<value>": <detail>`
 * (": <detail>" only when detail is non-empty).
 */
void field_err_invalid(struct field_errors *errs, const char *path, const char *value,
		       const char *detail);

/* field.Invalid for an integer value: `Invalid value: -1: <detail>`. */
void field_err_invalid_int(struct field_errors *errs, const char *path, int64_t value,
			   const char *detail);

/*
 * field.Invalid for a composite value, given as its JSON text (as newer
 * apimachinery renders it): `Invalid value: ["a","b"]: <detail>`.
 */
void field_err_invalid_json(struct field_errors *errs, const char *path, const char *json,
			    const char *detail);

/* field.Required: `Required value` or `Required value: <detail>`. */
void field_err_required(struct field_errors *errs, const char *path, const char *detail);

/* field.Forbidden: `Forbidden: <detail>`. */
void field_err_forbidden(struct field_errors *errs, const char *path, const char *detail);

/*
 * field.NotSupported: `Unsupported value: "<value>": supported values: "a", "b"`
 * (the supported list as given, n may be 0).
 */
void field_err_not_supported(struct field_errors *errs, const char *path, const char *value,
			     const char *const *supported, size_t n);

/* field.TooLong: `Too long: must have at most <max> bytes`. */
void field_err_too_long(struct field_errors *errs, const char *path, long max);

/* field.Duplicate: `Duplicate value: "<value>"`. */
void field_err_duplicate(struct field_errors *errs, const char *path, const char *value);

/* field.NotFound: `Not found: "<value>"` (FieldValueNotFound). */
void field_err_not_found(struct field_errors *errs, const char *path, const char *value);

#endif
