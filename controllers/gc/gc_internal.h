/*
 * gc_internal.h - what the garbage collector's files share: its state, the
 * queue items, graph lookups over the informer caches (graph.c), live reads
 * and writes (live.c) and the item workers (sync.c).
 */
#ifndef K8C_CONTROLLERS_GC_GC_INTERNAL_H
#define K8C_CONTROLLERS_GC_GC_INTERNAL_H

#include "client/verbs.h"
#include "controllers/gc/decide.h"
#include "controllers/gc/gc.h"

#define GC_INDEX_OWNERS "gc-owners" /* values: the uids of an object's ownerReferences */
#define GC_INDEX_UID "gc-uid"       /* value: the object's own uid */
#define GC_MAX_KINDS 32

struct gc;

/* One watched kind and its (shared, borrowed) informer. */
struct gc_kind {
	struct gc *gc;
	const struct k8c_kind *kind;
	struct k8c_informer *inf;
};

struct gc {
	struct controller_ctx *ctx;
	struct gc_kind kinds[GC_MAX_KINDS];
	size_t n_kinds;
	struct k8c_workqueue *queue;
	struct controller_workers workers;
};

/* ---- queue items: "<op> <kind index> <namespace or -> <name> <uid>" ------ */

enum gc_op {
	GC_OP_DELETE = 'd', /* attemptToDelete: decide about a dependent, or a foreground owner */
	GC_OP_ORPHAN = 'o', /* attemptToOrphan: free the dependents of an orphaning owner */
};

struct gc_item {
	enum gc_op op;
	const struct k8c_kind *kind;
	char *ns; /* "" when cluster-scoped */
	char *name;
	char *uid;
};

/* Queues op for the object meta of kind k. */
void gc_enqueue(struct gc *gc, enum gc_op op, const struct k8c_kind *k,
		const struct k8c_object_meta *m);
/* Parses a queue key into *out (members owned). Returns 0 or -EINVAL. */
int gc_item_parse(const char *key, struct gc_item *out);
void gc_item_release(struct gc_item *it);

/* ---- the graph, from the caches (graph.c) -------------------------------- */

/* A cached object and its kind; obj holds a reference. */
struct gc_node {
	const struct k8c_kind *kind;
	void *obj;
};

/* The metadata of a node's object. */
static inline const struct k8c_object_meta *gc_node_meta(const struct gc_node *n)
{
	return &((const struct k8c_object *)n->obj)->metadata;
}

/* Every cached object with an ownerReference to uid, as *ret (free with gc_nodes_free). */
size_t gc_dependents(struct gc *gc, const char *uid, struct gc_node **ret);
void gc_nodes_free(struct gc_node *nodes, size_t n);

/* The cached object of kind k with uid, with a reference, or NULL (unknown kind too). */
void *gc_cached(struct gc *gc, const struct k8c_kind *k, const char *uid);

/* The kind an ownerReference names, or NULL when k8c does not serve it. */
const struct k8c_kind *gc_ref_kind(const struct k8c_owner_reference *ref);

/* Index functions for the two indexes. */
void gc_index_owners(const void *obj, char ***ret, size_t *n, size_t *alloc);
void gc_index_uid(const void *obj, char ***ret, size_t *n, size_t *alloc);

/* ---- live reads and writes (live.c); 0 or a negative errno ------------- */

/*
 * GETs ns/name of kind k and decodes its metadata into *ret (release with
 * k8c_release(&k8c_type_object_meta, ...)). -ENOENT when absent.
 */
int gc_live_meta(struct gc *gc, const struct k8c_kind *k, const char *ns, const char *name,
		 struct k8c_object_meta *ret);
/* DELETE with a uid precondition and policy; a gone object or another uid count as done. */
int gc_live_delete(struct gc *gc, const struct gc_item *it, const char *policy);
/* PATCHes the item (type strategic or merge); gone (404) or replaced (uid 422) count as done. */
int gc_live_patch(struct gc *gc, const struct k8c_kind *k, const char *ns, const char *name,
		  enum k8c_patch_type type, cJSON *patch);

/* ---- workers (sync.c) ---------------------------------------------------- */

int gc_sync(void *state, const char *key);

#endif
