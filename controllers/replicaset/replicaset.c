/*
 * replicaset.c - the ReplicaSet controller: informer handlers that only
 * enqueue ReplicaSet keys (and count what the watch shows against the
 * expectations), and syncReplicaSet, which claims pods, creates or deletes
 * the difference, and writes the status. A sync only reads the informers'
 * caches, so it is cheap and safe to run again at any time.
 */
#include "controllers/replicaset/replicaset.h"

#include "api/codec.h"
#include "api/label_selector.h"
#include "api/object.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "controllers/claim.h"
#include "controllers/ownerref.h"
#include "controllers/podutil.h"
#include "controllers/replicaset/replicaset_internal.h"

int32_t replicaset_replicas(const struct k8c_replica_set *rs)
{
	return rs->spec.has_replicas ? rs->spec.replicas : 1;
}

/* ---- handlers ---------------------------------------------------------- */

/* The cached ReplicaSet ref names (resolveControllerRef), with a reference, or NULL. */
static struct k8c_replica_set *resolve(struct rsc *c, const char *ns,
				       const struct k8c_owner_reference *ref)
{
	if (!ref || !streq_null(ref->kind, "ReplicaSet"))
		return NULL;
	struct k8c_replica_set *rs = k8c_informer_get_by_name(c->rss, ns, ref->name);
	if (rs && !streq_null(rs->metadata.uid, ref->uid)) {
		k8c_obj_unref(rs);
		rs = NULL;
	}
	return rs;
}

static void key_of(const struct k8c_replica_set *rs, struct strbuf *out)
{
	k8c_obj_key(rs, out);
}

/* Enqueues every ReplicaSet of pod's namespace whose selector matches it (getPodReplicaSets). */
static void enqueue_matching(struct rsc *c, const struct k8c_pod *pod)
{
	void **rss = NULL;
	size_t n = k8c_informer_by_index(c->rss, K8C_INDEX_NAMESPACE, pod->metadata.namespace, &rss);

	for (size_t i = 0; i < n; i++) {
		const struct k8c_replica_set *rs = rss[i];
		struct label_selector sel;
		if (k8c_label_selector_compile(rs->spec.selector, &sel, NULL) == 0 &&
		    !label_selector_is_everything(&sel) &&
		    label_selector_matches(&sel, &pod->metadata.labels))
			controller_enqueue(c->queue, rs);
		label_selector_release(&sel);
	}
	k8c_obj_unref_array(rss, n);
}

static void on_pod_delete(void *ud, const void *obj)
{
	struct rsc *c = ud;
	const struct k8c_pod *pod = obj;
	struct k8c_replica_set *rs =
		resolve(c, pod->metadata.namespace, ownerref_controller(&pod->metadata));
	struct strbuf key = STRBUF_INIT, pkey = STRBUF_INIT;

	if (!rs)
		return;
	key_of(rs, &key);
	k8c_obj_key(pod, &pkey);
	expectations_deletion_observed(c->exp, key.buf, pkey.buf);
	k8c_workqueue_add(c->queue, key.buf);
	strbuf_release(&pkey);
	strbuf_release(&key);
	k8c_obj_unref(rs);
}

static void on_pod_add(void *ud, const void *obj)
{
	struct rsc *c = ud;
	const struct k8c_pod *pod = obj;
	const struct k8c_owner_reference *ref = ownerref_controller(&pod->metadata);

	if (pod->metadata.deletion_timestamp) {
		/* Seen already being deleted (e.g. after a restart): not a creation. */
		on_pod_delete(ud, obj);
		return;
	}
	if (!ref) {
		enqueue_matching(c, pod);
		return;
	}
	struct k8c_replica_set *rs = resolve(c, pod->metadata.namespace, ref);
	if (!rs)
		return;
	struct strbuf key = STRBUF_INIT;
	key_of(rs, &key);
	expectations_creation_observed(c->exp, key.buf);
	k8c_workqueue_add(c->queue, key.buf);
	strbuf_release(&key);
	k8c_obj_unref(rs);
}

static bool owner_ref_equal(const struct k8c_owner_reference *a,
			    const struct k8c_owner_reference *b)
{
	if (!a || !b)
		return a == b;
	return k8c_equal(&k8c_type_owner_reference, a, b);
}

