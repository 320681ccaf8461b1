/*
 * deployment.c - the Deployment controller: informer handlers that only
 * enqueue Deployment keys, and the sync of one key: claim the ReplicaSets,
 * count the pods (Recreate waits for them), run one dsync over copies, with
 * its writes bound to the API server.
 */
#include "controllers/deployment/deployment.h"

#include "api/codec.h"
#include "api/label_selector.h"
#include "api/object.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "controllers/apiwrite.h"
#include "controllers/claim.h"
#include "controllers/deployment/deployment_internal.h"
#include "controllers/ownerref.h"
#include "controllers/podutil.h"

struct dc {
	struct k8c_client *client;
	const struct k8c_kind *dep_kind, *rs_kind;
	struct k8c_informer *deps, *rss, *pods;
	struct k8c_workqueue *queue;
	struct k8c_recorder *rec; /* may be NULL */
	struct controller_workers workers;
};

/* ---- handlers ---------------------------------------------------------- */

/* The cached Deployment ref names, with a reference, or NULL (resolveControllerRef). */
static struct k8c_deployment *resolve(struct dc *c, const char *ns,
				      const struct k8c_owner_reference *ref)
{
	if (!ref || !streq_null(ref->kind, "Deployment"))
		return NULL;
	struct k8c_deployment *d = k8c_informer_get_by_name(c->deps, ns, ref->name);
	if (d && !streq_null(d->metadata.uid, ref->uid)) {
		k8c_obj_unref(d);
		d = NULL;
	}
	return d;
}

static void enqueue_owner(struct dc *c, const char *ns, const struct k8c_owner_reference *ref)
{
	struct k8c_deployment *d = resolve(c, ns, ref);

	if (d)
		controller_enqueue(c->queue, d);
	k8c_obj_unref(d);
}

/* Enqueues the Deployments of rs's namespace whose selector matches it (getDeploymentsForReplicaSet). */
static void enqueue_matching(struct dc *c, const struct k8c_replica_set *rs)
{
	void **deps = NULL;
	size_t n = k8c_informer_by_index(c->deps, K8C_INDEX_NAMESPACE, rs->metadata.namespace,
					 &deps);

	for (size_t i = 0; i < n; i++) {
		const struct k8c_deployment *d = deps[i];
		struct label_selector sel;
		if (k8c_label_selector_compile(d->spec.selector, &sel, NULL) == 0 &&
		    !label_selector_is_everything(&sel) &&
		    label_selector_matches(&sel, &rs->metadata.labels))
			controller_enqueue(c->queue, d);
		label_selector_release(&sel);
	}
	k8c_obj_unref_array(deps, n);
}

static void on_dep(void *ud, const void *obj)
{
	struct dc *c = ud;

	controller_enqueue(c->queue, obj);
}

static void on_dep_update(void *ud, const void *old_obj, const void *new_obj)
{
	on_dep(ud, new_obj);
}

static void on_rs_delete(void *ud, const void *obj)
{
	const struct k8c_replica_set *rs = obj;

	enqueue_owner(ud, rs->metadata.namespace, ownerref_controller(&rs->metadata));
}

static void on_rs_add(void *ud, const void *obj)
{
	const struct k8c_replica_set *rs = obj;
	const struct k8c_owner_reference *ref = ownerref_controller(&rs->metadata);

	if (rs->metadata.deletion_timestamp)
		on_rs_delete(ud, obj);
	else if (ref)
		enqueue_owner(ud, rs->metadata.namespace, ref);
	else
		enqueue_matching(ud, rs);
}

static void on_rs_update(void *ud, const void *old_obj, const void *new_obj)
{
	const struct k8c_replica_set *old = old_obj, *cur = new_obj;
	const struct k8c_owner_reference *cur_ref = ownerref_controller(&cur->metadata);
	const struct k8c_owner_reference *old_ref = ownerref_controller(&old->metadata);

	if (streq_null(old->metadata.resource_version, cur->metadata.resource_version))
		return;
	bool ref_changed = (cur_ref == NULL) != (old_ref == NULL) ||
			   (cur_ref && !k8c_equal(&k8c_type_owner_reference, cur_ref, old_ref));
	if (ref_changed && old_ref)
		enqueue_owner(ud, old->metadata.namespace, old_ref);
	if (cur_ref)
		enqueue_owner(ud, cur->metadata.namespace, cur_ref);
	else if (ref_changed || !k8c_strmap_equal(&old->metadata.labels, &cur->metadata.labels))
		enqueue_matching(ud, cur);
}

