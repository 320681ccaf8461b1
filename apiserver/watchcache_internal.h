/*
 * watchcache_internal.h - the structures shared by the watch cache's files:
 * watchcache_obj.c (object versions), watchcache.c (state, reads, feed) and
 * watchcache_watch.c (watchers, dispatch). Not part of the interface.
 */
#ifndef K8C_APISERVER_WATCHCACHE_INTERNAL_H
#define K8C_APISERVER_WATCHCACHE_INTERNAL_H

#include <pthread.h>

#include "apiserver/watchcache.h"
#include "base/hashmap.h"

/* One entry of a kind's ring of recent events. */
struct ring_entry {
	enum cache_event_type type;
	int64_t rev;
	struct cache_obj *obj;  /* new state; for DELETED the last state at rev */
	struct cache_obj *prev; /* state before, or NULL for ADDED */
};

struct watcher_list {
	struct cache_watcher **items;
	size_t n, alloc;
};

struct kind_cache {
	const struct k8c_kind *kind;
	char *prefix; /* "/registry/pods/" */
	pthread_mutex_t lock;
	struct hashmap by_key; /* key -> struct cache_obj * (the map's reference) */
	struct cache_obj **sorted; /* the same objects sorted by key (no extra reference) */
	size_t n, alloc;
	struct ring_entry *ring;
	size_t ring_cap, ring_head, ring_n;
	int64_t floor;    /* every event of this kind with rev > floor is in the ring */
	int64_t rev;      /* this kind's state reflects every event <= rev */
	int64_t last_rev; /* revision of the latest change of this kind */
	struct watcher_list unindexed;
	struct hashmap indexed; /* "n:<name>" / "i:<value>" -> struct watcher_list * */
};

struct cache_watcher {
	struct watch_cache *c;
	struct kind_cache *kc;
	char *ns, *name, *index_value; /* copies of the filter's strings */
	bool (*match)(void *ctx, const struct cache_obj *o);
	void *match_ctx;
	char *index_key; /* key in kc->indexed, or NULL when unindexed */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct cache_event *q; /* ring buffer of pending events */
	size_t q_cap, q_head, q_n;
	bool ended;
	int64_t rev;
};

struct watch_cache {
	struct storage *storage;
	struct kind_cache *kinds;
	size_t n_kinds;
	size_t ring_size;
	pthread_mutex_t rev_lock;
	pthread_cond_t rev_cond;
	int64_t rev;
	int error;
	struct storage_watch *sw; /* set by start, then owned by the resync thread until stop */
	atomic_size_t n_watchers;
	atomic_bool closing;
	pthread_cond_t resync_cond; /* (rev_lock) signalled when error is set, and at stop */
	pthread_t resync_thread;
	bool resync_running;
	bool resync_stop; /* (rev_lock) */
};

/* A copy of o whose resourceVersion (and mod_rev) is rev. */
struct cache_obj *cache_obj_at_rev(const struct cache_obj *o, int64_t rev);

/* True when o passes w's filter. */
bool cache_watcher_matches(const struct cache_watcher *w, const struct cache_obj *o);
/* Delivers e to every watcher of kc that may be interested (kc->lock held). */
void kind_cache_dispatch(struct kind_cache *kc, const struct ring_entry *e);
/* Ends every watcher of kc (kc->lock held). */
void kind_cache_end_watchers(struct kind_cache *kc);

/* watchcache.c, for the resync in watchcache_resync.c. */
/* Lists kc's objects from the store at *rev (0 = now), which becomes the list's revision. */
int kind_cache_list_store(struct watch_cache *c, struct kind_cache *kc, int64_t *rev,
			  struct storage_list *l);
/* Adds the listed objects to kc's empty state and releases l (kc->lock held, or unshared). */
void kind_cache_load(struct kind_cache *kc, struct storage_list *l);
/* Drops kc's objects and ring (kc->lock held, or unshared). */
void kind_cache_clear(struct kind_cache *kc);
/* The storage watch callback (ctx = the cache): applies events, records a final error. */
void watch_cache_on_store_events(void *ctx, const struct storage_event *events, size_t n,
				 int err);
/* Raises the applied revision to rev (if higher) and sets the error (0 clears it). */
void watch_cache_set_rev(struct watch_cache *c, int64_t rev, int err);

/* The CLOCK_MONOTONIC time ms milliseconds from now (the clock of the cache's condvars). */
void watch_cache_deadline(struct timespec *ts, int64_t ms);

/* watchcache_resync.c: the thread that relists after the storage watch failed for good. */
void watch_cache_resync_start(struct watch_cache *c);
/* Stops and joins that thread (no-op if never started). */
void watch_cache_resync_stop(struct watch_cache *c);

#endif
