/*
 * watchcache_watch.c - watchers of the watch cache: registration (indexed by
 * object name or by the kind's indexed field, so an event only visits the
 * watchers it may concern), filtering with Kubernetes' semantics (an object
 * that stops matching is a DELETED event for that watcher), per-watcher
 * queues, and the watcher's side: being told of events and taking them.
 */
#include "apiserver/watchcache_internal.h"

#define MAX_QUEUED 200000 /* a watcher further behind than this is ended */
#define KEEP_QUEUED 64      /* a drained queue larger than this is freed */

bool cache_watcher_matches(const struct cache_watcher *w, const struct cache_obj *o)
{
	if (w->ns && strcmp(w->ns, o->ns))
		return false;
	if (w->name && strcmp(w->name, o->name))
		return false;
	if (w->index_value && !streq_null(w->index_value, o->index_value))
		return false;
	return !w->match || w->match(w->match_ctx, o);
}

/* Tells w's consumer (w->lock held). */
static void notify(struct cache_watcher *w)
{
	if (w->notify)
		w->notify(w->notify_ctx);
}

static void enqueue(struct cache_watcher *w, enum cache_event_type type, int64_t rev,
		    struct cache_obj *obj)
{
	pthread_mutex_lock(&w->lock);
	if (w->ended) {
		pthread_mutex_unlock(&w->lock);
		return;
	}
	if (w->q_n == w->q_cap) {
		if (w->q_cap >= MAX_QUEUED) {
			w->ended = true; /* too slow: the client will re-watch from its last revision */
			notify(w);
			pthread_mutex_unlock(&w->lock);
			return;
		}
		size_t cap = w->q_cap ? w->q_cap * 2 : 8;
		struct cache_event *q = xmalloc(cap * sizeof(*q));
		for (size_t i = 0; i < w->q_n; i++)
			q[i] = w->q[(w->q_head + i) % w->q_cap];
		free(w->q);
		w->q = q;
		w->q_cap = cap;
		w->q_head = 0;
	}
	cache_obj_ref(obj);
	w->q[(w->q_head + w->q_n) % w->q_cap] = (struct cache_event){ type, rev, obj };
	if (w->q_n++ == 0)
		notify(w);
	pthread_mutex_unlock(&w->lock);
}

/* prev_at_rev caches, per event, the previous state re-stamped with the event's revision. */
static void deliver(struct cache_watcher *w, const struct ring_entry *e,
		    struct cache_obj **prev_at_rev)
{
	bool was = e->prev && cache_watcher_matches(w, e->prev);
	if (e->type == CACHE_DELETED) {
		if (was)
			enqueue(w, CACHE_DELETED, e->rev, e->obj);
		return;
	}
	bool is = cache_watcher_matches(w, e->obj);
	if (is) {
		enqueue(w, was ? CACHE_MODIFIED : CACHE_ADDED, e->rev, e->obj);
	} else if (was) {
		if (!*prev_at_rev)
			*prev_at_rev = cache_obj_at_rev(e->prev, e->rev);
		enqueue(w, CACHE_DELETED, e->rev, *prev_at_rev);
	}
}

static void deliver_list(struct watcher_list *l, const struct ring_entry *e,
			 struct cache_obj **prev_at_rev)
{
	for (size_t i = 0; l && i < l->n; i++)
		deliver(l->items[i], e, prev_at_rev);
}

static struct watcher_list *indexed_list(struct kind_cache *kc, char tag, const char *value)
{
	if (!value || !kc->indexed.count)
		return NULL;
	struct strbuf key = STRBUF_INIT;
	strbuf_addf(&key, "%c:%s", tag, value);
	struct watcher_list *l = hashmap_get(&kc->indexed, key.buf);
	strbuf_release(&key);
	return l;
}

void kind_cache_dispatch(struct kind_cache *kc, const struct ring_entry *e)
{
	struct cache_obj *prev_at_rev = NULL;
	deliver_list(&kc->unindexed, e, &prev_at_rev);
	deliver_list(indexed_list(kc, 'n', e->obj->name), e, &prev_at_rev);
	const char *now = e->obj->index_value; /* for DELETED, the last state's */
	const char *before = e->prev ? e->prev->index_value : NULL;
	deliver_list(indexed_list(kc, 'i', now), e, &prev_at_rev);
	if (before && !streq_null(before, now))
		deliver_list(indexed_list(kc, 'i', before), e, &prev_at_rev);
	cache_obj_unref(prev_at_rev);
}

static void end_watcher(struct cache_watcher *w)
{
	pthread_mutex_lock(&w->lock);
	w->ended = true;
	notify(w);
	pthread_mutex_unlock(&w->lock);
}

void kind_cache_end_watchers(struct kind_cache *kc)
{
	for (size_t i = 0; i < kc->unindexed.n; i++)
		end_watcher(kc->unindexed.items[i]);
	size_t pos = 0;
	struct hashmap_entry *he;
	while ((he = hashmap_next(&kc->indexed, &pos))) {
		struct watcher_list *l = he->value;
		for (size_t i = 0; i < l->n; i++)
			end_watcher(l->items[i]);
	}
}

static struct watcher_list *list_for(struct cache_watcher *w, bool create)
{
	struct kind_cache *kc = w->kc;
	if (!w->index_key)
		return &kc->unindexed;
	struct watcher_list *l = hashmap_get(&kc->indexed, w->index_key);
	if (!l && create) {
		l = xcalloc(1, sizeof(*l));
		hashmap_put(&kc->indexed, w->index_key, l);
	}
	return l;
}

static void register_watcher(struct cache_watcher *w)
{
	struct watcher_list *l = list_for(w, true);
	ALLOC_GROW(l->items, l->n + 1, l->alloc);
	l->items[l->n++] = w;
}

