/*
 * conformance_sqlite.c - the storage conformance suite, part 5: promises
 * that only the embedded SQLite backend makes (its store is a private file
 * of one process): state across close and reopen, the single-process lock,
 * whole-store lists, refusing future revisions, stopping a watch from its own
 * callback, and (white-box, reading the file) that compaction really drops
 * history. Each case returns at once on other backends.
 */
#include <sqlite3.h>
#include <stdatomic.h>

#include "base/timeutil.h"
#include "test/ktest.h"
#include "test/storage/tstore.h"

TEST(sqlite_reopen_keeps_state)
{
	if (!tstore_is_sqlite())
		return;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	CHECK_INT(tstore_rev(&t), 1); /* an empty store is at revision 1 */
	REQUIRE(tstore_reopen(&t) == 0);
	CHECK_INT(tstore_rev(&t), 1);
	const char *a = tkey(&t, "a"), *b = tkey(&t, "b");
	int64_t ra = 0, rb = 0, ra2 = 0, rd = 0;
	REQUIRE(tcreate(&t, NULL, a, "a1", &ra) == 0);
	CHECK_INT(ra, 2); /* the first write gets revision 2 */
	REQUIRE(tcreate(&t, NULL, b, "b1", &rb) == 0);
	REQUIRE(tupdate(&t, NULL, a, "a2", ra, &ra2) == 0);
	REQUIRE(tdelete(&t, NULL, b, 0, &rd) == 0);
	REQUIRE(storage_compact(t.s, ra2) == 0);
	REQUIRE(tstore_reopen(&t) == 0);
	int64_t compacted = 0;
	CHECK_INT(tstore_rev(&t), rd);
	CHECK_INT(storage_compacted_rev(t.s, &compacted), 0);
	CHECK_INT(compacted, ra2);
	struct storage_kv kv = { 0 };
	CHECK_INT(storage_get(t.s, a, ra, &kv), STORAGE_ECOMPACTED);
	CHECK_INT(storage_get(t.s, b, 0, &kv), STORAGE_ENOTFOUND);
	REQUIRE(storage_get(t.s, a, 0, &kv) == 0);
	CHECK_STR(kv.value, "a2");
	CHECK_INT(kv.create_rev, ra);
	CHECK_INT(kv.mod_rev, ra2);
	storage_kv_release(&kv);
	int64_t next = 0;
	CHECK_INT(tcreate(&t, NULL, b, "b2", &next), 0);
	CHECK_INT(next, rd + 1);
}

TEST(sqlite_second_open_fails)
{
	if (!tstore_is_sqlite())
		return;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	struct storage *s2 = NULL;
	CHECK_INT(storage_sqlite_open(t.path, &s2), STORAGE_EUNAVAILABLE);
	CHECK(s2 == NULL);
	storage_close(t.s);
	t.s = NULL;
	REQUIRE(storage_sqlite_open(t.path, &s2) == 0);
	t.s = s2;
	CHECK_INT(storage_sqlite_open("", &s2), STORAGE_EINVAL);
	CHECK_INT(storage_sqlite_open("/nonexistent-dir/x.db", &s2), STORAGE_EUNAVAILABLE);
	CHECK(s2 == t.s);
}

