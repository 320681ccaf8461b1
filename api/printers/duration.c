/*
 * duration.c - Kubernetes' human-readable durations (HumanDuration,
 * ShortHumanDuration) and ages; see duration.h. Integer division truncates
 * toward zero here as Go's int() conversions do there, so the boundaries
 * (119s → "119s", 120s → "2m", 10m → "10m", 3h → "3h", ...) match.
 */
#include "api/printers/duration.h"

#include "base/timeutil.h"

#define NS_PER_MIN (60 * K8C_NSEC_PER_SEC)
#define NS_PER_HOUR (60 * NS_PER_MIN)

/* Appends "<major><mu>" followed by "<minor><nu>" unless minor is 0: "5m30s", "3d". */
static void add_units(struct strbuf *out, int64_t major, char mu, int64_t minor, char nu)
{
	strbuf_addi64(out, major);
	strbuf_addch(out, mu);
	if (minor == 0)
		return;
	strbuf_addi64(out, minor);
	strbuf_addch(out, nu);
}

/* HumanDuration from 3 hours on: hours, days, years. */
static void human_hours(struct strbuf *out, int64_t hours)
{
	int64_t days = hours / 24;
	if (hours < 8)
		add_units(out, hours, 'h', 0, 'm');
	else if (hours < 48)
		add_units(out, hours, 'h', 0, 'h');
	else if (hours < 24 * 8)
		add_units(out, days, 'd', hours % 24, 'h');
	else if (hours < 24 * 365 * 2)
		add_units(out, days, 'd', 0, 'd');
	else if (hours < 24 * 365 * 8)
		add_units(out, days / 365, 'y', days % 365, 'd');
	else
		add_units(out, days / 365, 'y', 0, 'y');
}

void k8c_duration_human(struct strbuf *out, int64_t d_ns)
{
	int64_t seconds = d_ns / K8C_NSEC_PER_SEC;
	int64_t minutes = d_ns / NS_PER_MIN;
	int64_t hours = d_ns / NS_PER_HOUR;

	if (seconds < -1) {
		strbuf_addstr(out, "<invalid>");
	} else if (seconds < 0) {
		strbuf_addstr(out, "0s");
	} else if (seconds < 60 * 2) {
		add_units(out, seconds, 's', 0, 's');
	} else if (minutes < 10) {
		add_units(out, minutes, 'm', seconds % 60, 's');
	} else if (minutes < 60 * 3) {
		add_units(out, minutes, 'm', 0, 'm');
	} else if (hours < 8) {
		add_units(out, hours, 'h', minutes % 60, 'm');
	} else {
		human_hours(out, hours);
	}
}

void k8c_duration_short_human(struct strbuf *out, int64_t d_ns)
{
	int64_t seconds = d_ns / K8C_NSEC_PER_SEC;
	int64_t hours = d_ns / NS_PER_HOUR;

	if (seconds < -1)
		strbuf_addstr(out, "<invalid>");
	else if (seconds < 0)
		strbuf_addstr(out, "0s");
	else if (seconds < 60)
		add_units(out, seconds, 's', 0, 's');
	else if (d_ns / NS_PER_MIN < 60)
		add_units(out, d_ns / NS_PER_MIN, 'm', 0, 'm');
	else if (hours < 24)
		add_units(out, hours, 'h', 0, 'h');
	else if (hours < 24 * 365)
		add_units(out, hours / 24, 'd', 0, 'd');
	else
		add_units(out, hours / 24 / 365, 'y', 0, 'y');
}

void k8c_duration_since(struct strbuf *out, int64_t ts_ns, int64_t now_ns)
{
	if (ts_ns == 0) {
		strbuf_addstr(out, "<unknown>");
		return;
	}
	k8c_duration_human(out, now_ns - ts_ns);
}
