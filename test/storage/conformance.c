/*
 * conformance.c - the storage conformance suite, part 1: single-key writes,
 * revisions, reads at old revisions, list and count. Every case goes through
 * storage.h only, so any backend can be held to it (tstore.h picks the
 * backend from the environment). Watches, compaction, concurrency and
 * SQLite-only cases live in the other conformance_*.c files of this binary.
 *
 * The store may be shared (etcd): keys are under the case's own prefix and
 * revisions are checked relative to the revision at the start of the case.
 */
#include "test/ktest.h"
#include "test/storage/tstore.h"

static void check_kv(struct storage_kv *kv, const char *key, const char *value, int64_t create_rev,
		     int64_t mod_rev, const char *file, int line)
{
	if (!streq_null(kv->key, key) || kv->value_len != strlen(value) ||
	    memcmp(kv->value, value, kv->value_len) != 0 || kv->value[kv->value_len] != '\0' ||
	    kv->create_rev != create_rev || kv->mod_rev != mod_rev)
		ktest_fail(file, line,
			   "kv: want '%s'='%s' create %lld mod %lld, got '%s'='%.*s' create %lld "
			   "mod %lld",
			   key, value, (long long)create_rev, (long long)mod_rev,
			   kv->key ? kv->key : "(null)", (int)kv->value_len,
			   kv->value ? kv->value : "", (long long)kv->create_rev,
			   (long long)kv->mod_rev);
}
#define CHECK_KV(kv, key, value, create, mod)                                                      \
	check_kv((kv), (key), (value), (create), (mod), __FILE__, __LINE__)

/* Gets key at rev and checks it; releases the kv. */
static void check_get(struct tstore *t, const char *key, int64_t rev, const char *value,
		      int64_t create_rev, int64_t mod_rev, const char *file, int line)
{
	struct storage_kv kv = { 0 };
	int r = storage_get(t->s, key, rev, &kv);
	if (r != 0)
		ktest_fail(file, line, "get '%s' at %lld: %s", key, (long long)rev,
			   storage_strerror(r));
	else
		check_kv(&kv, key, value, create_rev, mod_rev, file, line);
	storage_kv_release(&kv);
}
#define CHECK_GET(t, key, rev, value, create, mod)                                                 \
	check_get((t), (key), (rev), (value), (create), (mod), __FILE__, __LINE__)

TEST(create_get)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	int64_t base = tstore_rev(&t), rev = 0, rev2 = 0;
	REQUIRE(base >= 1);
	const char *a = tkey(&t, "a");
	CHECK_INT(tcreate(&t, NULL, a, "v1", &rev), 0);
	CHECK_INT(rev, base + 1);
	CHECK_INT(tstore_rev(&t), base + 1);
	CHECK_GET(&t, a, 0, "v1", rev, rev);

	/* A duplicate create fails and takes no revision. */
	CHECK_INT(tcreate(&t, NULL, a, "v2", &rev2), STORAGE_EEXISTS);
	CHECK_INT(rev2, 0);
	CHECK_INT(tstore_rev(&t), base + 1);
	CHECK_GET(&t, a, 0, "v1", rev, rev);

	struct storage_kv kv = { .mod_rev = 77 };
	CHECK_INT(storage_get(t.s, tkey(&t, "missing"), 0, &kv), STORAGE_ENOTFOUND);
	CHECK_INT(kv.mod_rev, 77); /* untouched on failure */
	CHECK(kv.key == NULL);
}

