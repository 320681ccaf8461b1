/*
 * test_etcd_smoke.c - the etcd backend against one real etcd member (run
 * under etcd-ctl.sh run): every storage operation, etcd's error mapping
 * (too large, compacted, future revision), fail-over past a dead endpoint,
 * and the watch stream (events, prev values on delete, resume from an old
 * revision, compaction ending a watch, stop).
 */
#include "test/storage/etcd/etcd_test.h"

#include "base/timeutil.h"
#include "test/ktest.h"

static struct storage *open_store(void)
{
	struct storage *s = NULL;
	const char *ep = etcd_test_endpoints();

	if (ep && storage_etcd_open(ep, &s) < 0)
		s = NULL;
	return s;
}

static char *key_of(const char *prefix, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s%s", prefix, name);
	return strbuf_detach(&sb, NULL);
}

TEST(crud)
{
	struct storage *s = open_store();
	_cleanup_free_ char *p = etcd_test_prefix("crud");
	_cleanup_free_ char *k = key_of(p, "a");
	struct storage_kv kv = { 0 };
	int64_t rev = 0, rev2 = 0, cur = 0;

	REQUIRE(s);
	CHECK_STR(s->ops->name, "etcd");
	CHECK_INT(storage_get(s, k, 0, &kv), STORAGE_ENOTFOUND);
	REQUIRE(storage_create(s, k, "v1", 2, &rev) == 0);
	CHECK(storage_current_rev(s, &cur) == 0 && cur == rev);
	CHECK_INT(storage_create(s, k, "x", 1, &rev2), STORAGE_EEXISTS);
	REQUIRE(storage_get(s, k, 0, &kv) == 0);
	CHECK_STR(kv.key, k);
	CHECK_STR(kv.value, "v1");
	CHECK(kv.create_rev == rev && kv.mod_rev == rev && kv.value_len == 2);
	storage_kv_release(&kv);

	CHECK_INT(storage_update(s, k, "v2", 2, rev - 1, &rev2, &kv), STORAGE_ECONFLICT);
	CHECK_STR(kv.value, "v1");
	storage_kv_release(&kv);
	REQUIRE(storage_update(s, k, "v2", 2, rev, &rev2, NULL) == 0);
	CHECK_INT(rev2, rev + 1);
	REQUIRE(storage_get(s, k, rev, &kv) == 0); /* the old value by revision */
	CHECK_STR(kv.value, "v1");
	storage_kv_release(&kv);

	CHECK_INT(storage_delete(s, k, rev, &rev, NULL), STORAGE_ECONFLICT);
	REQUIRE(storage_delete(s, k, rev2, &rev, &kv) == 0);
	CHECK_INT(rev, rev2 + 1);
	CHECK_STR(kv.value, "v2");
	storage_kv_release(&kv);
	CHECK_INT(storage_delete(s, k, 0, &rev, NULL), STORAGE_ENOTFOUND);
	CHECK_INT(storage_update(s, k, "v3", 2, rev2, &rev, NULL), STORAGE_ENOTFOUND);
	CHECK_INT(storage_update(s, k, "v3", 2, 0, &rev, NULL), STORAGE_ENOTFOUND);
	CHECK_INT(storage_get(s, "", 0, &kv), STORAGE_EINVAL);
	storage_close(s);
}