/* A Recreate rollout waits for old pods to be gone: their deletion is its cue. */
static void on_pod_delete(void *ud, const void *obj)
{
	struct dc *c = ud;
	const struct k8c_pod *pod = obj;
	const struct k8c_owner_reference *ref = ownerref_controller(&pod->metadata);

	if (!ref || !streq_null(ref->kind, "ReplicaSet"))
		return;
	struct k8c_replica_set *rs =
		k8c_informer_get_by_name(c->rss, pod->metadata.namespace, ref->name);
	if (rs && streq_null(rs->metadata.uid, ref->uid)) {
		struct k8c_deployment *d = resolve(c, rs->metadata.namespace,
						   ownerref_controller(&rs->metadata));
		if (d && dep_is_recreate(d))
			controller_enqueue(c->queue, d);
		k8c_obj_unref(d);
	}
	k8c_obj_unref(rs);
}

/* ---- writes of one sync ------------------------------------------------ */

struct dsync_api {
	struct dc *c;
	const char *key;
	struct k8c_strmap stored_annotations; /* of the Deployment, as the API holds them */
};

static void set_rv(struct k8c_object_meta *m, struct strbuf *rv)
{
	if (!rv->len)
		return;
	free(m->resource_version);
	m->resource_version = strbuf_detach(rv, NULL);
}

static int api_update_rs(struct dsync *s, struct k8c_replica_set *rs)
{
	struct dsync_api *a = s->ud;
	struct strbuf rv = STRBUF_INIT;
	int r = apiwrite_update(a->c->client, a->c->rs_kind, rs, NULL, &rv, NULL);

	if (r == 0)
		set_rv(&rs->metadata, &rv);
	strbuf_release(&rv);
	return r;
}

static int api_create_rs(struct dsync *s, const struct k8c_replica_set *rs,
			 struct k8c_replica_set **ret, struct strbuf *err_msg)
{
	struct dsync_api *a = s->ud;
	struct k8c_replica_set *out = xcalloc(1, sizeof(*out));
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = apiwrite_create(a->c->client, a->c->rs_kind, rs, NULL, out, &err);

	if (r == 0) {
		*ret = out;
	} else {
		strbuf_addstr(err_msg, err.message ? err.message : strerror(-r));
		k8c_free(&k8c_type_replica_set, out);
	}
	k8c_status_error_release(&err);
	return r;
}

static int api_delete_rs(struct dsync *s, const struct k8c_replica_set *rs)
{
	struct dsync_api *a = s->ud;

	return apiwrite_delete(a->c->client, a->c->rs_kind, rs->metadata.namespace,
			       rs->metadata.name, NULL, NULL);
}

/*
 * Kubernetes writes the revision annotation through /status; k8c's /status
 * keeps only the status, so a changed annotation is written through the
 * object first (spec untouched: no new generation).
 */
static int api_update_status(struct dsync *s, struct k8c_deployment *d)
{
	struct dsync_api *a = s->ud;
	struct strbuf rv = STRBUF_INIT;
	int r = 0;

	if (!k8c_strmap_equal(&a->stored_annotations, &d->metadata.annotations)) {
		r = apiwrite_update(a->c->client, a->c->dep_kind, d, NULL, &rv, NULL);
		if (r == 0) {
			set_rv(&d->metadata, &rv);
			k8c_strmap_release(&a->stored_annotations);
			k8c_strmap_copy(&a->stored_annotations, &d->metadata.annotations);
		}
	}
	if (r == 0)
		r = apiwrite_update(a->c->client, a->c->dep_kind, d, "status", &rv, NULL);
	if (r == 0)
		set_rv(&d->metadata, &rv);
	strbuf_release(&rv);
	return r;
}

static struct k8c_replica_set *api_get_rs(struct dsync *s, const char *ns, const char *name)
{
	struct dsync_api *a = s->ud;
	struct k8c_replica_set *rs = k8c_informer_get_by_name(a->c->rss, ns, name);
	struct k8c_replica_set *copy = rs ? k8c_dup(&k8c_type_replica_set, rs) : NULL;

	k8c_obj_unref(rs);
	return copy;
}

static void api_event(struct dsync *s, const char *type, const char *reason, const char *msg)
{
	struct dsync_api *a = s->ud;

	if (a->c->rec)
		k8c_recorder_eventf(a->c->rec, s->d, type, reason, "%s", msg);
}

static void api_requeue(struct dsync *s, int64_t delay_ms)
{
	struct dsync_api *a = s->ud;

	if (delay_ms < 0)
		k8c_workqueue_add_rate_limited(a->c->queue, a->key);
	else
		k8c_workqueue_add_after(a->c->queue, a->key, delay_ms * K8C_NSEC_PER_MSEC);
}

static const struct dsync_ops api_ops = {
	.update_rs = api_update_rs,
	.create_rs = api_create_rs,
	.delete_rs = api_delete_rs,
	.update_status = api_update_status,
	.get_rs = api_get_rs,
	.event = api_event,
	.requeue = api_requeue,
};

/* ---- sync -------------------------------------------------------------- */

