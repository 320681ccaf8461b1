/*
 * conformance_watch.c - the storage conformance suite, part 2: watches.
 * Every case records the acknowledged writes (struct tlog) and what the
 * watch delivered (struct trec) and checks they are the same sequence: no
 * gap, no duplicate, revision order, right types, values and create_revs.
 */
#include <stdatomic.h>

#include "base/strbuf.h"
#include "base/timeutil.h"
#include "test/ktest.h"
#include "test/storage/tstore.h"

/* A scripted mix of writes over a few keys under prefix+dir: creates, updates, deletes. */
static void mixed_writes(struct tstore *t, struct tlog *log, const char *dir, int n, int seed)
{
	int64_t mod[6] = { 0 };
	for (int i = 0; i < n; i++) {
		int k = (i * 5 + seed) % 6;
		const char *key = tkey(t, "%s%d-%d", dir, seed, k);
		const char *value = tkey(t, "value-%d-%d", seed, i);
		int64_t rev = 0;
		int r;
		if (!mod[k])
			r = tcreate(t, log, key, value, &rev);
		else if (i % 4 == 3)
			r = tdelete(t, log, key, mod[k], &rev);
		else
			r = tupdate(t, log, key, value, mod[k], &rev);
		CHECK_INT(r, 0);
		mod[k] = !mod[k] || i % 4 != 3 ? rev : 0;
	}
}

TEST(watch_replay_then_live)
{
	_cleanup_(tlog_release) struct tlog log = TLOG_INIT;
	_cleanup_(trec_release) struct trec all = TREC_INIT;
	_cleanup_(trec_release) struct trec mid = TREC_INIT;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	int64_t base = tstore_rev(&t);
	mixed_writes(&t, &log, "w/", 20, 1);
	const char *prefix = tkey(&t, "w/");
	struct storage_watch *w1 = NULL, *w2 = NULL;
	REQUIRE(storage_watch(t.s, prefix, base, trec_cb, &all, &w1) == 0);
	REQUIRE(storage_watch(t.s, prefix, base + 10, trec_cb, &mid, &w2) == 0);
	CHECK(trec_wait(&all, 20));
	CHECK(trec_wait(&mid, 10));
	mixed_writes(&t, &log, "w/", 20, 2);
	CHECK(trec_wait(&all, 40));
	CHECK(trec_wait(&mid, 30));
	storage_watch_stop(t.s, w1);
	storage_watch_stop(t.s, w2);
	CHECK_WATCH(&log, &all, prefix, base);
	CHECK_WATCH(&log, &mid, prefix, base + 10);
}

TEST(watch_prefix_filter)
{
	_cleanup_(tlog_release) struct tlog log = TLOG_INIT;
	_cleanup_(trec_release) struct trec rec = TREC_INIT;
	_cleanup_(trec_release) struct trec narrow = TREC_INIT;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	int64_t base = tstore_rev(&t);
	struct storage_watch *w1 = NULL, *w2 = NULL;
	REQUIRE(tcreate(&t, &log, tkey(&t, "p/a"), "1", NULL) == 0);
	REQUIRE(tcreate(&t, &log, tkey(&t, "pa"), "2", NULL) == 0);
	REQUIRE(tcreate(&t, &log, tkey(&t, "q/a"), "3", NULL) == 0);
	REQUIRE(storage_watch(t.s, tkey(&t, "p/"), base, trec_cb, &rec, &w1) == 0);
	REQUIRE(storage_watch(t.s, tkey(&t, "p/b"), base, trec_cb, &narrow, &w2) == 0);
	REQUIRE(tcreate(&t, &log, tkey(&t, "p/b"), "4", NULL) == 0);
	REQUIRE(tcreate(&t, &log, tkey(&t, "p"), "5", NULL) == 0);
	REQUIRE(tcreate(&t, &log, tkey(&t, "p/bb"), "6", NULL) == 0);
	REQUIRE(tcreate(&t, &log, tkey(&t, "p/"), "7", NULL) == 0);
	CHECK(trec_wait(&rec, 4));
	CHECK(trec_wait(&narrow, 2));
	storage_watch_stop(t.s, w1);
	storage_watch_stop(t.s, w2);
	CHECK_WATCH(&log, &rec, tkey(&t, "p/"), base);
	CHECK_WATCH(&log, &narrow, tkey(&t, "p/b"), base);
}

