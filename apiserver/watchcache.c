/*
 * watchcache.c - the watch cache's state: loading from the store, applying
 * the store's events (ring, sorted objects, dispatch), reads (get, list) and
 * revision tracking. Watchers live in watchcache_watch.c.
 */
#include <malloc.h>
#include <time.h>

#include "apiserver/watchcache_internal.h"
#include "base/timeutil.h"

static struct kind_cache *kind_cache_for_key(struct watch_cache *c, const char *key)
{
	for (size_t i = 0; i < c->n_kinds; i++)
		if (str_has_prefix(key, c->kinds[i].prefix))
			return &c->kinds[i];
	return NULL;
}

static struct kind_cache *kind_cache_of(struct watch_cache *c, const struct k8c_kind *k)
{
	for (size_t i = 0; i < c->n_kinds; i++)
		if (c->kinds[i].kind == k)
			return &c->kinds[i];
	abort(); /* every registered kind has a cache */
}

/* Position of key in kc->sorted, or where it would be inserted. */
static size_t lower_bound(const struct kind_cache *kc, const char *key)
{
	size_t lo = 0, hi = kc->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(kc->sorted[mid]->key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Makes o the current state of its key (takes the caller's reference). */
static void state_put(struct kind_cache *kc, struct cache_obj *o)
{
	struct cache_obj *old = hashmap_put(&kc->by_key, o->key, o);
	size_t at = lower_bound(kc, o->key);
	if (old) {
		kc->sorted[at] = o;
		cache_obj_unref(old);
		return;
	}
	ALLOC_GROW(kc->sorted, kc->n + 1, kc->alloc);
	memmove(&kc->sorted[at + 1], &kc->sorted[at], (kc->n - at) * sizeof(*kc->sorted));
	kc->sorted[at] = o;
	kc->n++;
}

static void state_remove(struct kind_cache *kc, const char *key)
{
	struct cache_obj *old = hashmap_remove(&kc->by_key, key);
	if (!old)
		return;
	size_t at = lower_bound(kc, key);
	memmove(&kc->sorted[at], &kc->sorted[at + 1], (kc->n - at - 1) * sizeof(*kc->sorted));
	kc->n--;
	cache_obj_unref(old);
}

static void ring_drop_oldest(struct kind_cache *kc)
{
	struct ring_entry *e = &kc->ring[kc->ring_head];
	kc->floor = e->rev;
	cache_obj_unref(e->obj);
	cache_obj_unref(e->prev);
	kc->ring_head = (kc->ring_head + 1) % kc->ring_cap;
	kc->ring_n--;
}

/* Appends e to the ring (taking its references) and returns the stored entry. */
static const struct ring_entry *ring_push(struct kind_cache *kc, const struct ring_entry *e)
{
	if (kc->ring_n == kc->ring_cap)
		ring_drop_oldest(kc);
	struct ring_entry *slot = &kc->ring[(kc->ring_head + kc->ring_n) % kc->ring_cap];
	*slot = *e;
	kc->ring_n++;
	return slot;
}

/* Applies one store event to its kind (kc->lock held). */
static void apply_event(struct kind_cache *kc, const struct storage_event *ev)
{
	struct cache_obj *obj = cache_obj_new(kc->kind, ev->key, ev->value, ev->value_len,
					      ev->create_rev, ev->mod_rev);
	if (!obj)
		return; /* not a JSON object: nothing a client could use */
	struct ring_entry e = { .rev = ev->mod_rev, .obj = obj };
	e.prev = hashmap_get(&kc->by_key, ev->key);
	if (e.prev)
		cache_obj_ref(e.prev);
	if (ev->type == STORAGE_EVENT_DELETE) {
		e.type = CACHE_DELETED;
		state_remove(kc, ev->key);
	} else {
		e.type = e.prev ? CACHE_MODIFIED : CACHE_ADDED;
		cache_obj_ref(obj);
		state_put(kc, obj);
	}
	kc->last_rev = ev->mod_rev;
	kind_cache_dispatch(kc, ring_push(kc, &e));
}

void watch_cache_set_rev(struct watch_cache *c, int64_t rev, int err)
{
	pthread_mutex_lock(&c->rev_lock);
	if (rev > c->rev)
		c->rev = rev;
	c->error = err;
	pthread_cond_broadcast(&c->rev_cond);
	if (err)
		pthread_cond_signal(&c->resync_cond);
	pthread_mutex_unlock(&c->rev_lock);
}

void watch_cache_on_store_events(void *ctx, const struct storage_event *events, size_t n, int err)
{
	struct watch_cache *c = ctx;
	if (err) {
		watch_cache_set_rev(c, 0, err);
		return;
	}
	for (size_t i = 0; i < n;) {
		struct kind_cache *kc = kind_cache_for_key(c, events[i].key);
		size_t j = i + 1;
		while (j < n && kc && str_has_prefix(events[j].key, kc->prefix))
			j++;
		if (kc) {
			pthread_mutex_lock(&kc->lock);
			for (size_t x = i; x < j; x++)
				apply_event(kc, &events[x]);
			pthread_mutex_unlock(&kc->lock);
		}
		i = j;
	}
	int64_t rev = events[n - 1].mod_rev;
	for (size_t i = 0; i < c->n_kinds; i++) {
		pthread_mutex_lock(&c->kinds[i].lock);
		c->kinds[i].rev = rev;
		pthread_mutex_unlock(&c->kinds[i].lock);
	}
	watch_cache_set_rev(c, rev, 0);
}

int kind_cache_list_store(struct watch_cache *c, struct kind_cache *kc, int64_t *rev,
			  struct storage_list *l)
{
	struct storage_list_opts opts = { .prefix = kc->prefix, .rev = *rev };
	int r = storage_list(c->storage, &opts, l);
	if (r == 0)
		*rev = l->rev;
	return r;
}

void kind_cache_load(struct kind_cache *kc, struct storage_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct storage_kv *kv = &l->items[i];
		struct cache_obj *o = cache_obj_new(kc->kind, kv->key, kv->value, kv->value_len,
						    kv->create_rev, kv->mod_rev);
		if (o)
			state_put(kc, o);
		if (kv->mod_rev > kc->last_rev)
			kc->last_rev = kv->mod_rev;
	}
	storage_list_release(l);
}

void kind_cache_clear(struct kind_cache *kc)
{
	while (kc->ring_n)
		ring_drop_oldest(kc);
	hashmap_release(&kc->by_key, (void (*)(void *))cache_obj_unref);
	kc->n = 0;
}

#define LOAD_PAGE 1000

/*
 * Loads kc from the store at *rev (0 = now, then the revision read), a page
 * at a time: the raw values of a big store are never all in memory at once.
 */
static int load_kind(struct watch_cache *c, struct kind_cache *kc, int64_t *rev)
{
	struct strbuf next = STRBUF_INIT; /* the first key of the next page */
	bool more = true;
	int r = 0;
	while (more && r == 0) {
		struct storage_list_opts opts = { .prefix = kc->prefix, .rev = *rev,
						  .limit = LOAD_PAGE,
						  .start_key = next.len ? next.buf : NULL };
		struct storage_list l;
		r = storage_list(c->storage, &opts, &l);
		if (r < 0)
			break;
		*rev = l.rev;
		more = l.more && l.n;
		if (more) { /* the smallest key after the last one (keys hold no NUL byte) */
			strbuf_reset(&next);
			strbuf_addstr(&next, l.items[l.n - 1].key);
			strbuf_addch(&next, '\x01');
		}
		kind_cache_load(kc, &l);
	}
	strbuf_release(&next);
	return r;
}

static void kind_cache_init(struct kind_cache *kc, const struct k8c_kind *k, size_t ring_size)
{
	kc->kind = k;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "/registry/%s/", k->resource);
	kc->prefix = strbuf_detach(&sb, NULL);
	pthread_mutex_init(&kc->lock, NULL);
	kc->ring_cap = ring_size ? ring_size : 1;
	kc->ring = xcalloc(kc->ring_cap, sizeof(*kc->ring));
}

static void kind_cache_release(struct kind_cache *kc)
{
	kind_cache_clear(kc);
	free(kc->ring);
	free(kc->sorted);
	free(kc->unindexed.items);
	hashmap_release(&kc->indexed, free);
	free(kc->prefix);
	pthread_mutex_destroy(&kc->lock);
}

int watch_cache_start(struct storage *s, size_t ring_size, struct watch_cache **ret_cache)
{
	struct watch_cache *c = xcalloc(1, sizeof(*c));
	c->storage = s;
	c->ring_size = ring_size;
	pthread_mutex_init(&c->rev_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->rev_cond, &ca);
	pthread_cond_init(&c->resync_cond, &ca);
	pthread_condattr_destroy(&ca);
	while (k8c_kinds[c->n_kinds].kind)
		c->n_kinds++;
	c->kinds = xcalloc(c->n_kinds, sizeof(*c->kinds));
	int64_t rev = 0;
	int r = 0;
	for (size_t i = 0; i < c->n_kinds; i++)
		kind_cache_init(&c->kinds[i], &k8c_kinds[i], ring_size);
	for (size_t i = 0; i < c->n_kinds && r == 0; i++)
		r = load_kind(c, &c->kinds[i], &rev);
	for (size_t i = 0; i < c->n_kinds; i++)
		c->kinds[i].floor = c->kinds[i].rev = rev;
	c->rev = rev;
	malloc_trim(0); /* give back what loading freed: an API server's RSS is its footprint */
	if (r == 0)
		r = storage_watch(s, "/registry/", rev, watch_cache_on_store_events, c, &c->sw);
	if (r == 0)
		watch_cache_resync_start(c);
	if (r < 0) {
		watch_cache_stop(c);
		return r;
	}
	*ret_cache = c;
	return 0;
}

void watch_cache_stop_watchers(struct watch_cache *c)
{
	if (!c)
		return;
	atomic_store(&c->closing, true);
	for (size_t i = 0; i < c->n_kinds; i++) {
		pthread_mutex_lock(&c->kinds[i].lock);
		kind_cache_end_watchers(&c->kinds[i]);
		pthread_mutex_unlock(&c->kinds[i].lock);
	}
}

void watch_cache_stop(struct watch_cache *c)
{
	if (!c)
		return;
	watch_cache_resync_stop(c);
	if (c->sw)
		storage_watch_stop(c->storage, c->sw);
	watch_cache_stop_watchers(c);
	/* watchers are freed by their owners' threads; wait for them to let go */
	while (atomic_load(&c->n_watchers) > 0)
		time_sleep_ms(5);
	for (size_t i = 0; i < c->n_kinds; i++)
		kind_cache_release(&c->kinds[i]);
	free(c->kinds);
	pthread_cond_destroy(&c->rev_cond);
	pthread_cond_destroy(&c->resync_cond);
	pthread_mutex_destroy(&c->rev_lock);
	free(c);
}

int64_t watch_cache_rev(struct watch_cache *c)
{
	pthread_mutex_lock(&c->rev_lock);
	int64_t rev = c->rev;
	pthread_mutex_unlock(&c->rev_lock);
	return rev;
}

int watch_cache_error(struct watch_cache *c)
{
	pthread_mutex_lock(&c->rev_lock);
	int err = c->error;
	pthread_mutex_unlock(&c->rev_lock);
	return err;
}

void watch_cache_deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * K8C_NSEC_PER_MSEC;
	if (ts->tv_nsec >= K8C_NSEC_PER_SEC) {
		ts->tv_sec++;
		ts->tv_nsec -= K8C_NSEC_PER_SEC;
	}
}