TEST(list_and_count)
{
	struct storage *s = open_store();
	_cleanup_free_ char *p = etcd_test_prefix("list");
	struct storage_list l = { 0 };
	struct storage_list_opts o = { 0 };
	int64_t rev, first = 0, n = 0;

	REQUIRE(s);
	for (int i = 0; i < 10; i++) {
		_cleanup_free_ char *k = NULL;
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%sk%02d", p, i);
		k = strbuf_detach(&sb, NULL);
		REQUIRE(storage_create(s, k, k, strlen(k), &rev) == 0);
		if (!first)
			first = rev;
	}
	CHECK(storage_count(s, p, &n) == 0 && n == 10);
	o.prefix = p;
	o.limit = 4;
	REQUIRE(storage_list(s, &o, &l) == 0);
	CHECK(l.n == 4 && l.more && l.remaining == 6 && l.rev == rev);
	CHECK(l.n == 4 && str_has_prefix(l.items[3].key, p) && strstr(l.items[3].key, "k03"));
	storage_list_release(&l);

	o.start_key = NULL;
	o.limit = 0;
	o.rev = first + 4; /* five keys existed then */
	o.keys_only = true;
	REQUIRE(storage_list(s, &o, &l) == 0);
	CHECK(l.n == 5 && !l.more && l.remaining == 0 && l.rev == first + 4);
	CHECK(l.n == 5 && l.items[0].value_len == 0 && l.items[0].value[0] == '\0');
	storage_list_release(&l);

	_cleanup_free_ char *start = key_of(p, "k08");
	o.start_key = start;
	o.rev = 0;
	o.keys_only = false;
	o.limit = 1;
	REQUIRE(storage_list(s, &o, &l) == 0);
	CHECK(l.n == 1 && l.more && l.remaining == 1 && strcmp(l.items[0].value, start) == 0);
	storage_list_release(&l);
	o.start_key = "/elsewhere";
	CHECK_INT(storage_list(s, &o, &l), STORAGE_EINVAL);
	o.start_key = NULL;
	o.rev = rev + 1000;
	CHECK_INT(storage_list(s, &o, &l), STORAGE_EINVAL);
	storage_close(s);
}

TEST(too_large)
{
	struct storage *s = open_store();
	_cleanup_free_ char *p = etcd_test_prefix("big");
	_cleanup_free_ char *k = key_of(p, "a");
	size_t len = 2 * 1024 * 1024;
	_cleanup_free_ char *v = xcalloc(1, 4 * len);
	int64_t rev;

	REQUIRE(s);
	CHECK_INT(storage_create(s, k, v, len, &rev), STORAGE_ETOOLARGE);
	CHECK_INT(storage_create(s, k, v, 4 * len, &rev), STORAGE_ETOOLARGE);
	CHECK_INT(storage_create(s, k, v, 1024 * 1024, &rev), 0);
	storage_close(s);
}

TEST(list_over_4mib)
{
	struct storage *s = open_store();
	_cleanup_free_ char *p = etcd_test_prefix("biglist");
	_cleanup_free_ char *v = xmalloc(8192);
	struct storage_list_opts o = { 0 };
	struct storage_list l = { 0 };
	int64_t rev;

	REQUIRE(s);
	memset(v, 'v', 8192);
	for (int i = 0; i < 600; i++) { /* 4.8 MB: over gRPC's default 4 MiB message limit */
		struct strbuf k = STRBUF_INIT;

		strbuf_addf(&k, "%s%04d", p, i);
		CHECK(storage_create(s, k.buf, v, 8192, &rev) == 0);
		strbuf_release(&k);
	}
	o.prefix = p;
	REQUIRE(storage_list(s, &o, &l) == 0);
	CHECK(l.n == 600 && l.items[599].value_len == 8192 && !l.more);
	storage_list_release(&l);
	storage_close(s);
}

