/*
 * sqlite_internal.h - private types and functions shared by the files of the
 * embedded SQLite storage backend. Nothing outside apiserver/storage/sqlite/
 * includes this; the public entry point is storage_sqlite_open() (storage.h).
 *
 * Files and their jobs:
 *   sqlite_store.c   open/close, the single-process lock, the ops table
 *   sqlite_sql.c     the on-disk schema and every SQL statement, in one place
 *   sqlite_index.c   the in-memory key index (sqlite_index.h)
 *   sqlite_conn.c    connections, the per-connection statement cache, the
 *                    pool of read connections, SQLite -> STORAGE_E* mapping
 *   sqlite_read.c    get, list, count (read connections, never the writer)
 *   sqlite_writer.c  the write queue and the group-committing writer thread
 *   sqlite_checkpoint.c  WAL checkpoints in a background thread
 *   sqlite_apply.c   one write (or one compaction chunk) inside the writer's
 *                    transaction
 *   sqlite_batch.c   the reference-counted copy of one commit's events
 *   sqlite_watch.c   watches: replay from the log, then live batches
 *
 * Threads and locks. Callers run get/list/count on pooled read connections
 * (pool_lock guards only the pool) and copy what they need from the key
 * index under index_lock (read side). Writes are queued (queue_lock) for the
 * one writer thread, which alone uses wconn and the writer-only fields.
 * After each commit the writer updates the index (index_lock, write side),
 * then takes pub_lock to publish the new revision and hand the events to
 * watches; each watch has its own delivery thread, which takes pub_lock only
 * to pick up work, never while calling back. No thread holds two of these
 * locks at once.
 */
#ifndef K8C_STORAGE_SQLITE_INTERNAL_H
#define K8C_STORAGE_SQLITE_INTERNAL_H

#include "base/base.h"

#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "apiserver/storage/sqlite/sqlite_index.h"
#include "apiserver/storage/storage.h"
#include "base/hashmap.h"

/* Largest value accepted; the API server itself caps request bodies at 3 MiB. */
#define SQLITE_STORE_MAX_VALUE (8u << 20)

/* Row types in the log table; equal to enum storage_event_type on purpose. */
enum sqlite_row_type {
	SQLITE_ROW_CREATE = STORAGE_EVENT_CREATE,
	SQLITE_ROW_UPDATE = STORAGE_EVENT_UPDATE,
	SQLITE_ROW_DELETE = STORAGE_EVENT_DELETE,
};

/* Every statement the backend runs; texts in sqlite_sql.c. */
enum sqlite_sql {
	SQL_BEGIN_READ,
	SQL_BEGIN_WRITE,
	SQL_COMMIT,
	SQL_ROLLBACK,
	SQL_MAX_REV,
	SQL_META_GET,
	SQL_META_SET,
	SQL_ROW_AT,
	SQL_SCAN,
	SQL_REPLAY,
	SQL_LOG_INSERT,
	SQL_TOMBSTONES,
	SQL_COMPACT_PREV,
	SQL_COMPACT_TOMB,
	SQL__COUNT
};

extern const char *const sqlite__sql_text[SQL__COUNT];
/* The schema, run once per open inside a write transaction (idempotent). */
extern const char sqlite__schema[];
/* PRAGMA user_version of the current schema. */
#define SQLITE_SCHEMA_VERSION 1

/* One SQLite connection and its lazily prepared statements. One thread at a time. */
struct sqlite_conn {
	sqlite3 *db;
	sqlite3_stmt *stmt[SQL__COUNT];
};

/* The kinds of request the writer thread handles. */
enum sqlite_op_kind {
	SQLITE_OP_CREATE,
	SQLITE_OP_UPDATE,
	SQLITE_OP_DELETE,
	SQLITE_OP_COMPACT,
};

/*
 * One queued write. Lives on the caller's stack: the writer must not touch
 * it after posting done. key and value are the caller's, valid until then.
 */
struct sqlite_op {
	struct sqlite_op *next;
	enum sqlite_op_kind kind;
	const char *key;
	const void *value;
	size_t len;
	int64_t expected; /* update/delete: expected mod_rev (delete: 0 = any); compact: rev */
	bool want_kv;	  /* fill kv with the current kv on a conflict */

	/* Results, written by the writer thread before done is posted. */
	int err;
	int64_t rev;	      /* the revision of this write */
	int64_t create_rev;   /* the key's create_rev (create: == rev) */
	struct storage_kv kv; /* delete: the deleted kv; conflict: the current kv */
	sem_t done;
};

