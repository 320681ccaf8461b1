/*
 * informer.h - a shared, indexed, watch-fed local cache of one kind of object,
 * as client-go's SharedIndexInformer: LIST (paged), then WATCH from the
 * list's resourceVersion, relisting on 410 Expired or a broken stream (with
 * back-off), so that the cache converges on what the API server holds.
 *
 * Objects are the typed structs of api/ (kind->type: struct k8c_pod,
 * struct k8c_deployment, ...), decoded once per event and SHARED: every
 * object an informer hands out is read-only and reference-counted
 * (k8c_obj_ref / k8c_obj_unref). Copy with k8c_dup() before changing one.
 *
 * Handlers run on the informer's own thread, in event order, one at a time
 * per informer; they must be quick (enqueue a key, as controllers do) and
 * must not call k8c_informer_stop(). Objects they receive are borrowed for
 * the call; take a reference to keep one. A delete delivers the object's
 * final state: the DELETED event's object, or after a relist the last state
 * the cache held (only objects that were cached are delivered as deletes).
 * An ADDED event for a cached key is delivered as an update, a MODIFIED one
 * for an unknown key as an add. After a relist, objects that vanished are
 * delivered as deletes and changed ones (another resourceVersion) as
 * updates, so handlers never miss a transition they could observe. A resync
 * (if asked) re-delivers every cached object as an update with old == new.
 *
 * Keys are "namespace/name", or "name" for cluster-scoped kinds
 * (k8c_obj_key). Lookups are thread-safe and never block on the network.
 */
#ifndef K8C_CLIENT_INFORMER_H
#define K8C_CLIENT_INFORMER_H

#include "api/kinds.h"
#include "api/object.h"
#include "client/rest.h"
#include "client/watch.h"

/* ---- shared objects ---------------------------------------------------- */

/*
 * Takes a reference to obj, an object handed out by an informer (or made by
 * k8c_obj_new). Returns obj. NULL-safe. Thread-safe.
 */
void *k8c_obj_ref(const void *obj);
/* Drops a reference; the last one frees the object. NULL-safe. Thread-safe. */
void k8c_obj_unref(const void *obj);
/*
 * A new reference-counted, zeroed object of type t (count 1), for code that
 * wants to hand its own objects around the way informers do.
 */
void *k8c_obj_new(const struct k8c_type *t);
/* Appends obj's key ("ns/name" or "name") to out. */
void k8c_obj_key(const void *obj, struct strbuf *out);
/* Drops one reference to each of n objects and frees the array. NULL-safe. */
void k8c_obj_unref_array(void **objs, size_t n);
/* The type obj was made with (k8c_obj_new / k8c_obj_decode). */
const struct k8c_type *k8c_obj_type(const void *obj);
/*
 * Decodes json (an object of kind k) non-strictly into a new shared object
 * (count 1), filling kind and apiVersion when json lacks them (list items).
 * Never fails: fields of the wrong type are left out, and *ret_partial (may
 * be NULL) tells whether that happened. The object is packed (k8c_pack: one
 * allocation, read-only like every shared object). Thread-safe.
 */
void *k8c_obj_decode(const struct k8c_kind *k, const struct cJSON *json, bool *ret_partial);
/*
 * k8c_obj_decode() straight from text (len bytes of JSON), in one pass with no
 * cJSON tree, alike for the same JSON. Returns NULL when the text is not JSON
 * or not an object (nothing to free then).
 */
void *k8c_obj_decode_text(const struct k8c_kind *k, const char *text, size_t len,
			  bool *ret_partial);
/*
 * k8c_obj_decode() and k8c_obj_decode_text() with transform (NULL: none)
 * applied to the decoded object, after kind and apiVersion are filled and
 * before it is packed, so that the one allocation holds only what it kept.
 */
void *k8c_obj_decode_with(const struct k8c_kind *k, const struct cJSON *json,
			  k8c_transform_fn transform, bool *ret_partial);
void *k8c_obj_decode_text_with(const struct k8c_kind *k, const char *text, size_t len,
			       k8c_transform_fn transform, bool *ret_partial);

/* ---- informers --------------------------------------------------------- */

struct k8c_informer;

