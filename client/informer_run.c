/*
 * informer_run.c - the informer's thread, as client-go's Reflector: LIST in
 * pages, apply to the store and notify, then WATCH from the list's
 * resourceVersion (bookmarks on, timeoutSeconds 300-600 s), following the
 * resourceVersion of every event. A clean close re-watches from there; 410
 * Expired or any failure relists after an exponential back-off, so a broken
 * server is never hammered. Resyncs and handlers added late are served at
 * the points where the thread is between streams.
 */
#include <cjson/cJSON.h>

#include "base/random.h"
#include "base/timeutil.h"
#include "client/backoff.h"
#include "client/informer_internal.h"
#include "client/path.h"

#define BACKOFF_BASE_NS (200 * K8C_NSEC_PER_MSEC)
#define BACKOFF_CAP_NS (30 * K8C_NSEC_PER_SEC)
/* A watch that lasted this long, or delivered anything, proves the server healthy again. */
#define HEALTHY_WATCH_NS (10 * K8C_NSEC_PER_SEC)
/* A watch closed sooner than this without an event is treated as a failure (no spinning). */
#define SHORT_WATCH_NS K8C_NSEC_PER_SEC
#define LIST_TIMEOUT_MS 60000
#define WATCH_TIMEOUT_MIN_S 300 /* client-go's minWatchTimeout; the timeout is random in [5, 10) min */

struct run_state {
	bool need_list;
	unsigned failures;  /* consecutive failures, for the back-off */
	int64_t resync_at;  /* monotonic ns of the next resync; 0 = none */
};

static bool stopping(struct k8c_informer *inf)
{
	return atomic_load(&inf->stopping);
}

