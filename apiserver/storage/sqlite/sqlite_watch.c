/*
 * sqlite_watch.c - watches for the SQLite backend. Each watch has its own
 * delivery thread, so a slow callback delays only its own watch, never the
 * writer, and callbacks for one watch never overlap.
 *
 * No gap, no duplicate. A watch is either catching up or synced. To catch
 * up, its thread takes (under pub_lock) target = the current revision and
 * marks itself synced, then replays the log rows in (last, target] from a
 * read connection. From that moment the writer, which publishes each commit
 * under the same lock, queues every later batch on the watch; those batches
 * hold exactly the revisions after target. The thread delivers queued
 * events with mod_rev > last in order. If a watch falls too far behind (its
 * queue passes WATCH_QUEUE_MAX_BYTES) the writer drops the queue and marks
 * it unsynced, and the thread catches up from the log again.
 *
 * Compaction. A replay first opens its read snapshot (the first step of its
 * query), then checks last >= compacted - 1. Rows are only deleted after
 * the compacted revision that allows it is published, so if the check
 * passes the snapshot still holds every row the replay needs.
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

/* Per-watch limit on queued live events before it falls back to the log. */
#define WATCH_QUEUE_MAX_BYTES (64u << 20)
/* Replayed events are delivered in callbacks of at most this many events / bytes. */
#define REPLAY_CHUNK_EVENTS 512
#define REPLAY_CHUNK_BYTES (4u << 20)

struct sqlite_watch {
	struct sqlite_store *s;
	char *prefix;
	storage_watch_fn fn;
	void *ctx;
	pthread_t thread;
	pthread_cond_t cond; /* with s->pub_lock: work queued or stop */
	atomic_bool stop;

	/* The watch thread's own. */
	int64_t last; /* every event <= last was delivered (or did not match) */
	struct storage_event *evbuf;
	size_t evbuf_alloc;

	/* Under s->pub_lock. */
	bool self_stop; /* watch_stop was called from a callback */
	bool synced;	/* the writer queues live batches here */
	struct sqlite_batch **q;
	size_t q_n, q_alloc, q_bytes;
	struct sqlite_watch *next;
};

static void deliver(struct sqlite_watch *w, const struct storage_event *ev, size_t n)
{
	if (n && !atomic_load(&w->stop))
		w->fn(w->ctx, ev, n, 0);
}

/* Delivers the events of q[0..n) newer than last under the prefix; frees q. */
static void deliver_batches(struct sqlite_watch *w, struct sqlite_batch **q, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < q[i]->n; j++) {
			const struct storage_event *ev = &q[i]->ev[j];
			if (ev->mod_rev <= w->last || !str_has_prefix(ev->key, w->prefix))
				continue;
			ALLOC_GROW(w->evbuf, m + 1, w->evbuf_alloc);
			w->evbuf[m++] = *ev;
		}
	}
	deliver(w, w->evbuf, m);
	const struct sqlite_batch *tail = q[n - 1];
	if (tail->ev[tail->n - 1].mod_rev > w->last)
		w->last = tail->ev[tail->n - 1].mod_rev;
	for (size_t i = 0; i < n; i++)
		sqlite__batch_unref(q[i]);
	free(q);
}

/* Owned copies of replayed events, delivered a chunk at a time. */
struct replay_buf {
	struct storage_event *ev;
	size_t n, alloc, bytes;
};

static void replay_add(struct replay_buf *rb, sqlite3_stmt *st)
{
	/* Columns of SQL_REPLAY: rev, key, type, create_rev, value. */
	struct storage_kv kv = { 0 };
	const char *key = (const char *)sqlite3_column_text(st, 1);
	sqlite__column_value(st, 4, &kv);
	ALLOC_GROW(rb->ev, rb->n + 1, rb->alloc);
	struct storage_event *ev = &rb->ev[rb->n++];
	ev->mod_rev = sqlite3_column_int64(st, 0);
	ev->key = xstrdup(key ? key : "");
	ev->type = (enum storage_event_type)sqlite3_column_int(st, 2);
	ev->create_rev = sqlite3_column_int64(st, 3);
	ev->value = kv.value;
	ev->value_len = kv.value_len;
	rb->bytes += kv.value_len + strlen(ev->key);
}