TEST(values_unchanged)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	/* Binary bytes, NULs included, come back unchanged; empty values are fine. */
	static const char bin[] = { 'a', 0, (char)0xff, 0, 'z', (char)0x80 };
	int64_t rev = 0;
	struct storage_kv kv = { 0 };
	const char *k = tkey(&t, "bin");
	CHECK_INT(storage_create(t.s, k, bin, sizeof(bin), &rev), 0);
	REQUIRE(storage_get(t.s, k, 0, &kv) == 0);
	CHECK_INT(kv.value_len, sizeof(bin));
	CHECK(memcmp(kv.value, bin, sizeof(bin)) == 0 && kv.value[sizeof(bin)] == 0);
	storage_kv_release(&kv);
	CHECK(kv.key == NULL && kv.value == NULL);

	k = tkey(&t, "empty");
	CHECK_INT(storage_create(t.s, k, "", 0, &rev), 0);
	CHECK_GET(&t, k, 0, "", rev, rev);

	/* 1 MiB fits every backend (etcd's default request limit is 1.5 MiB). */
	size_t big = 1 << 20;
	char *v = xmalloc(big);
	for (size_t i = 0; i < big; i++)
		v[i] = (char)(i * 7 + 3);
	k = tkey(&t, "big");
	CHECK_INT(storage_create(t.s, k, v, big, &rev), 0);
	REQUIRE(storage_get(t.s, k, 0, &kv) == 0);
	CHECK(kv.value_len == big && memcmp(kv.value, v, big) == 0);
	storage_kv_release(&kv);
	free(v);
}

TEST(too_large_and_bad_arguments)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	int64_t base = tstore_rev(&t), rev = 0;
	size_t huge = (8u << 20) + 1;
	char *v = xcalloc(1, huge);
	CHECK_INT(storage_create(t.s, tkey(&t, "huge"), v, huge, &rev), STORAGE_ETOOLARGE);
	free(v);
	CHECK_INT(storage_create(t.s, "", "x", 1, &rev), STORAGE_EINVAL);
	CHECK_INT(storage_create(t.s, NULL, "x", 1, &rev), STORAGE_EINVAL);
	struct storage_kv kv = { 0 };
	CHECK_INT(storage_get(t.s, "", 0, &kv), STORAGE_EINVAL);
	CHECK_INT(storage_get(t.s, tkey(&t, "x"), -1, &kv), STORAGE_EINVAL);
	CHECK_INT(tstore_rev(&t), base);
	CHECK_INT(rev, 0);
}

TEST(update_cas)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *a = tkey(&t, "a");
	int64_t c = 0, u1 = 0, u2 = 0;
	REQUIRE(tcreate(&t, NULL, a, "v1", &c) == 0);
	CHECK_INT(tupdate(&t, NULL, a, "v2", c, &u1), 0);
	CHECK_INT(u1, c + 1);
	CHECK_GET(&t, a, 0, "v2", c, u1);

	/* A stale expected revision conflicts and reports the current kv. */
	struct storage_kv cur = { 0 };
	CHECK_INT(storage_update(t.s, a, "v3", 2, c, &u2, &cur), STORAGE_ECONFLICT);
	CHECK_INT(u2, 0);
	CHECK_KV(&cur, a, "v2", c, u1);
	storage_kv_release(&cur);
	CHECK_INT(storage_update(t.s, a, "v3", 2, c, &u2, NULL), STORAGE_ECONFLICT);
	CHECK_INT(tstore_rev(&t), u1);

	/* Updating a missing key: not found, ret_current untouched. */
	cur.mod_rev = 5;
	CHECK_INT(storage_update(t.s, tkey(&t, "nope"), "x", 1, 1, &u2, &cur), STORAGE_ENOTFOUND);
	CHECK(cur.key == NULL && cur.mod_rev == 5);
	CHECK_INT(tupdate(&t, NULL, a, "v3", u1, &u2), 0);
	CHECK_INT(u2, u1 + 1);
	CHECK_GET(&t, a, 0, "v3", c, u2);
}

