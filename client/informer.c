/*
 * informer.c - an informer's life (new, start, stop, free), its handlers and
 * its lookups; see informer.h. The thread that lists and watches is in
 * informer_run.c, the cache in informer_store.c.
 *
 * Threads: the informer thread alone changes the store (under the write
 * lock) and calls handlers; lookups take the read lock and hand out
 * references, so a reader never waits for a handler or the network.
 */
#include "client/informer_internal.h"

#include "base/timeutil.h"
#include "client/path.h"

/* The thread lists, decodes and runs handlers: small, but with room for curl and cJSON. */
#if defined(__SANITIZE_ADDRESS__)
#define INFORMER_STACK_SIZE (1024 * 1024) /* ASan's redzones need more */
#else
#define INFORMER_STACK_SIZE (256 * 1024)
#endif

/* "/api/v1/namespaces/ns/pods?labelSelector=..&fieldSelector=.." */
static char *collection_path(const struct k8c_informer_options *o)
{
	struct strbuf sb = STRBUF_INIT;
	struct k8c_resource_path p = {
		.group = o->kind->group,
		.version = o->kind->version,
		.namespace = (o->kind->flags & K8C_KIND_NAMESPACED) ? o->namespace : NULL,
		.resource = o->kind->resource,
	};
	k8c_path_append(&sb, &p);
	struct k8c_list_options lo = { .label_selector = o->label_selector,
				       .field_selector = o->field_selector };
	k8c_list_options_append(&sb, &lo);
	return strbuf_detach(&sb, NULL);
}

struct k8c_informer *k8c_informer_new(struct k8c_client *client,
				      const struct k8c_informer_options *opts)
{
	if (!client || !opts || !opts->kind || !opts->kind->type)
		return NULL;
	struct k8c_informer *inf = xcalloc(1, sizeof(*inf));
	inf->client = client;
	inf->kind = opts->kind;
	inf->resync_ms = opts->resync_ms > 0 ? opts->resync_ms : 0;
	inf->page_size = opts->page_size > 0 ? opts->page_size : 500;
	inf->path = collection_path(opts);
	pthread_rwlock_init(&inf->cache_lock, NULL);
	informer_store_init(&inf->store);
	inf->handlers_tail = &inf->handlers;
	pthread_mutex_init(&inf->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&inf->cond, &ca);
	pthread_condattr_destroy(&ca);
	inf->rv = xstrdup("");
	inf->watch = k8c_watch_new(client);
	return inf;
}

int k8c_informer_add_handlers(struct k8c_informer *inf, const struct k8c_informer_handlers *h)
{
	struct informer_handler *n = xcalloc(1, sizeof(*n));
	n->h = *h;
	pthread_mutex_lock(&inf->lock);
	if (atomic_load(&inf->stopping)) {
		pthread_mutex_unlock(&inf->lock);
		free(n);
		return -EBUSY;
	}
	/* Before the start the thread will list for it; after, it must first catch up. */
	atomic_init(&n->ready, !inf->started);
	if (inf->started)
		atomic_fetch_add(&inf->pending_handlers, 1);
	atomic_store(inf->handlers_tail, n);
	inf->handlers_tail = &n->next;
	if (inf->started) {
		/* wake the thread: out of its watch (it re-watches from its resourceVersion)... */
		k8c_watch_cancel(inf->watch);
		pthread_cond_broadcast(&inf->cond); /* ...or out of a back-off sleep */
	}
	pthread_mutex_unlock(&inf->lock);
	return 0;
}

int k8c_informer_add_index(struct k8c_informer *inf, const char *name, k8c_index_fn fn)
{
	pthread_mutex_lock(&inf->lock);
	int r = inf->started || atomic_load(&inf->stopping) ? -EBUSY : 0;
	if (r == 0) {
		pthread_rwlock_wrlock(&inf->cache_lock);
		r = informer_store_add_index(&inf->store, name, fn);
		pthread_rwlock_unlock(&inf->cache_lock);
	}
	pthread_mutex_unlock(&inf->lock);
	return r;
}

