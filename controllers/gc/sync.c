/*
 * sync.c - the garbage collector's workers: attemptToDeleteItem (with
 * processDeletingDependentsItem for owners deleted in the foreground) and
 * attemptToOrphan, each safe to run again; see gc_internal.h.
 */
#include "api/codec.h"
#include "controllers/gc/gc_internal.h"

/*
 * The state of ref, an ownerReference of a dependent in namespace ns, from
 * the cache (live false) or from a GET (live true). Returns 0 and *ret, or
 * a negative errno when the GET failed.
 */
static int owner_state(struct gc *gc, const char *ns, const struct k8c_owner_reference *ref,
		       bool live, enum gc_owner_state *ret)
{
	const struct k8c_kind *k = gc_ref_kind(ref);
	bool namespaced = k && (k->flags & K8C_KIND_NAMESPACED);
	*ret = GC_OWNER_SOLID; /* a kind k8c does not serve, or a namespaced owner of a
				* cluster-scoped object: nothing proves it gone */
	if (!k || !ref->uid || (namespaced && !*ns))
		return 0;
	struct k8c_object_meta m;
	if (!live) {
		void *o = gc_cached(gc, k, ref->uid);
		if (!o)
			*ret = GC_OWNER_DANGLING;
		else if (gc_deleting_with(&((struct k8c_object *)o)->metadata,
					  GC_FINALIZER_FOREGROUND))
			*ret = GC_OWNER_WAITING;
		k8c_obj_unref(o);
		return 0;
	}
	int r = gc_live_meta(gc, k, namespaced ? ns : NULL, ref->name, &m);
	if (r == -ENOENT) {
		*ret = GC_OWNER_DANGLING;
		return 0;
	}
	if (r < 0)
		return r;
	if (!streq_null(m.uid, ref->uid))
		*ret = GC_OWNER_DANGLING; /* the name now belongs to another object */
	else if (gc_deleting_with(&m, GC_FINALIZER_FOREGROUND))
		*ret = GC_OWNER_WAITING;
	k8c_release(&k8c_type_object_meta, &m);
	return 0;
}

