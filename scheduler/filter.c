/*
 * filter.c - the default filter plugins of kube-scheduler over the node
 * cache; see filter.h.
 */
#include "scheduler/filter.h"

#include <inttypes.h>

static void reason_add(struct sched_reasons *r, const char *reason)
{
	if (!r)
		return;
	intptr_t n = (intptr_t)hashmap_get(&r->counts, reason);
	hashmap_put(&r->counts, reason, (void *)(n + 1));
}

static bool toleration_matches(const struct k8c_toleration *t, const struct k8c_taint *taint)
{
	if (t->effect && *t->effect && !streq_null(t->effect, taint->effect))
		return false;
	bool exists = t->operator && !strcmp(t->operator, "Exists");
	if (!t->key || !*t->key)
		return exists; /* an empty key with Exists tolerates every taint */
	if (strcmp(t->key, taint->key ? taint->key : ""))
		return false;
	if (exists)
		return true;
	return !strcmp(t->value ? t->value : "", taint->value ? taint->value : "");
}

bool sched_tolerates(const struct k8c_toleration *tolerations, size_t n,
		     const struct k8c_taint *taint)
{
	for (size_t i = 0; i < n; i++)
		if (toleration_matches(&tolerations[i], taint))
			return true;
	return false;
}

static bool tolerates_unschedulable(const struct k8c_pod *pod)
{
	const struct k8c_taint t = { .key = "node.kubernetes.io/unschedulable",
				     .effect = "NoSchedule" };
	return sched_tolerates(pod->spec.tolerations, pod->spec.n_tolerations, &t);
}

static bool filter_unschedulable(const struct sched_pod *p, const struct sched_node *n,
				 struct sched_reasons *r)
{
	if (!n->node->spec.unschedulable || tolerates_unschedulable(p->pod))
		return true;
	reason_add(r, "node(s) were unschedulable");
	return false;
}

/* The taint a node not Ready carries in Kubernetes (node lifecycle controller). */
static bool condition_taint(const struct sched_node *n, struct k8c_taint *ret)
{
	if (streq_null(n->ready, "True"))
		return false;
	*ret = (struct k8c_taint){
		.key = streq_null(n->ready, "False") ? "node.kubernetes.io/not-ready" :
							 "node.kubernetes.io/unreachable",
		.effect = "NoSchedule",
	};
	return true;
}

static bool taint_blocks(const struct k8c_pod *pod, const struct k8c_taint *t)
{
	if (!streq_null(t->effect, "NoSchedule") && !streq_null(t->effect, "NoExecute"))
		return false;
	return !sched_tolerates(pod->spec.tolerations, pod->spec.n_tolerations, t);
}

static void taint_reason(struct sched_reasons *r, const struct k8c_taint *t)
{
	if (!r)
		return;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "node(s) had untolerated taint {%s: %s}", t->key ? t->key : "",
		    t->value ? t->value : "");
	reason_add(r, sb.buf);
	strbuf_release(&sb);
}

static bool filter_taints(const struct sched_pod *p, const struct sched_node *n,
			  struct sched_reasons *r)
{
	const struct k8c_node_spec *spec = &n->node->spec;
	for (size_t i = 0; i < spec->n_taints; i++)
		if (taint_blocks(p->pod, &spec->taints[i])) {
			taint_reason(r, &spec->taints[i]);
			return false;
		}
	struct k8c_taint implicit;
	if (condition_taint(n, &implicit) && taint_blocks(p->pod, &implicit)) {
		/* the explicit taint, when the node lifecycle controller has set it, came first */
		taint_reason(r, &implicit);
		return false;
	}
	return true;
}

static bool value_listed(char *const *values, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(values[i], v))
			return true;
	return false;
}

static bool int_compare(const char *label, char *const *values, size_t n, bool greater)
{
	char *end;
	if (!label || n != 1)
		return false;
	long long have = strtoll(label, &end, 10);
	if (*end || end == label)
		return false;
	long long want = strtoll(values[0], &end, 10);
	if (*end || end == values[0])
		return false;
	return greater ? have > want : have < want;
}

/* One NodeSelectorRequirement against a value (NULL = the key is absent). */
static bool requirement_matches(const struct k8c_node_selector_requirement *req,
				const char *value)
{
	const char *op = req->operator ? req->operator : "";
	if (!strcmp(op, "In"))
		return value && value_listed(req->values, req->n_values, value);
	if (!strcmp(op, "NotIn"))
		return !value || !value_listed(req->values, req->n_values, value);
	if (!strcmp(op, "Exists"))
		return value != NULL;
	if (!strcmp(op, "DoesNotExist"))
		return value == NULL;
	if (!strcmp(op, "Gt"))
		return int_compare(value, req->values, req->n_values, true);
	if (!strcmp(op, "Lt"))
		return int_compare(value, req->values, req->n_values, false);
	return false;
}

