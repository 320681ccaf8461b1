/*
 * watchcache.h - the API server's in-memory view of the store: for every kind
 * the current objects (sorted by key) and a ring of recent events, fed by one
 * storage watch on "/registry/". GET, LIST and WATCH are served from here.
 *
 * Each object version is a struct cache_obj: immutable once published,
 * reference-counted, one allocation holding the object's JSON with its
 * resourceVersion already in place (and its key, labels and fields), so every reader and every watcher shares the same bytes
 * (an event is serialized once, whatever the number of watchers).
 *
 * Thread-safety: every function may be called from any thread.
 */
#ifndef K8C_APISERVER_WATCHCACHE_H
#define K8C_APISERVER_WATCHCACHE_H

#include <stdatomic.h>

#include "api/kinds.h"
#include "api/values.h"
#include "apiserver/storage/storage.h"

struct cache_obj {
	atomic_int refs;
	const struct k8c_kind *kind;
	char *key;        /* storage key, "/registry/pods/default/web" */
	const char *ns;   /* namespace ("" for cluster-scoped), points into ns_buf */
	const char *name; /* points into key */
	int64_t create_rev;
	int64_t mod_rev;
	char *json; /* the object with metadata.resourceVersion = mod_rev */
	size_t len;
	size_t rv_off, rv_len; /* where the resourceVersion digits are in json */
	struct k8c_strmap labels;
	char **fields; /* values of the selectable fields (kind->fields order); never NULL entries */
	size_t n_fields;
	char *index_value; /* value of the kind's indexed field (pods: spec.nodeName), or NULL */
	char ns_buf[];
};

/*
 * Builds an object version (one reference) of kind k at key from a stored
 * value; NULL if the value is not a JSON object.
 */
struct cache_obj *cache_obj_new(const struct k8c_kind *k, const char *key, const char *value,
				size_t len, int64_t create_rev, int64_t mod_rev);
/* Takes a reference. */
void cache_obj_ref(struct cache_obj *o);
/* Drops a reference; frees the object with the last one. NULL-safe. */
void cache_obj_unref(struct cache_obj *o);
/*
 * The value of a field-selector field for o ("metadata.name",
 * "metadata.namespace" or one of its kind's fields), or NULL if the field is
 * not selectable for the kind. Borrowed.
 */
const char *cache_obj_field(const struct cache_obj *o, const char *field);

/*
 * Appends value (an object as stored: this API server's encoding, which puts
 * kind, apiVersion and metadata first and no resourceVersion) to out with
 * "resourceVersion":"<rev>" inserted first in its metadata. *ret_off and
 * *ret_len (if non-NULL) receive where the digits are in out.
 */
void cache_splice_rv(struct strbuf *out, const char *value, size_t len, int64_t rev,
		     size_t *ret_off, size_t *ret_len);

/* What a LIST or WATCH wants to see. */
struct cache_filter {
	const char *ns;          /* NULL = every namespace */
	const char *name;        /* non-NULL: only the object with this name (indexed) */
	const char *index_value; /* non-NULL: only objects whose indexed field equals it (indexed) */
	/* further conditions (label and field selectors); NULL = none */
	bool (*match)(void *ctx, const struct cache_obj *o);
	void *ctx;
};

struct watch_cache;

/*
 * Loads every object from s at one revision and starts following the store.
 * ring_size is the number of recent events kept per kind (watch resume window).
 * Returns 0 and the cache, or a STORAGE_E* error.
 */
int watch_cache_start(struct storage *s, size_t ring_size, struct watch_cache **ret_cache);
/* Ends every watcher, stops following the store, frees c. NULL-safe. */
void watch_cache_stop(struct watch_cache *c);

/* Ends every watcher and refuses new ones (-ESHUTDOWN); reads keep working. */
void watch_cache_stop_watchers(struct watch_cache *c);

/* The newest revision the cache has applied. */
int64_t watch_cache_rev(struct watch_cache *c);
/* Waits until the cache has applied rev. Returns 0, or -ETIMEDOUT after timeout_ms. */
int watch_cache_wait_rev(struct watch_cache *c, int64_t rev, int64_t timeout_ms);
/*
 * Tells the cache the store was compacted at rev: watches that would need
 * events before it now fail with "expired".
 */
void watch_cache_compacted(struct watch_cache *c, int64_t rev);
/* Non-zero once the following watch failed for good (the cache is stale). */
int watch_cache_error(struct watch_cache *c);

/* The current object at key (a new reference), or NULL. */
struct cache_obj *watch_cache_get(struct watch_cache *c, const struct k8c_kind *k,
				  const char *key);

struct cache_list {
	struct cache_obj **items; /* references, sorted by key */
	size_t n;
	int64_t rev;       /* revision of this snapshot */
	int64_t kind_rev;  /* revision of the last change to this kind (<= rev) */
	bool more;         /* limit reached with matches left */
	int64_t remaining; /* matches after the last returned, when more */
};
/* Drops every reference and frees the array. */
void cache_list_release(struct cache_list *l);
/*
 * The objects of kind k matching f, in key order, starting at start_key
 * (inclusive, NULL = first), at most limit (0 = all).
 */
void watch_cache_list(struct watch_cache *c, const struct k8c_kind *k,
		      const struct cache_filter *f, const char *start_key, size_t limit,
		      struct cache_list *out);

enum cache_event_type { CACHE_ADDED, CACHE_MODIFIED, CACHE_DELETED };

struct cache_event {
	enum cache_event_type type;
	int64_t rev;
	struct cache_obj *obj; /* a reference; for DELETED the last state, at rev */
};

struct cache_watcher;

/*
 * Watches kind k for f. after_rev < 0 first delivers every current match as
 * ADDED, then changes; after_rev >= 0 delivers changes with revision >
 * after_rev. The filter's strings are copied. Returns 0 and the watcher;
 * -ERANGE ("too old resource version") when the events after after_rev are no
 * longer kept; -ETIMEDOUT when after_rev is in the future and the cache did not
 * reach it within 3 seconds; -ESHUTDOWN once the cache is stopping.
 */
int watch_cache_watch(struct watch_cache *c, const struct k8c_kind *k, const struct cache_filter *f,
		      int64_t after_rev, struct cache_watcher **ret_watcher);
/*
 * Sets what w's consumer is told when events arrive in w's empty queue and
 * when w is ended: notify(ctx) runs on the thread that delivers events, with
 * the cache's locks held, so it must only wake the consumer (never call into
 * the cache). Calls it once at once if w already has events or has ended.
 * Set once, before w is consumed.
 */
void cache_watcher_set_notify(struct cache_watcher *w, void (*notify)(void *ctx), void *ctx);
/*
 * Takes up to max pending events into out (references: release with
 * cache_event_release), without waiting. Returns the count (0 when none is
 * pending), or -EPIPE when the watcher was ended (it fell too far behind, or
 * the cache is stopping) and nothing is left. Any thread, one consumer.
 */
int cache_watcher_take(struct cache_watcher *w, struct cache_event *out, size_t max);
/* The revision of the last event taken, or of the watch start. */
int64_t cache_watcher_rev(const struct cache_watcher *w);
/* Unregisters and frees w; pending events are dropped. NULL-safe. */
void cache_watcher_stop(struct cache_watcher *w);
/* Drops the reference an event holds. */
void cache_event_release(struct cache_event *e);
/* Number of registered watchers, for metrics. */
size_t watch_cache_watchers(struct watch_cache *c);

#endif