/* Checks that ev is the DELETE of key with the value and revisions given. */
static void check_delete_event(struct trec *r, size_t i, const char *key, const char *value,
			       int64_t create_rev, int64_t rev)
{
	REQUIRE(trec_wait(r, i + 1));
	struct trec_event *ev = &r->ev[i];
	CHECK_INT(ev->type, STORAGE_EVENT_DELETE);
	CHECK_STR(ev->key, key);
	CHECK_STR(ev->value, value);
	CHECK_INT(ev->value_len, strlen(value));
	CHECK_INT(ev->create_rev, create_rev);
	CHECK_INT(ev->mod_rev, rev);
}

TEST(watch_delete_carries_last_value)
{
	_cleanup_(trec_release) struct trec live = TREC_INIT;
	_cleanup_(trec_release) struct trec replayed = TREC_INIT;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *k = tkey(&t, "d/k");
	int64_t c = 0, u = 0, d = 0;
	struct storage_watch *w1 = NULL, *w2 = NULL;
	REQUIRE(storage_watch(t.s, k, tstore_rev(&t), trec_cb, &live, &w1) == 0);
	REQUIRE(tcreate(&t, NULL, k, "first", &c) == 0);
	REQUIRE(tupdate(&t, NULL, k, "last", c, &u) == 0);
	REQUIRE(tdelete(&t, NULL, k, 0, &d) == 0);
	check_delete_event(&live, 2, k, "last", c, d);
	REQUIRE(storage_watch(t.s, k, u, trec_cb, &replayed, &w2) == 0);
	check_delete_event(&replayed, 0, k, "last", c, d);
	storage_watch_stop(t.s, w1);
	storage_watch_stop(t.s, w2);
	CHECK_INT(live.n, 3);
	CHECK_INT(replayed.n, 1);
}

TEST(watch_resume_after_stop)
{
	_cleanup_(tlog_release) struct tlog log = TLOG_INIT;
	_cleanup_(trec_release) struct trec first = TREC_INIT;
	_cleanup_(trec_release) struct trec second = TREC_INIT;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *prefix = tkey(&t, "r/");
	struct storage_watch *w1 = NULL, *w2 = NULL;
	REQUIRE(storage_watch(t.s, prefix, tstore_rev(&t), trec_cb, &first, &w1) == 0);
	mixed_writes(&t, &log, "r/", 12, 3);
	REQUIRE(trec_wait(&first, 12));
	storage_watch_stop(t.s, w1);
	int64_t last = first.ev[11].mod_rev;
	/* Writes while no watch runs, then resume from the last revision seen. */
	mixed_writes(&t, &log, "r/", 10, 4);
	REQUIRE(storage_watch(t.s, prefix, last, trec_cb, &second, &w2) == 0);
	mixed_writes(&t, &log, "r/", 5, 5);
	CHECK(trec_wait(&second, 15));
	storage_watch_stop(t.s, w2);
	CHECK_INT(trec_count(&first), 12); /* nothing after stop returned */
	CHECK_WATCH(&log, &second, prefix, last);
}

TEST(watch_stop_while_callback_runs)
{
	_cleanup_(trec_release) struct trec slow = TREC_INIT;
	_cleanup_(trec_release) struct trec after = TREC_INIT;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *prefix = tkey(&t, "s/");
	struct storage_watch *w = NULL, *w2 = NULL;
	slow.delay_ms = 200;
	REQUIRE(storage_watch(t.s, prefix, tstore_rev(&t), trec_cb, &slow, &w) == 0);
	REQUIRE(tcreate(&t, NULL, tkey(&t, "s/a"), "1", NULL) == 0);
	REQUIRE(trec_wait_entered(&slow));
	/* From another thread while the callback sleeps: waits for it, then no more calls. */
	storage_watch_stop(t.s, w);
	pthread_mutex_lock(&slow.lock);
	int calls = slow.calls, running = slow.in_cb;
	pthread_mutex_unlock(&slow.lock);
	CHECK_INT(running, 0);
	int64_t from = tstore_rev(&t);
	REQUIRE(tcreate(&t, NULL, tkey(&t, "s/b"), "2", NULL) == 0);
	REQUIRE(storage_watch(t.s, prefix, from, trec_cb, &after, &w2) == 0);
	CHECK(trec_wait(&after, 1));
	storage_watch_stop(t.s, w2);
	CHECK_INT(slow.calls, calls);
	CHECK(!slow.misuse);
}