TEST(sqlite_list_whole_store)
{
	if (!tstore_is_sqlite())
		return;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	static const char *const keys[] = { "/a",
					    "/b\xff",
					    "/b\xff"
					    "c",
					    "/b\xff\xff",
					    "/c",
					    "\xff" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		REQUIRE(tcreate(&t, NULL, keys[i], "v", NULL) == 0);
	struct storage_list l = { 0 };
	struct storage_list_opts o = { .prefix = "" };
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	REQUIRE(l.n == ARRAY_SIZE(keys));
	for (size_t i = 0; i < l.n; i++)
		CHECK_STR(l.items[i].key, keys[i]);
	storage_list_release(&l);
	/* Prefixes ending in 0xff bytes have no simple successor. */
	o.prefix = "/b\xff";
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_INT(l.n, 3);
	storage_list_release(&l);
	o.prefix = "\xff";
	o.rev = tstore_rev(&t);
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_INT(l.n, 1);
	storage_list_release(&l);
	int64_t n = 0;
	CHECK_INT(storage_count(t.s, "", &n), 0);
	CHECK_INT(n, ARRAY_SIZE(keys));
}

TEST(sqlite_future_revisions_refused)
{
	if (!tstore_is_sqlite())
		return;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *a = tkey(&t, "a");
	int64_t rev = 0;
	REQUIRE(tcreate(&t, NULL, a, "v", &rev) == 0);
	struct storage_kv kv = { 0 };
	struct storage_list l = { 0 };
	struct storage_list_opts o = { .prefix = t.prefix, .rev = rev + 1 };
	CHECK_INT(storage_get(t.s, a, rev + 1, &kv), STORAGE_EINVAL);
	CHECK_INT(storage_list(t.s, &o, &l), STORAGE_EINVAL);
	CHECK_INT(storage_compact(t.s, rev + 1), STORAGE_EINVAL);
	CHECK_INT(storage_compact(t.s, 0), STORAGE_EINVAL);
	CHECK_INT(storage_compact(t.s, rev), 0);
	CHECK_INT(storage_compact(t.s, rev), STORAGE_ECOMPACTED);
}

/* A watch that stops itself from its first callback. */
struct self_stopper {
	struct trec rec;
	struct storage *s;
	_Atomic(struct storage_watch *) w;
};

static void stop_self_cb(void *ctx, const struct storage_event *ev, size_t n, int err)
{
	struct self_stopper *ss = ctx;
	trec_cb(&ss->rec, ev, n, err);
	storage_watch_stop(ss->s, atomic_load(&ss->w));
}

TEST(sqlite_watch_stop_from_callback)
{
	if (!tstore_is_sqlite())
		return;
	struct self_stopper ss[2];
	_cleanup_(trec_release) struct trec after = TREC_INIT;
	for (int i = 0; i < 2; i++)
		trec_init(&ss[i].rec);
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	int64_t from = tstore_rev(&t);
	for (int i = 0; i < 2; i++) {
		struct storage_watch *w = NULL;
		ss[i].s = t.s;
		REQUIRE(storage_watch(t.s, t.prefix, from, stop_self_cb, &ss[i], &w) == 0);
		atomic_store(&ss[i].w, w);
	}
	REQUIRE(tcreate(&t, NULL, tkey(&t, "a"), "1", NULL) == 0);
	CHECK(trec_wait(&ss[0].rec, 1));
	CHECK(trec_wait(&ss[1].rec, 1));
	REQUIRE(tcreate(&t, NULL, tkey(&t, "b"), "2", NULL) == 0);
	/* A new watch seeing the second write is the barrier: the stopped ones saw only one. */
	struct storage_watch *w2 = NULL;
	REQUIRE(storage_watch(t.s, t.prefix, from, trec_cb, &after, &w2) == 0);
	CHECK(trec_wait(&after, 2));
	storage_watch_stop(t.s, w2);
	for (int i = 0; i < 2; i++)
		CHECK_INT(ss[i].rec.calls, 1);
	tstore_close(&t); /* joins the self-stopped watch threads */
	for (int i = 0; i < 2; i++)
		trec_release(&ss[i].rec);
}

/* Reads one integer from the database file behind the store's back (WAL allows it). */
static int64_t peek(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

TEST(sqlite_compaction_drops_history)
{
	if (!tstore_is_sqlite())
		return;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	/* 10 keys, 6 writes each, then 5 of them deleted: 65 rows of history. */
	int64_t mod[10] = { 0 };
	for (int round = 0; round < 6; round++)
		for (int k = 0; k < 10; k++) {
			const char *key = tkey(&t, "%d", k);
			int r = round ? tupdate(&t, NULL, key, "v", mod[k], &mod[k])
				      : tcreate(&t, NULL, key, "v", &mod[k]);
			REQUIRE(r == 0);
		}
	for (int k = 0; k < 5; k++)
		REQUIRE(tdelete(&t, NULL, tkey(&t, "%d", k), 0, NULL) == 0);
	int64_t c = 0;
	REQUIRE(tcreate(&t, NULL, tkey(&t, "last"), "v", &c) == 0);
	CHECK_INT(peek(t.path, "SELECT count(*) FROM log"), 66);
	REQUIRE(storage_compact(t.s, c) == 0);
	/* The writer drops history in the background; wait for its cursor to arrive. */
	int64_t deadline = tdeadline(TSTORE_WAIT_MS);
	while (peek(t.path, "SELECT value FROM meta WHERE name = 'compact_cursor'") != c &&
	       !tpassed(deadline))
		time_sleep_ms(2);
	/* Left: the latest rows of the 5 live keys, and the row at the compacted revision. */
	CHECK_INT(peek(t.path, "SELECT count(*) FROM log"), 6);
	int64_t n = 0;
	CHECK_INT(storage_count(t.s, t.prefix, &n), 0);
	CHECK_INT(n, 6);
	struct storage_kv kv = { 0 };
	REQUIRE(storage_get(t.s, tkey(&t, "7"), c, &kv) == 0);
	CHECK_INT(kv.mod_rev, mod[7]);
	storage_kv_release(&kv);
}
