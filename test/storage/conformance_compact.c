/*
 * conformance_compact.c - the storage conformance suite, part 3: compaction.
 * After compact(rev), reads and watches that need history below rev fail
 * with STORAGE_ECOMPACTED, everything at or after rev still reads as before,
 * and the current value of every key survives.
 */
#include "test/ktest.h"
#include "test/storage/tstore.h"

TEST(compact_history)
{
	_cleanup_(tlog_release) struct tlog log = TLOG_INIT;
	_cleanup_(trec_release) struct trec rec = TREC_INIT;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *a = tkey(&t, "c/a"), *b = tkey(&t, "c/b"), *c = tkey(&t, "c/c");
	int64_t r1, r2, r3, r4, r5, r6;
	REQUIRE(tcreate(&t, &log, a, "a1", &r1) == 0);
	REQUIRE(tupdate(&t, &log, a, "a2", r1, &r2) == 0);
	REQUIRE(tupdate(&t, &log, a, "a3", r2, &r3) == 0);
	REQUIRE(tcreate(&t, &log, b, "b1", &r4) == 0);
	REQUIRE(tdelete(&t, &log, b, 0, &r5) == 0);
	REQUIRE(tcreate(&t, &log, c, "c1", &r6) == 0);
	CHECK_INT(storage_compact(t.s, r3), 0);
	int64_t compacted = 0;
	CHECK_INT(storage_compacted_rev(t.s, &compacted), 0);
	CHECK(compacted >= r3);
	if (tstore_is_sqlite())
		CHECK_INT(compacted, r3);

	struct storage_kv kv = { 0 };
	CHECK_INT(storage_get(t.s, a, r2, &kv), STORAGE_ECOMPACTED);
	CHECK_INT(storage_get(t.s, a, r3, &kv), 0);
	CHECK_STR(kv.value, "a3");
	storage_kv_release(&kv);
	CHECK_INT(storage_get(t.s, b, r4, &kv), 0);
	CHECK_STR(kv.value, "b1");
	storage_kv_release(&kv);
	CHECK_INT(storage_get(t.s, b, r5, &kv), STORAGE_ENOTFOUND);
	CHECK_INT(storage_get(t.s, a, 0, &kv), 0);
	CHECK_STR(kv.value, "a3");
	CHECK_INT(kv.create_rev, r1);
	CHECK_INT(kv.mod_rev, r3);
	storage_kv_release(&kv);

	struct storage_list l = { 0 };
	struct storage_list_opts o = { .prefix = tkey(&t, "c/"), .rev = r2 };
	CHECK_INT(storage_list(t.s, &o, &l), STORAGE_ECOMPACTED);
	o.rev = r4;
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_INT(l.n, 2);
	storage_list_release(&l);
	o.rev = 0;
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	REQUIRE(l.n == 2);
	CHECK_STR(l.items[0].key, a);
	CHECK_STR(l.items[1].key, c);
	storage_list_release(&l);

	/* A watch may start at compacted - 1 (it needs events >= compacted), not before. */
	struct storage_watch *w = NULL;
	CHECK_INT(storage_watch(t.s, o.prefix, r3 - 2, trec_cb, &rec, &w), STORAGE_ECOMPACTED);
	CHECK(w == NULL);
	REQUIRE(storage_watch(t.s, o.prefix, r3 - 1, trec_cb, &rec, &w) == 0);
	CHECK(trec_wait(&rec, 4));
	storage_watch_stop(t.s, w);
	CHECK_WATCH(&log, &rec, o.prefix, r3 - 1);

	/* Compacting at or below the compacted revision again is refused. */
	CHECK_INT(storage_compact(t.s, r2), STORAGE_ECOMPACTED);
}

TEST(compact_keeps_current_state)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	int64_t mod[20] = { 0 }, create[20] = { 0 };
	for (int round = 0; round < 6; round++) {
		for (int k = 0; k < 20; k++) {
			const char *key = tkey(&t, "m/%02d", k);
			const char *value = tkey(&t, "%d-%d", k, round);
			if (!mod[k]) {
				REQUIRE(tcreate(&t, NULL, key, value, &mod[k]) == 0);
				create[k] = mod[k];
			} else if (k % 5 == 0 && round == 3) {
				REQUIRE(tdelete(&t, NULL, key, mod[k], NULL) == 0);
				mod[k] = 0;
			} else {
				REQUIRE(tupdate(&t, NULL, key, value, mod[k], &mod[k]) == 0);
			}
		}
		/* Compact to the newest revision, twice across the rounds. */
		if (round == 2 || round == 5)
			CHECK_INT(storage_compact(t.s, tstore_rev(&t)), 0);
	}
	struct storage_list l = { 0 };
	struct storage_list_opts o = { .prefix = tkey(&t, "m/") };
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	size_t i = 0;
	for (int k = 0; k < 20; k++) {
		if (!mod[k])
			continue;
		REQUIRE(i < l.n);
		CHECK_STR(l.items[i].key, tkey(&t, "m/%02d", k));
		CHECK_STR(l.items[i].value, tkey(&t, "%d-5", k));
		CHECK_INT(l.items[i].mod_rev, mod[k]);
		CHECK_INT(l.items[i].create_rev, create[k]);
		i++;
	}
	CHECK_INT(l.n, i);
	storage_list_release(&l);
	int64_t n = 0;
	CHECK_INT(storage_count(t.s, o.prefix, &n), 0);
	CHECK_INT(n, i);
}
