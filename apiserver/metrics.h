/*
 * metrics.h - the API server's Prometheus metrics: request counts by verb,
 * resource and code, request latency histograms by verb and resource, storage
 * operation latency histograms, and the watch count. Lock-free counters;
 * thread-safe.
 */
#ifndef K8C_APISERVER_METRICS_H
#define K8C_APISERVER_METRICS_H

#include <stdatomic.h>

#include "api/kinds.h"
#include "apiserver/http.h"
#include "apiserver/storage/storage.h"

#define METRICS_VERBS 10
#define METRICS_KINDS 16  /* registered kinds + 1 for non-resource requests */
#define METRICS_CODES 20
#define METRICS_BUCKETS 14
#define METRICS_STORAGE_OPS 8

struct histogram {
	atomic_ullong buckets[METRICS_BUCKETS]; /* not cumulative */
	atomic_ullong count;
	atomic_ullong sum_ns;
};

struct metrics {
	atomic_ullong requests[METRICS_VERBS][METRICS_KINDS][METRICS_CODES];
	struct histogram latency[METRICS_VERBS][METRICS_KINDS];
	struct histogram storage[METRICS_STORAGE_OPS];
	atomic_ullong storage_errors[METRICS_STORAGE_OPS];
};

void metrics_init(struct metrics *m);
void metrics_release(struct metrics *m);
/* Records a finished request (verb is an enum api_verb; k NULL for non-resource paths). */
void metrics_observe(struct metrics *m, int verb, const struct k8c_kind *k,
		     const struct http_request *h);
/* Adds one observation of ns nanoseconds to h. */
void metrics_histogram_observe(struct histogram *h, int64_t ns);
/* Appends the Prometheus text exposition of m (and the given watch count) to out. */
void metrics_write(struct metrics *m, size_t watchers, struct strbuf *out);
/*
 * Wraps inner so that every call is timed into m->storage. The wrapper owns
 * inner: closing it closes inner.
 */
struct storage *metrics_wrap_storage(struct metrics *m, struct storage *inner);

#endif
