/*
 * manage.c - creating and deleting pods to match spec.replicas
 * (manageReplicas). Creations go in slow-start batches over parallel
 * threads; deletions pick the least useful pods (rank.c) and run in
 * parallel. Every creation and deletion is first recorded as an
 * expectation, so that the next sync waits for the watch to show it.
 */
#include "controllers/replicaset/replicaset_internal.h"

#include "api/codec.h"
#include "api/object.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "controllers/apiwrite.h"
#include "controllers/batch.h"
#include "controllers/create_once.h"
#include "controllers/ownerref.h"
#include "controllers/podutil.h"

struct manage_op {
	struct rsc *c;
	const struct k8c_replica_set *rs;
	const char *key;
	struct strbuf pod_json;       /* creations: the pod to POST, encoded once */
	struct strbuf generate_name;  /* its metadata.generateName */
	struct k8c_pod **victims;     /* deletions */
	pthread_mutex_t lock;
	struct strbuf first_err;
};

/* GetPodFromTemplate: a pod of rs's template, owned by rs, named "<rs>-" + 5 random chars. */
static struct k8c_pod *pod_from_template(struct rsc *c, const struct k8c_replica_set *rs)
{
	const struct k8c_pod_template_spec *t = &rs->spec.template;
	struct k8c_pod *pod = xcalloc(1, sizeof(*pod));
	struct strbuf prefix = STRBUF_INIT;

	pod->kind = xstrdup("Pod");
	pod->api_version = xstrdup("v1");
	strbuf_addf(&prefix, "%s-", rs->metadata.name);
	pod->metadata.generate_name = strbuf_detach(&prefix, NULL);
	pod->metadata.namespace = xstrdup(rs->metadata.namespace);
	k8c_strmap_copy(&pod->metadata.labels, &t->metadata.labels);
	k8c_strmap_copy(&pod->metadata.annotations, &t->metadata.annotations);
	for (size_t i = 0; i < t->metadata.n_finalizers; i++)
		k8c_object_add_finalizer(&pod->metadata, t->metadata.finalizers[i]);
	ownerref_add_controller(&pod->metadata, c->rs_kind, &rs->metadata);
	k8c_copy(&k8c_type_pod_spec, &pod->spec, &t->spec);
	return pod;
}

static void op_error(struct manage_op *op, const char *what, const struct k8c_status_error *e)
{
	pthread_mutex_lock(&op->lock);
	if (!op->first_err.len)
		strbuf_addf(&op->first_err, "%s: %s", what, e->message ? e->message : "failed");
	pthread_mutex_unlock(&op->lock);
}

static int create_one(void *arg, size_t i)
{
	struct manage_op *op = arg;
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	struct strbuf name = STRBUF_INIT;
	int r = create_once(op->c->client, op->c->pod_kind, op->rs->metadata.namespace,
			    &op->pod_json, op->generate_name.buf, op->rs->metadata.uid, &name, &err);

	if (r == 0) {
		if (op->c->rec)
			k8c_recorder_eventf(op->c->rec, op->rs, "Normal", "SuccessfulCreate",
					    "Created pod: %s", name.buf);
	} else {
		if (op->c->rec)
			k8c_recorder_eventf(op->c->rec, op->rs, "Warning", "FailedCreate",
					    "Error creating: %s", err.message ? err.message : "");
		op_error(op, "error creating pod", &err);
	}
	strbuf_release(&name);
	k8c_status_error_release(&err);
	return r;
}

static void pod_key(const struct k8c_pod *p, struct strbuf *out)
{
	strbuf_addf(out, "%s/%s", p->metadata.namespace, p->metadata.name);
}

static int delete_one(void *arg, size_t i)
{
	struct manage_op *op = arg;
	const struct k8c_pod *p = op->victims[i];
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = apiwrite_delete(op->c->client, op->c->pod_kind, p->metadata.namespace,
				p->metadata.name, NULL, &err);

	if (r == 0 && op->c->rec)
		k8c_recorder_eventf(op->c->rec, op->rs, "Normal", "SuccessfulDelete",
				    "Deleted pod: %s", p->metadata.name);
	if (r < 0) {
		/* The watch will never show this deletion: stop expecting it. */
		struct strbuf key = STRBUF_INIT;
		pod_key(p, &key);
		expectations_deletion_observed(op->c->exp, op->key, key.buf);
		strbuf_release(&key);
		if (r == -ENOENT) {
			r = 0;
		} else {
			if (op->c->rec)
				k8c_recorder_eventf(op->c->rec, op->rs, "Warning", "FailedDelete",
						    "Error deleting: %s",
						    err.message ? err.message : "");
			op_error(op, "error deleting pod", &err);
		}
	}
	k8c_status_error_release(&err);
	return r;
}