/* The events of one commit, copied once and shared by every watch. */
struct sqlite_batch {
	atomic_int refs;
	size_t n;
	size_t bytes; /* approximate memory held, for the per-watch queue limit */
	struct storage_event ev[];
};

struct sqlite_watch;

struct sqlite_store {
	struct storage base; /* first: storage_sqlite_open hands out &base */
	char *path;
	int lock_fd;

	pthread_mutex_t pool_lock;
	struct sqlite_conn **pool; /* idle read connections */
	size_t pool_n, pool_alloc;

	/* Every key's latest revisions; see sqlite_index.h. */
	pthread_rwlock_t index_lock;
	struct sqlite_index *index;

	/* The writer. */
	struct sqlite_conn *wconn; /* writer thread only (and open/close) */
	pthread_t writer_thread;
	bool writer_running;
	pthread_mutex_t queue_lock;
	pthread_cond_t queue_cond;
	struct sqlite_op *queue_head; /* under queue_lock */
	struct sqlite_op **queue_tail;
	bool stopping;		/* under queue_lock: no new writes accepted */
	int64_t next_rev;	/* writer only */
	int64_t compact_cursor; /* writer only: revisions below were physically compacted */
	int64_t compact_target; /* writer only: the compacted revision to reach */
	struct hashmap
		pending; /* writer only: key -> struct sqlite_index_entry written this batch */
	struct sqlite_index_item *dropped; /* writer only: tombstones a compaction chunk removed */
	size_t n_dropped, alloc_dropped;
	int wal_frames;	  /* writer only: frames in the WAL after its last commit */
	uint64_t wal_gen; /* writer only: how often the WAL started over */

	/* The checkpointer (sqlite_checkpoint.c). */
	struct sqlite_conn *ckpt_conn; /* checkpointer thread only */
	pthread_t ckpt_thread;
	bool ckpt_running;
	pthread_mutex_t ckpt_lock;
	pthread_cond_t ckpt_cond;
	bool ckpt_stop, ckpt_requested, ckpt_busy; /* under ckpt_lock */
	uint64_t ckpt_req_gen;			   /* under ckpt_lock: WAL generation asked for */
	int ckpt_copied;			   /* under ckpt_lock: frames copied... */
	uint64_t ckpt_copied_gen;		   /* ...of this WAL generation */

	/* Published state. */
	pthread_mutex_t pub_lock;
	_Atomic int64_t current_rev;   /* written under pub_lock, read anywhere */
	_Atomic int64_t compacted_rev; /* written under pub_lock, read anywhere */
	struct sqlite_watch *watches;  /* under pub_lock */
	struct sqlite_watch *zombies;  /* under pub_lock: stopped from their own callback */
};

static inline struct sqlite_store *sqlite__store(struct storage *s)
{
	return (struct sqlite_store *)s;
}

/* sqlite_conn.c */

/*
 * Opens a connection to path and sets its pragmas (the writer's also sets WAL
 * mode and durability). Returns 0 and *ret_conn (free with
 * sqlite__conn_close), or a STORAGE_E* code.
 */
int sqlite__conn_open(const char *path, bool writer, struct sqlite_conn **ret_conn);
/* Finalizes every statement and closes the connection. NULL-safe. */
void sqlite__conn_close(struct sqlite_conn *c);
/*
 * The prepared statement id on c (prepared on first use), reset and with no
 * bindings. The caller resets it when done (see sqlite__stmt_resetp): an
 * unreset SELECT would pin the connection to an old snapshot.
 */
int sqlite__conn_stmt(struct sqlite_conn *c, enum sqlite_sql id, sqlite3_stmt **ret_stmt);
/* Runs a statement that returns no rows (BEGIN, COMMIT...). 0 or STORAGE_E*. */
int sqlite__conn_exec(struct sqlite_conn *c, enum sqlite_sql id);
/*
 * Runs the one-row, one-column statement id (binding text_arg to ?1 unless
 * NULL) into *ret_value. STORAGE_ENOTFOUND when it returns no row.
 */
int sqlite__query_int64(struct sqlite_conn *c, enum sqlite_sql id, const char *text_arg,
			int64_t *ret_value);
/* Cleanup handler: resets *st (if non-NULL) so it releases its snapshot. */
void sqlite__stmt_resetp(sqlite3_stmt **st);
/* Maps an SQLite result code to a STORAGE_E* code. */
int sqlite__err(int rc);
/* Copies column col of the current row (a value) into kv->value/value_len. */
void sqlite__column_value(sqlite3_stmt *st, int col, struct storage_kv *kv);
/* A read connection from the pool (opened if none is idle). 0 or STORAGE_E*. */
int sqlite__pool_get(struct sqlite_store *s, struct sqlite_conn **ret_conn);
/* Returns c to the pool (or closes it if enough are idle). */
void sqlite__pool_put(struct sqlite_store *s, struct sqlite_conn *c);
/* Closes every idle read connection. */
void sqlite__pool_release(struct sqlite_store *s);

