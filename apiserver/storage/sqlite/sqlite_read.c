/*
 * sqlite_read.c - get, list and count for the SQLite backend. A read at
 * revision R (the current one when none is asked for) takes each key's
 * latest revisions from the in-memory index, then reads log rows by rev on
 * a pooled read connection (WAL readers never wait for the writer): the
 * latest row if it is <= R, else it follows prev_rev back to the newest row
 * <= R. Only keys written after R cost more than one row lookup.
 *
 * Why the walk is right: the index is updated only after a commit, so every
 * rev it names is on disk; rows above R are never compacted (R >= compacted
 * or the read fails), and a row at or below R is compacted only if a newer
 * row <= the compacted revision <= R supersedes it, or it is a tombstone
 * below it. So a missing row on the way means the key did not exist at R.
 *
 * Compaction: a read at R is checked against the compacted revision before
 * and again after it runs. The writer publishes a new compacted revision
 * before it physically deletes any row, so a read that could have seen rows
 * vanish always fails the second check (current reads then simply retry).
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

/* Index entries copied per lock hold while listing: bounds how long the writer can wait. */
#define LIST_CHUNK 256
/* Current reads that lost a race with compaction retry this often before giving up. */
#define CURRENT_READ_TRIES 8

int sqlite__check_rev(struct sqlite_store *s, int64_t rev)
{
	if (rev < 0)
		return STORAGE_EINVAL;
	if (rev == 0)
		return 0;
	if (rev < atomic_load(&s->compacted_rev))
		return STORAGE_ECOMPACTED;
	if (rev > atomic_load(&s->current_rev))
		return STORAGE_EINVAL; /* a future revision */
	return 0;
}

/*
 * The state of key (index entry e) at revision rev: 1 with *kv filled (value
 * included if with_value, else ""), 0 if the key did not exist then, or
 * STORAGE_E*.
 */
static int entry_at(struct sqlite_conn *c, const char *key, const struct sqlite_index_entry *e,
		    int64_t rev, bool with_value, struct storage_kv *kv)
{
	if (e->mod_rev <= rev && (e->deleted || !with_value)) {
		if (e->deleted)
			return 0;
		*kv = (struct storage_kv){ .key = xstrdup(key),
					   .value = xstrdup(""),
					   .create_rev = e->create_rev,
					   .mod_rev = e->mod_rev };
		return 1;
	}
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = sqlite__conn_stmt(c, SQL_ROW_AT, &st);
	if (r < 0)
		return r;
	/* Row columns: type, create_rev, prev_rev, value. */
	int64_t at;
	for (at = e->mod_rev;; at = sqlite3_column_int64(st, 2)) {
		if (at == 0)
			return 0; /* created after rev */
		sqlite3_reset(st);
		int rc = sqlite3_bind_int64(st, 1, at);
		rc = rc ? rc : sqlite3_step(st);
		if (rc == SQLITE_DONE)
			return 0; /* compacted away: gone at rev (see the file comment) */
		if (rc != SQLITE_ROW)
			return sqlite__err(rc);
		if (at <= rev)
			break;
	}
	if (sqlite3_column_int(st, 0) == SQLITE_ROW_DELETE)
		return 0;
	kv->key = xstrdup(key);
	kv->create_rev = sqlite3_column_int64(st, 1);
	kv->mod_rev = at;
	if (with_value)
		sqlite__column_value(st, 3, kv);
	else
		kv->value = xstrdup("");
	return 1;
}

/* The revision a read of rev (0 = current) runs at. */
static int64_t read_rev(struct sqlite_store *s, int64_t rev)
{
	return rev ? rev : atomic_load(&s->current_rev);
}

/* After a read at at (for a request of rev): 0, STORAGE_ECOMPACTED, or -EAGAIN to retry. */
static int recheck(struct sqlite_store *s, int64_t rev, int64_t at)
{
	if (at >= atomic_load(&s->compacted_rev))
		return 0;
	return rev ? STORAGE_ECOMPACTED : -EAGAIN;
}

/* One read attempt on a pooled connection: 0, STORAGE_E*, or -EAGAIN to run it again. */
typedef int (*read_fn)(struct sqlite_store *s, struct sqlite_conn *c, void *arg);

/*
 * Runs fn on a pooled read connection, again while it returns -EAGAIN (a
 * current read that lost a race with compaction), a bounded number of times.
 */
static int read_retrying(struct sqlite_store *s, read_fn fn, void *arg)
{
	struct sqlite_conn *c;
	int r = sqlite__pool_get(s, &c);
	if (r < 0)
		return r;
	r = -EAGAIN;
	for (int i = 0; r == -EAGAIN && i < CURRENT_READ_TRIES; i++)
		r = fn(s, c, arg);
	sqlite__pool_put(s, c);
	return r == -EAGAIN ? STORAGE_EUNAVAILABLE : r;
}

struct get_args {
	const char *key;
	int64_t rev;
	struct storage_kv kv;
};

