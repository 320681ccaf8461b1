/*
 * sqlite_sql.c - the on-disk layout of the SQLite store and every SQL
 * statement the backend runs, kept together so the queries can be read (and
 * their query plans checked) against the schema they rely on.
 *
 * Layout:
 *   log   one row per write: rev (the revision, rowid), key, type (0 create,
 *         1 update, 2 delete), the key's create_rev, prev_rev (the rev of the
 *         key's previous row, a tombstone included; 0 if none) and value (for
 *         a delete: the value the key had, so a DELETE event needs no lookup).
 *         Writes only ever append to it; there is deliberately no index by
 *         key: the in-memory index (sqlite_index.h) gives each key's latest
 *         rev, and older versions are found by following prev_rev. Rows are
 *         read by rev only.
 *   meta  'compacted' (the compacted revision) and 'compact_cursor'
 *         (history below it has been physically dropped).
 * The current revision is max(log.rev): compaction never removes the newest
 * row (it removes only rows below the compacted revision <= current), so it
 * survives restarts without a counter row to update on every commit.
 *
 * Compaction to C removes a row when a newer row of the same key is at or
 * below C (no read at a revision >= C can need it) and tombstones below C.
 * See sqlite_apply.c for how it walks the history in chunks.
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

/* The literal 2 in the statements below is SQLITE_ROW_DELETE. */
_Static_assert(SQLITE_ROW_DELETE == 2, "SQL text hard-codes the delete row type");

const char sqlite__schema[] = "CREATE TABLE IF NOT EXISTS log ("
			      " rev INTEGER PRIMARY KEY,"
			      " key TEXT NOT NULL,"
			      " type INTEGER NOT NULL,"
			      " create_rev INTEGER NOT NULL,"
			      " prev_rev INTEGER NOT NULL,"
			      " value BLOB NOT NULL);"
			      "CREATE TABLE IF NOT EXISTS meta ("
			      " name TEXT PRIMARY KEY,"
			      " value INTEGER NOT NULL) WITHOUT ROWID;";

const char *const sqlite__sql_text[SQL__COUNT] = {
	[SQL_BEGIN_READ] = "BEGIN DEFERRED",
	[SQL_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[SQL_COMMIT] = "COMMIT",
	[SQL_ROLLBACK] = "ROLLBACK",
	[SQL_MAX_REV] = "SELECT coalesce(max(rev), 1) FROM log",
	[SQL_META_GET] = "SELECT value FROM meta WHERE name = ?1",
	[SQL_META_SET] = "INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)",
	/* value last: it is only read (and its overflow pages only loaded) when asked for. */
	[SQL_ROW_AT] = "SELECT type, create_rev, prev_rev, value FROM log WHERE rev = ?1",
	[SQL_SCAN] = "SELECT rev, key, type, create_rev FROM log ORDER BY rev",
	[SQL_REPLAY] = "SELECT rev, key, type, create_rev, value FROM log"
		       " WHERE rev > ?1 AND rev <= ?2 ORDER BY rev",
	[SQL_LOG_INSERT] = "INSERT INTO log (rev, key, type, create_rev, prev_rev, value)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQL_TOMBSTONES] = "SELECT key, rev FROM log WHERE rev >= ?1 AND rev < ?2 AND type = 2",
	/* A row superseded by a newer row below the compacted revision is never read again. */
	[SQL_COMPACT_PREV] = "DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log"
			     " WHERE rev >= ?1 AND rev < ?2 AND prev_rev > 0)",
	/* Nor is a tombstone below it (its predecessors go with SQL_COMPACT_PREV). */
	[SQL_COMPACT_TOMB] = "DELETE FROM log WHERE rev >= ?1 AND rev < ?2 AND type = 2",
};
