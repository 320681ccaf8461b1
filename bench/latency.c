/*
 * latency.c - latency samples and their JSON summary; see latency.h.
 */
#include "bench/latency.h"

void lat_rec_add(struct lat_rec *r, int64_t ns)
{
	ALLOC_GROW(r->ns, r->n + 1, r->alloc);
	r->ns[r->n++] = ns;
}

void lat_rec_merge(struct lat_rec *dst, const struct lat_rec *src)
{
	ALLOC_GROW(dst->ns, dst->n + src->n, dst->alloc);
	if (src->n)
		memcpy(dst->ns + dst->n, src->ns, src->n * sizeof(*src->ns));
	dst->n += src->n;
	dst->errors += src->errors;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t lat_rec_quantile(struct lat_rec *r, double q)
{
	size_t i;

	if (!r->n)
		return 0;
	qsort(r->ns, r->n, sizeof(*r->ns), cmp_i64);
	i = (size_t)(q * (double)r->n);
	return r->ns[i < r->n ? i : r->n - 1];
}

void lat_rec_json(struct lat_rec *r, double seconds, struct strbuf *out)
{
	strbuf_addf(out, "{\"count\":%zu,\"errors\":%ld,\"seconds\":%.3f,\"per_second\":%.1f,",
		    r->n, r->errors, seconds, seconds > 0 ? (double)r->n / seconds : 0.0);
	strbuf_addf(out, "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}",
		    lat_rec_quantile(r, 0.5) / 1e6, lat_rec_quantile(r, 0.99) / 1e6,
		    lat_rec_quantile(r, 0.999) / 1e6, lat_rec_quantile(r, 1.0) / 1e6);
}

void lat_rec_release(struct lat_rec *r)
{
	free(r->ns);
	memset(r, 0, sizeof(*r));
}
