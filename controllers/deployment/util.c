/*
 * util.c - the arithmetic of rollouts (Kubernetes' deploymentutil): sizes,
 * fenceposts, finding the new ReplicaSet, orders, and the proportions of
 * proportional scaling. Pure functions; fields the API server did not
 * default read as Kubernetes' defaults.
 */
#include "controllers/deployment/deployment_internal.h"

#include <math.h>

#include "api/codec.h"
#include "api/values.h"

void rslist_push(struct rslist *l, struct k8c_replica_set *rs)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = rs;
}

void rslist_release(struct rslist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void rslist_active(const struct rslist *in, struct rslist *out)
{
	for (size_t i = 0; i < in->n; i++)
		if (in->v[i] && drs_replicas(in->v[i]) > 0)
			rslist_push(out, in->v[i]);
}

int32_t dep_replicas(const struct k8c_deployment *d)
{
	return d->spec.has_replicas ? d->spec.replicas : 1;
}

int32_t drs_replicas(const struct k8c_replica_set *rs)
{
	return rs->spec.has_replicas ? rs->spec.replicas : 1;
}

bool dep_is_recreate(const struct k8c_deployment *d)
{
	return d->spec.strategy && streq_null(d->spec.strategy->type, "Recreate");
}

static int32_t scaled(const struct k8c_intstr *v, int32_t total, bool round_up)
{
	static const struct k8c_intstr quarter = { K8C_INTSTR_STRING, 0, (char *)"25%" };
	int32_t out = 0;

	if (k8c_intstr_scaled(v->type == K8C_INTSTR_UNSET ? &quarter : v, total, round_up, &out) < 0)
		k8c_intstr_scaled(&quarter, total, round_up, &out); /* validation keeps these out */
	return out;
}

void dep_fenceposts(const struct k8c_deployment *d, int32_t *ret_surge, int32_t *ret_unavailable)
{
	static const struct k8c_rolling_update_deployment none;
	const struct k8c_rolling_update_deployment *ru =
		d->spec.strategy && d->spec.strategy->rolling_update ?
			d->spec.strategy->rolling_update : &none;
	int32_t desired = dep_replicas(d);
	int32_t surge = scaled(&ru->max_surge, desired, true);
	int32_t unavailable = scaled(&ru->max_unavailable, desired, false);

	if (surge == 0 && unavailable == 0)
		unavailable = 1; /* a rollout must be able to move */
	*ret_surge = surge;
	*ret_unavailable = unavailable;
}

int32_t dep_max_surge(const struct k8c_deployment *d)
{
	int32_t surge, unavailable;

	if (dep_is_recreate(d))
		return 0;
	dep_fenceposts(d, &surge, &unavailable);
	return surge;
}

int32_t dep_max_unavailable(const struct k8c_deployment *d)
{
	int32_t surge, unavailable;

	if (dep_is_recreate(d) || dep_replicas(d) == 0)
		return 0;
	dep_fenceposts(d, &surge, &unavailable);
	return unavailable > dep_replicas(d) ? dep_replicas(d) : unavailable;
}

int32_t dep_progress_deadline(const struct k8c_deployment *d)
{
	return d->spec.has_progress_deadline_seconds ? d->spec.progress_deadline_seconds : 600;
}

bool dep_has_progress_deadline(const struct k8c_deployment *d)
{
	return dep_progress_deadline(d) != INT32_MAX;
}

int32_t dep_revision_history_limit(const struct k8c_deployment *d)
{
	return d->spec.has_revision_history_limit ? d->spec.revision_history_limit : 10;
}

#define RSLIST_SUM(name, expr)                                                                     \
	int32_t name(const struct rslist *l)                                                       \
	{                                                                                          \
		int32_t sum = 0;                                                                   \
		for (size_t i = 0; i < l->n; i++)                                                  \
			if (l->v[i])                                                               \
				sum += (expr);                                                     \
		return sum;                                                                        \
	}
RSLIST_SUM(rslist_spec_replicas, drs_replicas(l->v[i]))
RSLIST_SUM(rslist_status_replicas, l->v[i]->status.replicas)
RSLIST_SUM(rslist_ready, l->v[i]->status.ready_replicas)
RSLIST_SUM(rslist_available, l->v[i]->status.available_replicas)

/* in without the pod-template-hash label, sharing in's strings: free only out->items. */
static void labels_without_hash(const struct k8c_strmap *in, struct k8c_strmap *out)
{
	out->items = xmalloc((in->n ? in->n : 1) * sizeof(*out->items));
	out->n = 0;
	out->alloc = in->n;
	for (size_t i = 0; i < in->n; i++)
		if (!streq_null(in->items[i].key, DEP_LABEL_HASH))
			out->items[out->n++] = in->items[i];
}

/*
 * The common case, cheaply: equal structs but for the hash label encode alike, so their
 * canonical JSON (that encoding, the label dropped, empty objects pruned) is equal too.
 */
static bool same_but_hash(const struct k8c_pod_template_spec *a,
			  const struct k8c_pod_template_spec *b)
{
	struct k8c_pod_template_spec x = *a, y = *b;

	labels_without_hash(&a->metadata.labels, &x.metadata.labels);
	labels_without_hash(&b->metadata.labels, &y.metadata.labels);
	bool eq = k8c_equal(&k8c_type_pod_template_spec, &x, &y);
	free(x.metadata.labels.items);
	free(y.metadata.labels.items);
	return eq;
}

bool dep_template_equal(const struct k8c_pod_template_spec *a,
			const struct k8c_pod_template_spec *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

	if (same_but_hash(a, b))
		return true;
	dep_template_canonical(a, &x);
	dep_template_canonical(b, &y);
	bool eq = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	strbuf_release(&x);
	strbuf_release(&y);
	return eq;
}

struct k8c_replica_set *dep_find_new(const struct k8c_deployment *d, const struct rslist *l)
{
	struct rslist sorted = { 0 };
	struct k8c_replica_set *found = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i])
			rslist_push(&sorted, l->v[i]);
	/* The oldest match wins, should several ReplicaSets carry the same template. */
	rslist_sort_by_creation(&sorted);
	for (size_t i = 0; i < sorted.n && !found; i++)
		if (dep_template_equal(&sorted.v[i]->spec.template, &d->spec.template))
			found = sorted.v[i];
	rslist_release(&sorted);
	return found;
}

