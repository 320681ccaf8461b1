/*
 * test_etcd_cluster.c - the etcd backend on a 3-member cluster while the
 * leader is killed (kill -9) and restarted. Writer threads keep creating and
 * updating their own keys, retrying like the API server's clients would (a
 * write that failed with UNAVAILABLE or TIMEOUT is re-read to learn whether
 * it was applied). At the end every acknowledged write is in etcd with its
 * value at its revision, the latest value of each key is the last one
 * acknowledged, and a watch that ran throughout saw every acknowledged write
 * in revision order, once.
 */
#include "test/storage/etcd/etcd_test.h"

#include <stdatomic.h>

#include "base/timeutil.h"
#include "test/ktest.h"

#define WRITERS 8
#define KEYS_PER_WRITER 1000 /* more than a run writes: each key is written by one thread */
#define UPDATES_PER_KEY 3
#define PHASE_WRITES 300 /* acknowledged writes wanted before/while/after the kill */
#define PHASE_TIMEOUT_MS 30000
#define RESOLVE_TIMEOUT_MS 30000

/* One acknowledged write. */
struct ack {
	int key;   /* index of the key within its writer */
	int value; /* the version number written */
	int64_t rev;
};

struct writer {
	struct storage *s;
	const char *prefix;
	int id;
	atomic_bool *stop;
	atomic_long *acked;
	struct ack *acks;
	size_t n_acks, alloc_acks;
	int retries;
	int errors; /* unexpected results */
	int keys;   /* keys created */
};

static void name_of(const struct writer *w, int key, int value, struct strbuf *k, struct strbuf *v)
{
	strbuf_reset(k);
	strbuf_addf(k, "%sw%d-k%04d", w->prefix, w->id, key);
	if (v) {
		strbuf_reset(v);
		strbuf_addf(v, "w%d-k%04d-v%d", w->id, key, value);
	}
}

static bool transient(int r)
{
	return r == STORAGE_EUNAVAILABLE || r == STORAGE_ETIMEOUT;
}

/*
 * A write failed in a way that leaves its fate open: re-read the key until
 * etcd answers. Returns 1 (applied: *rev set), 0 (not applied), -1 (no answer in time).
 */
static int resolve(struct writer *w, const char *k, const char *v, int64_t *rev)
{
	int64_t end = time_mono_ns() + RESOLVE_TIMEOUT_MS * K8C_NSEC_PER_MSEC;

	while (time_mono_ns() < end) {
		struct storage_kv kv = { 0 };
		int r = storage_get(w->s, k, 0, &kv);

		if (r == STORAGE_ENOTFOUND)
			return 0;
		if (r == 0) {
			bool applied = strcmp(kv.value, v) == 0;

			*rev = kv.mod_rev;
			storage_kv_release(&kv);
			return applied;
		}
		time_sleep_ms(20);
	}
	return -1;
}

/* Writes value number `value` of key (create when value == 0); retries until acknowledged. */
static bool write_one(struct writer *w, int key, int value, int64_t prev_rev, int64_t *ret_rev)
{
	struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;
	bool ok = false;

	name_of(w, key, value, &k, &v);
	while (!ok) {
		int r = value == 0 ? storage_create(w->s, k.buf, v.buf, v.len, ret_rev)
				   : storage_update(w->s, k.buf, v.buf, v.len, prev_rev, ret_rev,
						    NULL);

		if (r == 0) {
			ok = true;
		} else if (transient(r)) {
			int applied = resolve(w, k.buf, v.buf, ret_rev);

			w->retries++;
			if (applied < 0)
				break;
			ok = applied == 1;
		} else {
			w->errors++;
			fprintf(stderr, "writer %d: '%s': %s\n", w->id, k.buf, storage_strerror(r));
			break;
		}
	}
	strbuf_release(&k);
	strbuf_release(&v);
	return ok;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	for (int key = 0; key < KEYS_PER_WRITER && !atomic_load(w->stop); key++) {
		int64_t rev = 0;

		for (int value = 0; value <= UPDATES_PER_KEY; value++) {
			if (!write_one(w, key, value, rev, &rev))
				return NULL;
			ALLOC_GROW(w->acks, w->n_acks + 1, w->alloc_acks);
			w->acks[w->n_acks++] = (struct ack){ key, value, rev };
			atomic_fetch_add(w->acked, 1);
		}
		w->keys++;
	}
	return NULL;
}

/* Waits until the writers have acknowledged n more writes than at the start. */
static bool wait_progress(atomic_long *acked, long n)
{
	long target = atomic_load(acked) + n;
	int64_t end = time_mono_ns() + PHASE_TIMEOUT_MS * K8C_NSEC_PER_MSEC;

	while (atomic_load(acked) < target && time_mono_ns() < end)
		time_sleep_ms(10);
	return atomic_load(acked) >= target;
}