/* Claims d's ReplicaSets into s (getReplicaSetsForDeployment), with pod counts for Recreate. */
static int claim_rss(struct dc *c, const struct k8c_deployment *d, struct dsync *s)
{
	struct label_selector sel;
	void **cands = NULL, **mine = NULL;
	size_t n_mine = 0;
	int r = k8c_label_selector_compile(d->spec.selector, &sel, NULL);

	if (r < 0)
		return 0; /* validation keeps these out: nothing to claim */
	size_t n = claim_candidates(c->rss, d->metadata.namespace, d->metadata.uid, &cands);
	struct claim cl = {
		.client = c->client,
		.owner_kind = c->dep_kind,
		.owner = &d->metadata,
		.selector = &sel,
		.child_kind = c->rs_kind,
	};
	r = claim_objects(&cl, cands, n, &mine, &n_mine);
	for (size_t i = 0; i < n_mine && r == 0; i++) {
		const struct k8c_replica_set *rs = mine[i];
		dsync_add_rs(s, rs);
		if (!dep_is_recreate(d))
			continue;
		void **pods = NULL;
		size_t np = k8c_informer_by_index(c->pods, K8C_INDEX_CONTROLLER, rs->metadata.uid,
						  &pods);
		int live = 0;
		for (size_t j = 0; j < np; j++) {
			const char *phase = podutil_phase(pods[j]);
			live += strcmp(phase, "Succeeded") && strcmp(phase, "Failed");
		}
		dsync_add_pods(s, rs->metadata.uid, live);
		k8c_obj_unref_array(pods, np);
	}
	k8c_obj_unref_array(mine, n_mine);
	k8c_obj_unref_array(cands, n);
	label_selector_release(&sel);
	return r;
}

static int dep_sync(void *state, const char *key)
{
	struct dc *c = state;
	struct k8c_deployment *d = k8c_informer_get(c->deps, key);
	struct dsync_api a = { .c = c, .key = key };
	struct dsync s;

	if (!d)
		return 0;
	k8c_strmap_copy(&a.stored_annotations, &d->metadata.annotations);
	dsync_init(&s, &api_ops, &a, d, time_now_ns());
	int r = claim_rss(c, d, &s);
	if (r == 0)
		r = dsync_run(&s);
	if (r < 0 && r != -EBUSY)
		log_info("deployment '%s': sync failed: %s", key, strerror(-r));
	dsync_release(&s);
	k8c_strmap_release(&a.stored_annotations);
	k8c_obj_unref(d);
	return r;
}

/* ---- life cycle -------------------------------------------------------- */

static int dep_init(struct controller_ctx *ctx, void **ret_state)
{
	struct dc *c = xcalloc(1, sizeof(*c));
	const struct k8c_informer_handlers dep_h = {
		.on_add = on_dep, .on_update = on_dep_update, .on_delete = on_dep, .userdata = c,
	};
	const struct k8c_informer_handlers rs_h = {
		.on_add = on_rs_add, .on_update = on_rs_update, .on_delete = on_rs_delete,
		.userdata = c,
	};
	const struct k8c_informer_handlers pod_h = { .on_delete = on_pod_delete, .userdata = c };
	int r;

	c->client = ctx->client;
	c->dep_kind = k8c_kind_by_kind("apps/v1", "Deployment");
	c->rs_kind = k8c_kind_by_kind("apps/v1", "ReplicaSet");
	c->deps = k8c_informer_factory_get(ctx->informers, c->dep_kind);
	c->rss = k8c_informer_factory_get(ctx->informers, c->rs_kind);
	c->pods = k8c_informer_factory_get(ctx->informers, k8c_kind_by_kind("v1", "Pod"));
	c->queue = k8c_workqueue_new(NULL);
	c->rec = controller_recorder(ctx, "deployment-controller");
	if ((r = claim_add_index(c->rss)) < 0 ||
	    (r = k8c_informer_add_handlers(c->deps, &dep_h)) < 0 ||
	    (r = k8c_informer_add_handlers(c->rss, &rs_h)) < 0 ||
	    (r = k8c_informer_add_handlers(c->pods, &pod_h)) < 0) {
		k8c_workqueue_free(c->queue);
		free(c);
		return r;
	}
	*ret_state = c;
	return 0;
}

static int dep_run(void *state, int workers)
{
	struct dc *c = state;

	return controller_workers_start(&c->workers, "deployment", c->queue, workers, dep_sync, c);
}

static void dep_stop(void *state)
{
	struct dc *c = state;

	controller_workers_stop(&c->workers);
	k8c_workqueue_shutdown(c->queue);
}

static void dep_free(void *state)
{
	struct dc *c = state;

	k8c_workqueue_free(c->queue);
	free(c);
}

const struct controller_def deployment_controller = {
	.name = "deployment",
	.init = dep_init,
	.run = dep_run,
	.stop = dep_stop,
	.free = dep_free,
};