static int get_once(struct sqlite_store *s, struct sqlite_conn *c, void *arg)
{
	struct get_args *a = arg;
	int64_t at = read_rev(s, a->rev);
	struct sqlite_index_entry e;
	pthread_rwlock_rdlock(&s->index_lock);
	bool known = sqlite__index_get(s->index, a->key, &e);
	pthread_rwlock_unlock(&s->index_lock);
	int r = known ? entry_at(c, a->key, &e, at, true, &a->kv) : 0;
	if (r >= 0) {
		int again = recheck(s, a->rev, at);
		r = again < 0 ? again : r == 1 ? 0 : STORAGE_ENOTFOUND;
	}
	if (r < 0)
		storage_kv_release(&a->kv);
	return r;
}

int sqlite__get(struct storage *st, const char *key, int64_t rev, struct storage_kv *ret_kv)
{
	struct sqlite_store *s = sqlite__store(st);
	if (!key || !*key || !ret_kv)
		return STORAGE_EINVAL;
	int r = sqlite__check_rev(s, rev);
	if (r < 0)
		return r;
	struct get_args a = { .key = key, .rev = rev };
	r = read_retrying(s, get_once, &a);
	if (r == 0)
		*ret_kv = a.kv;
	return r;
}

/* Where a list stands between chunks of index entries. */
struct list_walk {
	const struct storage_list_opts *o;
	int64_t at;
	size_t alloc;
	char *from; /* the next chunk starts after this key (NULL: at start_key/prefix) */
};

/* Adds the keys of one chunk that exist at w->at to l (or to l->remaining past the limit). */
static int list_chunk(struct sqlite_conn *c, struct list_walk *w, struct sqlite_index_item *items,
		      size_t n, struct storage_list *l)
{
	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		bool room = !w->o->limit || l->n < w->o->limit;
		struct storage_kv kv = { 0 };
		r = entry_at(c, items[i].key, &items[i].e, w->at, room && !w->o->keys_only, &kv);
		if (r == 1 && room) {
			ALLOC_GROW(l->items, l->n + 1, w->alloc);
			l->items[l->n++] = kv;
		} else if (r == 1) {
			l->more = true;
			l->remaining++;
			storage_kv_release(&kv);
		}
	}
	return r < 0 ? r : 0;
}

/* The whole list at w->at, in chunks of the index. */
static int list_all(struct sqlite_store *s, struct sqlite_conn *c, struct list_walk *w,
		    struct storage_list *l)
{
	struct sqlite_index_item items[LIST_CHUNK];
	const char *first = w->o->start_key ? w->o->start_key : w->o->prefix;
	int r = 0;
	for (;;) {
		pthread_rwlock_rdlock(&s->index_lock);
		size_t n = sqlite__index_range(s->index, w->from ? w->from : first, w->from != NULL,
					       w->o->prefix, items, LIST_CHUNK);
		pthread_rwlock_unlock(&s->index_lock);
		if (n && r == 0)
			r = list_chunk(c, w, items, n, l);
		for (size_t i = 0; i + 1 < n; i++)
			free(items[i].key);
		if (n) {
			free(w->from);
			w->from = items[n - 1].key;
		}
		if (n < LIST_CHUNK || r < 0)
			return r;
	}
}

struct list_args {
	const struct storage_list_opts *o;
	struct storage_list l;
};

static int list_once(struct sqlite_store *s, struct sqlite_conn *c, void *arg)
{
	struct list_args *a = arg;
	struct list_walk w = { .o = a->o, .at = read_rev(s, a->o->rev) };
	a->l.rev = w.at;
	/* One read transaction: every row comes from one snapshot. */
	int r = sqlite__conn_exec(c, SQL_BEGIN_READ);
	if (r == 0) {
		r = list_all(s, c, &w, &a->l);
		int end = sqlite__conn_exec(c, SQL_COMMIT);
		r = r ? r : end;
	}
	free(w.from);
	if (r == 0)
		r = recheck(s, a->o->rev, w.at);
	if (r < 0)
		storage_list_release(&a->l);
	return r;
}

int sqlite__list(struct storage *st, const struct storage_list_opts *opts,
		 struct storage_list *ret_list)
{
	struct sqlite_store *s = sqlite__store(st);
	if (!opts || !opts->prefix || !ret_list)
		return STORAGE_EINVAL;
	if (opts->start_key && !str_has_prefix(opts->start_key, opts->prefix))
		return STORAGE_EINVAL;
	int r = sqlite__check_rev(s, opts->rev);
	if (r < 0)
		return r;
	struct list_args a = { .o = opts };
	r = read_retrying(s, list_once, &a);
	if (r == 0)
		*ret_list = a.l;
	return r;
}

int sqlite__count(struct storage *st, const char *prefix, int64_t *ret_count)
{
	struct sqlite_store *s = sqlite__store(st);
	if (!prefix || !ret_count)
		return STORAGE_EINVAL;
	pthread_rwlock_rdlock(&s->index_lock);
	*ret_count = sqlite__index_count(s->index, prefix);
	pthread_rwlock_unlock(&s->index_lock);
	return 0;
}
