/*
 * quantity.c - parsing, integer views and comparison of resource quantities;
 * see quantity.h. Follows apimachinery's ParseQuantity: sign, digits with an
 * optional fraction, then a suffix (SI, binary SI or a decimal exponent);
 * values finer than a nanounit round away from zero; binary values are
 * capped at 2^63-1.
 */
#include "api/resource/quantity_internal.h"

#define MAX_DIGITS   36
#define MAX_EXPONENT 100000000

/* The pieces of a quantity text, pointing into it. */
struct scan {
	bool neg;
	const char *num, *den, *suffix;
	size_t n_num, n_den;
};

static size_t digit_run(const char *s)
{
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

static int scan_text(const char *s, struct scan *sc)
{
	memset(sc, 0, sizeof(*sc));
	if (*s == '-' || *s == '+')
		sc->neg = *s++ == '-';
	sc->num = s;
	sc->n_num = digit_run(s);
	s += sc->n_num;
	if (*s == '.') {
		sc->den = ++s;
		sc->n_den = digit_run(s);
		s += sc->n_den;
	}
	if (sc->n_num + sc->n_den == 0)
		return -EINVAL;
	sc->suffix = s;
	while (*s && strchr("eEinumkKMGTP", *s))
		s++;
	if (*s == '-' || *s == '+')
		s++;
	s += digit_run(s);
	return *s ? -EINVAL : 0;
}

/* An exponent suffix "e3", "E-6", "e+2": the number after the letter. */
static int parse_exponent(const char *s, int64_t *ret)
{
	bool neg = false;
	int64_t v = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!*s || digit_run(s) != strlen(s))
		return -EILSEQ;
	for (; *s; s++) {
		v = v * 10 + (*s - '0');
		if (v > MAX_EXPONENT)
			return -ERANGE;
	}
	*ret = neg ? -v : v;
	return 0;
}

