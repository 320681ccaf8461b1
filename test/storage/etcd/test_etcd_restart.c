/*
 * test_etcd_restart.c - etcd stopped entirely, then started again on the same
 * data and ports: calls fail fast with STORAGE_EUNAVAILABLE or ETIMEOUT
 * (bounded time), an open watch reports nothing and resumes by itself, and
 * it then delivers every write made after the restart, with no gap and no
 * duplicate. And etcd hung (SIGSTOP): calls end at their deadline with
 * STORAGE_ETIMEOUT and work again once it runs.
 */
#include "test/storage/etcd/etcd_test.h"

#include "base/timeutil.h"
#include "test/ktest.h"

#define NKEYS 20

static bool down_error(int r)
{
	return r == STORAGE_EUNAVAILABLE || r == STORAGE_ETIMEOUT;
}

/* Creates prefix<i> = "v<i>"; the revision into revs[i]. */
static void write_keys(struct storage *s, const char *prefix, int from, int to, int64_t *revs)
{
	for (int i = from; i < to; i++) {
		struct strbuf k = STRBUF_INIT, v = STRBUF_INIT;

		strbuf_addf(&k, "%sk%03d", prefix, i);
		strbuf_addf(&v, "v%d", i);
		CHECK(storage_create(s, k.buf, v.buf, v.len, &revs[i]) == 0);
		strbuf_release(&k);
		strbuf_release(&v);
	}
}

/* Polls current_rev until it works again; false after timeout_ms. */
static bool wait_up(struct storage *s, int64_t timeout_ms)
{
	int64_t end = time_mono_ns() + timeout_ms * K8C_NSEC_PER_MSEC, rev;

	while (time_mono_ns() < end) {
		if (storage_current_rev(s, &rev) == 0)
			return true;
		time_sleep_ms(50);
	}
	return false;
}

/* A call made at t0 failed as it should with etcd down; *worst = the slowest so far. */
static void check_down(int r, int64_t t0, int64_t *worst)
{
	int64_t took = time_mono_ns() - t0;

	CHECK(down_error(r));
	if (took > *worst)
		*worst = took;
}

/* With etcd down, every call fails quickly; returns the slowest call in ns. */
static int64_t calls_while_down(struct storage *s, const char *prefix)
{
	struct storage_list_opts o = { .prefix = prefix };
	struct storage_list l;
	struct storage_kv kv;
	int64_t rev, worst = 0, t0;

	for (int i = 0; i < 5; i++) {
		t0 = time_mono_ns();
		check_down(storage_create(s, "/t/down", "x", 1, &rev), t0, &worst);
		t0 = time_mono_ns();
		check_down(storage_get(s, "/t/down", 0, &kv), t0, &worst);
		t0 = time_mono_ns();
		check_down(storage_list(s, &o, &l), t0, &worst);
		t0 = time_mono_ns();
		check_down(storage_current_rev(s, &rev), t0, &worst);
	}
	return worst;
}

/* The test proper, on a store s of the 1-member cluster in dir; w receives the watch. */
static void stop_and_restart(const char *dir, struct storage *s, struct etcd_test_rec *rec,
			     struct storage_watch **w)
{
	_cleanup_free_ char *p = etcd_test_prefix("restart");
	int64_t revs[2 * NKEYS], start;

	REQUIRE(storage_current_rev(s, &start) == 0);
	REQUIRE(storage_watch(s, p, start, etcd_test_rec_fn, rec, w) == 0);
	write_keys(s, p, 0, NKEYS, revs);
	CHECK(etcd_test_rec_wait(rec, NKEYS, 5000));

	REQUIRE(etcd_test_ctl(NULL, "kill %s m1", dir) == 0);
	int64_t worst = calls_while_down(s, p);

	fprintf(stderr, "etcd down: slowest call %.1f ms\n", (double)worst / K8C_NSEC_PER_MSEC);
	CHECK(worst < 3 * K8C_NSEC_PER_SEC);
	time_sleep_ms(300); /* the watch stream retries meanwhile */
	CHECK(rec->err == 0 && rec->n == NKEYS);

	REQUIRE(etcd_test_ctl(NULL, "restart %s m1", dir) == 0);
	REQUIRE(wait_up(s, 10000));
	write_keys(s, p, NKEYS, 2 * NKEYS, revs);
	REQUIRE(etcd_test_rec_wait(rec, 2 * NKEYS, 10000));
	CHECK(rec->n == 2 * NKEYS && !rec->failed && rec->err == 0);
	for (size_t i = 0; i < rec->n && i < 2 * NKEYS; i++)
		CHECK(rec->events[i].mod_rev == revs[i] && rec->types[i] == STORAGE_EVENT_CREATE);
}

TEST(stop_and_restart)
{
	etcd_test_run_on_cluster(1, stop_and_restart);
}

/* etcd hangs: calls end at the deadline with ETIMEOUT, and work again once it runs. */
static void paused_member(const char *dir, struct storage *s, struct etcd_test_rec *rec,
			  struct storage_watch **w)
{
	int64_t rev, t0;

	storage_etcd_set_timeout(s, 300);
	REQUIRE(storage_current_rev(s, &rev) == 0);
	REQUIRE(etcd_test_ctl(NULL, "pause %s m1", dir) == 0);
	t0 = time_mono_ns();
	CHECK_INT(storage_create(s, "/t/paused", "x", 1, &rev), STORAGE_ETIMEOUT);
	CHECK_INT(storage_current_rev(s, &rev), STORAGE_ETIMEOUT);
	CHECK(time_mono_ns() - t0 < 2 * K8C_NSEC_PER_SEC);
	REQUIRE(etcd_test_ctl(NULL, "resume %s m1", dir) == 0);
	storage_etcd_set_timeout(s, STORAGE_ETCD_DEFAULT_TIMEOUT_MS);
	CHECK(wait_up(s, 10000));
}

TEST(paused_member)
{
	etcd_test_run_on_cluster(1, paused_member);
}
