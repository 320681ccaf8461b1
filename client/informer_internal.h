/*
 * informer_internal.h - what the informer's files share: the indexed store
 * (informer_store.c), the informer itself (informer.c: lifecycle, handlers,
 * lookups) and its thread (informer_run.c: list, watch, relist). Internal to
 * client/.
 */
#ifndef K8C_CLIENT_INFORMER_INTERNAL_H
#define K8C_CLIENT_INFORMER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "base/hashmap.h"
#include "client/informer.h"
#include "client/watch.h"

/* ---- the store: key -> object, plus indexes (not thread-safe) ------------ */

struct informer_index {
	char *name;
	k8c_index_fn fn;
	struct hashmap values; /* index value -> its object keys (informer_store.c) */
	bool built; /* values hold every cached object: built at the first lookup */
};

struct informer_store {
	struct hashmap items; /* key -> object (one reference each) */
	struct informer_index *indexes;
	size_t n_indexes, alloc_indexes;
};

/* Sets s up empty, with the built-in namespace and controller indexes. */
void informer_store_init(struct informer_store *s);
/* Drops every object's reference and frees s's memory; s may be initialized again. */
void informer_store_release(struct informer_store *s);
/* Adds an index (name copied). Returns 0, or -EEXIST when one has that name. */
int informer_store_add_index(struct informer_store *s, const char *name, k8c_index_fn fn);
/*
 * Stores obj (taking its reference) under key and re-indexes it. Returns the
 * object it replaced (its reference now the caller's), or NULL.
 */
void *informer_store_put(struct informer_store *s, const char *key, void *obj);
/* Removes key. Returns its object (the reference now the caller's), or NULL. */
void *informer_store_remove(struct informer_store *s, const char *key);
/* The object under key (borrowed), or NULL. */
void *informer_store_get(const struct informer_store *s, const char *key);
/* Every object, sorted by key, as new references in *ret. Returns how many. */
size_t informer_store_list(const struct informer_store *s, void ***ret);
/*
 * Indexes cost nothing until looked up: true when index is built (or
 * unknown), else informer_store_build_index() must run before a lookup.
 */
bool informer_store_index_ready(const struct informer_store *s, const char *index);
/* Fills index from every cached object and keeps it up to date from then on. */
void informer_store_build_index(struct informer_store *s, const char *index);
/*
 * The objects whose index (built) has value, sorted by key, as new
 * references. 0 for an unknown index.
 */
size_t informer_store_by_index(const struct informer_store *s, const char *index,
			       const char *value, void ***ret);

/* ---- the informer ---------------------------------------------------------- */

struct informer_handler {
	struct k8c_informer_handlers h;
	atomic_bool ready; /* false until the informer thread gave it the adds of the cache */
	struct informer_handler *_Atomic next;
};

struct informer_counters {
	atomic_uint_fast64_t lists, list_errors, watches, expired, watch_errors, events,
		decode_errors;
};

struct k8c_informer {
	struct k8c_client *client;
	const struct k8c_kind *kind;
	int64_t resync_ms;
	int64_t page_size;
	char *path; /* collection path with the selectors: "/api/v1/pods?fieldSelector=..." */
	k8c_transform_fn transform; /* NULL, or set before the start */

	pthread_rwlock_t cache_lock; /* the store; written only by the informer thread */
	struct informer_store store;

	/* Handlers: appended under lock, walked without it by the informer thread. */
	struct informer_handler *_Atomic handlers;
	struct informer_handler *_Atomic *handlers_tail;
	atomic_int pending_handlers; /* appended after the start and not ready yet */

	pthread_mutex_t lock; /* what follows; cond signals synced, stopping, pending handlers */
	pthread_cond_t cond;
	char *rv;
	bool started, joined;
	atomic_bool stopping, synced;
	struct k8c_watch *watch; /* replaced by the thread after a wake-up cancel */
	pthread_t thread;

	struct informer_counters counters;
};

/* The informer thread's body (informer_run.c). */
void *informer__run(void *arg);

/* Calls every ready handler for one change (informer thread). old/obj NULL as the type needs. */
enum informer_change { INFORMER_ADD, INFORMER_UPDATE, INFORMER_DELETE };
void informer__notify(struct k8c_informer *inf, enum informer_change type, const void *old,
		      const void *obj);
/* Gives handlers added after the start the adds of what is cached, then marks them ready. */
void informer__promote_handlers(struct k8c_informer *inf);
/* CLOCK_MONOTONIC (inf->cond's clock) from_now_ns ahead, for pthread_cond_timedwait. */
struct timespec informer__deadline(int64_t from_now_ns);
/* Sets the resourceVersion the cache reached (thread-safe). */
void informer__set_rv(struct k8c_informer *inf, const char *rv);

#endif