/* Base (10 or 2), exponent and format of a suffix, as upstream's suffixer. */
static int interpret_suffix(const char *suf, int *base, int64_t *exp, enum quantity_format *fmt)
{
	static const char *const dec[] = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E" };
	static const char *const bin[] = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	for (size_t i = 0; i < ARRAY_SIZE(dec); i++) {
		if (strcmp(suf, dec[i]) == 0) {
			*base = 10;
			*exp = 3 * ((int64_t)i - 3);
			*fmt = QUANTITY_DECIMAL_SI;
			return 0;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(bin); i++) {
		if (strcmp(suf, bin[i]) == 0) {
			*base = 2;
			*exp = 10 * ((int64_t)i + 1);
			*fmt = QUANTITY_BINARY_SI;
			return 0;
		}
	}
	if ((suf[0] != 'e' && suf[0] != 'E') || !suf[1])
		return -EILSEQ;
	*base = 10;
	*fmt = QUANTITY_DECIMAL_EXPONENT;
	return parse_exponent(suf + 1, exp);
}

/* The digits num.den as mant * 10^scale, without leading or trailing zeros. */
static int digits_to_mant(const struct scan *sc, __int128 *mant, int64_t *scale)
{
	size_t n_den = sc->n_den, sig = 0;
	__int128 m = 0;
	while (n_den && sc->den[n_den - 1] == '0')
		n_den--;
	for (size_t i = 0; i < sc->n_num + n_den; i++) {
		char c = i < sc->n_num ? sc->num[i] : sc->den[i - sc->n_num];
		if (m == 0 && c == '0')
			continue;
		if (++sig > MAX_DIGITS)
			return -ERANGE;
		m = m * 10 + (c - '0');
	}
	*mant = m;
	*scale = -(int64_t)n_den;
	return 0;
}

/* Rounds a non-negative mant * 10^*exp to nano precision, away from zero. */
static __int128 round_to_nano(__int128 m, int64_t *exp)
{
	if (*exp >= -9)
		return m;
	m = quantity__div_pow10_up(m, -9 - *exp);
	*exp = -9;
	return m;
}

/* Binary values: multiplies by 2^shift, caps at 2^63-1, and keeps values below 1 decimal. */
static int apply_binary(__int128 *m, int64_t *exp, int shift, enum quantity_format *fmt)
{
	for (int i = 0; i < shift; i++) {
		if (*m >= QUANTITY__MANT_LIMIT / 2)
			return -ERANGE;
		*m *= 2;
	}
	*m = round_to_nano(*m, exp);
	__int128 one = 1, cap = INT64_MAX;
	quantity__mul_pow10(&one, -*exp); /* -*exp is 0..9: cannot overflow */
	quantity__mul_pow10(&cap, -*exp);
	if (*m > cap) {
		*m = INT64_MAX;
		*exp = 0;
	} else if (*m > 0 && *m < one) {
		*fmt = QUANTITY_DECIMAL_SI;
	}
	return 0;
}

int quantity_parse(const char *text, struct quantity *ret)
{
	struct scan sc;
	enum quantity_format fmt;
	int base, rc;
	int64_t exp, scale;
	__int128 m;
	if ((rc = scan_text(text, &sc)) < 0 ||
	    (rc = interpret_suffix(sc.suffix, &base, &exp, &fmt)) < 0)
		return rc;
	if ((rc = digits_to_mant(&sc, &m, &scale)) < 0)
		return rc;
	if (base == 2) {
		if ((rc = apply_binary(&m, &scale, (int)exp, &fmt)) < 0)
			return rc;
		exp = scale;
	} else {
		exp += scale;
		m = round_to_nano(m, &exp);
	}
	ret->mant = sc.neg ? -m : m;
	ret->exp = m ? (int32_t)exp : 0;
	ret->format = fmt;
	return 0;
}

const char *quantity_strerror(int rc)
{
	switch (rc) {
	case -EILSEQ:
		return "unable to parse quantity's suffix";
	case -ERANGE:
		return "unable to parse numeric part of quantity";
	default:
		return "quantities must match the regular expression "
		       "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
	}
}

void quantity_set_scaled(struct quantity *ret, int64_t value, int32_t scale,
			 enum quantity_format format)
{
	int64_t exp = scale;
	bool neg = value < 0;
	__int128 m = quantity__abs((__int128)value);
	m = round_to_nano(m, &exp);
	ret->mant = neg ? -m : m;
	ret->exp = m ? (int32_t)exp : 0;
	ret->format = format;
}

int quantity_scaled_value(const struct quantity *q, int32_t scale, int64_t *ret)
{
	int64_t d = (int64_t)q->exp - scale;
	__int128 v = q->mant;
	if (d >= 0) {
		if (!quantity__mul_pow10(&v, d))
			return -ERANGE;
	} else {
		v = quantity__div_pow10_up(v, -d);
	}
	if (v > INT64_MAX || v < INT64_MIN)
		return -ERANGE;
	*ret = (int64_t)v;
	return 0;
}

int quantity_milli_value(const struct quantity *q, int64_t *ret)
{
	return quantity_scaled_value(q, -3, ret);
}

int quantity_value(const struct quantity *q, int64_t *ret)
{
	return quantity_scaled_value(q, 0, ret);
}

int quantity_sign(const struct quantity *q)
{
	return (q->mant > 0) - (q->mant < 0);
}

/* Compares |a| and |b|. */
static int cmp_abs(const struct quantity *a, const struct quantity *b)
{
	if (a->exp < b->exp)
		return -cmp_abs(b, a);
	__int128 x = quantity__abs(a->mant), y = quantity__abs(b->mant);
	if (!quantity__mul_pow10(&x, (int64_t)a->exp - b->exp))
		return 1; /* |a| >= 10^36 * 10^b.exp > |b| */
	return (x > y) - (x < y);
}

int quantity_cmp(const struct quantity *a, const struct quantity *b)
{
	int sa = quantity_sign(a), sb = quantity_sign(b);
	if (sa != sb)
		return (sa > sb) - (sa < sb);
	return sa * cmp_abs(a, b);
}

int quantity_add(struct quantity *sum, const struct quantity *q)
{
	struct quantity a = *sum, b = *q;
	struct quantity *hi = a.exp > b.exp ? &a : &b, *lo = hi == &a ? &b : &a;
	if (!quantity__mul_pow10(&hi->mant, (int64_t)hi->exp - lo->exp))
		return -ERANGE;
	__int128 m = a.mant + b.mant;
	if (quantity__abs(m) >= QUANTITY__MANT_LIMIT / 10)
		return -ERANGE;
	enum quantity_format f = quantity_sign(sum) ? sum->format : q->format;
	*sum = (struct quantity){ m, lo->exp, f };
	return 0;
}