int watch_cache_wait_rev(struct watch_cache *c, int64_t rev, int64_t timeout_ms)
{
	struct timespec deadline;
	watch_cache_deadline(&deadline, timeout_ms);
	int r = 0;
	pthread_mutex_lock(&c->rev_lock);
	while (c->rev < rev && r == 0 && !c->error)
		r = pthread_cond_timedwait(&c->rev_cond, &c->rev_lock, &deadline);
	bool reached = c->rev >= rev;
	pthread_mutex_unlock(&c->rev_lock);
	return reached ? 0 : -ETIMEDOUT;
}

void watch_cache_compacted(struct watch_cache *c, int64_t rev)
{
	for (size_t i = 0; i < c->n_kinds; i++) {
		struct kind_cache *kc = &c->kinds[i];
		pthread_mutex_lock(&kc->lock);
		while (kc->ring_n && kc->ring[kc->ring_head].rev < rev)
			ring_drop_oldest(kc);
		if (kc->floor < rev - 1)
			kc->floor = rev - 1;
		pthread_mutex_unlock(&kc->lock);
	}
}

struct cache_obj *watch_cache_get(struct watch_cache *c, const struct k8c_kind *k,
				  const char *key)
{
	struct kind_cache *kc = kind_cache_of(c, k);
	pthread_mutex_lock(&kc->lock);
	struct cache_obj *o = hashmap_get(&kc->by_key, key);
	if (o)
		cache_obj_ref(o);
	pthread_mutex_unlock(&kc->lock);
	return o;
}