int k8c_informer_set_transform(struct k8c_informer *inf, k8c_transform_fn fn)
{
	pthread_mutex_lock(&inf->lock);
	int r = inf->started || atomic_load(&inf->stopping) ? -EBUSY : 0;
	if (r == 0)
		inf->transform = fn;
	pthread_mutex_unlock(&inf->lock);
	return r;
}

int k8c_informer_start(struct k8c_informer *inf)
{
	pthread_mutex_lock(&inf->lock);
	int r = 0;
	if (atomic_load(&inf->stopping)) {
		r = -EBUSY;
	} else if (!inf->started) {
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, INFORMER_STACK_SIZE);
		r = -pthread_create(&inf->thread, &attr, informer__run, inf);
		pthread_attr_destroy(&attr);
		inf->started = r == 0;
		if (r == 0) {
			char name[16]; /* the kernel's limit; "inf-pods" in top and gdb */
			snprintf(name, sizeof(name), "inf-%s", inf->kind->resource);
			pthread_setname_np(inf->thread, name);
		}
	}
	pthread_mutex_unlock(&inf->lock);
	return r;
}

bool k8c_informer_has_synced(struct k8c_informer *inf)
{
	return atomic_load(&inf->synced);
}

struct timespec informer__deadline(int64_t from_now_ns)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	int64_t ns = t.tv_nsec + from_now_ns % K8C_NSEC_PER_SEC;
	t.tv_sec += from_now_ns / K8C_NSEC_PER_SEC + ns / K8C_NSEC_PER_SEC;
	t.tv_nsec = ns % K8C_NSEC_PER_SEC;
	return t;
}