struct k8c_informer_handlers {
	void (*on_add)(void *userdata, const void *obj);
	void (*on_update)(void *userdata, const void *old_obj, const void *new_obj);
	void (*on_delete)(void *userdata, const void *obj);
	void *userdata;
};

struct k8c_informer_options {
	const struct k8c_kind *kind;
	const char *namespace;      /* NULL: all namespaces */
	const char *label_selector; /* NULL: everything */
	const char *field_selector; /* NULL: everything; e.g. "spec.nodeName=node-1" */
	int64_t resync_ms;          /* 0: never resync; served to about a second */
	int64_t page_size;          /* LIST limit; 0 = 500 */
};

/*
 * Index function: appends to *ret_values (an array of owned strings, *n
 * entries) the index values of obj. E.g. a by-node index of pods appends
 * spec.nodeName. Runs with the cache locked, on the informer's thread (or
 * on the thread of an index's first lookup): it must not call back into the
 * informer.
 */
typedef void (*k8c_index_fn)(const void *obj, char ***ret_values, size_t *n, size_t *alloc);

/*
 * Creates an informer over client (borrowed: it must outlive the informer).
 * It does nothing until started. Returns NULL for an invalid option (no kind).
 */
struct k8c_informer *k8c_informer_new(struct k8c_client *client,
				      const struct k8c_informer_options *opts);

/*
 * Adds handlers. Allowed before and after the start: handlers added later
 * first receive an add for every object already cached (on the informer's
 * thread). Returns 0, or -EBUSY once stopped.
 */
int k8c_informer_add_handlers(struct k8c_informer *inf, const struct k8c_informer_handlers *h);

/*
 * Adds a named index. Only before the start. Built-in indexes, always
 * present: K8C_INDEX_NAMESPACE (metadata.namespace) and K8C_INDEX_CONTROLLER
 * (the uid of the controller ownerReference, if any). An index costs no
 * memory until its first lookup (k8c_informer_by_index, or k8c_informer_list
 * of a namespace): that one builds it from the cache, under the cache's
 * write lock, and it is kept up to date from then on.
 */
#define K8C_INDEX_NAMESPACE "namespace"
#define K8C_INDEX_CONTROLLER "controller"
int k8c_informer_add_index(struct k8c_informer *inf, const char *name, k8c_index_fn fn);

/*
 * Sets the transform (client-go's SetTransform) every object goes through
 * once decoded, before the cache, the indexes and the handlers see it: of
 * every LIST item and every watch event, deletes included. Only before the
 * start; returns 0, or -EBUSY once started or stopped.
 *
 * What a transform drops is gone for the whole process: every handler,
 * lookup and index of this informer (and every user of a factory's shared
 * informer) sees the trimmed object, so the transform must keep every field
 * any of them reads, and metadata.name, namespace and resourceVersion (the
 * cache's key; a relist tells changed objects by it). A trimmed object must never be written back whole: a
 * PUT of it (or of a k8c_dup() of it) would erase what was dropped on the
 * server. PATCHes of the fields a writer changes are fine, and so is a PUT
 * to a subresource that reads only fields the transform keeps whole (a
 * pods/status PUT takes nothing but status). Each transform's comment says
 * what it keeps and who reads it.
 */
int k8c_informer_set_transform(struct k8c_informer *inf, k8c_transform_fn fn);

/*
 * Starts the informer's thread (list, then watch; a 256 KiB stack). Returns
 * 0 (also when already running), -EBUSY once stopped, or pthread_create's
 * negative errno. Every request goes through the client's rate limiter: a
 * process running many informers wants a client with qps < 0 (unlimited).
 */
int k8c_informer_start(struct k8c_informer *inf);

/* True once the first LIST has been applied and its adds delivered. Thread-safe. */
bool k8c_informer_has_synced(struct k8c_informer *inf);

/*
 * Waits until synced, or timeout_ms passes (< 0: forever), or the informer
 * stops. Returns true when synced.
 */
bool k8c_informer_wait_synced(struct k8c_informer *inf, int64_t timeout_ms);

/*
 * Stops the thread (cancels the watch or the back-off sleep; returns within
 * a second, or once a LIST page in flight is answered: those are bounded by
 * the client's timeout_ms, else 60 s) and waits for it. No handler runs
 * after it returns. Lookups still work on the last state. Idempotent.
 */
