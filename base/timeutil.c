/*
 * timeutil.c - clocks and RFC 3339 parsing/formatting; see timeutil.h.
 */
#include "base/timeutil.h"

#include <ctype.h>
#include <time.h>

int64_t time_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * K8C_NSEC_PER_SEC + ts.tv_nsec;
}

int64_t time_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * K8C_NSEC_PER_SEC + ts.tv_nsec;
}

void time_sleep_us(int64_t us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void time_sleep_ms(int64_t ms)
{
	time_sleep_us(ms * 1000);
}

static int digits(const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* Days since the epoch of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int parse_zone(const char **p, int64_t *offset_s)
{
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*offset_s = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	int sign = **p == '-' ? -1 : 1;
	(*p)++;
	int hh = digits(p, 2);
	if (hh < 0 || *(*p)++ != ':')
		return -1;
	int mm = digits(p, 2);
	if (mm < 0 || hh > 23 || mm > 59)
		return -1;
	*offset_s = sign * (hh * 3600 + mm * 60);
	return 0;
}

int time_parse_rfc3339(const char *s, int64_t *ret_ns)
{
	const char *p = s;
	int y = digits(&p, 4);
	if (y < 0 || *p++ != '-')
		return -EINVAL;
	int mo = digits(&p, 2);
	if (mo < 1 || mo > 12 || *p++ != '-')
		return -EINVAL;
	int d = digits(&p, 2);
	if (d < 1 || d > 31 || (*p != 'T' && *p != 't' && *p != ' '))
		return -EINVAL;
	p++;
	int hh = digits(&p, 2);
	if (hh < 0 || hh > 23 || *p++ != ':')
		return -EINVAL;
	int mi = digits(&p, 2);
	if (mi < 0 || mi > 59 || *p++ != ':')
		return -EINVAL;
	int ss = digits(&p, 2);
	if (ss < 0 || ss > 60)
		return -EINVAL;
	int64_t frac = 0;
	if (*p == '.') {
		p++;
		int n = 0;
		while (isdigit((unsigned char)*p)) {
			if (n < 9) {
				frac = frac * 10 + (*p - '0');
				n++;
			}
			p++;
		}
		if (n == 0)
			return -EINVAL;
		for (; n < 9; n++)
			frac *= 10;
	}
	int64_t off;
	if (parse_zone(&p, &off) < 0 || *p)
		return -EINVAL;
	int64_t secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 + mi * 60 + ss - off;
	if (secs >= INT64_MAX / K8C_NSEC_PER_SEC || secs <= INT64_MIN / K8C_NSEC_PER_SEC)
		return -EINVAL; /* beyond what int64 nanoseconds hold (years 1678-2262) */
	*ret_ns = secs * K8C_NSEC_PER_SEC + frac;
	return 0;
}

/* Writes v (0 <= v < 10^n) as exactly n decimal digits. */
static void put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

static void format(struct strbuf *out, int64_t ns, bool micro)
{
	time_t secs = (time_t)(ns / K8C_NSEC_PER_SEC);
	int64_t rem = ns % K8C_NSEC_PER_SEC;
	if (rem < 0) {
		rem += K8C_NSEC_PER_SEC;
		secs--;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) { /* rare: printf pads and signs */
		strbuf_addf(out, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	} else { /* every timestamp of every object goes through here: no printf */
		char b[19];
		put_digits(b, tm.tm_year + 1900, 4);
		b[4] = '-';
		put_digits(b + 5, tm.tm_mon + 1, 2);
		b[7] = '-';
		put_digits(b + 8, tm.tm_mday, 2);
		b[10] = 'T';
		put_digits(b + 11, tm.tm_hour, 2);
		b[13] = ':';
		put_digits(b + 14, tm.tm_min, 2);
		b[16] = ':';
		put_digits(b + 17, tm.tm_sec, 2);
		strbuf_add(out, b, sizeof(b));
	}
	if (micro) {
		char b[7] = { '.' };
		put_digits(b + 1, (int)(rem / 1000), 6);
		strbuf_add(out, b, sizeof(b));
	}
	strbuf_addch(out, 'Z');
}

void time_format_rfc3339(struct strbuf *out, int64_t ns)
{
	format(out, ns, false);
}

void time_format_rfc3339_micro(struct strbuf *out, int64_t ns)
{
	format(out, ns, true);
}