/* A pod with a controller changed: sync it, and again once minReadySeconds passed. */
static void pod_owned_update(struct rsc *c, const struct k8c_pod *old, const struct k8c_pod *cur,
			     const struct k8c_owner_reference *ref)
{
	struct k8c_replica_set *rs = resolve(c, cur->metadata.namespace, ref);

	if (!rs)
		return;
	controller_enqueue(c->queue, rs);
	if (!podutil_is_ready(old) && podutil_is_ready(cur) && rs->spec.min_ready_seconds > 0)
		controller_enqueue_after(c->queue, rs,
					 (int64_t)rs->spec.min_ready_seconds * 1000 + 1000);
	k8c_obj_unref(rs);
}

static void on_pod_update(void *ud, const void *old_obj, const void *new_obj)
{
	struct rsc *c = ud;
	const struct k8c_pod *old = old_obj, *cur = new_obj;

	if (streq_null(old->metadata.resource_version, cur->metadata.resource_version))
		return;
	bool labels_changed = !k8c_strmap_equal(&old->metadata.labels, &cur->metadata.labels);
	if (cur->metadata.deletion_timestamp) {
		/* A graceful deletion started: replace the pod now, not when it is gone. */
		on_pod_delete(ud, cur);
		if (labels_changed)
			on_pod_delete(ud, old);
		return;
	}
	const struct k8c_owner_reference *cur_ref = ownerref_controller(&cur->metadata);
	const struct k8c_owner_reference *old_ref = ownerref_controller(&old->metadata);
	bool ref_changed = !owner_ref_equal(cur_ref, old_ref);
	if (ref_changed && old_ref) {
		struct k8c_replica_set *rs = resolve(c, old->metadata.namespace, old_ref);
		if (rs)
			controller_enqueue(c->queue, rs);
		k8c_obj_unref(rs);
	}
	if (cur_ref)
		pod_owned_update(c, old, cur, cur_ref);
	else if (labels_changed || ref_changed)
		enqueue_matching(c, cur);
}

static void on_rs_add(void *ud, const void *obj)
{
	struct rsc *c = ud;

	controller_enqueue(c->queue, obj);
}

static void on_rs_delete(void *ud, const void *obj)
{
	struct rsc *c = ud;
	struct strbuf key = STRBUF_INIT;

	k8c_obj_key(obj, &key);
	expectations_delete(c->exp, key.buf);
	k8c_workqueue_add(c->queue, key.buf);
	strbuf_release(&key);
}

static void on_rs_update(void *ud, const void *old_obj, const void *new_obj)
{
	const struct k8c_replica_set *old = old_obj, *cur = new_obj;

	if (!streq_null(old->metadata.uid, cur->metadata.uid))
		on_rs_delete(ud, old); /* deleted and re-created between two events */
	on_rs_add(ud, new_obj);
}

/* ---- sync -------------------------------------------------------------- */

/* The active pods rs claims, as a new array of references (claimPods). */
static int claim_pods(struct rsc *c, const struct k8c_replica_set *rs,
		      const struct label_selector *sel, void ***ret, size_t *ret_n)
{
	void **cands = NULL;
	size_t n = claim_candidates(c->pods, rs->metadata.namespace, rs->metadata.uid, &cands);
	size_t active = 0;

	for (size_t i = 0; i < n; i++) {
		if (podutil_is_active(cands[i]))
			cands[active++] = cands[i];
		else
			k8c_obj_unref(cands[i]);
	}
	struct claim cl = {
		.client = c->client,
		.owner_kind = c->rs_kind,
		.owner = &rs->metadata,
		.selector = sel,
		.child_kind = c->pod_kind,
	};
	int r = claim_objects(&cl, cands, active, ret, ret_n);
	k8c_obj_unref_array(cands, active);
	return r;
}

