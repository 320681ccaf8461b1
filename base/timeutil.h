/*
 * timeutil.h - wall and monotonic clocks, and RFC 3339 timestamps as Kubernetes
 * writes them. Times are int64 nanoseconds since the Unix epoch (UTC); 0 means
 * "unset" (Kubernetes serializes its zero time as null). Thread-safe.
 */
#ifndef K8C_TIMEUTIL_H
#define K8C_TIMEUTIL_H

#include "base/base.h"
#include "base/strbuf.h"

#define K8C_NSEC_PER_SEC 1000000000LL
#define K8C_NSEC_PER_MSEC 1000000LL

/* Wall clock, nanoseconds since the epoch. */
int64_t time_now_ns(void);
/* Monotonic clock in nanoseconds; only differences are meaningful. */
int64_t time_mono_ns(void);
/*
 * Parses an RFC 3339 timestamp ("2006-01-02T15:04:05Z", optional fraction of up
 * to 9 digits, "Z" or "+hh:mm"/"-hh:mm"). Returns 0 and sets *ret_ns, or -EINVAL
 * (leaving *ret_ns untouched) when s is not such a timestamp or lies outside the
 * years 1678-2262 that int64 nanoseconds since the epoch can hold.
 */
int time_parse_rfc3339(const char *s, int64_t *ret_ns);
/* Appends ns as "2006-01-02T15:04:05Z" (seconds precision, like metav1.Time). */
void time_format_rfc3339(struct strbuf *out, int64_t ns);
/* Appends ns as "2006-01-02T15:04:05.000000Z" (like metav1.MicroTime). */
void time_format_rfc3339_micro(struct strbuf *out, int64_t ns);
/* Sleeps for ms milliseconds (restarting after signals). */
void time_sleep_ms(int64_t ms);
/* Sleeps for us microseconds (restarting after signals). */
void time_sleep_us(int64_t us);

#endif
