/*
 * quantity.h - resource.Quantity: parsing every text form Kubernetes accepts
 * ("500m", "128Mi", "1e3", "0.5", "+1", ".5", "1.5Gi"...), the integer views
 * the scheduler and kubelet use (milli-units for cpu, units rounded up for
 * bytes), comparison, and the canonical text Kubernetes' Quantity.String()
 * prints ("1000m" -> "1", "1024Mi" -> "1Gi", "1.5" -> "1500m").
 *
 * A quantity is an exact decimal, mant * 10^exp, kept at nano precision:
 * finer input is rounded away from zero to the next nanounit, as upstream
 * does. Values are plain structs (no allocation); all functions are pure and
 * thread-safe.
 */
#ifndef K8C_API_RESOURCE_QUANTITY_H
#define K8C_API_RESOURCE_QUANTITY_H

#include "base/base.h"
#include "base/strbuf.h"

/* The suffix family of the input; the canonical text keeps it. */
enum quantity_format {
	QUANTITY_DECIMAL_SI,	   /* "", n u m k M G T P E */
	QUANTITY_BINARY_SI,	   /* Ki Mi Gi Ti Pi Ei */
	QUANTITY_DECIMAL_EXPONENT, /* e3, E-6 */
};

struct quantity {
	__int128 mant; /* |mant| < 10^37 */
	int32_t exp;   /* >= -9 (nano) */
	enum quantity_format format;
};

/*
 * Parses text into *ret. Returns 0, -EINVAL for text that is not a quantity
 * ("", "1.2.3", "5 Mi", "Mi": at least one digit is required), -EILSEQ for an
 * unknown suffix ("1ZZ", "1i"), -ERANGE for more than 36 significant digits
 * or an exponent beyond +/-10^8. Binary values are capped at 2^63-1 like
 * upstream. *ret is untouched on failure.
 */
int quantity_parse(const char *text, struct quantity *ret);

/*
 * The message Kubernetes gives for a parse failure code of quantity_parse()
 * (e.g. "quantities must match the regular expression
 * '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"). Static string.
 */
const char *quantity_strerror(int rc);

/* Sets *ret to value * 10^scale in format (e.g. 1500, -3 for 1.5 cpu). */
void quantity_set_scaled(struct quantity *ret, int64_t value, int32_t scale,
			 enum quantity_format format);

/*
 * The value in units of 10^scale, rounded away from zero (MilliValue is
 * scale -3, Value is 0). Returns 0, or -ERANGE when it does not fit an int64
 * (*ret untouched).
 */
int quantity_scaled_value(const struct quantity *q, int32_t scale, int64_t *ret);

/* Milli-units (cpu): quantity_scaled_value(q, -3, ret). */
int quantity_milli_value(const struct quantity *q, int64_t *ret);

/* Whole units rounded up (memory bytes): quantity_scaled_value(q, 0, ret). */
int quantity_value(const struct quantity *q, int64_t *ret);

/* -1, 0 or 1 as a < b, a == b, a > b (numeric comparison, formats ignored). */
int quantity_cmp(const struct quantity *a, const struct quantity *b);

/*
 * *sum += *q exactly, as Quantity.Add: the result keeps sum's format unless sum is
 * zero (then q's). Returns 0, or -ERANGE (sum untouched) when the exact result needs
 * more than 36 digits.
 */
int quantity_add(struct quantity *sum, const struct quantity *q);

/* -1, 0 or 1 for negative, zero, positive. */
int quantity_sign(const struct quantity *q);

/* Appends the canonical text of q, as Kubernetes' Quantity.String(). */
void quantity_format(const struct quantity *q, struct strbuf *out);

/*
 * Parses text and appends its canonical form to out. Returns 0 or the
 * quantity_parse() error (out untouched).
 */
int quantity_canonicalize(const char *text, struct strbuf *out);

/*
 * Appends the text a JSON number would have had on the wire (shortest
 * round-trip form, Go's encoding/json style: "0.5", "1", "1000", "1e+21",
 * "1e-7"), for quantities that arrive as JSON numbers ("cpu: 0.5") and so
 * reach us as doubles. Returns 0, or -EINVAL for NaN and infinities.
 */
int quantity_text_from_double(double v, struct strbuf *out);

#endif
