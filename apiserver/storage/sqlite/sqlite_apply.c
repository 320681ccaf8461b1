/*
 * sqlite_apply.c - what the writer thread does inside its open transaction:
 * apply one queued write (check it against the key index and this batch's
 * earlier writes, then append its log row), apply a compact request, or
 * physically drop one chunk of compacted history.
 *
 * Each write is checked on its own; a write that fails its check (exists,
 * not found, conflict) writes nothing and takes no revision, so it cannot
 * affect the others in its batch. Only an SQLite error aborts the batch.
 *
 * Physical compaction. Once revision C is compacted, no read needs a row
 * below C that has a newer row of the same key at or below C, nor a
 * tombstone below C. Scanning the rows in [cursor, C) and deleting their
 * predecessors (prev_rev) and the tombstones among them removes exactly
 * those, given that the previous pass covered everything below cursor. The
 * latest row of every live key and every row >= C survive.
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

int sqlite__meta_get(struct sqlite_conn *c, const char *name, int64_t *ret_value)
{
	int64_t v = 0;
	int r = sqlite__query_int64(c, SQL_META_GET, name, &v);
	if (r < 0 && r != STORAGE_ENOTFOUND)
		return r;
	*ret_value = v;
	return 0;
}

int sqlite__meta_set(struct sqlite_conn *c, const char *name, int64_t value)
{
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = sqlite__conn_stmt(c, SQL_META_SET, &st);
	if (r < 0)
		return r;
	int rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, value);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	return rc == SQLITE_DONE ? 0 : sqlite__err(rc);
}

/* Fills op->kv with the key's current kv (its value read from the log row at e->mod_rev). */
static int fill_kv(struct sqlite_conn *c, struct sqlite_op *op, const struct sqlite_index_entry *e)
{
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = sqlite__conn_stmt(c, SQL_ROW_AT, &st);
	if (r < 0)
		return r;
	int rc = sqlite3_bind_int64(st, 1, e->mod_rev);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORAGE_EINTERNAL : sqlite__err(rc);
	storage_kv_release(&op->kv);
	op->kv.key = xstrdup(op->key);
	op->kv.create_rev = e->create_rev;
	op->kv.mod_rev = e->mod_rev;
	sqlite__column_value(st, 3, &op->kv);
	return 0;
}