static void count(atomic_uint_fast64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* Sleeps the back-off for st's failures, serving late handlers; false when stopping. */
static bool backoff_sleep(struct k8c_informer *inf, struct run_state *st)
{
	int64_t d = k8c_backoff_jitter_ns(
		k8c_backoff_exp_ns(BACKOFF_BASE_NS, BACKOFF_CAP_NS, st->failures++));
	struct timespec deadline = informer__deadline(d);
	pthread_mutex_lock(&inf->lock);
	while (!stopping(inf)) {
		if (atomic_load(&inf->pending_handlers) > 0) {
			pthread_mutex_unlock(&inf->lock);
			informer__promote_handlers(inf);
			pthread_mutex_lock(&inf->lock);
			continue;
		}
		if (pthread_cond_timedwait(&inf->cond, &inf->lock, &deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&inf->lock);
	return !stopping(inf);
}

/* ---- list -------------------------------------------------------------------- */

struct list_result {
	void **objs;
	char **keys;
	size_t n, alloc_objs, alloc_keys;
	char *rv;
};

static void list_result_release(struct list_result *lr)
{
	for (size_t i = 0; i < lr->n; i++) {
		k8c_obj_unref(lr->objs[i]);
		free(lr->keys[i]);
	}
	free(lr->objs);
	free(lr->keys);
	free(lr->rv);
	*lr = (struct list_result){ 0 };
}

/* GETs path as JSON, once (the informer backs off itself). */
static int get_json(struct k8c_informer *inf, const char *path, cJSON **ret)
{
	int64_t timeout = k8c_client_config(inf->client)->timeout_ms;
	struct k8c_request req = { .method = "GET", .path = path, .no_retry = true,
				   .timeout_ms = timeout > 0 ? timeout : LIST_TIMEOUT_MS };
	struct k8c_response resp = K8C_RESPONSE_INIT;
	int r = k8c_client_do(inf->client, &req, &resp, NULL);
	if (r == 0) {
		*ret = cJSON_ParseWithLength(resp.body.buf, resp.body.len);
		if (!*ret)
			r = -EPROTO;
	}
	k8c_response_release(&resp);
	return r;
}

static const char *json_str(const cJSON *obj, const char *member)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, member);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Decodes one page's items into lr; *cont gets its continue token (NULL at the end). */
static int add_page(struct k8c_informer *inf, struct list_result *lr, const cJSON *page,
		    char **cont)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(page, "metadata");
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(page, "items");
	if (!cJSON_IsObject(page) || !(cJSON_IsArray(items) || cJSON_IsNull(items) || !items))
		return -EPROTO;
	const char *rv = json_str(md, "resourceVersion");
	const char *c = json_str(md, "continue");
	if (!lr->rv && rv)
		lr->rv = xstrdup(rv); /* every page is of the first one's snapshot */
	*cont = c && *c ? xstrdup(c) : NULL;
	const cJSON *item;
	cJSON_ArrayForEach(item, items) {
		bool partial;
		void *obj = k8c_obj_decode_with(inf->kind, item, inf->transform, &partial);
		if (partial)
			count(&inf->counters.decode_errors);
		struct strbuf key = STRBUF_INIT;
		k8c_obj_key(obj, &key);
		ALLOC_GROW(lr->objs, lr->n + 1, lr->alloc_objs);
		ALLOC_GROW(lr->keys, lr->n + 1, lr->alloc_keys);
		lr->objs[lr->n] = obj;
		lr->keys[lr->n++] = strbuf_detach(&key, NULL);
	}
	return 0;
}

/* Reads every page of the collection into lr. */
static int list_all(struct k8c_informer *inf, struct list_result *lr)
{
	char *cont = NULL;
	int64_t limit = inf->page_size;
	int r;
	for (;;) {
		if (stopping(inf)) {
			r = -ECANCELED;
			break;
		}
		struct strbuf path = STRBUF_INIT;
		strbuf_addstr(&path, inf->path);
		struct k8c_list_options lo = { .limit = limit, .continue_token = cont };
		k8c_list_options_append(&path, &lo);
		cJSON *page = NULL;
		r = get_json(inf, path.buf, &page);
		strbuf_release(&path);
		if (r == -ETIME && cont) {
			/* the continue token expired: list at once, as client-go's pager does */
			list_result_release(lr);
			free(TAKE_PTR(cont));
			limit = 0;
			continue;
		}
		free(TAKE_PTR(cont));
		if (r == 0)
			r = add_page(inf, lr, page, &cont);
		cJSON_Delete(page);
		if (r < 0 || !cont)
			break;
	}
	free(cont);
	return r;
}

struct change {
	enum informer_change type;
	void *old; /* a reference, or NULL */
	void *obj; /* borrowed from the store (ADD, UPDATE) or a reference (DELETE) */
};

static bool same_version(const void *a, const void *b)
{
	const struct k8c_object *x = a, *y = b;
	return x->metadata.resource_version &&
	       streq_null(x->metadata.resource_version, y->metadata.resource_version);
}

/* Puts the listed objects into the store and removes what vanished; *changes for handlers. */
static void replace_store(struct k8c_informer *inf, struct list_result *lr,
			  struct change **changes, size_t *n)
{
	size_t alloc = 0;
	struct hashmap listed = HASHMAP_INIT;
	for (size_t i = 0; i < lr->n; i++)
		hashmap_put(&listed, lr->keys[i], NULL);
	pthread_rwlock_wrlock(&inf->cache_lock);
	for (size_t i = 0; i < lr->n; i++) {
		void *old = informer_store_get(&inf->store, lr->keys[i]);
		if (old && same_version(old, lr->objs[i]))
			continue; /* unchanged: keep the cached one, lr frees the copy */
		void *obj = TAKE_PTR(lr->objs[i]);
		old = informer_store_put(&inf->store, lr->keys[i], obj);
		ALLOC_GROW(*changes, *n + 1, alloc);
		(*changes)[(*n)++] = (struct change){ old ? INFORMER_UPDATE : INFORMER_ADD, old, obj };
	}
	char **gone = NULL;
	size_t n_gone = 0, alloc_gone = 0, pos = 0;
	for (struct hashmap_entry *e; (e = hashmap_next(&inf->store.items, &pos));)
		if (!hashmap_contains(&listed, e->key)) {
			ALLOC_GROW(gone, n_gone + 1, alloc_gone);
			gone[n_gone++] = xstrdup(e->key);
		}
	for (size_t i = 0; i < n_gone; i++) {
		ALLOC_GROW(*changes, *n + 1, alloc);
		(*changes)[(*n)++] = (struct change){ INFORMER_DELETE, NULL,
						      informer_store_remove(&inf->store, gone[i]) };
		free(gone[i]);
	}
	pthread_rwlock_unlock(&inf->cache_lock);
	free(gone);
	hashmap_release(&listed, NULL);
}

/* Applies a complete list: adds, updates and deletes relative to the cache, then notifies. */
static void apply_list(struct k8c_informer *inf, struct list_result *lr)
{
	struct change *changes = NULL;
	size_t n = 0;
	replace_store(inf, lr, &changes, &n);
	for (size_t i = 0; i < n; i++) {
		if (!stopping(inf))
			informer__notify(inf, changes[i].type, changes[i].old, changes[i].obj);
		k8c_obj_unref(changes[i].old);
		if (changes[i].type == INFORMER_DELETE)
			k8c_obj_unref(changes[i].obj);
	}
	free(changes);
}

static int relist(struct k8c_informer *inf)
{
	struct list_result lr = { 0 };
	int r = list_all(inf, &lr);
	if (r == 0) {
		apply_list(inf, &lr);
		informer__set_rv(inf, lr.rv);
		count(&inf->counters.lists);
		pthread_mutex_lock(&inf->lock);
		atomic_store(&inf->synced, true);
		pthread_cond_broadcast(&inf->cond);
		pthread_mutex_unlock(&inf->lock);
	}
	list_result_release(&lr);
	return r;
}

/* ---- watch --------------------------------------------------------------------- */

struct watch_ctx {
	struct k8c_informer *inf;
	const struct run_state *st;
	uint64_t events;
};

/* One ADDED, MODIFIED or DELETED event: into the store, then to the handlers. */
static void apply_event(struct k8c_informer *inf, const struct k8c_watch_event *ev)
{
	void *obj = k8c_obj_ref(ev->typed); /* the watch decoded it (options.kind) */
	if (ev->partial)
		count(&inf->counters.decode_errors);
	struct strbuf key = STRBUF_INIT;
	k8c_obj_key(obj, &key);
	void *old;
	pthread_rwlock_wrlock(&inf->cache_lock);
	if (ev->type == K8C_WATCH_DELETED)
		old = informer_store_remove(&inf->store, key.buf);
	else
		old = informer_store_put(&inf->store, key.buf, obj);
	pthread_rwlock_unlock(&inf->cache_lock);
	strbuf_release(&key);
	if (ev->type == K8C_WATCH_DELETED) {
		if (old)
			informer__notify(inf, INFORMER_DELETE, NULL, obj);
		k8c_obj_unref(obj);
	} else {
		informer__notify(inf, old ? INFORMER_UPDATE : INFORMER_ADD, old, obj);
	}
	k8c_obj_unref(old);
}

static bool resync_due(const struct run_state *st)
{
	return st->resync_at && time_mono_ns() >= st->resync_at;
}

static int on_event(struct k8c_watch_event *ev, void *userdata)
{
	struct watch_ctx *ctx = userdata;
	struct k8c_informer *inf = ctx->inf;
	ctx->events++;
	count(&inf->counters.events);
	if (ev->type != K8C_WATCH_BOOKMARK)
		apply_event(inf, ev);
	informer__set_rv(inf, ((const struct k8c_object *)ev->typed)->metadata.resource_version);
	/* end the stream to stop, or to serve a resync or late handlers between streams */
	return stopping(inf) || atomic_load(&inf->pending_handlers) > 0 || resync_due(ctx->st);
}

/* timeoutSeconds: random in [5, 10) minutes as client-go, but not past the next resync. */
static int64_t watch_timeout_s(const struct run_state *st)
{
	int64_t t = WATCH_TIMEOUT_MIN_S + (int64_t)random_below(WATCH_TIMEOUT_MIN_S);
	if (st->resync_at) {
		int64_t left = (st->resync_at - time_mono_ns() + K8C_NSEC_PER_SEC - 1) /
			       K8C_NSEC_PER_SEC;
		t = left < 1 ? 1 : left < t ? left : t;
	}
	return t;
}

/* A cancel that was not a stop was a wake-up (late handlers): a fresh watch for the next run. */
static void renew_watch(struct k8c_informer *inf)
{
	pthread_mutex_lock(&inf->lock);
	if (!stopping(inf)) {
		k8c_watch_free(inf->watch);
		inf->watch = k8c_watch_new(inf->client);
	}
	pthread_mutex_unlock(&inf->lock);
}

/* Runs one watch stream from the cache's resourceVersion and decides what follows. */
static void watch_step(struct k8c_informer *inf, struct run_state *st)
{
	struct watch_ctx ctx = { .inf = inf, .st = st };
	char *rv = k8c_informer_resource_version(inf);
	struct k8c_watch_options o = {
		.path = inf->path,
		.resource_version = *rv ? rv : NULL,
		.timeout_seconds = watch_timeout_s(st),
		.allow_bookmarks = true,
		.kind = inf->kind,
		.transform = inf->transform,
		.fn = on_event,
		.userdata = &ctx,
	};
	pthread_mutex_lock(&inf->lock);
	struct k8c_watch *w = inf->watch;
	pthread_mutex_unlock(&inf->lock);
	int64_t t0 = time_mono_ns();
	int r = k8c_watch_run(w, &o, NULL);
	int64_t took = time_mono_ns() - t0;
	free(rv);
	count(&inf->counters.watches);
	if (ctx.events > 0 || took >= HEALTHY_WATCH_NS)
		st->failures = 0;
	if (r == K8C_WATCH_CLOSED) {
		if (ctx.events == 0 && took < SHORT_WATCH_NS)
			backoff_sleep(inf, st);
	} else if (r == K8C_WATCH_CANCELLED) {
		renew_watch(inf);
	} else if (r < 0) {
		count(r == -ETIME ? &inf->counters.expired : &inf->counters.watch_errors);
		st->need_list = true;
		backoff_sleep(inf, st);
	}
}

/* ---- the thread ------------------------------------------------------------------ */

static void resync(struct k8c_informer *inf, struct run_state *st)
{
	void **objs;
	size_t n = k8c_informer_list(inf, NULL, &objs);
	for (size_t i = 0; i < n && !stopping(inf); i++)
		informer__notify(inf, INFORMER_UPDATE, objs[i], objs[i]);
	k8c_obj_unref_array(objs, n);
	st->resync_at = time_mono_ns() + inf->resync_ms * K8C_NSEC_PER_MSEC;
}

void *informer__run(void *arg)
{
	struct k8c_informer *inf = arg;
	struct run_state st = { .need_list = true };
	while (!stopping(inf)) {
		informer__promote_handlers(inf);
		if (resync_due(&st))
			resync(inf, &st);
		if (st.need_list) {
			int r = relist(inf);
			if (r < 0) {
				if (r != -ECANCELED)
					count(&inf->counters.list_errors);
				backoff_sleep(inf, &st);
				continue;
			}
			st.need_list = false;
			if (inf->resync_ms && !st.resync_at)
				st.resync_at = time_mono_ns() + inf->resync_ms * K8C_NSEC_PER_MSEC;
		}
		watch_step(inf, &st);
	}
	return NULL;
}
