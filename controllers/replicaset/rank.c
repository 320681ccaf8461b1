/*
 * rank.c - which pods a ReplicaSet deletes first (controller.ActivePodsWithRanks).
 * Deleting the least useful pods first is what keeps a scale-down or a
 * rolling update from removing pods that serve traffic while others that
 * never started are still around.
 */
#include "controllers/replicaset/replicaset_internal.h"

#include "base/hashmap.h"
#include "controllers/podutil.h"

static const char *const DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

static int phase_ordinal(const struct k8c_pod *p)
{
	const char *phase = podutil_phase(p);

	if (!strcmp(phase, "Running"))
		return 2;
	if (!strcmp(phase, "Unknown"))
		return 1;
	return 0; /* Pending, and anything unknown to the map upstream */
}

static int32_t deletion_cost(const struct k8c_pod *p)
{
	const char *v = k8c_strmap_get(&p->metadata.annotations, DELETION_COST);
	char *end;

	if (!v || !*v)
		return 0;
	long long c = strtoll(v, &end, 10);
	return *end || c < INT32_MIN || c > INT32_MAX ? 0 : (int32_t)c;
}

static int64_t ready_time(const struct k8c_pod *p)
{
	const struct k8c_pod_condition *c = podutil_ready_condition(p);

	return c && streq_null(c->status, "True") ? c->last_transition_time : 0;
}

static int64_t max_restarts(const struct k8c_pod *p)
{
	int64_t m = 0;

	for (size_t i = 0; i < p->status.n_container_statuses; i++)
		if (p->status.container_statuses[i].restart_count > m)
			m = p->status.container_statuses[i].restart_count;
	return m;
}

/* afterOrZero: t1 first when it is zero, or later than t2 (t2 zero: t1 only if zero too). */
static int cmp_after_or_zero(int64_t t1, int64_t t2)
{
	if (t1 == t2)
		return 0;
	if (!t1 || !t2)
		return !t1 ? -1 : 1;
	return t1 > t2 ? -1 : 1;
}

static int cmp_bool_first(bool a, bool b)
{
	return a == b ? 0 : a ? -1 : 1;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int rank_cmp(const void *pa, const void *pb)
{
	const struct rank_pod *ra = pa, *rb = pb;
	const struct k8c_pod *a = ra->pod, *b = rb->pod;
	bool ra_ready = podutil_is_ready(a), rb_ready = podutil_is_ready(b);
	int c;

	if ((c = cmp_bool_first(!a->spec.node_name || !*a->spec.node_name,
				!b->spec.node_name || !*b->spec.node_name)))
		return c;
	if ((c = cmp_i64(phase_ordinal(a), phase_ordinal(b))))
		return c;
	if ((c = cmp_bool_first(!ra_ready, !rb_ready)))
		return c;
	if ((c = cmp_i64(deletion_cost(a), deletion_cost(b))))
		return c;
	if ((c = cmp_i64(rb->rank, ra->rank)))
		return c;
	if (ra_ready && rb_ready && (c = cmp_after_or_zero(ready_time(a), ready_time(b))))
		return c;
	if ((c = cmp_i64(max_restarts(b), max_restarts(a))))
		return c;
	if ((c = cmp_after_or_zero(a->metadata.creation_timestamp, b->metadata.creation_timestamp)))
		return c;
	return strcmp(a->metadata.name ? a->metadata.name : "",
		      b->metadata.name ? b->metadata.name : "");
}

void replicaset_rank_sort(struct rank_pod *pods, size_t n)
{
	if (n > 1)
		qsort(pods, n, sizeof(*pods), rank_cmp);
}

static const char *node_of(const struct k8c_pod *p)
{
	return p->spec.node_name ? p->spec.node_name : "";
}

void replicaset_rank_fill(struct rank_pod *pods, size_t n, struct k8c_pod *const *related,
			  size_t n_related)
{
	struct hashmap on_node = HASHMAP_INIT; /* node -> count, as a pointer-sized integer */

	for (size_t j = 0; j < n_related; j++) {
		if (!podutil_is_active(related[j]))
			continue;
		const char *node = node_of(related[j]);
		hashmap_put(&on_node, node, (void *)((uintptr_t)hashmap_get(&on_node, node) + 1));
	}
	for (size_t i = 0; i < n; i++)
		pods[i].rank = (int)(uintptr_t)hashmap_get(&on_node, node_of(pods[i].pod));
	hashmap_release(&on_node, NULL);
}