TEST(delete_cases)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *a = tkey(&t, "a"), *b = tkey(&t, "b");
	int64_t ca = 0, cb = 0, ub = 0, d = 0;
	REQUIRE(tcreate(&t, NULL, a, "va", &ca) == 0);
	REQUIRE(tcreate(&t, NULL, b, "vb", &cb) == 0);
	REQUIRE(tupdate(&t, NULL, b, "vb2", cb, &ub) == 0);

	/* Wrong expected revision: conflict, current kv in ret_prev. */
	struct storage_kv prev = { 0 };
	CHECK_INT(storage_delete(t.s, b, cb, &d, &prev), STORAGE_ECONFLICT);
	CHECK_KV(&prev, b, "vb2", cb, ub);
	storage_kv_release(&prev);

	/* Right expected revision: deleted, the deleted kv in ret_prev. */
	CHECK_INT(storage_delete(t.s, b, ub, &d, &prev), 0);
	CHECK_INT(d, ub + 1);
	CHECK_KV(&prev, b, "vb2", cb, ub);
	storage_kv_release(&prev);
	struct storage_kv kv = { 0 };
	CHECK_INT(storage_get(t.s, b, 0, &kv), STORAGE_ENOTFOUND);

	/* Unconditional (0), without ret_prev. */
	int64_t d2 = 0;
	CHECK_INT(storage_delete(t.s, a, 0, &d2, NULL), 0);
	CHECK_INT(d2, d + 1);
	CHECK_INT(storage_get(t.s, a, 0, &kv), STORAGE_ENOTFOUND);

	/* Missing key: not found, nothing written. */
	prev.mod_rev = 9;
	CHECK_INT(storage_delete(t.s, a, 0, &d, &prev), STORAGE_ENOTFOUND);
	CHECK(prev.key == NULL && prev.mod_rev == 9);
	CHECK_INT(tstore_rev(&t), d2);

	/* A deleted key can be created again, with a new create_rev. */
	int64_t again = 0;
	CHECK_INT(tcreate(&t, NULL, a, "new", &again), 0);
	CHECK_INT(again, d2 + 1);
	CHECK_GET(&t, a, 0, "new", again, again);
}

TEST(revisions_contiguous)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	int64_t expect = tstore_rev(&t), mod[5] = { 0 };
	for (int i = 0; i < 40; i++) {
		const char *k = tkey(&t, "k%d", i % 5);
		int64_t *m = &mod[i % 5], rev = 0;
		bool del = *m && i % 7 == 3;
		int r;
		if (!*m)
			r = tcreate(&t, NULL, k, "x", &rev);
		else if (del)
			r = tdelete(&t, NULL, k, *m, &rev);
		else
			r = tupdate(&t, NULL, k, "y", *m, &rev);
		CHECK_INT(r, 0);
		CHECK_INT(rev, ++expect);
		*m = del ? 0 : rev;
		/* Failed writes (conflicts, duplicates, missing keys) take no revision. */
		r = *m ? tupdate(&t, NULL, k, "z", *m - 1, &rev) : tdelete(&t, NULL, k, 0, &rev);
		CHECK(r == STORAGE_ECONFLICT || r == STORAGE_ENOTFOUND);
		if (*m)
			CHECK_INT(tcreate(&t, NULL, k, "dup", &rev), STORAGE_EEXISTS);
		CHECK_INT(tstore_rev(&t), expect);
	}
}

TEST(get_at_old_revision)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *a = tkey(&t, "a"), *o = tkey(&t, "other");
	int64_t r1 = 0, r2 = 0, r3 = 0, r4 = 0, ro = 0;
	REQUIRE(tcreate(&t, NULL, a, "v1", &r1) == 0);
	REQUIRE(tupdate(&t, NULL, a, "v2", r1, &r2) == 0);
	REQUIRE(tcreate(&t, NULL, o, "o", &ro) == 0);
	REQUIRE(tdelete(&t, NULL, a, r2, &r3) == 0);
	REQUIRE(tcreate(&t, NULL, a, "v3", &r4) == 0);
	struct storage_kv kv = { 0 };
	CHECK_INT(storage_get(t.s, a, r1 - 1, &kv), STORAGE_ENOTFOUND);
	CHECK_GET(&t, a, r1, "v1", r1, r1);
	CHECK_GET(&t, a, r2, "v2", r1, r2);
	CHECK_GET(&t, a, ro, "v2", r1, r2);
	CHECK_INT(storage_get(t.s, a, r3, &kv), STORAGE_ENOTFOUND);
	CHECK_GET(&t, a, r4, "v3", r4, r4);
	CHECK_GET(&t, a, 0, "v3", r4, r4);
	CHECK_GET(&t, o, r4, "o", ro, ro);
	CHECK_INT(storage_get(t.s, o, r2, &kv), STORAGE_ENOTFOUND);
}

