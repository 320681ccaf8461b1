/*
 * scalar.c - what an unquoted YAML scalar means, the way go-yaml v2 (and so kubectl)
 * decides it: a table of words (true/yes/on/y, null/~, .inf, .nan...), then Go's
 * strconv rules for integers and floats. Also Go's shortest float formatting, used to
 * print numbers and float map keys exactly as Go does.
 */
#include "api/yaml/yaml_internal.h"

#include <ctype.h>
#include <math.h>

struct word {
	const char *text;
	enum yaml__kind kind;
	int value; /* bool value, or the sign of an infinity; 0 with FLOAT means NaN */
};

static const struct word words[] = {
	{ "y", YAML__BOOL, 1 },	      { "Y", YAML__BOOL, 1 },	    { "yes", YAML__BOOL, 1 },
	{ "Yes", YAML__BOOL, 1 },     { "YES", YAML__BOOL, 1 },	    { "true", YAML__BOOL, 1 },
	{ "True", YAML__BOOL, 1 },    { "TRUE", YAML__BOOL, 1 },    { "on", YAML__BOOL, 1 },
	{ "On", YAML__BOOL, 1 },      { "ON", YAML__BOOL, 1 },	    { "n", YAML__BOOL, 0 },
	{ "N", YAML__BOOL, 0 },	      { "no", YAML__BOOL, 0 },	    { "No", YAML__BOOL, 0 },
	{ "NO", YAML__BOOL, 0 },      { "false", YAML__BOOL, 0 },   { "False", YAML__BOOL, 0 },
	{ "FALSE", YAML__BOOL, 0 },   { "off", YAML__BOOL, 0 },	    { "Off", YAML__BOOL, 0 },
	{ "OFF", YAML__BOOL, 0 },     { "", YAML__NULL, 0 },	    { "~", YAML__NULL, 0 },
	{ "null", YAML__NULL, 0 },    { "Null", YAML__NULL, 0 },    { "NULL", YAML__NULL, 0 },
	{ ".nan", YAML__FLOAT, 0 },   { ".NaN", YAML__FLOAT, 0 },   { ".NAN", YAML__FLOAT, 0 },
	{ ".inf", YAML__FLOAT, 1 },   { ".Inf", YAML__FLOAT, 1 },   { ".INF", YAML__FLOAT, 1 },
	{ "+.inf", YAML__FLOAT, 1 },  { "+.Inf", YAML__FLOAT, 1 },  { "+.INF", YAML__FLOAT, 1 },
	{ "-.inf", YAML__FLOAT, -1 }, { "-.Inf", YAML__FLOAT, -1 }, { "-.INF", YAML__FLOAT, -1 },
};

static bool lookup_word(const char *s, struct yaml__value *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (strcmp(words[i].text, s) != 0)
			continue;
		out->kind = words[i].kind;
		out->b = words[i].value == 1;
		if (words[i].kind == YAML__FLOAT)
			out->d = words[i].value ? words[i].value * INFINITY : NAN;
		return true;
	}
	return false;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* strconv.ParseUint(s, 0, 64): 0x/0o/0b prefixes, a leading 0 means octal; no sign. */
static bool parse_uint_base0(const char *s, uint64_t *ret)
{
	unsigned base = 10;
	if (s[0] == '0' && s[1]) {
		char p = (char)tolower((unsigned char)s[1]);
		base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
		s += (p == 'x' || p == 'o' || p == 'b') ? 2 : 1;
		if (!*s)
			return false;
	}
	if (!*s)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		unsigned d = (unsigned)digit_value(*s);
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*ret = v;
	return true;
}

