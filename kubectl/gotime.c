/*
 * gotime.c - Go 1.19's time.Parse for the RFC 3339 layout, element by element as
 * Go walks it (a literal prefix, then a layout element), so that each failure names
 * the same layout element and the same rest of the value as Go's ParseError.
 */
#include "kubectl/gotime.h"

#include "base/timeutil.h"

#define LAYOUT "2006-01-02T15:04:05Z07:00"

enum elem { YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, ZONE, END };

/* The layout's chunks: the literal before each element, and the element's text. */
static const struct {
	const char *prefix, *text;
} chunks[] = {
	[YEAR] = { "", "2006" },  [MONTH] = { "-", "01" },  [DAY] = { "-", "02" },
	[HOUR] = { "T", "15" },	  [MINUTE] = { ":", "04" }, [SECOND] = { ":", "05" },
	[ZONE] = { "", "Z07:00" }, [END] = { "", "" },
};

struct parse {
	const char *v; /* what is left of the value */
	int num[ZONE];
	int64_t nsec, offset;
	const char *range; /* "month" when out of range, ... */
};

/* Go's quote(): ASCII as is (with \" and \\), anything else as \xNN bytes. */
static void go_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80 || *p < ' ')
			strbuf_addf(out, "\\x%02x", *p);
		else if (*p == '"' || *p == '\\')
			strbuf_addf(out, "\\%c", *p);
		else
			strbuf_addch(out, (char)*p);
	}
	strbuf_addch(out, '"');
}

static bool digit(const char *s, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!s[j])
			return false;
	return s[i] >= '0' && s[i] <= '9';
}

/* Go's getnum: one or two digits (exactly two when fixed). */
static int getnum(const char **s, bool fixed, int *ret)
{
	const char *p = *s;
	if (!digit(p, 0))
		return -EINVAL;
	if (!digit(p, 1)) {
		if (fixed)
			return -EINVAL;
		*ret = p[0] - '0';
		*s = p + 1;
		return 0;
	}
	*ret = (p[0] - '0') * 10 + (p[1] - '0');
	*s = p + 2;
	return 0;
}

/* A fraction of a second after the seconds: ".123" (Go keeps nine digits). */
static void fraction(struct parse *p)
{
	if ((p->v[0] != '.' && p->v[0] != ',') || !digit(p->v, 1))
		return;
	size_t n = 1;
	int64_t scale = 100000000;
	for (; digit(p->v, n); n++, scale /= 10)
		p->nsec += scale > 0 ? (p->v[n] - '0') * scale : 0;
	p->v += n;
}

/* "Z", or "+hh:mm" / "-hh:mm" (Go takes the six bytes before it checks them). */
static int zone(struct parse *p)
{
	const char *v = p->v;
	if (v[0] == 'Z') {
		p->v++;
		return 0;
	}
	if (strnlen(v, 6) < 6 || v[3] != ':')
		return -EINVAL;
	p->v += 6;
	char hh[3] = { v[1], v[2], 0 }, mm[3] = { v[4], v[5], 0 };
	const char *h = hh, *m = mm;
	int hr, min;
	if (getnum(&h, true, &hr) < 0 || getnum(&m, true, &min) < 0 || (v[0] != '+' && v[0] != '-'))
		return -EINVAL;
	p->offset = (v[0] == '-' ? -1 : 1) * ((int64_t)hr * 60 + min) * 60;
	return 0;
}

/* One layout element at p->v; -EINVAL when the value does not fit it. */
static int element(struct parse *p, enum elem e)
{
	static const int limit[] = { [MONTH] = 12, [HOUR] = 23, [MINUTE] = 59, [SECOND] = 59 };
	static const char *const names[] = { [MONTH] = "month", [HOUR] = "hour",
					     [MINUTE] = "minute", [SECOND] = "second" };
	int n = 0;
	switch (e) {
	case YEAR:
		if (strnlen(p->v, 4) < 4 || !digit(p->v, 0))
			return -EINVAL;
		p->v += 4; /* taken before its digits are checked, as Go does */
		for (int i = -4; i < 0; i++) {
			if (p->v[i] < '0' || p->v[i] > '9')
				return -EINVAL;
			n = n * 10 + (p->v[i] - '0');
		}
		p->num[YEAR] = n;
		return 0;
	case ZONE:
		return zone(p);
	default:
		if (getnum(&p->v, e != HOUR, &n) < 0)
			return -EINVAL;
		p->num[e] = n;
		if (limit[e] && (n > limit[e] || (e == MONTH && n == 0)))
			p->range = names[e];
		if (e == SECOND && !p->range)
			fraction(p);
		return 0;
	}
}

static int days_in(int month, int year)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int fail(struct strbuf *err, const char *s, const char *layout_elem, const char *value_elem,
		const char *message)
{
	strbuf_addstr(err, "parsing time ");
	go_quote(err, s);
	if (message) {
		strbuf_addstr(err, message);
		if (!strcmp(message, ": extra text: "))
			go_quote(err, value_elem);
		return -EINVAL;
	}
	strbuf_addstr(err, " as ");
	go_quote(err, LAYOUT);
	strbuf_addstr(err, ": cannot parse ");
	go_quote(err, value_elem);
	strbuf_addstr(err, " as ");
	go_quote(err, layout_elem);
	return -EINVAL;
}

int gotime_parse_rfc3339(const char *s, int64_t *ret_ns, struct strbuf *err)
{
	struct parse p = { .v = s };
	for (enum elem e = YEAR; e <= END; e++) {
		const char *prefix = chunks[e].prefix;
		if (*prefix && p.v[0] != *prefix)
			return fail(err, s, prefix, p.v, NULL);
		p.v += strlen(prefix);
		if (e == END)
			break;
		int r = element(&p, e);
		if (p.range) {
			struct strbuf msg = STRBUF_INIT;
			strbuf_addf(&msg, ": %s out of range", p.range);
			fail(err, s, NULL, NULL, msg.buf);
			strbuf_release(&msg);
			return -EINVAL;
		}
		if (r < 0)
			return fail(err, s, chunks[e].text, p.v, NULL); /* what the element left */
	}
	if (*p.v)
		return fail(err, s, NULL, p.v, ": extra text: ");
	if (p.num[DAY] < 1 || p.num[DAY] > days_in(p.num[MONTH], p.num[YEAR]))
		return fail(err, s, NULL, NULL, ": day out of range");
	int64_t secs = days_from_civil(p.num[YEAR], p.num[MONTH], p.num[DAY]) * 86400 +
		       p.num[HOUR] * 3600 + p.num[MINUTE] * 60 + p.num[SECOND] - p.offset;
	*ret_ns = secs * K8C_NSEC_PER_SEC + p.nsec;
	return 0;
}