static int manage_create(struct manage_op *op, int need)
{
	struct rsc *c = op->c;
	int err = 0;

	if (!op->rs->spec.template.metadata.labels.n) {
		strbuf_addstr(&op->first_err, "unable to create pods, no labels");
		return -EINVAL;
	}
	expectations_expect_creations(c->exp, op->key, need, time_mono_ns());
	struct k8c_pod *pod = pod_from_template(c, op->rs);
	k8c_encode(&k8c_type_pod, pod, &op->pod_json);
	strbuf_addstr(&op->generate_name, pod->metadata.generate_name);
	k8c_free(&k8c_type_pod, pod);
	size_t ok = batch_slow_start((size_t)need, 1, create_one, op, &err);
	strbuf_release(&op->pod_json);
	strbuf_release(&op->generate_name);
	/* Pods never created will never be seen: lower the expectations by them. */
	for (size_t i = ok; i < (size_t)need; i++)
		expectations_creation_observed(c->exp, op->key);
	if (err)
		log_info("replicaset '%s': created %zu of %d pods: %s", op->key, ok, need,
			 op->first_err.buf);
	return err;
}

/*
 * The pods of rs's siblings (ReplicaSets with the same controller, as a
 * Deployment's) and its own, for ranking (getIndirectlyRelatedPods).
 */
static size_t related_pods(struct rsc *c, const struct k8c_replica_set *rs, void ***ret)
{
	const struct k8c_owner_reference *owner = ownerref_controller(&rs->metadata);
	void **sibs = NULL, **all = NULL;
	size_t n_sibs, n = 0, alloc = 0;

	if (!owner)
		return k8c_informer_by_index(c->pods, K8C_INDEX_CONTROLLER, rs->metadata.uid, ret);
	n_sibs = k8c_informer_by_index(c->rss, K8C_INDEX_CONTROLLER, owner->uid, &sibs);
	for (size_t i = 0; i < n_sibs; i++) {
		const struct k8c_replica_set *sib = sibs[i];
		void **pods = NULL;
		size_t k = k8c_informer_by_index(c->pods, K8C_INDEX_CONTROLLER, sib->metadata.uid,
						 &pods);
		if (k) {
			ALLOC_GROW(all, n + k, alloc);
			memcpy(all + n, pods, k * sizeof(*pods));
			n += k;
		}
		free(pods);
	}
	k8c_obj_unref_array(sibs, n_sibs);
	*ret = all;
	return n;
}

/* Chooses the n pods to delete of pods[0..total) (getPodsToDelete). */
static struct k8c_pod **choose_victims(struct rsc *c, const struct k8c_replica_set *rs,
				       struct k8c_pod *const *pods, size_t total, size_t n)
{
	struct k8c_pod **out = xcalloc(n, sizeof(*out));
	struct rank_pod *ranked = xcalloc(total, sizeof(*ranked));
	void **related = NULL;
	size_t n_related = 0;

	for (size_t i = 0; i < total; i++)
		ranked[i].pod = pods[i];
	if (n < total) {
		n_related = related_pods(c, rs, &related);
		replicaset_rank_fill(ranked, total, (struct k8c_pod *const *)related, n_related);
		replicaset_rank_sort(ranked, total);
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (struct k8c_pod *)ranked[i].pod;
	k8c_obj_unref_array(related, n_related);
	free(ranked);
	return out;
}

static int manage_delete(struct manage_op *op, struct k8c_pod *const *pods, size_t total,
			 size_t n)
{
	int err = 0;
	char **keys = xcalloc(n, sizeof(*keys));

	op->victims = choose_victims(op->c, op->rs, pods, total, n);
	for (size_t i = 0; i < n; i++) {
		struct strbuf key = STRBUF_INIT;
		pod_key(op->victims[i], &key);
		keys[i] = strbuf_detach(&key, NULL);
	}
	expectations_expect_deletions(op->c->exp, op->key, (const char *const *)keys, n,
				      time_mono_ns());
	batch_parallel(0, n, BATCH_MAX_THREADS, delete_one, op, &err);
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(op->victims);
	return err;
}

int replicaset_manage(struct rsc *c, const struct k8c_replica_set *rs, const char *key,
		      struct k8c_pod *const *pods, size_t n, struct strbuf *err_msg)
{
	struct manage_op op = { .c = c, .rs = rs, .key = key, .first_err = STRBUF_INIT,
				 .pod_json = STRBUF_INIT, .generate_name = STRBUF_INIT };
	int64_t diff = (int64_t)n - replicaset_replicas(rs);
	int r = 0;

	pthread_mutex_init(&op.lock, NULL);
	if (diff < 0)
		r = manage_create(&op, (int)(-diff < c->burst ? -diff : c->burst));
	else if (diff > 0)
		r = manage_delete(&op, pods, n, (size_t)(diff < c->burst ? diff : c->burst));
	if (r < 0)
		strbuf_add(err_msg, op.first_err.buf, op.first_err.len);
	strbuf_release(&op.first_err);
	pthread_mutex_destroy(&op.lock);
	return r;
}