static int classify(struct gc *gc, const struct gc_item *it, const struct k8c_object_meta *m,
		    bool live, enum gc_owner_state *st)
{
	for (size_t i = 0; i < m->n_owner_references; i++) {
		int r = owner_state(gc, it->ns, &m->owner_references[i], live, &st[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Acts on a decision about the dependent it (latest state m). */
static int act(struct gc *gc, const struct gc_item *it, const struct k8c_object_meta *m,
	       const enum gc_owner_state *st, const struct gc_decision *d)
{
	if (d->action == GC_REMOVE_REFS) {
		const char **uids = xcalloc(m->n_owner_references, sizeof(*uids));
		size_t n = 0;
		for (size_t i = 0; i < m->n_owner_references; i++)
			if (st[i] != GC_OWNER_SOLID)
				uids[n++] = m->owner_references[i].uid;
		cJSON *patch = gc_patch_remove_refs(it->uid, uids, n);
		int r = gc_live_patch(gc, it->kind, it->ns, it->name, K8C_PATCH_STRATEGIC, patch);
		cJSON_Delete(patch);
		free(uids);
		return r;
	}
	if (d->action != GC_DELETE)
		return 0;
	cJSON *unblock = d->unblock ? gc_patch_unblock(m) : NULL;
	int r = unblock ? gc_live_patch(gc, it->kind, it->ns, it->name, K8C_PATCH_STRATEGIC,
					unblock) : 0;
	cJSON_Delete(unblock);
	return r < 0 ? r : gc_live_delete(gc, it, d->policy);
}

/* attemptToDeleteItem for a dependent that is not being deleted. */
static int collect(struct gc *gc, const struct gc_item *it, const struct k8c_object_meta *m)
{
	enum gc_owner_state *st = xcalloc(m->n_owner_references, sizeof(*st));
	struct gc_decision d;
	/* the cache answers "keep" cheaply; anything else is decided on live reads */
	int r = classify(gc, it, m, false, st);
	gc_decide(m, st, true, false, &d);
	if (r == 0 && d.action != GC_KEEP)
		r = classify(gc, it, m, true, st);
	if (r == 0 && d.action != GC_KEEP) {
		struct gc_node *deps;
		size_t n = gc_dependents(gc, it->uid, &deps);
		bool cycle = false;
		for (size_t i = 0; i < n; i++)
			cycle |= gc_deleting_with(gc_node_meta(&deps[i]), GC_FINALIZER_FOREGROUND);
		gc_nodes_free(deps, n);
		gc_decide(m, st, n > 0, cycle, &d);
		r = act(gc, it, m, st, &d);
	}
	free(st);
	return r;
}

/*
 * processDeletingDependentsItem: an owner being deleted in the foreground
 * loses its finalizer once no dependent blocks it; until then the blocking
 * ones are (re)queued for deletion.
 */
static int deleting_dependents(struct gc *gc, const struct gc_item *it,
			       const struct k8c_object_meta *m)
{
	struct gc_node *deps;
	size_t n = gc_dependents(gc, it->uid, &deps), blocking = 0;
	for (size_t i = 0; i < n; i++) {
		const struct k8c_object_meta *dm = gc_node_meta(&deps[i]);
		if (!gc_blocks_owner(dm, it->uid))
			continue;
		blocking++;
		if (!gc_deleting_with(dm, GC_FINALIZER_FOREGROUND))
			gc_enqueue(gc, GC_OP_DELETE, deps[i].kind, dm);
	}
	gc_nodes_free(deps, n);
	if (blocking)
		return 0; /* their deletion events queue this owner again */
	cJSON *patch = gc_patch_remove_finalizer(m, GC_FINALIZER_FOREGROUND);
	int r = patch ? gc_live_patch(gc, it->kind, it->ns, it->name, K8C_PATCH_MERGE, patch) : 0;
	cJSON_Delete(patch);
	return r;
}

/* attemptToOrphan: cut every dependent's reference to the owner, then its finalizer. */
static int orphan(struct gc *gc, const struct gc_item *it, const struct k8c_object_meta *m)
{
	struct gc_node *deps;
	size_t n = gc_dependents(gc, it->uid, &deps);
	int failed = 0;
	const char *uid = it->uid;
	for (size_t i = 0; i < n; i++) {
		const struct k8c_object_meta *dm = gc_node_meta(&deps[i]);
		cJSON *patch = gc_patch_remove_refs(dm->uid, &uid, 1);
		int r = gc_live_patch(gc, deps[i].kind, dm->namespace, dm->name,
				      K8C_PATCH_STRATEGIC, patch);
		cJSON_Delete(patch);
		failed = r < 0 ? r : failed;
	}
	gc_nodes_free(deps, n);
	if (failed)
		return failed;
	cJSON *patch = gc_patch_remove_finalizer(m, GC_FINALIZER_ORPHAN);
	int r = patch ? gc_live_patch(gc, it->kind, it->ns, it->name, K8C_PATCH_MERGE, patch) : 0;
	cJSON_Delete(patch);
	return r;
}

/*
 * True when the (synced) cache alone shows that a dependent needs nothing:
 * it is cached, not being deleted, and every owner is cached and alive. The
 * common case after a start, when dependents were seen before their owners:
 * no reads then. Anything else is decided on the latest state.
 */
static bool cache_keeps(struct gc *gc, const struct gc_item *it)
{
	struct k8c_object *obj = gc_cached(gc, it->kind, it->uid);
	bool keep = obj && !obj->metadata.deletion_timestamp;
	for (size_t i = 0; keep && i < obj->metadata.n_owner_references; i++) {
		enum gc_owner_state st;
		owner_state(gc, it->ns, &obj->metadata.owner_references[i], false, &st);
		keep = st == GC_OWNER_SOLID;
	}
	k8c_obj_unref(obj);
	return keep;
}

/* One item, from the object's latest state. */
static int run_item(struct gc *gc, const struct gc_item *it)
{
	if (it->op == GC_OP_DELETE && cache_keeps(gc, it))
		return 0;
	struct k8c_object_meta m;
	int r = gc_live_meta(gc, it->kind, it->ns, it->name, &m);
	if (r == -ENOENT)
		return 0; /* its deletion event queues its dependents */
	if (r < 0)
		return r;
	if (!streq_null(m.uid, it->uid))
		r = 0; /* a namesake: the item itself is gone */
	else if (it->op == GC_OP_ORPHAN)
		r = gc_deleting_with(&m, GC_FINALIZER_ORPHAN) ? orphan(gc, it, &m) : 0;
	else if (gc_deleting_with(&m, GC_FINALIZER_FOREGROUND))
		r = deleting_dependents(gc, it, &m);
	else if (!m.deletion_timestamp && m.n_owner_references)
		r = collect(gc, it, &m);
	k8c_release(&k8c_type_object_meta, &m);
	return r;
}

int gc_sync(void *state, const char *key)
{
	struct gc_item it;
	if (gc_item_parse(key, &it) < 0)
		return 0;
	int r = run_item(state, &it);
	gc_item_release(&it);
	return r;
}
