/*
 * sqlite_store.c - opening and closing the embedded SQLite store: the
 * single-process lock, the schema, loading the persisted revision state, the
 * writer thread, and the storage_ops table that ties the backend together.
 *
 * Single process. SQLite itself would let a second process share the file;
 * the store must not (revisions are assigned in memory by the one writer).
 * open takes an exclusive flock() on "<path>-lock" and keeps it until close;
 * a second open, from this process or another, gets STORAGE_EUNAVAILABLE.
 * The lock lives in its own file because closing any descriptor of the
 * database file would drop SQLite's POSIX locks on it.
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

#include <fcntl.h>
#include <sys/file.h>

#include "base/strbuf.h"

static int lock_store(const char *path, int *ret_fd)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s-lock", path);
	int fd = open(sb.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	strbuf_release(&sb);
	if (fd < 0)
		return STORAGE_EUNAVAILABLE;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		return e == EWOULDBLOCK ? STORAGE_EUNAVAILABLE : STORAGE_EINTERNAL;
	}
	*ret_fd = fd;
	return 0;
}

/* Creates the schema on a new file, checks the version of an old one. */
static int init_schema(struct sqlite_conn *c)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	int64_t version = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	if (version < 0)
		return sqlite__err(rc);
	if (version > SQLITE_SCHEMA_VERSION)
		return STORAGE_EINTERNAL; /* written by a newer k8c */
	rc = sqlite3_exec(c->db, sqlite__schema, NULL, NULL, NULL);
	if (rc == SQLITE_OK && version == 0)
		rc = sqlite3_exec(c->db, "PRAGMA user_version = 1", NULL, NULL, NULL);
	return sqlite__err(rc);
}

/* Rebuilds the key index from the log: each key's latest row, in revision order. */
static int load_index(struct sqlite_store *s)
{
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = sqlite__conn_stmt(s->wconn, SQL_SCAN, &st);
	int rc = SQLITE_DONE;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Columns: rev, key, type, create_rev. */
		const char *key = (const char *)sqlite3_column_text(st, 1);
		struct sqlite_index_entry e = {
			.create_rev = sqlite3_column_int64(st, 3),
			.mod_rev = sqlite3_column_int64(st, 0),
			.deleted = sqlite3_column_int(st, 2) == SQLITE_ROW_DELETE,
		};
		sqlite__index_put(s->index, key ? key : "", &e);
	}
	return r < 0 ? r : rc == SQLITE_DONE ? 0 : sqlite__err(rc);
}

/* Loads the revisions, compaction state and key index (in the writer's connection). */
static int load_state(struct sqlite_store *s)
{
	struct sqlite_conn *c = s->wconn;
	int64_t rev = 1, compacted = 0, cursor = 0;
	int r = sqlite__conn_exec(c, SQL_BEGIN_WRITE);
	if (r < 0)
		return r;
	r = init_schema(c);
	if (r == 0)
		r = sqlite__query_int64(c, SQL_MAX_REV, NULL, &rev);
	if (r == 0)
		r = sqlite__meta_get(c, "compacted", &compacted);
	if (r == 0)
		r = sqlite__meta_get(c, "compact_cursor", &cursor);
	if (r == 0)
		r = load_index(s);
	if (r == 0)
		r = sqlite__conn_exec(c, SQL_COMMIT);
	if (r < 0) {
		sqlite__conn_exec(c, SQL_ROLLBACK);
		return r;
	}
	s->next_rev = rev + 1;
	s->compact_cursor = cursor;
	s->compact_target = compacted; /* an interrupted physical compaction resumes */
	atomic_store(&s->current_rev, rev);
	atomic_store(&s->compacted_rev, compacted);
	return 0;
}

static int current_rev(struct storage *st, int64_t *ret_rev)
{
	if (!ret_rev)
		return STORAGE_EINVAL;
	*ret_rev = atomic_load(&sqlite__store(st)->current_rev);
	return 0;
}

static int compacted_rev(struct storage *st, int64_t *ret_rev)
{
	if (!ret_rev)
		return STORAGE_EINVAL;
	*ret_rev = atomic_load(&sqlite__store(st)->compacted_rev);
	return 0;
}

static void store_free(struct sqlite_store *s)
{
	sqlite__index_free(s->index);
	hashmap_release(&s->pending, free);
	free(s->dropped);
	pthread_rwlock_destroy(&s->index_lock);
	sqlite__pool_release(s);
	sqlite__conn_close(s->wconn);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	pthread_mutex_destroy(&s->pool_lock);
	pthread_mutex_destroy(&s->queue_lock);
	pthread_cond_destroy(&s->queue_cond);
	pthread_mutex_destroy(&s->pub_lock);
	pthread_mutex_destroy(&s->ckpt_lock);
	pthread_cond_destroy(&s->ckpt_cond);
	free(s->path);
	free(s);
}

static void store_close(struct storage *st)
{
	struct sqlite_store *s = sqlite__store(st);
	if (!s)
		return;
	sqlite__watch_stop_all(s);
	sqlite__writer_stop(s);
	sqlite__ckpt_stop(s);
	store_free(s);
}

static const struct storage_ops sqlite_ops = {
	.name = "sqlite",
	.get = sqlite__get,
	.list = sqlite__list,
	.count = sqlite__count,
	.create = sqlite__create,
	.update = sqlite__update,
	.delete = sqlite__delete,
	.watch = sqlite__watch,
	.watch_stop = sqlite__watch_stop,
	.compact = sqlite__compact,
	.current_rev = current_rev,
	.compacted_rev = compacted_rev,
	.close = store_close,
};

/*
 * Opens the store at path (see storage.h). Threads: the returned store starts
 * one writer thread; every watch adds one more. Failure: STORAGE_EINVAL (bad
 * path), STORAGE_EUNAVAILABLE (locked by another open, or cannot be opened),
 * STORAGE_EINTERNAL (not a k8c store, I/O error).
 */
int storage_sqlite_open(const char *path, struct storage **ret_storage)
{
	if (!path || !*path || !ret_storage)
		return STORAGE_EINVAL;
	struct sqlite_store *s = xcalloc(1, sizeof(*s));
	s->base.ops = &sqlite_ops;
	s->path = xstrdup(path);
	s->lock_fd = -1;
	pthread_mutex_init(&s->pool_lock, NULL);
	pthread_mutex_init(&s->queue_lock, NULL);
	pthread_cond_init(&s->queue_cond, NULL);
	pthread_mutex_init(&s->pub_lock, NULL);
	pthread_mutex_init(&s->ckpt_lock, NULL);
	pthread_cond_init(&s->ckpt_cond, NULL);
	/* Writers first: a stream of readers must not starve the writer's index updates. */
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->index_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	s->index = sqlite__index_new();
	int r = lock_store(path, &s->lock_fd);
	if (r == 0)
		r = sqlite__conn_open(path, true, &s->wconn);
	if (r == 0)
		r = load_state(s);
	if (r == 0)
		r = sqlite__ckpt_start(s);
	if (r == 0)
		r = sqlite__writer_start(s);
	if (r < 0) {
		sqlite__ckpt_stop(s);
		store_free(s);
		return r;
	}
	*ret_storage = &s->base;
	return 0;
}