/* Creates prefix+name for each name (value "v-<name>"); returns the last revision. */
static int64_t create_all(struct tstore *t, const char *const *names, size_t n)
{
	int64_t rev = 0;
	for (size_t i = 0; i < n; i++) {
		const char *k = tkey(t, "%s", names[i]);
		const char *v = tkey(t, "v-%s", names[i]);
		if (tcreate(t, NULL, k, v, &rev) != 0)
			return -1;
	}
	return rev;
}

/* Checks that l holds exactly prefix+names[0..n), in order, with values unless keys_only. */
static void check_list(struct tstore *t, const struct storage_list *l, const char *const *names,
		       size_t n, bool keys_only, const char *file, int line)
{
	if (l->n != n) {
		ktest_fail(file, line, "list: want %zu items, got %zu", n, l->n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *k = tkey(t, "%s", names[i]);
		const char *v = keys_only ? "" : tkey(t, "v-%s", names[i]);
		const struct storage_kv *kv = &l->items[i];
		if (strcmp(kv->key, k) != 0 || kv->value_len != strlen(v) ||
		    memcmp(kv->value, v, kv->value_len) != 0 || kv->mod_rev < kv->create_rev ||
		    kv->create_rev <= 0)
			ktest_fail(file, line, "list item %zu: want '%s'='%s', got '%s'='%s'", i, k,
				   v, kv->key, kv->value);
	}
}
#define CHECK_LIST(t, l, names, n, keys_only)                                                      \
	check_list((t), (l), (names), (n), (keys_only), __FILE__, __LINE__)

/* Bytewise order: uppercase before lowercase, UTF-8 after ASCII, shorter before longer. */
static const char *const sorted_names[] = {
	"l/B", "l/a", "l/a/x", "l/ab", "l/b", "l/z", "l/\xc3\xa9",
};

TEST(list_prefix_sorted)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	static const char *const shuffled[] = {
		"l/z", "l/a/x", "l/\xc3\xa9", "l/B", "l/b", "l/ab", "l/a", "l0", "l", "m/a", "k/z",
	};
	int64_t last = create_all(&t, shuffled, ARRAY_SIZE(shuffled));
	REQUIRE(last > 0);
	struct storage_list l = { 0 };
	struct storage_list_opts o = { .prefix = tkey(&t, "l/") };
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_LIST(&t, &l, sorted_names, ARRAY_SIZE(sorted_names), false);
	CHECK_INT(l.rev, last);
	CHECK(!l.more);
	CHECK_INT(l.remaining, 0);
	storage_list_release(&l);
	CHECK(l.items == NULL && l.n == 0);

	o.prefix = tkey(&t, "nothing/");
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.rev, last);
	CHECK(!l.more);
	storage_list_release(&l);

	/* Keys only: same keys and revisions, empty values. */
	o.prefix = tkey(&t, "l/");
	o.keys_only = true;
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_LIST(&t, &l, sorted_names, ARRAY_SIZE(sorted_names), true);
	storage_list_release(&l);
}

/* Opens a store holding sorted_names under "l/" and one key just outside ("l0"). */
static bool open_sorted(struct tstore *t)
{
	return tstore_open(t) == 0 && create_all(t, sorted_names, ARRAY_SIZE(sorted_names)) > 0 &&
	       tcreate(t, NULL, tkey(t, "l0"), "outside", NULL) == 0;
}

