/*
 * admission.c - DefaultTolerationSeconds; see admission.h.
 */
#include "apiserver/admission.h"

/* True when t tolerates the NoExecute taint key (an empty key or effect matches all). */
static bool covers(const struct k8c_toleration *t, const char *key)
{
	return (!t->key || !*t->key || !strcmp(t->key, key)) &&
	       (!t->effect || !*t->effect || !strcmp(t->effect, "NoExecute"));
}

static void add_toleration(struct k8c_pod_spec *s, const char *key, int64_t seconds)
{
	for (size_t i = 0; i < s->n_tolerations; i++)
		if (covers(&s->tolerations[i], key))
			return;
	s->tolerations = xrealloc(s->tolerations, (s->n_tolerations + 1) * sizeof(*s->tolerations));
	struct k8c_toleration *t = &s->tolerations[s->n_tolerations++];
	memset(t, 0, sizeof(*t));
	t->key = xstrdup(key);
	t->operator = xstrdup("Exists");
	t->effect = xstrdup("NoExecute");
	t->toleration_seconds = seconds;
	t->has_toleration_seconds = true;
}

void admission_default_tolerations(struct k8c_pod *pod, int64_t not_ready_s,
				   int64_t unreachable_s)
{
	if (not_ready_s >= 0)
		add_toleration(&pod->spec, "node.kubernetes.io/not-ready", not_ready_s);
	if (unreachable_s >= 0)
		add_toleration(&pod->spec, "node.kubernetes.io/unreachable", unreachable_s);
}