bool k8c_informer_wait_synced(struct k8c_informer *inf, int64_t timeout_ms)
{
	struct timespec deadline = informer__deadline(timeout_ms * K8C_NSEC_PER_MSEC);
	pthread_mutex_lock(&inf->lock);
	while (!atomic_load(&inf->synced) && !atomic_load(&inf->stopping)) {
		if (timeout_ms < 0)
			pthread_cond_wait(&inf->cond, &inf->lock);
		else if (pthread_cond_timedwait(&inf->cond, &inf->lock, &deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&inf->lock);
	return atomic_load(&inf->synced);
}

void k8c_informer_stop(struct k8c_informer *inf)
{
	pthread_mutex_lock(&inf->lock);
	atomic_store(&inf->stopping, true);
	k8c_watch_cancel(inf->watch);
	pthread_cond_broadcast(&inf->cond);
	bool join = inf->started && !inf->joined;
	inf->joined = true;
	pthread_mutex_unlock(&inf->lock);
	if (join)
		pthread_join(inf->thread, NULL);
}

void k8c_informer_free(struct k8c_informer *inf)
{
	if (!inf)
		return;
	k8c_informer_stop(inf);
	for (struct informer_handler *n = inf->handlers, *next; n; n = next) {
		next = n->next;
		free(n);
	}
	k8c_watch_free(inf->watch);
	informer_store_release(&inf->store);
	pthread_rwlock_destroy(&inf->cache_lock);
	pthread_mutex_destroy(&inf->lock);
	pthread_cond_destroy(&inf->cond);
	free(inf->rv);
	free(inf->path);
	free(inf);
}

const struct k8c_kind *k8c_informer_kind(const struct k8c_informer *inf)
{
	return inf->kind;
}

char *k8c_informer_resource_version(struct k8c_informer *inf)
{
	pthread_mutex_lock(&inf->lock);
	char *rv = xstrdup(inf->rv);
	pthread_mutex_unlock(&inf->lock);
	return rv;
}

void informer__set_rv(struct k8c_informer *inf, const char *rv)
{
	if (!rv || !*rv)
		return;
	pthread_mutex_lock(&inf->lock);
	if (strcmp(inf->rv, rv)) {
		free(inf->rv);
		inf->rv = xstrdup(rv);
	}
	pthread_mutex_unlock(&inf->lock);
}

void k8c_informer_stats(struct k8c_informer *inf, struct k8c_informer_stats *out)
{
	const struct informer_counters *c = &inf->counters;
	*out = (struct k8c_informer_stats){
		.lists = atomic_load(&c->lists),
		.list_errors = atomic_load(&c->list_errors),
		.watches = atomic_load(&c->watches),
		.expired = atomic_load(&c->expired),
		.watch_errors = atomic_load(&c->watch_errors),
		.events = atomic_load(&c->events),
		.decode_errors = atomic_load(&c->decode_errors),
	};
}

/* ---- handlers (informer thread) -------------------------------------------- */

static void call(const struct k8c_informer_handlers *h, enum informer_change type,
		 const void *old, const void *obj)
{
	if (type == INFORMER_ADD && h->on_add)
		h->on_add(h->userdata, obj);
	else if (type == INFORMER_UPDATE && h->on_update)
		h->on_update(h->userdata, old, obj);
	else if (type == INFORMER_DELETE && h->on_delete)
		h->on_delete(h->userdata, obj);
}

void informer__notify(struct k8c_informer *inf, enum informer_change type, const void *old,
		      const void *obj)
{
	for (struct informer_handler *n = atomic_load(&inf->handlers); n;
	     n = atomic_load(&n->next))
		if (atomic_load(&n->ready))
			call(&n->h, type, old, obj);
}

void informer__promote_handlers(struct k8c_informer *inf)
{
	if (atomic_load(&inf->pending_handlers) == 0)
		return;
	for (struct informer_handler *n = atomic_load(&inf->handlers); n;
	     n = atomic_load(&n->next)) {
		if (atomic_load(&n->ready))
			continue;
		void **objs;
		size_t count = k8c_informer_list(inf, NULL, &objs);
		for (size_t i = 0; i < count && !atomic_load(&inf->stopping); i++)
			call(&n->h, INFORMER_ADD, NULL, objs[i]);
		k8c_obj_unref_array(objs, count);
		atomic_store(&n->ready, true);
		atomic_fetch_sub(&inf->pending_handlers, 1);
	}
}

/* ---- lookups ------------------------------------------------------------------ */

void *k8c_informer_get(struct k8c_informer *inf, const char *key)
{
	pthread_rwlock_rdlock(&inf->cache_lock);
	void *obj = k8c_obj_ref(informer_store_get(&inf->store, key));
	pthread_rwlock_unlock(&inf->cache_lock);
	return obj;
}

void *k8c_informer_get_by_name(struct k8c_informer *inf, const char *ns, const char *name)
{
	struct strbuf key = STRBUF_INIT;
	if (ns && *ns)
		strbuf_addf(&key, "%s/", ns);
	strbuf_addstr(&key, name);
	void *obj = k8c_informer_get(inf, key.buf);
	strbuf_release(&key);
	return obj;
}

/* Builds index on its first lookup (see informer_store_index_ready). */
static void index_ready(struct k8c_informer *inf, const char *index)
{
	pthread_rwlock_rdlock(&inf->cache_lock);
	bool ready = informer_store_index_ready(&inf->store, index);
	pthread_rwlock_unlock(&inf->cache_lock);
	if (ready)
		return;
	pthread_rwlock_wrlock(&inf->cache_lock);
	informer_store_build_index(&inf->store, index);
	pthread_rwlock_unlock(&inf->cache_lock);
}

size_t k8c_informer_list(struct k8c_informer *inf, const char *ns, void ***ret)
{
	if (ns && *ns)
		index_ready(inf, K8C_INDEX_NAMESPACE);
	pthread_rwlock_rdlock(&inf->cache_lock);
	size_t n = ns && *ns ? informer_store_by_index(&inf->store, K8C_INDEX_NAMESPACE, ns, ret)
		      : informer_store_list(&inf->store, ret);
	pthread_rwlock_unlock(&inf->cache_lock);
	return n;
}

size_t k8c_informer_by_index(struct k8c_informer *inf, const char *index, const char *value,
			     void ***ret)
{
	index_ready(inf, index);
	pthread_rwlock_rdlock(&inf->cache_lock);
	size_t n = informer_store_by_index(&inf->store, index, value, ret);
	pthread_rwlock_unlock(&inf->cache_lock);
	return n;
}

size_t k8c_informer_len(struct k8c_informer *inf)
{
	pthread_rwlock_rdlock(&inf->cache_lock);
	size_t n = inf->store.items.count;
	pthread_rwlock_unlock(&inf->cache_lock);
	return n;
}