/* sqlite_read.c */
int sqlite__get(struct storage *s, const char *key, int64_t rev, struct storage_kv *ret_kv);
int sqlite__list(struct storage *s, const struct storage_list_opts *opts,
		 struct storage_list *ret_list);
int sqlite__count(struct storage *s, const char *prefix, int64_t *ret_count);
/* STORAGE_ECOMPACTED if rev (> 0) is below the compacted revision, EINVAL if in the future. */
int sqlite__check_rev(struct sqlite_store *s, int64_t rev);

/* sqlite_writer.c */

/* Starts the writer thread. s->next_rev etc. must be loaded. 0 or STORAGE_E*. */
int sqlite__writer_start(struct sqlite_store *s);
/* Stops accepting writes, finishes the queued ones, joins the writer. Idempotent. */
void sqlite__writer_stop(struct sqlite_store *s);
int sqlite__create(struct storage *s, const char *key, const void *value, size_t len,
		   int64_t *ret_rev);
int sqlite__update(struct storage *s, const char *key, const void *value, size_t len,
		   int64_t expected_mod_rev, int64_t *ret_rev, struct storage_kv *ret_current);
int sqlite__delete(struct storage *s, const char *key, int64_t expected_mod_rev, int64_t *ret_rev,
		   struct storage_kv *ret_prev);
int sqlite__compact(struct storage *s, int64_t rev);

/* sqlite_checkpoint.c */

/* Opens the checkpointer's connection, hooks the writer's commits, starts the thread. */
int sqlite__ckpt_start(struct sqlite_store *s);
/* Stops and joins the checkpointer and closes its connection. Idempotent. */
void sqlite__ckpt_stop(struct sqlite_store *s);
/* Writer thread, after each batch: drives the checkpoint cycle (see sqlite_checkpoint.c). */
void sqlite__ckpt_after_batch(struct sqlite_store *s);

/* sqlite_apply.c (writer thread only, inside its open transaction) */

/* The state of key as the writer sees it: the index plus this batch's writes. */
bool sqlite__writer_lookup(struct sqlite_store *s, const char *key,
			   struct sqlite_index_entry *ret_e);

/*
 * Applies op: checks it against the store and, if it succeeds, writes it at
 * s->next_rev. The op's own outcome goes to op->err (and op->rev...). Returns
 * 0 when the transaction may go on, or a STORAGE_E* code when an SQLite error
 * broke it (the caller rolls back and fails the whole batch).
 */
int sqlite__apply(struct sqlite_store *s, struct sqlite_op *op);
/*
 * Physically drops the history of at most max_revs revisions from
 * s->compact_cursor on (below s->compact_target) and advances the cursor,
 * also in meta (the caller commits). The tombstones it dropped are added to
 * s->dropped, for the caller to remove from the index once committed.
 * 0 or STORAGE_E* (cursor unchanged).
 */
int sqlite__compact_chunk(struct sqlite_store *s, int64_t max_revs);
/* Reads the meta value name into *ret_value (0 when absent). 0 or STORAGE_E*. */
int sqlite__meta_get(struct sqlite_conn *c, const char *name, int64_t *ret_value);
/* Writes the meta value name. 0 or STORAGE_E*. */
int sqlite__meta_set(struct sqlite_conn *c, const char *name, int64_t value);

/* sqlite_batch.c */

/* A batch holding copies of the events of the successful writes in ops; NULL if none. */
struct sqlite_batch *sqlite__batch_new(const struct sqlite_op *ops);
struct sqlite_batch *sqlite__batch_ref(struct sqlite_batch *b);
void sqlite__batch_unref(struct sqlite_batch *b);

/* sqlite_watch.c */
int sqlite__watch(struct storage *s, const char *prefix, int64_t after_rev, storage_watch_fn fn,
		  void *ctx, struct storage_watch **ret_watch);
void sqlite__watch_stop(struct storage_watch *w);
/*
 * Writer thread, after a commit: publishes rev (and compacted) as current and
 * queues the events of ops for every live watch. Returns with no lock held.
 */
void sqlite__watch_publish(struct sqlite_store *s, const struct sqlite_op *ops, int64_t rev,
			   int64_t compacted);
/* Stops and frees every watch (close). */
void sqlite__watch_stop_all(struct sqlite_store *s);

#endif