void cache_list_release(struct cache_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		cache_obj_unref(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static bool filter_matches(const struct cache_filter *f, const struct cache_obj *o)
{
	if (f->ns && strcmp(f->ns, o->ns))
		return false;
	if (f->name && strcmp(f->name, o->name))
		return false;
	if (f->index_value && !streq_null(f->index_value, o->index_value))
		return false;
	return !f->match || f->match(f->ctx, o);
}

void watch_cache_list(struct watch_cache *c, const struct k8c_kind *k,
		      const struct cache_filter *f, const char *start_key, size_t limit,
		      struct cache_list *out)
{
	struct kind_cache *kc = kind_cache_of(c, k);
	struct strbuf prefix = STRBUF_INIT;
	strbuf_addstr(&prefix, kc->prefix);
	if (f->ns)
		strbuf_addf(&prefix, "%s/", f->ns);
	size_t alloc = 0;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&kc->lock);
	out->rev = kc->rev;
	out->kind_rev = kc->last_rev;
	const char *from = start_key && strcmp(start_key, prefix.buf) > 0 ? start_key : prefix.buf;
	for (size_t i = lower_bound(kc, from); i < kc->n; i++) {
		struct cache_obj *o = kc->sorted[i];
		if (!str_has_prefix(o->key, prefix.buf))
			break;
		if (!filter_matches(f, o))
			continue;
		if (limit && out->n == limit) {
			out->more = true;
			out->remaining++;
			continue;
		}
		cache_obj_ref(o);
		ALLOC_GROW(out->items, out->n + 1, alloc);
		out->items[out->n++] = o;
	}
	pthread_mutex_unlock(&kc->lock);
	strbuf_release(&prefix);
}

size_t watch_cache_watchers(struct watch_cache *c)
{
	return atomic_load(&c->n_watchers);
}