/* Delivers the buffered events (unless deliver_them is false) and empties rb. */
static void replay_flush(struct sqlite_watch *w, struct replay_buf *rb, bool deliver_them)
{
	if (deliver_them)
		deliver(w, rb->ev, rb->n);
	for (size_t i = 0; i < rb->n; i++) {
		free((char *)rb->ev[i].key);
		free((char *)rb->ev[i].value);
	}
	rb->n = 0;
	rb->bytes = 0;
}

/* Steps through the replay query, delivering as it goes. 0 or STORAGE_E*. */
static int replay_rows(struct sqlite_watch *w, sqlite3_stmt *st)
{
	struct replay_buf rb = { 0 };
	int r = 0;
	int rc = sqlite3_step(st);
	/* The snapshot is open now; see the file comment. */
	if (w->last < atomic_load(&w->s->compacted_rev) - 1)
		r = STORAGE_ECOMPACTED;
	while (r == 0 && rc == SQLITE_ROW && !atomic_load(&w->stop)) {
		const char *key = (const char *)sqlite3_column_text(st, 1);
		if (key && str_has_prefix(key, w->prefix))
			replay_add(&rb, st);
		if (rb.n >= REPLAY_CHUNK_EVENTS || rb.bytes >= REPLAY_CHUNK_BYTES)
			replay_flush(w, &rb, true);
		rc = sqlite3_step(st);
	}
	if (r == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = sqlite__err(rc);
	replay_flush(w, &rb, r == 0);
	free(rb.ev);
	return r;
}

/* Delivers every matching event in (w->last, target] from the log. */
static int replay(struct sqlite_watch *w, int64_t target)
{
	if (target <= w->last)
		return 0;
	struct sqlite_conn *c;
	int r = sqlite__pool_get(w->s, &c);
	if (r < 0)
		return r;
	sqlite3_stmt *st = NULL;
	r = sqlite__conn_stmt(c, SQL_REPLAY, &st);
	if (r == 0)
		r = sqlite__err(sqlite3_bind_int64(st, 1, w->last));
	if (r == 0)
		r = sqlite__err(sqlite3_bind_int64(st, 2, target));
	if (r == 0)
		r = replay_rows(w, st);
	sqlite__stmt_resetp(&st);
	sqlite__pool_put(w->s, c);
	if (r == 0)
		w->last = target;
	return r;
}

/* Removes w from *list; false if it was not there. */
static bool unlink_watch(struct sqlite_watch **list, struct sqlite_watch *w)
{
	for (struct sqlite_watch **p = list; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			w->next = NULL;
			return true;
		}
	}
	return false;
}

/* One round of work, called and returning with pub_lock held. 0 or the error ending the watch. */
static int watch_step(struct sqlite_watch *w)
{
	struct sqlite_store *s = w->s;
	if (w->q_n) {
		struct sqlite_batch **q = w->q;
		size_t n = w->q_n;
		w->q = NULL;
		w->q_n = w->q_alloc = w->q_bytes = 0;
		pthread_mutex_unlock(&s->pub_lock);
		deliver_batches(w, q, n);
		pthread_mutex_lock(&s->pub_lock);
		return 0;
	}
	if (!w->synced) {
		int64_t target = atomic_load(&s->current_rev);
		w->synced = true;
		pthread_mutex_unlock(&s->pub_lock);
		int r = replay(w, target);
		pthread_mutex_lock(&s->pub_lock);
		return r;
	}
	pthread_cond_wait(&w->cond, &s->pub_lock);
	return 0;
}

static void *watch_main(void *arg)
{
	struct sqlite_watch *w = arg;
	struct sqlite_store *s = w->s;
	int r = 0;
	pthread_mutex_lock(&s->pub_lock);
	while (r == 0 && !atomic_load(&w->stop))
		r = watch_step(w);
	w->synced = false;
	pthread_mutex_unlock(&s->pub_lock);
	if (r < 0 && !atomic_load(&w->stop))
		w->fn(w->ctx, NULL, 0, r);
	pthread_mutex_lock(&s->pub_lock);
	/* Stopped from a callback: nobody joins us there, so leave it to the next reaper. */
	if (w->self_stop && unlink_watch(&s->watches, w)) {
		w->next = s->zombies;
		s->zombies = w;
	}
	pthread_mutex_unlock(&s->pub_lock);
	return NULL;
}

static void watch_free(struct sqlite_watch *w)
{
	for (size_t i = 0; i < w->q_n; i++)
		sqlite__batch_unref(w->q[i]);
	free(w->q);
	free(w->evbuf);
	free(w->prefix);
	pthread_cond_destroy(&w->cond);
	free(w);
}