TEST(failover_and_down)
{
	struct strbuf eps = STRBUF_INIT;
	struct storage *s = NULL;
	int64_t rev, t0;
	const char *ep = etcd_test_endpoints();

	REQUIRE(ep);
	/* A dead endpoint first: calls still work through the live one. */
	strbuf_addf(&eps, "http://127.0.0.1:1, %s", ep);
	REQUIRE(storage_etcd_open(eps.buf, &s) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(storage_current_rev(s, &rev) == 0);
	storage_close(s);
	strbuf_release(&eps);

	t0 = time_mono_ns();
	CHECK_INT(storage_etcd_open("127.0.0.1:1,http://127.0.0.1:2/", &s), STORAGE_EUNAVAILABLE);
	CHECK(time_mono_ns() - t0 < 2 * K8C_NSEC_PER_SEC);
	CHECK_INT(storage_etcd_open("", &s), STORAGE_EINVAL);
	CHECK_INT(storage_etcd_open("http://nohost", &s), STORAGE_EINVAL);
}

static void put(struct storage *s, const char *k, const char *v, int64_t *rev)
{
	struct storage_kv cur = { 0 };

	if (storage_get(s, k, 0, &cur) == 0) {
		CHECK(storage_update(s, k, v, strlen(v), cur.mod_rev, rev, NULL) == 0);
		storage_kv_release(&cur);
	} else {
		CHECK(storage_create(s, k, v, strlen(v), rev) == 0);
	}
}

TEST(watch_events)
{
	struct storage *s = open_store();
	_cleanup_free_ char *p = etcd_test_prefix("watch");
	_cleanup_free_ char *k = key_of(p, "a");
	_cleanup_free_ char *other = etcd_test_prefix("other");
	struct etcd_test_rec rec, rec2;
	struct storage_watch *w = NULL, *w2 = NULL;
	int64_t start, rev;

	REQUIRE(s);
	etcd_test_rec_init(&rec);
	etcd_test_rec_init(&rec2);
	REQUIRE(storage_current_rev(s, &start) == 0);
	REQUIRE(storage_watch(s, p, start, etcd_test_rec_fn, &rec, &w) == 0);
	put(s, k, "1", &rev);
	put(s, other, "x", &rev);
	put(s, k, "2", &rev);
	CHECK(storage_delete(s, k, 0, &rev, NULL) == 0);
	REQUIRE(etcd_test_rec_wait(&rec, 3, 5000));
	CHECK(rec.types[0] == STORAGE_EVENT_CREATE && strcmp(rec.events[0].value, "1") == 0);
	CHECK(rec.types[1] == STORAGE_EVENT_UPDATE && strcmp(rec.events[1].value, "2") == 0);
	CHECK(rec.types[2] == STORAGE_EVENT_DELETE && strcmp(rec.events[2].value, "2") == 0);
	CHECK(rec.events[2].mod_rev == rev && rec.events[2].create_rev == rec.events[0].mod_rev);
	CHECK(!rec.failed && rec.err == 0);

	/* A second watch from the start sees the same history, replayed. */
	REQUIRE(storage_watch(s, p, start, etcd_test_rec_fn, &rec2, &w2) == 0);
	REQUIRE(etcd_test_rec_wait(&rec2, 3, 5000));
	CHECK(rec2.events[2].mod_rev == rev && !rec2.failed);
	storage_watch_stop(s, w);
	storage_watch_stop(s, w2);
	put(s, k, "3", &rev);
	CHECK(rec.n == 3 && rec2.n == 3);
	etcd_test_rec_release(&rec);
	etcd_test_rec_release(&rec2);
	storage_close(s);
}

TEST(compaction)
{
	struct storage *s = open_store();
	_cleanup_free_ char *p = etcd_test_prefix("compact");
	_cleanup_free_ char *k = key_of(p, "a");
	struct storage_kv kv = { 0 };
	struct storage_watch *w = NULL;
	struct etcd_test_rec rec;
	int64_t r1, r2, r3, c = -1;

	REQUIRE(s);
	etcd_test_rec_init(&rec);
	put(s, k, "1", &r1);
	put(s, k, "2", &r2);
	put(s, k, "3", &r3);
	REQUIRE(storage_compact(s, r2) == 0);
	CHECK_INT(storage_compact(s, r2), STORAGE_ECOMPACTED); /* again: refused, as etcd does */
	CHECK_INT(storage_compact(s, r1), STORAGE_ECOMPACTED);
	CHECK(storage_compacted_rev(s, &c) == 0 && c == r2);
	CHECK_INT(storage_get(s, k, r1, &kv), STORAGE_ECOMPACTED);
	CHECK(storage_get(s, k, r2, &kv) == 0 && strcmp(kv.value, "2") == 0);
	storage_kv_release(&kv);
	CHECK_INT(storage_compact(s, r3 + 100), STORAGE_EINVAL);
	CHECK_INT(storage_watch(s, p, r1 - 1, etcd_test_rec_fn, &rec, &w), STORAGE_ECOMPACTED);
	REQUIRE(storage_watch(s, p, r2 - 1, etcd_test_rec_fn, &rec, &w) == 0);
	REQUIRE(etcd_test_rec_wait(&rec, 2, 5000));
	CHECK(rec.events[0].mod_rev == r2 && rec.events[1].mod_rev == r3);
	storage_watch_stop(s, w);
	storage_close(s);

	/* A new handle learns the compacted revision from etcd. */
	s = open_store();
	REQUIRE(s);
	CHECK(storage_compacted_rev(s, &c) == 0 && c == r2);
	CHECK(storage_etcd_compact_window(s, 1) == 0);
	CHECK(storage_compacted_rev(s, &c) == 0 && c == r3);
	CHECK_INT(storage_get(s, k, r2, &kv), STORAGE_ECOMPACTED);
	storage_close(s);
	etcd_test_rec_release(&rec);
}
