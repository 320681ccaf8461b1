/*
 * duration.h - durations and ages for humans, exactly as Kubernetes writes
 * them (k8s.io/apimachinery/pkg/util/duration): "45s", "5m30s", "95m",
 * "7h20m", "3d4h", "2y30d", "<invalid>" for the future. Pure functions;
 * thread-safe.
 */
#ifndef K8C_API_PRINTERS_DURATION_H
#define K8C_API_PRINTERS_DURATION_H

#include "base/strbuf.h"

/*
 * Appends d_ns (nanoseconds) as HumanDuration does: two to three significant
 * figures, "0s" for up to 2 s in the past (clock skew), "<invalid>" beyond.
 */
void k8c_duration_human(struct strbuf *out, int64_t d_ns);

/* Appends d_ns in one unit as ShortHumanDuration does: "59s", "2m", "5h", "3d", "2y". */
void k8c_duration_short_human(struct strbuf *out, int64_t d_ns);

/*
 * Appends how long before now_ns the time ts_ns was, as the printers'
 * translateTimestampSince does: HumanDuration(now - ts), or "<unknown>"
 * when ts_ns is 0 (unset).
 */
void k8c_duration_since(struct strbuf *out, int64_t ts_ns, int64_t now_ns);

#endif