/* ---- orders ------------------------------------------------------------ */

static int cmp_creation(const struct k8c_replica_set *a, const struct k8c_replica_set *b)
{
	if (a->metadata.creation_timestamp != b->metadata.creation_timestamp)
		return a->metadata.creation_timestamp < b->metadata.creation_timestamp ? -1 : 1;
	return strcmp(a->metadata.name ? a->metadata.name : "",
		      b->metadata.name ? b->metadata.name : "");
}

static int by_creation(const void *pa, const void *pb)
{
	return cmp_creation(*(struct k8c_replica_set *const *)pa,
			    *(struct k8c_replica_set *const *)pb);
}

static int by_size_newer(const void *pa, const void *pb)
{
	const struct k8c_replica_set *a = *(struct k8c_replica_set *const *)pa;
	const struct k8c_replica_set *b = *(struct k8c_replica_set *const *)pb;

	if (drs_replicas(a) != drs_replicas(b))
		return drs_replicas(a) > drs_replicas(b) ? -1 : 1;
	return -cmp_creation(a, b);
}

static int by_size_older(const void *pa, const void *pb)
{
	const struct k8c_replica_set *a = *(struct k8c_replica_set *const *)pa;
	const struct k8c_replica_set *b = *(struct k8c_replica_set *const *)pb;

	if (drs_replicas(a) != drs_replicas(b))
		return drs_replicas(a) > drs_replicas(b) ? -1 : 1;
	return cmp_creation(a, b);
}

static int by_revision(const void *pa, const void *pb)
{
	const struct k8c_replica_set *a = *(struct k8c_replica_set *const *)pa;
	const struct k8c_replica_set *b = *(struct k8c_replica_set *const *)pb;
	int64_t ra = drs_revision(&a->metadata), rb = drs_revision(&b->metadata);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return cmp_creation(a, b);
}

/* qsort, which must not see the NULL array of an empty list. */
static void rslist_sort(struct rslist *l, int (*cmp)(const void *, const void *))
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp);
}

void rslist_sort_by_creation(struct rslist *l)
{
	rslist_sort(l, by_creation);
}

void rslist_sort_by_size_newer(struct rslist *l)
{
	rslist_sort(l, by_size_newer);
}

void rslist_sort_by_size_older(struct rslist *l)
{
	rslist_sort(l, by_size_older);
}

void rslist_sort_by_revision(struct rslist *l)
{
	rslist_sort(l, by_revision);
}

/* ---- sizes ------------------------------------------------------------- */

int32_t dep_new_rs_replicas(const struct k8c_deployment *d, const struct rslist *all,
			    const struct k8c_replica_set *new_rs)
{
	if (dep_is_recreate(d))
		return dep_replicas(d);
	int32_t max_total = dep_replicas(d) + dep_max_surge(d);
	int32_t current = 0;
	for (size_t i = 0; i < all->n; i++) {
		const struct k8c_replica_set *rs = all->v[i];
		/* Count the pods a ReplicaSet still has above its new size too:
		 * right after a scale-down its pods outnumber its spec until its
		 * controller deleted them, and counting only the spec (as
		 * Kubernetes does) would let the new one surge past maxSurge. */
		if (rs)
			current += rs->status.replicas > drs_replicas(rs) ? rs->status.replicas :
									    drs_replicas(rs);
	}
	if (current >= max_total)
		return drs_replicas(new_rs);
	int32_t up = max_total - current;
	int32_t room = dep_replicas(d) - drs_replicas(new_rs);
	return drs_replicas(new_rs) + (up < room ? up : room);
}

bool dep_is_saturated(const struct k8c_deployment *d, const struct k8c_replica_set *rs)
{
	int32_t desired;

	if (!rs || !drs_desired_replicas(rs, &desired))
		return false;
	return drs_replicas(rs) == dep_replicas(d) && desired == dep_replicas(d) &&
	       rs->status.available_replicas == dep_replicas(d);
}

/* getReplicaSetFraction: how far rs must move to keep its share of the new size. */
static int32_t rs_fraction(const struct k8c_replica_set *rs, const struct k8c_deployment *d)
{
	int32_t annotated;

	if (dep_replicas(d) == 0)
		return -drs_replicas(rs);
	int32_t deployment_replicas = dep_replicas(d) + dep_max_surge(d);
	if (!drs_max_replicas(rs, &annotated))
		annotated = d->status.replicas;
	if (annotated == 0)
		return 0;
	double size = (double)drs_replicas(rs) * deployment_replicas / annotated;
	return (int32_t)lround(size) - drs_replicas(rs);
}

int32_t dep_proportion(const struct k8c_replica_set *rs, const struct k8c_deployment *d,
		       int32_t to_add, int32_t added)
{
	if (!rs || drs_replicas(rs) == 0 || to_add == 0 || to_add == added)
		return 0;
	int32_t fraction = rs_fraction(rs, d);
	int32_t allowed = to_add - added;
	if (to_add > 0)
		return fraction < allowed ? fraction : allowed;
	return fraction > allowed ? fraction : allowed;
}
