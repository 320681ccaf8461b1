/*
 * storage_metrics.c - a storage wrapper that times every call of the storage
 * it wraps into the API server's metrics (apiserver_storage_duration_seconds);
 * see metrics_wrap_storage() in metrics.h.
 */
#include "apiserver/metrics.h"

#include "base/timeutil.h"

enum { OP_GET, OP_LIST, OP_COUNT, OP_CREATE, OP_UPDATE, OP_DELETE, OP_WATCH, OP_COMPACT };

struct timed {
	struct storage base;
	struct storage *inner;
	struct metrics *m;
};

static int done(struct timed *t, int op, int64_t start, int r)
{
	metrics_histogram_observe(&t->m->storage[op], time_mono_ns() - start);
	if (r < 0 && r != STORAGE_ENOTFOUND && r != STORAGE_EEXISTS && r != STORAGE_ECONFLICT)
		atomic_fetch_add_explicit(&t->m->storage_errors[op], 1, memory_order_relaxed);
	return r;
}

#define TIMED(s) struct timed *t = (struct timed *)(s); int64_t start = time_mono_ns()

static int t_get(struct storage *s, const char *key, int64_t rev, struct storage_kv *ret)
{
	TIMED(s);
	return done(t, OP_GET, start, storage_get(t->inner, key, rev, ret));
}

static int t_list(struct storage *s, const struct storage_list_opts *o, struct storage_list *ret)
{
	TIMED(s);
	return done(t, OP_LIST, start, storage_list(t->inner, o, ret));
}

static int t_count(struct storage *s, const char *prefix, int64_t *ret)
{
	TIMED(s);
	return done(t, OP_COUNT, start, storage_count(t->inner, prefix, ret));
}

static int t_create(struct storage *s, const char *key, const void *v, size_t len, int64_t *rev)
{
	TIMED(s);
	return done(t, OP_CREATE, start, storage_create(t->inner, key, v, len, rev));
}

static int t_update(struct storage *s, const char *key, const void *v, size_t len, int64_t exp,
		    int64_t *rev, struct storage_kv *cur)
{
	TIMED(s);
	return done(t, OP_UPDATE, start, storage_update(t->inner, key, v, len, exp, rev, cur));
}

static int t_delete(struct storage *s, const char *key, int64_t exp, int64_t *rev,
		    struct storage_kv *prev)
{
	TIMED(s);
	return done(t, OP_DELETE, start, storage_delete(t->inner, key, exp, rev, prev));
}

/* The handle returned for a watch: the inner backend's watch and its storage. */
struct timed_watch {
	struct storage *inner;
	struct storage_watch *w;
};

static int t_watch(struct storage *s, const char *prefix, int64_t after, storage_watch_fn fn,
		   void *ctx, struct storage_watch **ret)
{
	TIMED(s);
	struct storage_watch *w;
	int r = done(t, OP_WATCH, start, storage_watch(t->inner, prefix, after, fn, ctx, &w));
	if (r < 0)
		return r;
	struct timed_watch *tw = xmalloc(sizeof(*tw));
	tw->inner = t->inner;
	tw->w = w;
	*ret = (struct storage_watch *)tw;
	return 0;
}

static void t_watch_stop(struct storage_watch *w)
{
	struct timed_watch *tw = (struct timed_watch *)w;
	if (!tw)
		return;
	storage_watch_stop(tw->inner, tw->w);
	free(tw);
}

static int t_compact(struct storage *s, int64_t rev)
{
	TIMED(s);
	return done(t, OP_COMPACT, start, storage_compact(t->inner, rev));
}

/* Not timed: cheap bookkeeping calls. */
static int t_current_rev(struct storage *s, int64_t *ret)
{
	return storage_current_rev(((struct timed *)s)->inner, ret);
}

static int t_compacted_rev(struct storage *s, int64_t *ret)
{
	return storage_compacted_rev(((struct timed *)s)->inner, ret);
}

static void t_close(struct storage *s)
{
	struct timed *t = (struct timed *)s;
	storage_close(t->inner);
	free(t);
}

static const struct storage_ops timed_ops = {
	.name = "timed", .get = t_get, .list = t_list, .count = t_count, .create = t_create,
	.update = t_update, .delete = t_delete, .watch = t_watch, .watch_stop = t_watch_stop,
	.compact = t_compact, .current_rev = t_current_rev, .compacted_rev = t_compacted_rev,
	.close = t_close,
};

struct storage *metrics_wrap_storage(struct metrics *m, struct storage *inner)
{
	struct timed *t = xcalloc(1, sizeof(*t));
	t->base.ops = &timed_ops;
	t->inner = inner;
	t->m = m;
	return &t->base;
}