void k8c_informer_stop(struct k8c_informer *inf);

/* Stops inf if running and frees it and its cache. NULL-safe. */
void k8c_informer_free(struct k8c_informer *inf);

/* The kind inf caches. */
const struct k8c_kind *k8c_informer_kind(const struct k8c_informer *inf);

/* The resourceVersion the cache last reached ("" before the first list). Owned by the caller. */
char *k8c_informer_resource_version(struct k8c_informer *inf);

/* What an informer did so far (for tests and metrics); counters only grow. */
struct k8c_informer_stats {
	uint64_t lists;		/* complete LISTs applied (the first one and every relist) */
	uint64_t list_errors;	/* LISTs that failed */
	uint64_t watches;	/* watch streams run */
	uint64_t expired;	/* watches that ended with 410 Expired (followed by a relist) */
	uint64_t watch_errors;	/* watches that ended with another error (followed by a relist) */
	uint64_t events;	/* watch events applied (bookmarks included) */
	uint64_t decode_errors; /* objects with fields of the wrong type (cached without them) */
};

/* Copies inf's counters into *out. Thread-safe. */
void k8c_informer_stats(struct k8c_informer *inf, struct k8c_informer_stats *out);

/* ---- lookups (listers) --------------------------------------------------- */

/*
 * The cached object with key "ns/name" (or "name"), with a reference the
 * caller drops with k8c_obj_unref, or NULL.
 */
void *k8c_informer_get(struct k8c_informer *inf, const char *key);
/* As k8c_informer_get, by namespace (NULL for cluster-scoped) and name. */
void *k8c_informer_get_by_name(struct k8c_informer *inf, const char *ns, const char *name);

/*
 * Every cached object (ns NULL) or those of one namespace, sorted by key, as
 * a new array of references in *ret (free with k8c_obj_unref_array).
 * Returns how many.
 */
size_t k8c_informer_list(struct k8c_informer *inf, const char *ns, void ***ret);

/*
 * The objects whose index `index` has `value`, sorted by key, as
 * k8c_informer_list. Returns how many; 0 for an unknown index.
 */
size_t k8c_informer_by_index(struct k8c_informer *inf, const char *index, const char *value,
			     void ***ret);

/* How many objects are cached. */
size_t k8c_informer_len(struct k8c_informer *inf);

/* ---- a factory of shared informers -------------------------------------- */

/*
 * One informer per kind (over all namespaces, no selectors) shared by every
 * user in a process, as client-go's SharedInformerFactory: the ReplicaSet,
 * Deployment, Endpoints and garbage-collector controllers all read one pod
 * cache.
 */
struct k8c_informer_factory;

struct k8c_informer_factory *k8c_informer_factory_new(struct k8c_client *client,
						      int64_t resync_ms);
/*
 * The factory's informer for kind (created on first use; borrowed, owned by
 * the factory). Indexes must be added before k8c_informer_factory_start.
 */
struct k8c_informer *k8c_informer_factory_get(struct k8c_informer_factory *f,
					      const struct k8c_kind *kind);
/*
 * Sets the transform (k8c_informer_set_transform) of the factory's informer
 * for kind, whether it exists yet or is made later (if ever): the owner of
 * the factory sets it once for every user in the process, so it must keep
 * what all of them read. Returns 0, or -EBUSY when that informer has started.
 */
int k8c_informer_factory_set_transform(struct k8c_informer_factory *f,
				       const struct k8c_kind *kind, k8c_transform_fn fn);
/* Starts every informer created so far that is not running. Returns 0 or a negative errno. */
int k8c_informer_factory_start(struct k8c_informer_factory *f);
/* Waits until every started informer has synced (see k8c_informer_wait_synced). */
bool k8c_informer_factory_wait_synced(struct k8c_informer_factory *f, int64_t timeout_ms);
/* Stops every informer (see k8c_informer_stop). */
void k8c_informer_factory_stop(struct k8c_informer_factory *f);
/* Stops and frees everything. NULL-safe. */
void k8c_informer_factory_free(struct k8c_informer_factory *f);

#endif
