/*
 * sqlite_conn.c - SQLite connections for the storage backend: opening one
 * with the right pragmas, its cache of prepared statements, the pool of read
 * connections, a few binding/column helpers, and the mapping of SQLite
 * result codes to STORAGE_E* codes.
 *
 * Durability: the writer connection runs WAL mode with synchronous=FULL, so
 * every COMMIT fsyncs the WAL before the writer wakes the callers. NORMAL
 * would already survive kill -9 (the WAL is written with write(2) before
 * COMMIT returns, and the page cache outlives the process), but not a power
 * cut or a kernel crash; group commit makes the fsync per batch, not per
 * write, so we keep the stronger guarantee etcd also gives.
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

/* Idle read connections kept open; more are opened on demand and closed after use. */
#define POOL_MAX_IDLE 16
/* How long a connection waits for a lock held by another (e.g. recovery) before EUNAVAILABLE. */
#define BUSY_TIMEOUT_MS 5000

int sqlite__err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return STORAGE_EUNAVAILABLE;
	case SQLITE_TOOBIG:
		return STORAGE_ETOOLARGE;
	default:
		return STORAGE_EINTERNAL;
	}
}

/* Runs a PRAGMA; if expect is non-NULL, its first column must equal expect. */
static int run_pragma(sqlite3 *db, const char *sql, const char *expect)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sqlite__err(rc);
	rc = sqlite3_step(st);
	int r = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sqlite__err(rc);
	if (r == 0 && expect) {
		const char *got =
			rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (!got || strcmp(got, expect) != 0)
			r = STORAGE_EINTERNAL;
	}
	sqlite3_finalize(st);
	return r;
}

static const char *const writer_pragmas[] = {
	/*
	 * Only takes effect on a new file. Log rows are appended, so bigger pages
	 * mean fewer WAL frames per commit; 8 KiB holds three typical objects.
	 */
	"PRAGMA page_size = 8192",
	"PRAGMA synchronous = FULL",
	/*
	 * The writer appends log rows and reads little: 8 MiB holds the pages a
	 * batch touches (64 MiB kept every page written in the RSS).
	 */
	"PRAGMA cache_size = -8192",
	/* After a checkpoint resets the WAL, truncate it back to this size. */
	"PRAGMA journal_size_limit = 67108864",
	"PRAGMA foreign_keys = OFF",
	/* Checkpoints run in the background instead (sqlite_checkpoint.c). */
	"PRAGMA wal_autocheckpoint = 0",
};

static const char *const reader_pragmas[] = {
	"PRAGMA query_only = 1",
	/* Readers mostly scan (loading the cache, replaying watches): the OS caches the file. */
	"PRAGMA cache_size = -2048",
};

static int set_pragmas(sqlite3 *db, bool writer)
{
	const char *const *list = writer ? writer_pragmas : reader_pragmas;
	size_t n = writer ? ARRAY_SIZE(writer_pragmas) : ARRAY_SIZE(reader_pragmas);
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = run_pragma(db, list[i], NULL);
	/* WAL is a property of the file: set once by the writer, kept by readers. */
	if (r == 0 && writer)
		r = run_pragma(db, "PRAGMA journal_mode = WAL", "wal");
	return r;
}

int sqlite__conn_open(const char *path, bool writer, struct sqlite_conn **ret_conn)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	if (writer)
		flags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &db, flags, NULL);
	int r = rc == SQLITE_OK ? 0 : sqlite__err(rc);
	if (r == 0)
		rc = sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if (r == 0 && rc != SQLITE_OK)
		r = sqlite__err(rc);
	if (r == 0)
		r = set_pragmas(db, writer);
	if (r < 0) {
		sqlite3_close_v2(db);
		return r;
	}
	struct sqlite_conn *c = xcalloc(1, sizeof(*c));
	c->db = db;
	*ret_conn = c;
	return 0;
}

void sqlite__conn_close(struct sqlite_conn *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < SQL__COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	sqlite3_close_v2(c->db);
	free(c);
}

int sqlite__conn_stmt(struct sqlite_conn *c, enum sqlite_sql id, sqlite3_stmt **ret_stmt)
{
	sqlite3_stmt *st = c->stmt[id];
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		int rc = sqlite3_prepare_v3(c->db, sqlite__sql_text[id], -1,
					    SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK)
			return sqlite__err(rc);
		c->stmt[id] = st;
	}
	*ret_stmt = st;
	return 0;
}

void sqlite__stmt_resetp(sqlite3_stmt **st)
{
	if (!*st)
		return;
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
}

int sqlite__conn_exec(struct sqlite_conn *c, enum sqlite_sql id)
{
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = sqlite__conn_stmt(c, id, &st);
	if (r < 0)
		return r;
	int rc = sqlite3_step(st);
	return rc == SQLITE_DONE ? 0 : sqlite__err(rc);
}

int sqlite__query_int64(struct sqlite_conn *c, enum sqlite_sql id, const char *text_arg,
			int64_t *ret_value)
{
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = sqlite__conn_stmt(c, id, &st);
	if (r == 0 && text_arg)
		r = sqlite__err(sqlite3_bind_text(st, 1, text_arg, -1, SQLITE_STATIC));
	if (r < 0)
		return r;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return STORAGE_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return sqlite__err(rc);
	*ret_value = sqlite3_column_int64(st, 0);
	return 0;
}

void sqlite__column_value(sqlite3_stmt *st, int col, struct storage_kv *kv)
{
	const void *p = sqlite3_column_blob(st, col);
	size_t n = p ? (size_t)sqlite3_column_bytes(st, col) : 0;
	kv->value = xmalloc(n + 1);
	if (n)
		memcpy(kv->value, p, n);
	kv->value[n] = '\0';
	kv->value_len = n;
}

int sqlite__pool_get(struct sqlite_store *s, struct sqlite_conn **ret_conn)
{
	struct sqlite_conn *c = NULL;
	pthread_mutex_lock(&s->pool_lock);
	if (s->pool_n)
		c = s->pool[--s->pool_n];
	pthread_mutex_unlock(&s->pool_lock);
	if (c) {
		*ret_conn = c;
		return 0;
	}
	return sqlite__conn_open(s->path, false, ret_conn);
}

void sqlite__pool_put(struct sqlite_store *s, struct sqlite_conn *c)
{
	pthread_mutex_lock(&s->pool_lock);
	if (s->pool_n < POOL_MAX_IDLE) {
		ALLOC_GROW(s->pool, s->pool_n + 1, s->pool_alloc);
		s->pool[s->pool_n++] = TAKE_PTR(c);
	}
	pthread_mutex_unlock(&s->pool_lock);
	sqlite__conn_close(c);
}

void sqlite__pool_release(struct sqlite_store *s)
{
	for (size_t i = 0; i < s->pool_n; i++)
		sqlite__conn_close(s->pool[i]);
	free(s->pool);
	s->pool = NULL;
	s->pool_n = s->pool_alloc = 0;
}