static void unregister_watcher(struct cache_watcher *w)
{
	struct watcher_list *l = list_for(w, false);
	for (size_t i = 0; l && i < l->n; i++) {
		if (l->items[i] != w)
			continue;
		l->items[i] = l->items[--l->n];
		break;
	}
	if (l && w->index_key && l->n == 0) {
		free(l->items);
		free(hashmap_remove(&w->kc->indexed, w->index_key));
	}
}

static struct cache_watcher *watcher_new(struct watch_cache *c, struct kind_cache *kc,
					 const struct cache_filter *f)
{
	struct cache_watcher *w = xcalloc(1, sizeof(*w));
	w->c = c;
	w->kc = kc;
	w->ns = xstrdup(f->ns);
	w->name = xstrdup(f->name);
	w->index_value = xstrdup(f->index_value);
	w->match = f->match;
	w->match_ctx = f->ctx;
	struct strbuf key = STRBUF_INIT;
	if (w->name)
		strbuf_addf(&key, "n:%s", w->name);
	else if (w->index_value)
		strbuf_addf(&key, "i:%s", w->index_value);
	w->index_key = key.len ? strbuf_detach(&key, NULL) : NULL;
	strbuf_release(&key);
	pthread_mutex_init(&w->lock, NULL);
	atomic_fetch_add(&c->n_watchers, 1);
	return w;
}

/* Queues the current state as ADDED events (kc->lock held). */
static void queue_current_state(struct cache_watcher *w)
{
	struct kind_cache *kc = w->kc;
	for (size_t i = 0; i < kc->n; i++)
		if (cache_watcher_matches(w, kc->sorted[i]))
			enqueue(w, CACHE_ADDED, kc->sorted[i]->mod_rev, kc->sorted[i]);
}

/* Queues every kept event after after_rev (kc->lock held). */
static void queue_history(struct cache_watcher *w, int64_t after_rev)
{
	struct kind_cache *kc = w->kc;
	for (size_t i = 0; i < kc->ring_n; i++) {
		const struct ring_entry *e = &kc->ring[(kc->ring_head + i) % kc->ring_cap];
		struct cache_obj *prev_at_rev = NULL;
		if (e->rev > after_rev)
			deliver(w, e, &prev_at_rev);
		cache_obj_unref(prev_at_rev);
	}
}

int watch_cache_watch(struct watch_cache *c, const struct k8c_kind *k, const struct cache_filter *f,
		      int64_t after_rev, struct cache_watcher **ret_watcher)
{
	struct kind_cache *kc = NULL;
	for (size_t i = 0; i < c->n_kinds && !kc; i++)
		if (c->kinds[i].kind == k)
			kc = &c->kinds[i];
	if (atomic_load(&c->closing))
		return -ESHUTDOWN;
	if (after_rev > 0 && watch_cache_wait_rev(c, after_rev, 3000) < 0)
		return -ETIMEDOUT;
	struct cache_watcher *w = watcher_new(c, kc, f);
	pthread_mutex_lock(&kc->lock);
	if (after_rev >= 0 && after_rev < kc->floor) {
		pthread_mutex_unlock(&kc->lock);
		cache_watcher_stop(w);
		return -ERANGE;
	}
	if (after_rev < 0)
		queue_current_state(w);
	else
		queue_history(w, after_rev);
	w->rev = after_rev < 0 ? kc->rev : after_rev;
	w->ended = atomic_load(&c->closing); /* raced with stop_watchers */
	register_watcher(w);
	pthread_mutex_unlock(&kc->lock);
	*ret_watcher = w;
	return 0;
}

void cache_watcher_set_notify(struct cache_watcher *w, void (*fn)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&w->lock);
	w->notify = fn;
	w->notify_ctx = ctx;
	if (w->q_n || w->ended)
		notify(w);
	pthread_mutex_unlock(&w->lock);
}

int cache_watcher_take(struct cache_watcher *w, struct cache_event *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&w->lock);
	for (; n < max && w->q_n; n++) {
		out[n] = w->q[w->q_head];
		w->q_head = (w->q_head + 1) % w->q_cap;
		w->q_n--;
		w->rev = out[n].rev;
	}
	if (!w->q_n && w->q_cap > KEEP_QUEUED) { /* a burst's queue goes once drained */
		free(w->q);
		w->q = NULL;
		w->q_cap = w->q_head = 0;
	}
	bool ended = w->ended && n == 0;
	pthread_mutex_unlock(&w->lock);
	return ended ? -EPIPE : (int)n;
}

int64_t cache_watcher_rev(const struct cache_watcher *cw)
{
	struct cache_watcher *w = (struct cache_watcher *)cw;
	pthread_mutex_lock(&w->kc->lock);
	pthread_mutex_lock(&w->lock);
	int64_t rev = w->q_n == 0 && w->kc->rev > w->rev ? w->kc->rev : w->rev;
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_unlock(&w->kc->lock);
	return rev;
}

void cache_event_release(struct cache_event *e)
{
	cache_obj_unref(e->obj);
	e->obj = NULL;
}

void cache_watcher_stop(struct cache_watcher *w)
{
	if (!w)
		return;
	if (w->kc) {
		pthread_mutex_lock(&w->kc->lock);
		unregister_watcher(w);
		pthread_mutex_unlock(&w->kc->lock);
	}
	for (size_t i = 0; i < w->q_n; i++)
		cache_obj_unref(w->q[(w->q_head + i) % w->q_cap].obj);
	free(w->q);
	free(w->ns);
	free(w->name);
	free(w->index_value);
	free(w->index_key);
	pthread_mutex_destroy(&w->lock);
	atomic_fetch_sub(&w->c->n_watchers, 1);
	free(w);
}