bool sched_node_term_matches(const struct k8c_node_selector_term *term,
			     const struct k8c_node *node)
{
	if (!term->n_match_expressions && !term->n_match_fields)
		return false; /* an empty term matches nothing */
	for (size_t i = 0; i < term->n_match_expressions; i++) {
		const struct k8c_node_selector_requirement *req = &term->match_expressions[i];
		const char *v = k8c_strmap_get(&node->metadata.labels, req->key ? req->key : "");
		if (!requirement_matches(req, v))
			return false;
	}
	for (size_t i = 0; i < term->n_match_fields; i++) {
		const struct k8c_node_selector_requirement *req = &term->match_fields[i];
		if (!streq_null(req->key, "metadata.name") ||
		    !requirement_matches(req, node->metadata.name))
			return false;
	}
	return true;
}

static bool affinity_matches(const struct k8c_pod *pod, const struct k8c_node *node)
{
	const struct k8c_strmap *sel = &pod->spec.node_selector;
	for (size_t i = 0; i < sel->n; i++)
		if (!streq_null(k8c_strmap_get(&node->metadata.labels, sel->items[i].key),
				sel->items[i].value))
			return false;
	const struct k8c_affinity *a = pod->spec.affinity;
	const struct k8c_node_selector *req =
		a && a->node_affinity ?
			a->node_affinity->required_during_scheduling_ignored_during_execution :
			NULL;
	if (!req)
		return true;
	for (size_t i = 0; i < req->n_node_selector_terms; i++)
		if (sched_node_term_matches(&req->node_selector_terms[i], node))
			return true;
	return false;
}

static bool filter_affinity(const struct sched_pod *p, const struct sched_node *n,
			    struct sched_reasons *r)
{
	if (affinity_matches(p->pod, n->node))
		return true;
	reason_add(r, "node(s) didn't match Pod's node affinity/selector");
	return false;
}

/* Two host ports conflict on the same protocol and port when either binds every address. */
static bool ports_conflict(const struct sched_port *a, const struct sched_port *b)
{
	if (a->port != b->port || strcmp(a->protocol, b->protocol))
		return false;
	return !*a->ip || !*b->ip || !strcmp(a->ip, b->ip);
}

static bool filter_ports(const struct sched_pod *p, const struct sched_node *n,
			 struct sched_reasons *r)
{
	for (size_t i = 0; i < p->info.n_ports; i++)
		for (size_t j = 0; j < n->n_ports; j++)
			if (ports_conflict(&p->info.ports[i], &n->ports[j])) {
				reason_add(r, "node(s) didn't have free ports for the requested pod ports");
				return false;
			}
	return true;
}

static bool filter_resources(const struct sched_pod *p, const struct sched_node *n,
			     struct sched_reasons *r)
{
	const struct sched_resources *req = &p->info.req, *used = &n->requested,
				     *alloc = &n->allocatable;
	bool fits = true;
	if (used->pods + 1 > alloc->pods) {
		reason_add(r, "Too many pods");
		fits = false;
	}
	if (req->cpu_milli && used->cpu_milli + req->cpu_milli > alloc->cpu_milli) {
		reason_add(r, "Insufficient cpu");
		fits = false;
	}
	if (req->memory && used->memory + req->memory > alloc->memory) {
		reason_add(r, "Insufficient memory");
		fits = false;
	}
	if (req->ephemeral && used->ephemeral + req->ephemeral > alloc->ephemeral) {
		reason_add(r, "Insufficient ephemeral-storage");
		fits = false;
	}
	return fits;
}

bool sched_filter(const struct sched_pod *p, const struct sched_node *n,
		  struct sched_reasons *reasons)
{
	if (reasons)
		reasons->nodes++;
	return filter_unschedulable(p, n, reasons) && filter_taints(p, n, reasons) &&
	       filter_affinity(p, n, reasons) && filter_ports(p, n, reasons) &&
	       filter_resources(p, n, reasons);
}

void sched_reasons_init(struct sched_reasons *r)
{
	memset(r, 0, sizeof(*r));
}

void sched_reasons_release(struct sched_reasons *r)
{
	hashmap_release(&r->counts, NULL);
	memset(r, 0, sizeof(*r));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sched_reasons_format(const struct sched_reasons *r, size_t all_nodes, struct strbuf *out)
{
	if (!all_nodes) {
		strbuf_addstr(out, "no nodes available to schedule pods");
		return;
	}
	size_t n = 0, pos = 0;
	char **items = xcalloc(r->counts.count + 1, sizeof(*items));
	struct hashmap_entry *e;
	while ((e = hashmap_next(&r->counts, &pos))) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%" PRIdPTR " %s", (intptr_t)e->value, e->key);
		items[n++] = strbuf_detach(&sb, NULL);
	}
	qsort(items, n, sizeof(*items), cmp_str);
	strbuf_addf(out, "0/%zu nodes are available", all_nodes);
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(out, i ? ", " : ": ");
		strbuf_addstr(out, items[i]);
		free(items[i]);
	}
	strbuf_addch(out, '.');
	free(items);
}
