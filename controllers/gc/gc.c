/*
 * gc.c - the garbage collector's handlers and life cycle; see gc.h. The
 * handlers play the part of Kubernetes' GraphBuilder.processGraphChanges:
 * they look at one event and queue what it may have made collectable.
 */
#include "controllers/gc/gc_internal.h"

static const struct k8c_object_meta *meta_of(const void *obj)
{
	return &((const struct k8c_object *)obj)->metadata;
}

/* Queues every cached dependent of uid for a decision. */
static void enqueue_dependents(struct gc *gc, const char *uid)
{
	struct gc_node *deps;
	size_t n = gc_dependents(gc, uid, &deps);
	for (size_t i = 0; i < n; i++)
		gc_enqueue(gc, GC_OP_DELETE, deps[i].kind, gc_node_meta(&deps[i]));
	gc_nodes_free(deps, n);
}

/*
 * Looks at the owners of m: one missing from the cache may be gone (the
 * dependent is queued; a live GET decides), one deleting its dependents in
 * the foreground wants this one gone and may be waiting for it (both are
 * queued when requeue_waiting).
 */
static void check_owners(struct gc *gc, const struct k8c_kind *k,
			 const struct k8c_object_meta *m, bool requeue_waiting)
{
	for (size_t i = 0; i < m->n_owner_references; i++) {
		const struct k8c_owner_reference *ref = &m->owner_references[i];
		const struct k8c_kind *ok = gc_ref_kind(ref);
		if (!ok || !ref->uid)
			continue;
		void *owner = gc_cached(gc, ok, ref->uid);
		if (!owner) {
			gc_enqueue(gc, GC_OP_DELETE, k, m);
			continue;
		}
		if (gc_deleting_with(meta_of(owner), GC_FINALIZER_FOREGROUND)) {
			gc_enqueue(gc, GC_OP_DELETE, k, m);
			if (requeue_waiting)
				gc_enqueue(gc, GC_OP_DELETE, ok, meta_of(owner));
		}
		k8c_obj_unref(owner);
	}
}

/* processTransitions: an owner starting to orphan or to delete its dependents. */
static void check_transitions(struct gc *gc, const struct k8c_kind *k,
			      const struct k8c_object_meta *m)
{
	if (gc_deleting_with(m, GC_FINALIZER_ORPHAN))
		gc_enqueue(gc, GC_OP_ORPHAN, k, m);
	if (gc_deleting_with(m, GC_FINALIZER_FOREGROUND)) {
		gc_enqueue(gc, GC_OP_DELETE, k, m);
		enqueue_dependents(gc, m->uid);
	}
}

static void on_add(void *ud, const void *obj)
{
	struct gc_kind *gk = ud;
	const struct k8c_object_meta *m = meta_of(obj);
	check_transitions(gk->gc, gk->kind, m);
	check_owners(gk->gc, gk->kind, m, false);
}

static void on_update(void *ud, const void *old, const void *obj)
{
	struct gc_kind *gk = ud;
	if (old == obj)
		return; /* a resync: nothing happened */
	const struct k8c_object_meta *m = meta_of(obj);
	check_transitions(gk->gc, gk->kind, m);
	check_owners(gk->gc, gk->kind, m, true);
	/* a reference removed (or made non-blocking) may unblock a waiting owner */
	check_owners(gk->gc, gk->kind, meta_of(old), true);
}

static void on_delete(void *ud, const void *obj)
{
	struct gc_kind *gk = ud;
	const struct k8c_object_meta *m = meta_of(obj);
	enqueue_dependents(gk->gc, m->uid);
	for (size_t i = 0; i < m->n_owner_references; i++) {
		const struct k8c_owner_reference *ref = &m->owner_references[i];
		const struct k8c_kind *ok = gc_ref_kind(ref);
		void *owner = ok && ref->uid ? gc_cached(gk->gc, ok, ref->uid) : NULL;
		if (owner && gc_deleting_with(meta_of(owner), GC_FINALIZER_FOREGROUND))
			gc_enqueue(gk->gc, GC_OP_DELETE, ok, meta_of(owner));
		k8c_obj_unref(owner);
	}
}

/* Kinds the collector ignores, as Kubernetes' DefaultIgnoredResources. */
static bool ignored(const struct k8c_kind *k)
{
	return !strcmp(k->group, "") && !strcmp(k->resource, "events");
}

static int watch_kind(struct gc *gc, const struct k8c_kind *k)
{
	if (gc->n_kinds == GC_MAX_KINDS)
		return -E2BIG;
	struct gc_kind *gk = &gc->kinds[gc->n_kinds];
	gk->gc = gc;
	gk->kind = k;
	gk->inf = k8c_informer_factory_get(gc->ctx->informers, k);
	const struct k8c_informer_handlers h = {
		.on_add = on_add, .on_update = on_update, .on_delete = on_delete, .userdata = gk,
	};
	if (!gk->inf || k8c_informer_add_index(gk->inf, GC_INDEX_OWNERS, gc_index_owners) < 0 ||
	    k8c_informer_add_index(gk->inf, GC_INDEX_UID, gc_index_uid) < 0 ||
	    k8c_informer_add_handlers(gk->inf, &h) < 0)
		return -EINVAL;
	gc->n_kinds++;
	return 0;
}

static int gc_init(struct controller_ctx *ctx, void **ret_state)
{
	struct gc *gc = xcalloc(1, sizeof(*gc));
	gc->ctx = ctx;
	gc->queue = k8c_workqueue_new(NULL);
	int r = 0;
	for (const struct k8c_kind *k = k8c_kinds; k->kind && r == 0; k++)
		r = ignored(k) ? 0 : watch_kind(gc, k);
	if (r < 0) {
		k8c_workqueue_free(gc->queue);
		free(gc);
		return r;
	}
	*ret_state = gc;
	return 0;
}

static int gc_run(void *state, int workers)
{
	struct gc *gc = state;
	return controller_workers_start(&gc->workers, "garbagecollector", gc->queue, workers,
					gc_sync, gc);
}

static void gc_stop(void *state)
{
	struct gc *gc = state;
	controller_workers_stop(&gc->workers);
	k8c_workqueue_shutdown(gc->queue);
}

static void gc_free(void *state)
{
	struct gc *gc = state;
	k8c_workqueue_free(gc->queue);
	free(gc);
}

const struct controller_def gc_controller_def = {
	.name = "garbagecollector",
	.init = gc_init,
	.run = gc_run,
	.stop = gc_stop,
	.free = gc_free,
};
