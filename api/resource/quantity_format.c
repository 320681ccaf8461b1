/*
 * quantity_format.c - the canonical text of a quantity (Kubernetes'
 * Quantity.String()) and JSON-number text for quantities given as numbers;
 * see quantity.h.
 *
 * Canonical form: no fraction digits, the largest suffix of the input's
 * family that keeps the value exact. Binary quantities below 1024 or with
 * a fraction print as decimal SI ("500m", "1536"); decimal exponents are
 * kept as multiples of three ("1e3", "80e-3").
 */
#include "api/resource/quantity_internal.h"

#include <math.h>

static void add_i128(struct strbuf *out, __int128 v)
{
	char digits[48];
	size_t n = 0;
	__int128 a = quantity__abs(v);
	do {
		digits[n++] = (char)('0' + (int)(a % 10));
		a /= 10;
	} while (a);
	if (v < 0)
		strbuf_addch(out, '-');
	while (n)
		strbuf_addch(out, digits[--n]);
}

static void add_decimal_suffix(struct strbuf *out, int64_t exp, enum quantity_format fmt)
{
	static const char *const si[] = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E" };
	if (fmt == QUANTITY_DECIMAL_SI && exp >= -9 && exp <= 18) {
		strbuf_addstr(out, si[(exp + 9) / 3]);
		return;
	}
	/* exponents beyond "E" print as e<N> so the value survives (upstream drops the suffix) */
	if (exp != 0)
		strbuf_addf(out, "e%lld", (long long)exp);
}

static void format_decimal(const struct quantity *q, enum quantity_format fmt, struct strbuf *out)
{
	__int128 m = q->mant;
	int64_t e = q->exp;
	while (m % 10 == 0) {
		m /= 10;
		e++;
	}
	switch (e % 3) {
	case 1:
	case -2:
		m *= 10;
		e -= 1;
		break;
	case 2:
	case -1:
		m *= 100;
		e -= 2;
		break;
	}
	add_i128(out, m);
	add_decimal_suffix(out, e, fmt);
}

/* The integral value of q in *ret, when q has no fraction (binary values fit easily). */
static bool integral_value(const struct quantity *q, __int128 *ret)
{
	__int128 v = q->mant;
	if (q->exp >= 0) {
		if (!quantity__mul_pow10(&v, q->exp))
			return false;
		*ret = v;
		return true;
	}
	__int128 div = 1;
	if (!quantity__mul_pow10(&div, -(int64_t)q->exp) || v % div)
		return false;
	*ret = v / div;
	return true;
}

static void format_binary(__int128 v, struct strbuf *out)
{
	static const char *const bin[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	size_t k = 0;
	while (k + 1 < ARRAY_SIZE(bin) && v % 1024 == 0) {
		v /= 1024;
		k++;
	}
	add_i128(out, v);
	strbuf_addstr(out, bin[k]);
}

void quantity_format(const struct quantity *q, struct strbuf *out)
{
	__int128 v;
	if (q->mant == 0) {
		strbuf_addch(out, '0');
		return;
	}
	if (q->format == QUANTITY_BINARY_SI && integral_value(q, &v) && quantity__abs(v) >= 1024) {
		format_binary(v, out);
		return;
	}
	format_decimal(q, q->format == QUANTITY_BINARY_SI ? QUANTITY_DECIMAL_SI : q->format, out);
}

int quantity_canonicalize(const char *text, struct strbuf *out)
{
	struct quantity q;
	int rc = quantity_parse(text, &q);
	if (rc < 0)
		return rc;
	quantity_format(&q, out);
	return 0;
}

/* Writes v's shortest round-trip digits to digits (no dot) and its decimal exponent. */
static void shortest_digits(double v, char *digits, size_t size, int *exp10)
{
	char buf[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, fabs(v));
		if (strtod(buf, NULL) == fabs(v))
			break;
	}
	/* buf is "d.ddde[+-]XX" */
	size_t n = 0;
	char *p = buf;
	for (; *p != 'e'; p++)
		if (*p != '.' && n + 1 < size)
			digits[n++] = *p;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*exp10 = atoi(p + 1);
}

static void add_fixed(struct strbuf *out, const char *digits, int e)
{
	int n = (int)strlen(digits);
	if (e < 0) {
		strbuf_addstr(out, "0.");
		for (int i = 0; i < -e - 1; i++)
			strbuf_addch(out, '0');
		strbuf_addstr(out, digits);
	} else if (e >= n - 1) {
		strbuf_addstr(out, digits);
		for (int i = 0; i < e - n + 1; i++)
			strbuf_addch(out, '0');
	} else {
		strbuf_add(out, digits, (size_t)e + 1);
		strbuf_addch(out, '.');
		strbuf_addstr(out, digits + e + 1);
	}
}

int quantity_text_from_double(double v, struct strbuf *out)
{
	char digits[24];
	int e;
	if (!isfinite(v))
		return -EINVAL;
	if (v == 0) {
		strbuf_addch(out, '0');
		return 0;
	}
	shortest_digits(v, digits, sizeof(digits), &e);
	if (v < 0)
		strbuf_addch(out, '-');
	if (fabs(v) >= 1e-6 && fabs(v) < 1e21) {
		add_fixed(out, digits, e);
		return 0;
	}
	strbuf_addch(out, digits[0]);
	if (digits[1])
		strbuf_addf(out, ".%s", digits + 1);
	/* Go writes at least two exponent digits, then encoding/json trims "e-07" to "e-7" */
	strbuf_addf(out, e < 0 ? "e-%d" : "e+%02d", abs(e));
	return 0;
}