/* strconv.ParseInt(s, 0, 64). */
static bool parse_int_base0(const char *s, int64_t *ret)
{
	bool neg = s[0] == '-';
	uint64_t u;
	if (!parse_uint_base0(s + (s[0] == '-' || s[0] == '+'), &u))
		return false;
	if (!neg && u > (uint64_t)INT64_MAX)
		return false;
	if (neg && u > (uint64_t)INT64_MAX + 1)
		return false;
	*ret = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

static const char *skip_digits(const char *s)
{
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (go-yaml's yamlStyleFloat). */
static bool is_yaml_float(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.') {
		const char *e = skip_digits(s + 1);
		if (e == s + 1)
			return false;
		s = e;
	} else {
		const char *e = skip_digits(s);
		if (e == s)
			return false;
		s = *e == '.' ? skip_digits(e + 1) : e;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		const char *e = skip_digits(s);
		if (e == s)
			return false;
		s = e;
	}
	return *s == '\0';
}

/* strconv.ParseFloat on a string that passed is_yaml_float(): fails on overflow. */
static bool parse_float(const char *s, double *ret)
{
	double d = strtod(s, NULL);
	if (isinf(d))
		return false;
	*ret = d;
	return true;
}

/* Reads 1 or 2 digits (Go's getnum with fixed=false) into *v; returns the rest or NULL. */
static const char *num12(const char *s, int *v)
{
	if (!isdigit((unsigned char)s[0]))
		return NULL;
	if (!isdigit((unsigned char)s[1])) {
		*v = s[0] - '0';
		return s + 1;
	}
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return s + 2;
}

static int days_in_month(int month, int year)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* "2006-1-2": returns the rest after the date, or NULL. */
static const char *parse_date(const char *s)
{
	int year = 0, month, day;
	for (int i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			return NULL;
		year = year * 10 + (s[i] - '0');
	}
	if (s[4] != '-' || !(s = num12(s + 5, &month)) || *s != '-' || !(s = num12(s + 1, &day)))
		return NULL;
	if (month < 1 || month > 12 || day < 1 || day > days_in_month(month, year))
		return NULL;
	return s;
}

/* "15:4:5.999999999": returns the rest after the time, or NULL. */
static const char *parse_clock(const char *s)
{
	int h, m, sec;
	if (!(s = num12(s, &h)) || *s != ':' || !(s = num12(s + 1, &m)) || *s != ':' ||
	    !(s = num12(s + 1, &sec)))
		return NULL;
	if (h > 23 || m > 59 || sec > 59)
		return NULL;
	if (s[0] == '.' && isdigit((unsigned char)s[1]))
		s = skip_digits(s + 1);
	return s;
}

static bool parse_zone(const char *s)
{
	if (s[0] == 'Z')
		return s[1] == '\0';
	if (s[0] != '+' && s[0] != '-')
		return false;
	for (int i = 1; i < 6; i++) {
		if (i == 3 ? s[i] != ':' : !isdigit((unsigned char)s[i]))
			return false;
	}
	return s[6] == '\0';
}

/* go-yaml's parseTimestamp: the four layouts it accepts. */
static bool is_timestamp(const char *s)
{
	const char *rest = parse_date(s);
	if (!rest)
		return false;
	if (*rest == '\0')
		return true;
	if (*rest == 'T' || *rest == 't') {
		rest = parse_clock(rest + 1);
		return rest && parse_zone(rest);
	}
	if (*rest == ' ') {
		rest = parse_clock(rest + 1);
		return rest && *rest == '\0';
	}
	return false;
}

/* The 'D' and 'S' branches of go-yaml's resolve(): timestamps, integers, floats. */
static void resolve_number(const char *s, struct yaml__value *out)
{
	if (is_timestamp(s)) {
		out->kind = YAML__TIMESTAMP;
		return;
	}
	struct strbuf plain = STRBUF_INIT;
	for (const char *p = s; *p; p++) {
		if (*p != '_')
			strbuf_addch(&plain, *p);
	}
	if (parse_int_base0(plain.buf, &out->i))
		out->kind = YAML__INT;
	else if (parse_uint_base0(plain.buf, &out->u))
		out->kind = YAML__UINT;
	else if (is_yaml_float(plain.buf) && parse_float(plain.buf, &out->d))
		out->kind = YAML__FLOAT;
	strbuf_release(&plain);
}

void yaml__resolve_plain(const char *s, struct yaml__value *out)
{
	memset(out, 0, sizeof(*out));
	char c = s[0];
	if (c == '\0' || strchr("yYnNtTfFoO~.+-", c)) {
		if (lookup_word(s, out))
			return;
	}
	if (c == '.') {
		if (is_yaml_float(s) && parse_float(s, &out->d))
			out->kind = YAML__FLOAT;
	} else if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
		resolve_number(s, out);
	}
}

bool yaml__is_base60_float(const char *s)
{
	/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s) || *s == '_')
		s++;
	int groups = 0;
	while (*s == ':') {
		s++;
		if (s[0] >= '0' && s[0] <= '5' && isdigit((unsigned char)s[1]))
			s += 2;
		else if (isdigit((unsigned char)s[0]))
			s++;
		else
			return false;
		groups++;
	}
	if (groups == 0)
		return false;
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s) || *s == '_')
			s++;
	}
	return *s == '\0';
}

/* The fewest significant digits that read back as v (as a float when bits is 32). */
static int shortest_precision(double v, int bits)
{
	char buf[64];
	for (int prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
		if (bits == 32 ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
			return prec;
	}
	return 17;
}

void yaml__format_float(struct strbuf *out, double v, int bits)
{
	if (isnan(v)) {
		strbuf_addstr(out, ".nan");
		return;
	}
	if (isinf(v)) {
		strbuf_addstr(out, v > 0 ? ".inf" : "-.inf");
		return;
	}
	if (bits == 32)
		v = (float)v;
	int prec = shortest_precision(v, bits);
	char buf[64];
	snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
	int exp = atoi(strchr(buf, 'e') + 1);
	/* Go's 'g' with the shortest precision switches to %e at exponent -5 and 6. */
	if (exp < -4 || exp >= 6)
		strbuf_addstr(out, buf);
	else
		strbuf_addf(out, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, v);
}

bool yaml__double_is_int64(double d, int64_t *ret)
{
	/* 2^63 is exact as a double; anything below it in magnitude converts safely */
	if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0) || d != floor(d))
		return false;
	*ret = (int64_t)d;
	return true;
}