/* A writer thread for the switch-over race: a steady stream of mixed writes. */
struct race_writer {
	struct tstore *t;
	struct tlog *log;
	int n;
	atomic_int done; /* writes completed */
};

static void *race_write(void *arg)
{
	struct race_writer *rw = arg;
	int64_t mod[8] = { 0 };
	struct strbuf key = STRBUF_INIT, value = STRBUF_INIT;
	for (int i = 0; i < rw->n; i++) {
		int k = i % 8;
		strbuf_reset(&key);
		strbuf_addf(&key, "%sx/%d", rw->t->prefix, k);
		strbuf_reset(&value);
		strbuf_addf(&value, "v%d", i);
		int64_t rev = 0;
		int r = !mod[k]	     ? tcreate(rw->t, rw->log, key.buf, value.buf, &rev)
			: i % 9 == 4 ? tdelete(rw->t, rw->log, key.buf, mod[k], &rev)
				     : tupdate(rw->t, rw->log, key.buf, value.buf, mod[k], &rev);
		if (r != 0)
			ktest_fail(__FILE__, __LINE__, "race write %d: %s", i, storage_strerror(r));
		mod[k] = !mod[k] || i % 9 != 4 ? rev : 0;
		atomic_store(&rw->done, i + 1);
	}
	strbuf_release(&key);
	strbuf_release(&value);
	return NULL;
}

/* Waits until the writer has done at least n writes. */
static bool wait_writes(struct race_writer *rw, int n)
{
	int64_t deadline = tdeadline(TSTORE_WAIT_MS);
	while (atomic_load(&rw->done) < n && !tpassed(deadline))
		time_sleep_ms(1);
	return atomic_load(&rw->done) >= n;
}

#define RACE_WATCHES 8
#define RACE_WRITES 1200

TEST(watch_switchover_under_writes)
{
	_cleanup_(tlog_release) struct tlog log = TLOG_INIT;
	struct trec rec[RACE_WATCHES];
	for (int i = 0; i < RACE_WATCHES; i++)
		trec_init(&rec[i]);
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *prefix = tkey(&t, "x/");
	int64_t base = tstore_rev(&t), after[RACE_WATCHES];
	struct storage_watch *w[RACE_WATCHES] = { 0 };
	struct race_writer rw = { .t = &t, .log = &log, .n = RACE_WRITES };
	pthread_t th;
	REQUIRE(pthread_create(&th, NULL, race_write, &rw) == 0);
	/* Start watches while commits keep landing: half replay from the start, half from now. */
	for (int i = 0; i < RACE_WATCHES; i++) {
		CHECK(wait_writes(&rw, (i + 1) * RACE_WRITES / (RACE_WATCHES + 2)));
		after[i] = i % 2 ? tstore_rev(&t) : base;
		CHECK_INT(storage_watch(t.s, prefix, after[i], trec_cb, &rec[i], &w[i]), 0);
	}
	pthread_join(th, NULL);
	int64_t end = tstore_rev(&t);
	CHECK_INT(end, base + RACE_WRITES);
	for (int i = 0; i < RACE_WATCHES; i++) {
		CHECK(trec_wait(&rec[i], (size_t)(end - after[i])));
		storage_watch_stop(t.s, w[i]);
		CHECK_WATCH(&log, &rec[i], prefix, after[i]);
	}
	tstore_close(&t);
	for (int i = 0; i < RACE_WATCHES; i++)
		trec_release(&rec[i]);
}