/* Manages replicas (when expectations allow) and writes the status. */
static int sync_claimed(struct rsc *c, const struct k8c_replica_set *rs, const char *key,
			bool needs_sync, struct k8c_pod *const *pods, size_t n)
{
	struct strbuf err_msg = STRBUF_INIT;
	struct k8c_replica_set_status status;
	int manage_r = 0, r = 0;

	if (needs_sync && !rs->metadata.deletion_timestamp)
		manage_r = replicaset_manage(c, rs, key, pods, n, &err_msg);
	replicaset_status_compute(rs, pods, n, manage_r < 0 ? err_msg.buf : NULL,
				  time_now_ns(), &status);
	if (replicaset_status_changed(rs, &status))
		r = replicaset_status_update(c, rs, &status);
	if (r == 0 && manage_r == 0 && rs->spec.min_ready_seconds > 0 &&
	    status.ready_replicas == replicaset_replicas(rs) &&
	    status.available_replicas != replicaset_replicas(rs))
		k8c_workqueue_add_after(c->queue, key,
					(int64_t)rs->spec.min_ready_seconds * K8C_NSEC_PER_SEC);
	k8c_release(&k8c_type_replica_set_status, &status);
	strbuf_release(&err_msg);
	return manage_r < 0 ? manage_r : r;
}

static int rs_sync(void *state, const char *key)
{
	struct rsc *c = state;
	struct k8c_replica_set *rs = k8c_informer_get(c->rss, key);
	struct label_selector sel;
	void **pods = NULL;
	size_t n = 0;

	if (!rs) {
		expectations_delete(c->exp, key);
		return 0;
	}
	bool needs_sync = expectations_satisfied(c->exp, key, time_mono_ns());
	int r = k8c_label_selector_compile(rs->spec.selector, &sel, NULL);
	if (r < 0) {
		/* Validation keeps such selectors out; nothing to do until the spec changes. */
		log_warn("replicaset '%s': invalid selector", key);
		k8c_obj_unref(rs);
		return 0;
	}
	r = claim_pods(c, rs, &sel, &pods, &n);
	if (r == 0)
		r = sync_claimed(c, rs, key, needs_sync, (struct k8c_pod *const *)pods, n);
	k8c_obj_unref_array(pods, n);
	label_selector_release(&sel);
	k8c_obj_unref(rs);
	return r;
}

/* ---- life cycle -------------------------------------------------------- */

static int rs_init(struct controller_ctx *ctx, void **ret_state)
{
	struct rsc *c = xcalloc(1, sizeof(*c));
	const struct k8c_informer_handlers pod_h = {
		.on_add = on_pod_add, .on_update = on_pod_update, .on_delete = on_pod_delete,
		.userdata = c,
	};
	const struct k8c_informer_handlers rs_h = {
		.on_add = on_rs_add, .on_update = on_rs_update, .on_delete = on_rs_delete,
		.userdata = c,
	};
	int r;

	c->client = ctx->client;
	c->pod_kind = k8c_kind_by_kind("v1", "Pod");
	c->rs_kind = k8c_kind_by_kind("apps/v1", "ReplicaSet");
	c->pods = k8c_informer_factory_get(ctx->informers, c->pod_kind);
	c->rss = k8c_informer_factory_get(ctx->informers, c->rs_kind);
	c->queue = k8c_workqueue_new(NULL);
	c->exp = expectations_new();
	c->rec = controller_recorder(ctx, "replicaset-controller");
	c->burst = REPLICASET_BURST;
	if ((r = claim_add_index(c->pods)) < 0 || (r = claim_add_index(c->rss)) < 0 ||
	    (r = k8c_informer_add_handlers(c->pods, &pod_h)) < 0 ||
	    (r = k8c_informer_add_handlers(c->rss, &rs_h)) < 0) {
		k8c_workqueue_free(c->queue);
		expectations_free(c->exp);
		free(c);
		return r;
	}
	*ret_state = c;
	return 0;
}

static int rs_run(void *state, int workers)
{
	struct rsc *c = state;

	return controller_workers_start(&c->workers, "replicaset", c->queue, workers, rs_sync, c);
}

static void rs_stop(void *state)
{
	struct rsc *c = state;

	k8c_workqueue_shutdown(c->queue);
	controller_workers_stop(&c->workers);
}

static void rs_free(void *state)
{
	struct rsc *c = state;

	k8c_workqueue_free(c->queue);
	expectations_free(c->exp);
	free(c);
}

const struct controller_def replicaset_controller = {
	.name = "replicaset",
	.init = rs_init,
	.run = rs_run,
	.stop = rs_stop,
	.free = rs_free,
};
