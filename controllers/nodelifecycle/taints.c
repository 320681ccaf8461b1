/*
 * taints.c - node taints from conditions, and tolerations; see taints.h.
 */
#include "controllers/nodelifecycle/taints.h"

#include "api/codec.h"

/* nodeConditionToTaintKeyStatusMap, plus spec.unschedulable. */
static const struct {
	const char *type, *status, *key;
} condition_taints[] = {
	{ "Ready", "False", TAINT_NOT_READY },
	{ "Ready", "Unknown", TAINT_UNREACHABLE },
	{ "MemoryPressure", "True", "node.kubernetes.io/memory-pressure" },
	{ "DiskPressure", "True", "node.kubernetes.io/disk-pressure" },
	{ "NetworkUnavailable", "True", "node.kubernetes.io/network-unavailable" },
	{ "PIDPressure", "True", "node.kubernetes.io/pid-pressure" },
};

const struct k8c_node_condition *node_condition(const struct k8c_node_status *status,
						const char *type)
{
	for (size_t i = 0; i < status->n_conditions; i++)
		if (streq_null(status->conditions[i].type, type))
			return &status->conditions[i];
	return NULL;
}

bool toleration_tolerates(const struct k8c_toleration *t, const struct k8c_taint *taint)
{
	if (*str_or_empty(t->effect) && strcmp(t->effect, str_or_empty(taint->effect)))
		return false;
	if (*str_or_empty(t->key) && strcmp(t->key, str_or_empty(taint->key)))
		return false;
	const char *op = str_or_empty(t->operator);
	if (!*op || !strcmp(op, "Equal"))
		return !strcmp(str_or_empty(t->value), str_or_empty(taint->value));
	return !strcmp(op, "Exists");
}

enum eviction taints_eviction(const struct k8c_toleration *tols, size_t n_tols,
			      const struct k8c_taint *taints, size_t n_taints,
			      int64_t *ret_seconds)
{
	int64_t min = -1; /* -1: forever (GetMatchingTolerations + getMinTolerationTime) */
	bool any = false;
	*ret_seconds = 0;
	for (size_t i = 0; i < n_taints; i++) {
		if (strcmp(str_or_empty(taints[i].effect), "NoExecute"))
			continue;
		any = true;
		size_t j = 0;
		while (j < n_tols && !toleration_tolerates(&tols[j], &taints[i]))
			j++;
		if (j == n_tols)
			return EVICT_NOW;
		if (!tols[j].has_toleration_seconds)
			continue;
		if (tols[j].toleration_seconds <= 0)
			return EVICT_NOW;
		if (min < 0 || tols[j].toleration_seconds < min)
			min = tols[j].toleration_seconds;
	}
	if (!any || min < 0)
		return EVICT_NEVER;
	*ret_seconds = min;
	return EVICT_AFTER;
}

bool taints_has(const struct k8c_taint *taints, size_t n, const char *key, const char *effect)
{
	for (size_t i = 0; i < n; i++)
		if (streq_null(taints[i].key, key) && streq_null(taints[i].effect, effect))
			return true;
	return false;
}

struct want {
	const char *key, *effect;
};

/* The controller taints node should carry; returns how many went into w. */
static size_t wanted(const struct k8c_node *node, struct want *w)
{
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(condition_taints); i++) {
		const struct k8c_node_condition *c = node_condition(&node->status,
								    condition_taints[i].type);
		if (c && streq_null(c->status, condition_taints[i].status))
			w[n++] = (struct want){ condition_taints[i].key, "NoSchedule" };
	}
	if (node->spec.has_unschedulable && node->spec.unschedulable)
		w[n++] = (struct want){ TAINT_UNSCHEDULABLE, "NoSchedule" };
	const struct k8c_node_condition *ready = node_condition(&node->status, "Ready");
	if (ready && streq_null(ready->status, "False"))
		w[n++] = (struct want){ TAINT_NOT_READY, "NoExecute" };
	if (ready && streq_null(ready->status, "Unknown"))
		w[n++] = (struct want){ TAINT_UNREACHABLE, "NoExecute" };
	return n;
}

/* True when taint t is one this controller decides on for node. */
static bool managed(const struct k8c_node *node, const struct k8c_taint *t)
{
	const char *key = str_or_empty(t->key);
	if (!strcmp(str_or_empty(t->effect), "NoExecute"))
		return node_condition(&node->status, "Ready") &&
		       (!strcmp(key, TAINT_NOT_READY) || !strcmp(key, TAINT_UNREACHABLE));
	if (strcmp(str_or_empty(t->effect), "NoSchedule"))
		return false;
	if (!strcmp(key, TAINT_UNSCHEDULABLE))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(condition_taints); i++)
		if (!strcmp(key, condition_taints[i].key))
			return true;
	return false;
}

static bool is_wanted(const struct want *w, size_t n, const struct k8c_taint *t)
{
	for (size_t i = 0; i < n; i++)
		if (streq_null(t->key, w[i].key) && streq_null(t->effect, w[i].effect))
			return true;
	return false;
}

bool taints_in_sync(const struct k8c_node *node)
{
	struct want w[ARRAY_SIZE(condition_taints) + 3];
	size_t nw = wanted(node, w);
	const struct k8c_node_spec *s = &node->spec;
	for (size_t i = 0; i < s->n_taints; i++)
		if (managed(node, &s->taints[i]) && !is_wanted(w, nw, &s->taints[i]))
			return false;
	for (size_t i = 0; i < nw; i++)
		if (!taints_has(s->taints, s->n_taints, w[i].key, w[i].effect))
			return false;
	return true;
}

bool taints_reconcile(struct k8c_node *node, int64_t now_ns)
{
	struct want w[ARRAY_SIZE(condition_taints) + 3];
	size_t nw = wanted(node, w);
	struct k8c_node_spec *s = &node->spec;
	bool changed = false;
	size_t keep = 0;
	for (size_t i = 0; i < s->n_taints; i++) {
		if (managed(node, &s->taints[i]) && !is_wanted(w, nw, &s->taints[i])) {
			k8c_release(&k8c_type_taint, &s->taints[i]);
			changed = true;
			continue;
		}
		s->taints[keep++] = s->taints[i];
	}
	s->n_taints = keep;
	for (size_t i = 0; i < nw; i++) {
		if (taints_has(s->taints, s->n_taints, w[i].key, w[i].effect))
			continue;
		s->taints = xrealloc(s->taints, (s->n_taints + 1) * sizeof(*s->taints));
		struct k8c_taint *t = &s->taints[s->n_taints++];
		memset(t, 0, sizeof(*t));
		t->key = xstrdup(w[i].key);
		t->effect = xstrdup(w[i].effect);
		t->time_added = now_ns;
		changed = true;
	}
	return changed;
}