TEST(list_limit_and_start_key)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(open_sorted(&t));
	size_t total = ARRAY_SIZE(sorted_names);
	struct storage_list l = { 0 };
	struct storage_list_opts o = { .prefix = tkey(&t, "l/"), .limit = 3 };
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_LIST(&t, &l, sorted_names, 3, false);
	CHECK(l.more);
	CHECK_INT(l.remaining, total - 3);
	int64_t rev = l.rev;
	storage_list_release(&l);

	/* Page through with start_key = the next key, as the API server's continue does. */
	size_t seen = 3;
	o.start_key = tkey(&t, "%s", sorted_names[3]);
	o.rev = rev;
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_LIST(&t, &l, sorted_names + 3, 3, false);
	CHECK(l.more);
	CHECK_INT(l.remaining, total - 6);
	CHECK_INT(l.rev, rev);
	seen += l.n;
	storage_list_release(&l);
	o.start_key = tkey(&t, "%s", sorted_names[6]);
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_LIST(&t, &l, sorted_names + 6, 1, false);
	CHECK(!l.more);
	CHECK_INT(l.remaining, 0);
	seen += l.n;
	storage_list_release(&l);
	CHECK_INT(seen, total);

	/* Exactly limit matches: no more. A start_key between keys starts at the next one. */
	o = (struct storage_list_opts){ .prefix = tkey(&t, "l/"),
					.limit = 2,
					.start_key = tkey(&t, "l/b0") };
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_LIST(&t, &l, sorted_names + 5, 2, false);
	CHECK(!l.more);
	storage_list_release(&l);

	/* A start_key outside the prefix is a bad argument. */
	o.start_key = tkey(&t, "m");
	CHECK_INT(storage_list(t.s, &o, &l), STORAGE_EINVAL);
}

TEST(list_at_old_revision)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(tstore_open(&t) == 0);
	const char *a = tkey(&t, "l/a"), *b = tkey(&t, "l/b"), *c = tkey(&t, "l/c");
	int64_t ra = 0, rb = 0, rb2 = 0, rd = 0, rc = 0;
	REQUIRE(tcreate(&t, NULL, a, "a1", &ra) == 0);
	REQUIRE(tcreate(&t, NULL, b, "b1", &rb) == 0);
	REQUIRE(tupdate(&t, NULL, b, "b2", rb, &rb2) == 0);
	REQUIRE(tdelete(&t, NULL, a, 0, &rd) == 0);
	REQUIRE(tcreate(&t, NULL, c, "c1", &rc) == 0);
	struct storage_list l = { 0 };
	struct storage_list_opts o = { .prefix = tkey(&t, "l/"), .rev = rb };
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_INT(l.rev, rb);
	REQUIRE(l.n == 2);
	CHECK_KV(&l.items[0], a, "a1", ra, ra);
	CHECK_KV(&l.items[1], b, "b1", rb, rb);
	storage_list_release(&l);

	o.rev = rd;
	o.limit = 1;
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	REQUIRE(l.n == 1);
	CHECK_KV(&l.items[0], b, "b2", rb, rb2);
	CHECK(!l.more);
	storage_list_release(&l);

	o.rev = 0;
	o.keys_only = true;
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	CHECK_INT(l.rev, rc);
	REQUIRE(l.n == 1);
	CHECK(l.more);
	CHECK_INT(l.remaining, 1);
	CHECK_KV(&l.items[0], b, "", rb, rb2);
	storage_list_release(&l);

	o.rev = ra;
	o.limit = 0;
	REQUIRE(storage_list(t.s, &o, &l) == 0);
	REQUIRE(l.n == 1);
	CHECK_KV(&l.items[0], a, "", ra, ra);
	storage_list_release(&l);
}

TEST(count_prefix)
{
	_cleanup_(tstore_close) struct tstore t = { 0 };
	REQUIRE(open_sorted(&t));
	int64_t n = -1;
	CHECK_INT(storage_count(t.s, tkey(&t, "l/"), &n), 0);
	CHECK_INT(n, ARRAY_SIZE(sorted_names));
	CHECK_INT(storage_count(t.s, tkey(&t, "l/a"), &n), 0);
	CHECK_INT(n, 3);
	CHECK_INT(storage_count(t.s, tkey(&t, "none/"), &n), 0);
	CHECK_INT(n, 0);
	REQUIRE(tdelete(&t, NULL, tkey(&t, "l/a"), 0, NULL) == 0);
	CHECK_INT(storage_count(t.s, tkey(&t, "l/"), &n), 0);
	CHECK_INT(n, ARRAY_SIZE(sorted_names) - 1);
}
