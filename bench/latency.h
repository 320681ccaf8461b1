/*
 * latency.h - what every k8c benchmark program records per operation kind:
 * latencies (ns), errors and the time span, summarised as JSON for
 * bench/report.py (count, errors, seconds, per_second, p50/p99/p999/max in ms).
 */
#ifndef K8C_BENCH_LATENCY_H
#define K8C_BENCH_LATENCY_H

#include "base/base.h"
#include "base/strbuf.h"

struct lat_rec {
	int64_t *ns;
	size_t n, alloc;
	long errors;
};

/* Records one successful operation that took ns nanoseconds. Never fails. */
void lat_rec_add(struct lat_rec *r, int64_t ns);

/* Adds every sample and error of src to dst. */
void lat_rec_merge(struct lat_rec *dst, const struct lat_rec *src);

/* The q-quantile (0..1) in nanoseconds, 0 when empty; sorts r's samples. */
int64_t lat_rec_quantile(struct lat_rec *r, double q);

/*
 * Appends {"count":N,"errors":E,"seconds":S,"per_second":N/S,"p50_ms":..,
 * "p99_ms":..,"p999_ms":..,"max_ms":..} to out; seconds is the wall time the
 * operations ran in. Sorts r's samples.
 */
void lat_rec_json(struct lat_rec *r, double seconds, struct strbuf *out);

/* Frees the samples; leaves r zeroed. */
void lat_rec_release(struct lat_rec *r);

#endif
