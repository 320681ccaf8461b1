/*
 * conformance_concurrent.c - the storage conformance suite, part 4: many
 * writers at once. Compare-and-swap counters must lose no update, revisions
 * must stay contiguous, and a watch must see every write in order.
 */
#include <stdatomic.h>

#include "base/strbuf.h"
#include "test/ktest.h"
#include "test/storage/tstore.h"

#define CAS_THREADS 16
#define CAS_UPDATES 200
#define CAS_KEYS 4

struct cas_worker {
	struct tstore *t;
	struct tlog *log;
	const char *key;
	int failures;
};

/* One successful increment of the counter in key (retrying on conflicts). 0 or STORAGE_E*. */
static int increment(struct cas_worker *cw, struct storage_kv *cur, struct strbuf *sb)
{
	for (;;) {
		strbuf_reset(sb);
		strbuf_addf(sb, "%lld", atoll(cur->value) + 1);
		int64_t rev = 0;
		struct storage_kv now = { 0 };
		int r = storage_update(cw->t->s, cw->key, sb->buf, sb->len, cur->mod_rev, &rev,
				       &now);
		if (r == STORAGE_ECONFLICT) {
			storage_kv_release(cur);
			*cur = now; /* retry from the value the conflict reported */
			continue;
		}
		if (r < 0)
			return r;
		tlog_add(cw->log, STORAGE_EVENT_UPDATE, cw->key, sb->buf, 0, rev);
		free(cur->value);
		cur->value = strbuf_detach(sb, NULL);
		cur->mod_rev = rev;
		return 0;
	}
}

static void *cas_work(void *arg)
{
	struct cas_worker *cw = arg;
	struct storage_kv cur = { 0 };
	struct strbuf sb = STRBUF_INIT;
	if (storage_get(cw->t->s, cw->key, 0, &cur) < 0) {
		cw->failures++;
		return NULL;
	}
	for (int i = 0; i < CAS_UPDATES; i++)
		if (increment(cw, &cur, &sb) < 0)
			cw->failures++;
	storage_kv_release(&cur);
	strbuf_release(&sb);
	return NULL;
}

TEST(concurrent_cas_counters)
{
	_cleanup_(tlog_release) struct tlog log = TLOG_INIT;
	_cleanup_(trec_release) struct trec rec = TREC_INIT;
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	int64_t base = tstore_rev(&t);
	const char *prefix = tkey(&t, "n/");
	struct storage_watch *w = NULL;
	REQUIRE(storage_watch(t.s, prefix, base, trec_cb, &rec, &w) == 0);
	const char *keys[CAS_KEYS];
	for (int k = 0; k < CAS_KEYS; k++) {
		keys[k] = tkey(&t, "n/%d", k);
		REQUIRE(tcreate(&t, &log, keys[k], "0", NULL) == 0);
	}
	struct cas_worker cw[CAS_THREADS];
	pthread_t th[CAS_THREADS];
	for (int i = 0; i < CAS_THREADS; i++) {
		cw[i] = (struct cas_worker){ .t = &t, .log = &log, .key = keys[i % CAS_KEYS] };
		REQUIRE(pthread_create(&th[i], NULL, cas_work, &cw[i]) == 0);
	}
	for (int i = 0; i < CAS_THREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(cw[i].failures, 0);
	}
	/* No lost update: each counter saw every increment of its threads. */
	for (int k = 0; k < CAS_KEYS; k++) {
		struct storage_kv kv = { 0 };
		REQUIRE(storage_get(t.s, keys[k], 0, &kv) == 0);
		CHECK_INT(atoll(kv.value), CAS_THREADS / CAS_KEYS * CAS_UPDATES);
		storage_kv_release(&kv);
	}
	/* Contiguous revisions: exactly one per successful write, no gaps, no reuse. */
	size_t writes = CAS_KEYS + CAS_THREADS * CAS_UPDATES;
	CHECK_INT(tstore_rev(&t), base + (int64_t)writes);
	tlog_sort(&log);
	REQUIRE(log.n == writes);
	for (size_t i = 0; i < log.n; i++)
		CHECK_INT(log.w[i].rev, base + 1 + (int64_t)i);
	CHECK(trec_wait(&rec, writes));
	storage_watch_stop(t.s, w);
	CHECK_WATCH(&log, &rec, prefix, base);
}