/* Joins and frees every watch on list. */
static void join_all(struct sqlite_watch *list)
{
	while (list) {
		struct sqlite_watch *next = list->next;
		pthread_join(list->thread, NULL);
		watch_free(list);
		list = next;
	}
}

static void reap_zombies(struct sqlite_store *s)
{
	pthread_mutex_lock(&s->pub_lock);
	struct sqlite_watch *list = s->zombies;
	s->zombies = NULL;
	pthread_mutex_unlock(&s->pub_lock);
	join_all(list);
}

int sqlite__watch(struct storage *st, const char *prefix, int64_t after_rev, storage_watch_fn fn,
		  void *ctx, struct storage_watch **ret_watch)
{
	struct sqlite_store *s = sqlite__store(st);
	if (!prefix || !fn || !ret_watch || after_rev < 0)
		return STORAGE_EINVAL;
	reap_zombies(s);
	struct sqlite_watch *w = xcalloc(1, sizeof(*w));
	w->s = s;
	w->prefix = xstrdup(prefix);
	w->fn = fn;
	w->ctx = ctx;
	w->last = after_rev;
	pthread_cond_init(&w->cond, NULL);
	int r = 0;
	pthread_mutex_lock(&s->pub_lock);
	if (after_rev < atomic_load(&s->compacted_rev) - 1)
		r = STORAGE_ECOMPACTED;
	else if (pthread_create(&w->thread, NULL, watch_main, w) != 0)
		r = STORAGE_EINTERNAL;
	if (r == 0) {
		w->next = s->watches;
		s->watches = w;
	}
	pthread_mutex_unlock(&s->pub_lock);
	if (r < 0) {
		watch_free(w);
		return r;
	}
	*ret_watch = (struct storage_watch *)w;
	return 0;
}

void sqlite__watch_stop(struct storage_watch *handle)
{
	struct sqlite_watch *w = (struct sqlite_watch *)handle;
	if (!w)
		return;
	struct sqlite_store *s = w->s;
	pthread_mutex_lock(&s->pub_lock);
	atomic_store(&w->stop, true);
	if (pthread_equal(pthread_self(), w->thread)) {
		/* From its own callback: the thread exits when the callback returns. */
		w->self_stop = true;
		pthread_mutex_unlock(&s->pub_lock);
		return;
	}
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&s->pub_lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_lock(&s->pub_lock);
	unlink_watch(&s->watches, w);
	pthread_mutex_unlock(&s->pub_lock);
	watch_free(w);
}

void sqlite__watch_stop_all(struct sqlite_store *s)
{
	pthread_mutex_lock(&s->pub_lock);
	struct sqlite_watch *live = s->watches, *zombies = s->zombies;
	s->watches = s->zombies = NULL;
	for (struct sqlite_watch *w = live; w; w = w->next) {
		atomic_store(&w->stop, true);
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&s->pub_lock);
	join_all(live);
	join_all(zombies);
}

/* Queues b on w, or drops w's queue if it is too far behind (it then replays). */
static void queue_batch(struct sqlite_watch *w, struct sqlite_batch *b)
{
	if (w->q_n && w->q_bytes + b->bytes > WATCH_QUEUE_MAX_BYTES) {
		for (size_t i = 0; i < w->q_n; i++)
			sqlite__batch_unref(w->q[i]);
		w->q_n = w->q_bytes = 0;
		w->synced = false;
	} else {
		ALLOC_GROW(w->q, w->q_n + 1, w->q_alloc);
		w->q[w->q_n++] = sqlite__batch_ref(b);
		w->q_bytes += b->bytes;
	}
	pthread_cond_signal(&w->cond);
}

void sqlite__watch_publish(struct sqlite_store *s, const struct sqlite_op *ops, int64_t rev,
			   int64_t compacted)
{
	struct sqlite_batch *b = NULL;
	bool built = false;
	pthread_mutex_lock(&s->pub_lock);
	atomic_store(&s->current_rev, rev);
	atomic_store(&s->compacted_rev, compacted);
	for (struct sqlite_watch *w = s->watches; w; w = w->next) {
		if (!w->synced || atomic_load(&w->stop))
			continue;
		if (!built) {
			b = sqlite__batch_new(ops);
			built = true;
		}
		if (!b)
			break;
		queue_batch(w, b);
	}
	pthread_mutex_unlock(&s->pub_lock);
	sqlite__batch_unref(b);
}
