/*
 * metrics.c - Prometheus counters and histograms; see metrics.h.
 */
#include "apiserver/metrics.h"

#include "base/timeutil.h"

static const char *const verb_names[METRICS_VERBS] = {
	"GET", "LIST", "WATCH", "POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION", "OTHER", "",
};
static const int codes[METRICS_CODES] = {
	200, 201, 400, 401, 403, 404, 405, 406, 409, 410, 413, 415, 422, 429, 500, 503, 504, 0,
};
static const double bounds[METRICS_BUCKETS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
static const char *const storage_ops[METRICS_STORAGE_OPS] = {
	"get", "list", "count", "create", "update", "delete", "watch", "compact",
};

void metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof(*m));
}

void metrics_release(struct metrics *m)
{
	(void)m;
}

void metrics_histogram_observe(struct histogram *h, int64_t ns)
{
	double s = (double)ns / 1e9;
	size_t b = 0;
	while (b < METRICS_BUCKETS && s > bounds[b])
		b++;
	if (b < METRICS_BUCKETS)
		atomic_fetch_add_explicit(&h->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns, (unsigned long long)ns, memory_order_relaxed);
}

static size_t code_index(int code)
{
	for (size_t i = 0; codes[i]; i++)
		if (codes[i] == code)
			return i;
	return METRICS_CODES - 1;
}

static size_t kind_index(const struct k8c_kind *k)
{
	size_t i = k ? (size_t)(k - k8c_kinds) : METRICS_KINDS - 1;
	return i < METRICS_KINDS ? i : METRICS_KINDS - 1;
}

void metrics_observe(struct metrics *m, int verb, const struct k8c_kind *k,
		     const struct http_request *h)
{
	size_t v = verb >= 0 && verb < METRICS_VERBS ? (size_t)verb : METRICS_VERBS - 1;
	size_t ki = kind_index(k);
	atomic_fetch_add_explicit(&m->requests[v][ki][code_index(h->status)], 1,
				  memory_order_relaxed);
	if (strcmp(verb_names[v], "WATCH")) /* a watch's duration is its lifetime: not latency */
		metrics_histogram_observe(&m->latency[v][ki], time_mono_ns() - h->start_ns);
}

static void write_histogram(struct strbuf *out, const char *name, const char *labels,
			    struct histogram *h)
{
	unsigned long long cum = 0;
	for (size_t b = 0; b < METRICS_BUCKETS; b++) {
		cum += atomic_load(&h->buckets[b]);
		strbuf_addf(out, "%s_bucket{%s,le=\"%g\"} %llu\n", name, labels, bounds[b], cum);
	}
	unsigned long long count = atomic_load(&h->count);
	strbuf_addf(out, "%s_bucket{%s,le=\"+Inf\"} %llu\n", name, labels, count);
	strbuf_addf(out, "%s_sum{%s} %.6f\n", name, labels, (double)atomic_load(&h->sum_ns) / 1e9);
	strbuf_addf(out, "%s_count{%s} %llu\n", name, labels, count);
}

static const char *kind_label(size_t ki)
{
	return ki == METRICS_KINDS - 1 || !k8c_kinds[ki].kind ? "" : k8c_kinds[ki].resource;
}

static void write_requests(struct metrics *m, struct strbuf *out)
{
	strbuf_addstr(out, "# HELP apiserver_request_total Counter of apiserver requests broken "
			   "out for each verb, resource and HTTP response code.\n"
			   "# TYPE apiserver_request_total counter\n");
	for (size_t v = 0; v < METRICS_VERBS; v++)
		for (size_t k = 0; k < METRICS_KINDS; k++)
			for (size_t c = 0; c < METRICS_CODES; c++) {
				unsigned long long n = atomic_load(&m->requests[v][k][c]);
				if (n)
					strbuf_addf(out, "apiserver_request_total{verb=\"%s\","
						    "resource=\"%s\",code=\"%d\"} %llu\n",
						    verb_names[v], kind_label(k), codes[c], n);
			}
	strbuf_addstr(out, "# HELP apiserver_request_duration_seconds Response latency "
			   "distribution in seconds for each verb and resource.\n"
			   "# TYPE apiserver_request_duration_seconds histogram\n");
	for (size_t v = 0; v < METRICS_VERBS; v++)
		for (size_t k = 0; k < METRICS_KINDS; k++) {
			if (!atomic_load(&m->latency[v][k].count))
				continue;
			struct strbuf labels = STRBUF_INIT;
			strbuf_addf(&labels, "verb=\"%s\",resource=\"%s\"", verb_names[v],
				    kind_label(k));
			write_histogram(out, "apiserver_request_duration_seconds", labels.buf,
					&m->latency[v][k]);
			strbuf_release(&labels);
		}
}

void metrics_write(struct metrics *m, size_t watchers, struct strbuf *out)
{
	write_requests(m, out);
	strbuf_addstr(out, "# HELP apiserver_storage_duration_seconds Storage operation latency "
			   "in seconds.\n# TYPE apiserver_storage_duration_seconds histogram\n");
	for (size_t i = 0; i < METRICS_STORAGE_OPS; i++) {
		struct strbuf labels = STRBUF_INIT;
		strbuf_addf(&labels, "operation=\"%s\"", storage_ops[i]);
		write_histogram(out, "apiserver_storage_duration_seconds", labels.buf,
				&m->storage[i]);
		strbuf_release(&labels);
	}
	strbuf_addstr(out, "# HELP apiserver_storage_errors_total Storage operations that "
			   "failed.\n# TYPE apiserver_storage_errors_total counter\n");
	for (size_t i = 0; i < METRICS_STORAGE_OPS; i++)
		strbuf_addf(out, "apiserver_storage_errors_total{operation=\"%s\"} %llu\n",
			    storage_ops[i], atomic_load(&m->storage_errors[i]));
	strbuf_addf(out, "# HELP apiserver_registered_watchers Number of currently registered "
		    "watchers.\n# TYPE apiserver_registered_watchers gauge\n"
		    "apiserver_registered_watchers %zu\n", watchers);
}