/* Every acknowledged write of w is in etcd: its value at its revision, the last one now. */
static void verify_writer(struct storage *s, struct writer *w)
{
	struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;

	for (size_t i = 0; i < w->n_acks; i++) {
		const struct ack *a = &w->acks[i];
		bool last = i + 1 == w->n_acks || w->acks[i + 1].key != a->key;
		struct storage_kv kv = { 0 };

		name_of(w, a->key, a->value, &k, &v);
		CHECK(storage_get(s, k.buf, a->rev, &kv) == 0 && strcmp(kv.value, v.buf) == 0 &&
		      kv.mod_rev == a->rev);
		storage_kv_release(&kv);
		if (last) {
			CHECK(storage_get(s, k.buf, 0, &kv) == 0 && strcmp(kv.value, v.buf) == 0);
			storage_kv_release(&kv);
		}
	}
	strbuf_release(&k);
	strbuf_release(&v);
}

/* The watch saw every acknowledged write, at its revision, with its value. */
static void verify_watch(struct etcd_test_rec *rec, struct writer *ws, size_t n)
{
	struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;
	size_t found = 0, total = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ws[i].n_acks; j++) {
			const struct ack *a = &ws[i].acks[j];
			size_t lo = 0, hi = rec->n;

			total++;
			while (lo < hi) { /* rec is sorted by revision */
				size_t mid = lo + (hi - lo) / 2;

				if (rec->events[mid].mod_rev < a->rev)
					lo = mid + 1;
				else
					hi = mid;
			}
			name_of(&ws[i], a->key, a->value, &k, &v);
			found += lo < rec->n && rec->events[lo].mod_rev == a->rev &&
				 strcmp(rec->events[lo].key, k.buf) == 0 &&
				 strcmp(rec->events[lo].value, v.buf) == 0;
		}
	}
	CHECK_INT(found, total);
	strbuf_release(&k);
	strbuf_release(&v);
}

static void kill_leader_and_restart(const char *dir, atomic_long *acked)
{
	struct strbuf leader = STRBUF_INIT;

	REQUIRE(wait_progress(acked, PHASE_WRITES));
	REQUIRE(etcd_test_ctl(&leader, "leader %s", dir) == 0 && leader.len);
	fprintf(stderr, "killing leader %s after %ld writes\n", leader.buf, atomic_load(acked));
	REQUIRE(etcd_test_ctl(NULL, "kill %s %s", dir, leader.buf) == 0);
	CHECK(wait_progress(acked, PHASE_WRITES)); /* writes go on without it */
	REQUIRE(etcd_test_ctl(NULL, "restart %s %s", dir, leader.buf) == 0);
	fprintf(stderr, "restarted %s after %ld writes\n", leader.buf, atomic_load(acked));
	CHECK(wait_progress(acked, PHASE_WRITES));
	strbuf_release(&leader);
}

/* The test proper, on a store s of the 3-member cluster in dir. */
static void kill_leader(const char *dir, struct storage *s, struct etcd_test_rec *rec,
			struct storage_watch **watch)
{
	_cleanup_free_ char *p = etcd_test_prefix("cluster");
	struct writer ws[WRITERS];
	pthread_t th[WRITERS];
	atomic_bool stop = false;
	atomic_long acked = 0;
	int64_t start;
	size_t total = 0;

	REQUIRE(storage_current_rev(s, &start) == 0);
	REQUIRE(storage_watch(s, p, start, etcd_test_rec_fn, rec, watch) == 0);
	memset(ws, 0, sizeof(ws));
	for (int i = 0; i < WRITERS; i++) {
		ws[i] = (struct writer){
			.s = s, .prefix = p, .id = i, .stop = &stop, .acked = &acked
		};
		if (pthread_create(&th[i], NULL, writer_main, &ws[i]) != 0)
			abort();
	}
	kill_leader_and_restart(dir, &acked);
	atomic_store(&stop, true);
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(ws[i].errors, 0);
		total += ws[i].n_acks;
		fprintf(stderr, "writer %d: %zu writes, %d retried\n", i, ws[i].n_acks,
			ws[i].retries);
	}
	CHECK(etcd_test_rec_wait(rec, total, 10000));
	for (int i = 0; i < WRITERS; i++)
		verify_writer(s, &ws[i]);
	verify_watch(rec, ws, WRITERS);
	CHECK(!rec->failed && rec->err == 0 && rec->n == total);
	for (int i = 0; i < WRITERS; i++)
		free(ws[i].acks);
}

TEST(kill_leader)
{
	etcd_test_run_on_cluster(3, kill_leader);
}
