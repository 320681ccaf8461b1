/*
 * gotime.h - Go's time.Parse(time.RFC3339, s) as kubectl runs it on --since-time,
 * down to its error messages, so that a bad time reads exactly as kubectl prints it.
 * Pure, thread-safe.
 */
#ifndef K8C_KUBECTL_GOTIME_H
#define K8C_KUBECTL_GOTIME_H

#include "base/strbuf.h"

/*
 * Parses s with the layout "2006-01-02T15:04:05Z07:00" (a fraction of a second after
 * the seconds is accepted, as Go does). Returns 0 and sets *ret_ns (UTC nanoseconds
 * since the epoch), or -EINVAL (leaving *ret_ns untouched) with Go's *time.ParseError
 * text appended to err: `parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse
 * "x" as "2006"`, `parsing time "..." : month out of range`, `...: extra text: "..."`.
 */
int gotime_parse_rfc3339(const char *s, int64_t *ret_ns, struct strbuf *err);

#endif