/* Appends the log row of a write at s->next_rev and records the key's new state. */
static int append(struct sqlite_store *s, struct sqlite_op *op, enum sqlite_row_type type,
		  int64_t create_rev, int64_t prev_rev, const void *value, size_t len)
{
	int64_t rev = s->next_rev;
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = sqlite__conn_stmt(s->wconn, SQL_LOG_INSERT, &st);
	if (r < 0)
		return r;
	int rc = sqlite3_bind_int64(st, 1, rev);
	rc = rc ? rc : sqlite3_bind_text(st, 2, op->key, -1, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_bind_int(st, 3, type);
	rc = rc ? rc : sqlite3_bind_int64(st, 4, create_rev);
	rc = rc ? rc : sqlite3_bind_int64(st, 5, prev_rev);
	/* A NULL pointer would bind NULL; "" binds an empty BLOB. */
	rc = rc ? rc : sqlite3_bind_blob64(st, 6, len ? value : "", len, SQLITE_STATIC);
	rc = rc ? rc : sqlite3_step(st);
	if (rc != SQLITE_DONE)
		return sqlite__err(rc);
	struct sqlite_index_entry *e = xmalloc(sizeof(*e));
	*e = (struct sqlite_index_entry){ .create_rev = create_rev,
					  .mod_rev = rev,
					  .deleted = type == SQLITE_ROW_DELETE };
	free(hashmap_put(&s->pending, op->key, e));
	op->err = 0;
	op->rev = rev;
	op->create_rev = create_rev;
	s->next_rev++;
	return 0;
}

/*
 * For update and delete: 1 if the key exists with the expected mod_rev (delete:
 * expected 0 matches any), else 0 with op->err set (and op->kv, on a conflict
 * when wanted), or STORAGE_E*.
 */
static int check_expected(struct sqlite_conn *c, struct sqlite_op *op, bool live,
			  const struct sqlite_index_entry *e)
{
	if (!live) {
		op->err = STORAGE_ENOTFOUND;
		return 0;
	}
	bool any = op->kind == SQLITE_OP_DELETE && op->expected == 0;
	if (any || e->mod_rev == op->expected)
		return 1;
	op->err = STORAGE_ECONFLICT;
	return op->want_kv ? fill_kv(c, op, e) : 0;
}

static int apply_write(struct sqlite_store *s, struct sqlite_op *op)
{
	struct sqlite_index_entry e = { 0 };
	bool known = sqlite__writer_lookup(s, op->key, &e);
	bool live = known && !e.deleted;
	if (op->kind == SQLITE_OP_CREATE) {
		if (live) {
			op->err = STORAGE_EEXISTS;
			return 0;
		}
		/* A re-created key links to its tombstone, so reads can walk past it. */
		return append(s, op, SQLITE_ROW_CREATE, s->next_rev, known ? e.mod_rev : 0,
			      op->value, op->len);
	}
	int r = check_expected(s->wconn, op, live, &e);
	if (r <= 0)
		return r;
	if (op->kind == SQLITE_OP_UPDATE)
		return append(s, op, SQLITE_ROW_UPDATE, e.create_rev, e.mod_rev, op->value,
			      op->len);
	/* The tombstone keeps the last value: DELETE events and ret_prev need it. */
	r = fill_kv(s->wconn, op, &e);
	if (r < 0)
		return r;
	return append(s, op, SQLITE_ROW_DELETE, e.create_rev, e.mod_rev, op->kv.value,
		      op->kv.value_len);
}

static int apply_compact(struct sqlite_store *s, struct sqlite_op *op)
{
	int64_t compacted = 0;
	int r = sqlite__meta_get(s->wconn, "compacted", &compacted);
	if (r < 0)
		return r;
	if (op->expected > s->next_rev - 1) {
		op->err = STORAGE_EINVAL;
		return 0;
	}
	if (op->expected <= compacted) {
		op->err = STORAGE_ECOMPACTED;
		return 0;
	}
	r = sqlite__meta_set(s->wconn, "compacted", op->expected);
	if (r < 0)
		return r;
	op->err = 0;
	op->rev = op->expected;
	return 0;
}

int sqlite__apply(struct sqlite_store *s, struct sqlite_op *op)
{
	if (op->kind == SQLITE_OP_COMPACT)
		return apply_compact(s, op);
	return apply_write(s, op);
}

/* Binds [lo, hi) to ?1 and ?2 of statement id. */
static int range_stmt(struct sqlite_conn *c, enum sqlite_sql id, int64_t lo, int64_t hi,
		      sqlite3_stmt **ret_st)
{
	int r = sqlite__conn_stmt(c, id, ret_st);
	if (r < 0)
		return r;
	int rc = sqlite3_bind_int64(*ret_st, 1, lo);
	rc = rc ? rc : sqlite3_bind_int64(*ret_st, 2, hi);
	return sqlite__err(rc);
}

/* Runs a compaction DELETE over the revisions [lo, hi). */
static int compact_range(struct sqlite_conn *c, enum sqlite_sql id, int64_t lo, int64_t hi)
{
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = range_stmt(c, id, lo, hi, &st);
	if (r < 0)
		return r;
	int rc = sqlite3_step(st);
	return rc == SQLITE_DONE ? 0 : sqlite__err(rc);
}

/* Adds the tombstones in [lo, hi) to s->dropped. */
static int collect_tombstones(struct sqlite_store *s, int64_t lo, int64_t hi)
{
	_cleanup_(sqlite__stmt_resetp) sqlite3_stmt *st = NULL;
	int r = range_stmt(s->wconn, SQL_TOMBSTONES, lo, hi, &st);
	int rc = SQLITE_DONE;
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		ALLOC_GROW(s->dropped, s->n_dropped + 1, s->alloc_dropped);
		struct sqlite_index_item *it = &s->dropped[s->n_dropped++];
		it->key = xstrdup(key ? key : "");
		it->e = (struct sqlite_index_entry){ .mod_rev = sqlite3_column_int64(st, 1),
						     .deleted = true };
	}
	return r < 0 ? r : rc == SQLITE_DONE ? 0 : sqlite__err(rc);
}

int sqlite__compact_chunk(struct sqlite_store *s, int64_t max_revs)
{
	int64_t lo = s->compact_cursor;
	int64_t hi = s->compact_target - lo > max_revs ? lo + max_revs : s->compact_target;
	if (hi <= lo)
		return 0;
	int r = collect_tombstones(s, lo, hi);
	/* Predecessors first: the tombstones in the range name some of them. */
	if (r == 0)
		r = compact_range(s->wconn, SQL_COMPACT_PREV, lo, hi);
	if (r == 0)
		r = compact_range(s->wconn, SQL_COMPACT_TOMB, lo, hi);
	if (r == 0)
		r = sqlite__meta_set(s->wconn, "compact_cursor", hi);
	if (r == 0)
		s->compact_cursor = hi;
	return r;
}
