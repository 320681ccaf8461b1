/*
 * score.c - the default score plugins of kube-scheduler; see score.h.
 */
#include "scheduler/score.h"

#define MAX_SCORE 100

static int64_t least_allocated(int64_t requested, int64_t capacity)
{
	if (capacity <= 0 || requested > capacity)
		return 0;
	return (capacity - requested) * MAX_SCORE / capacity;
}

static double fraction(int64_t requested, int64_t capacity)
{
	if (capacity <= 0)
		return 1.0;
	double f = (double)requested / (double)capacity;
	return f > 1.0 ? 1.0 : f;
}

int64_t sched_score_resources(const struct sched_pod *p, const struct sched_node *n)
{
	int64_t cpu = n->nonzero.cpu_milli + p->info.nonzero.cpu_milli;
	int64_t mem = n->nonzero.memory + p->info.nonzero.memory;
	int64_t least = (least_allocated(cpu, n->allocatable.cpu_milli) +
			 least_allocated(mem, n->allocatable.memory)) / 2;
	/* balanced allocation: 1 - standard deviation of the two fractions */
	double fc = fraction(cpu, n->allocatable.cpu_milli);
	double fm = fraction(mem, n->allocatable.memory);
	double sd = (fc > fm ? fc - fm : fm - fc) / 2;
	int64_t balanced = (int64_t)((1.0 - sd) * MAX_SCORE);
	return least + balanced;
}

static int64_t preferred_affinity(const struct k8c_pod *pod, const struct k8c_node *node)
{
	const struct k8c_affinity *a = pod->spec.affinity;
	if (!a || !a->node_affinity)
		return 0;
	const struct k8c_node_affinity *na = a->node_affinity;
	int64_t sum = 0;
	for (size_t i = 0; i < na->n_preferred_during_scheduling_ignored_during_execution; i++) {
		const struct k8c_preferred_scheduling_term *t =
			&na->preferred_during_scheduling_ignored_during_execution[i];
		if (t->weight && t->preference && sched_node_term_matches(t->preference, node))
			sum += t->weight;
	}
	return sum;
}

static int64_t intolerable_prefer_no_schedule(const struct k8c_pod *pod,
					      const struct k8c_node *node)
{
	int64_t count = 0;
	for (size_t i = 0; i < node->spec.n_taints; i++) {
		const struct k8c_taint *t = &node->spec.taints[i];
		if (streq_null(t->effect, "PreferNoSchedule") &&
		    !sched_tolerates(pod->spec.tolerations, pod->spec.n_tolerations, t))
			count++;
	}
	return count;
}

static int64_t max_of(const int64_t *v, size_t n)
{
	int64_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* Normalizes raw scores to 0..100: higher raw is better, or (reverse) lower raw is better. */
static int64_t normalized(int64_t raw, int64_t max, bool reverse)
{
	if (!max)
		return reverse ? MAX_SCORE : 0;
	int64_t s = raw * MAX_SCORE / max;
	return reverse ? MAX_SCORE - s : s;
}

static uint64_t next_random(uint64_t *seed)
{
	/* xorshift64*: fast and good enough to break ties */
	uint64_t x = *seed ? *seed : 0x9E3779B97F4A7C15ULL;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*seed = x;
	return x * 0x2545F4914F6CDD1DULL;
}

size_t sched_score_pick(const struct sched_pod *p, struct sched_node *const *nodes, size_t n,
			int64_t *scratch, uint64_t *seed)
{
	int64_t *res = scratch, *aff = scratch + n, *spread = scratch + 2 * n,
		*taints = scratch + 3 * n;
	for (size_t i = 0; i < n; i++) {
		res[i] = sched_score_resources(p, nodes[i]);
		aff[i] = preferred_affinity(p->pod, nodes[i]->node);
		spread[i] = sched_node_owner_count(nodes[i], &p->info);
		taints[i] = intolerable_prefer_no_schedule(p->pod, nodes[i]->node);
	}
	int64_t max_aff = max_of(aff, n), max_spread = max_of(spread, n),
		max_taints = max_of(taints, n);
	size_t best = 0, ties = 0;
	int64_t best_score = -1;
	for (size_t i = 0; i < n; i++) {
		int64_t s = res[i] + 2 * normalized(aff[i], max_aff, false) +
			    2 * normalized(spread[i], max_spread, true) +
			    3 * normalized(taints[i], max_taints, true);
		if (s > best_score) {
			best_score = s;
			best = i;
			ties = 1;
		} else if (s == best_score && next_random(seed) % ++ties == 0) {
			best = i; /* reservoir sampling: each tied node equally likely */
		}
	}
	return best;
}
