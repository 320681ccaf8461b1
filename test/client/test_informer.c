/*
 * test_informer.c - the informer against the real k8c-apiserver: the first
 * list in pages, events in order, the built-in and custom indexes, a field
 * selected informer, handlers added late, resync, a restarted API server
 * (with deletes made while the informer was away), 410 Expired, a prompt
 * stop, the factory, and transforms. Scale is in test_informer_scale.c.
 */
#include <signal.h>
#include <stdatomic.h>

#include <cjson/cJSON.h>

#include "client/trim.h"
#include "test/client/informer_fixture.h"
#include "test/ktest.h"

#define PODS_LIST_200 "apiserver_request_total{verb=\"LIST\",resource=\"pods\",code=\"200\"}"

/* The keys of objs joined by spaces, for comparing with what a lookup should give. */
static char *keys_of(void **objs, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&sb, ' ');
		k8c_obj_key(objs[i], &sb);
	}
	return strbuf_detach(&sb, NULL);
}

static char *index_keys(struct k8c_informer *inf, const char *index, const char *value)
{
	void **objs;
	size_t n = k8c_informer_by_index(inf, index, value, &objs);
	char *s = keys_of(objs, n);
	k8c_obj_unref_array(objs, n);
	return s;
}

static bool index_is(struct k8c_informer *inf, const char *index, const char *value,
		     const char *want)
{
	char *got = index_keys(inf, index, value);
	bool same = !strcmp(got, want);
	free(got);
	return same;
}

static bool label_is(struct k8c_informer *inf, const char *key, const char *want)
{
	char *v = cached_label(inf, key);
	bool same = streq_null(v, want);
	free(v);
	return same;
}

TEST(list_in_pages_then_events_in_order)
{
	struct fixture f;
	fixture_start(&f, NULL);
	REQUIRE(namespace_create(f.c, "a") == 0 && namespace_create(f.c, "b") == 0);
	struct strbuf name = STRBUF_INIT;
	for (int i = 0; i < 250; i++) {
		strbuf_reset(&name);
		strbuf_addf(&name, "p%03d", i);
		REQUIRE(pod_create(f.c, "a", name.buf, NULL, NULL, NULL) == 0);
	}
	for (int i = 0; i < 3; i++) {
		strbuf_reset(&name);
		strbuf_addf(&name, "q%d", i);
		REQUIRE(pod_create(f.c, "b", name.buf, NULL, NULL, NULL) == 0);
	}
	strbuf_release(&name);
	long long lists_before = metric_value(f.c, PODS_LIST_200);
	struct recorder rec;
	recorder_init(&rec);
	struct k8c_informer *inf = pod_informer(&f, NULL, 100, 0);
	struct k8c_informer_handlers h = recorder_handlers(&rec);
	REQUIRE(k8c_informer_add_handlers(inf, &h) == 0);
	CHECK(!k8c_informer_has_synced(inf));
	REQUIRE(k8c_informer_start(inf) == 0);
	REQUIRE(k8c_informer_wait_synced(inf, 10000));
	CHECK_INT(k8c_informer_len(inf), 253);
	CHECK_INT(rec.adds, 253);
	CHECK_INT(metric_value(f.c, PODS_LIST_200) - lists_before, 3); /* 100 + 100 + 53 */
	CHECK(rec.other_thread);
	CHECK_INT(recorder_pos(&rec, "add a/p000 v=1"), 0); /* delivered in key order */

	void **objs;
	size_t n = k8c_informer_list(inf, NULL, &objs);
	CHECK_INT(n, 253);
	CHECK(objs_sorted(objs, n));
	k8c_obj_unref_array(objs, n);
	n = k8c_informer_list(inf, "b", &objs);
	char *keys = keys_of(objs, n);
	CHECK_STR(keys, "b/q0 b/q1 b/q2");
	free(keys);
	k8c_obj_unref_array(objs, n);
	struct k8c_pod *p = k8c_informer_get_by_name(inf, "a", "p007");
	REQUIRE(p);
	CHECK_STR(p->metadata.name, "p007");
	CHECK_STR(p->kind, "Pod"); /* list items carry no kind: the informer fills it */
	CHECK_STR(p->spec.containers[0].image, "k8c.local/busybox");
	k8c_obj_unref(p);
	CHECK(k8c_informer_get(inf, "a/missing") == NULL);

	/* changes arrive in order, each with the right old and new state */
	char *rv = NULL;
	REQUIRE(pod_create(f.c, "a", "new", NULL, NULL, NULL) == 0);
	REQUIRE(pod_set_label(f.c, "a", "new", "2", &rv) == 0);
	REQUIRE(pod_delete(f.c, "a", "new") == 0);
	CHECK(WAIT_FOR(recorder_has(&rec, "delete a/new v=2"), 10000));
	long add = recorder_pos(&rec, "add a/new v=1");
	long upd = recorder_pos(&rec, "update a/new v=1>v=2");
	CHECK(add > 0 && upd > add && recorder_pos(&rec, "delete a/new v=2") > upd);
	CHECK(k8c_informer_get(inf, "a/new") == NULL);
	CHECK_INT(k8c_informer_len(inf), 253);
	char *cache_rv = k8c_informer_resource_version(inf);
	CHECK(atoll(cache_rv) > atoll(rv));
	free(cache_rv);
	free(rv);

	struct k8c_informer_stats st;
	k8c_informer_stats(inf, &st);
	CHECK_INT(st.lists, 1);
	CHECK_INT(st.expired, 0);
	CHECK_INT(st.decode_errors, 0);
	CHECK(st.events >= 3);
	k8c_informer_free(inf);
	recorder_release(&rec);
	fixture_stop(&f);
}

TEST(indexes_follow_changes)
{
	struct fixture f;
	fixture_start(&f, NULL);
	static const struct {
		const char *name, *node, *owner;
	} pods[] = {
		{ "x1", "n1", "uid-1" }, { "x2", "n2", "uid-1" }, { "x3", "n1", "uid-1" },
		{ "x4", "n2", NULL },	 { "x5", "n1", "uid-2" }, { "x6", NULL, NULL },
	};
	REQUIRE(namespace_create(f.c, "ix") == 0 && namespace_create(f.c, "other") == 0);
	for (size_t i = 0; i < ARRAY_SIZE(pods); i++)
		REQUIRE(pod_create(f.c, "ix", pods[i].name, pods[i].node, pods[i].owner, NULL) ==
			0);
	REQUIRE(pod_create(f.c, "other", "x1", "n1", "uid-1", NULL) == 0);
	struct k8c_informer *inf = pod_informer(&f, NULL, 0, 0);
	CHECK_INT(k8c_informer_add_index(inf, "by-node", pod_index_by_node), 0);
	CHECK_INT(k8c_informer_add_index(inf, "by-node", pod_index_by_node), -EEXIST);
	REQUIRE(k8c_informer_start(inf) == 0);
	CHECK_INT(k8c_informer_add_index(inf, "late", pod_index_by_node), -EBUSY);
	REQUIRE(k8c_informer_wait_synced(inf, 10000));

	CHECK(index_is(inf, "by-node", "n1", "ix/x1 ix/x3 ix/x5 other/x1"));
	CHECK(index_is(inf, "by-node", "n2", "ix/x2 ix/x4"));
	CHECK(index_is(inf, K8C_INDEX_CONTROLLER, "uid-1", "ix/x1 ix/x2 ix/x3 other/x1"));
	CHECK(index_is(inf, K8C_INDEX_CONTROLLER, "uid-2", "ix/x5"));
	CHECK(index_is(inf, K8C_INDEX_NAMESPACE, "other", "other/x1"));
	CHECK(index_is(inf, "no-such-index", "n1", ""));
	CHECK(index_is(inf, "by-node", "n9", ""));

	REQUIRE(pod_set_owner(f.c, "ix", "x3", "uid-2") == 0);
	REQUIRE(pod_delete(f.c, "ix", "x1") == 0);
	CHECK(WAIT_FOR(index_is(inf, "by-node", "n1", "ix/x3 ix/x5 other/x1"), 10000));
	CHECK(WAIT_FOR(index_is(inf, K8C_INDEX_CONTROLLER, "uid-2", "ix/x3 ix/x5"), 10000));
	CHECK(index_is(inf, K8C_INDEX_CONTROLLER, "uid-1", "ix/x2 other/x1"));
	CHECK(index_is(inf, K8C_INDEX_NAMESPACE, "ix", "ix/x2 ix/x3 ix/x4 ix/x5 ix/x6"));
	k8c_informer_free(inf);
	fixture_stop(&f);
}

TEST(cluster_scoped_keys)
{
	struct fixture f;
	fixture_start(&f, NULL);
	REQUIRE(node_create(f.c, "n2") == 0);
	REQUIRE(node_create(f.c, "n1") == 0);
	struct k8c_informer_options o = { .kind = k8c_kind_by_resource("", "v1", "nodes") };
	struct k8c_informer *inf = k8c_informer_new(f.ic, &o);
	REQUIRE(k8c_informer_start(inf) == 0);
	REQUIRE(k8c_informer_wait_synced(inf, 10000));
	void **objs;
	size_t n = k8c_informer_list(inf, NULL, &objs);
	char *keys = keys_of(objs, n);
	CHECK_STR(keys, "n1 n2");
	free(keys);
	k8c_obj_unref_array(objs, n);
	struct k8c_node *node = k8c_informer_get_by_name(inf, NULL, "n1");
	CHECK(node && !strcmp(node->metadata.name, "n1"));
	k8c_obj_unref(node);
	CHECK_INT(k8c_informer_list(inf, "default", &objs), 0);
	k8c_obj_unref_array(objs, 0);
	k8c_informer_free(inf);
	fixture_stop(&f);
}

TEST(field_selector_sees_only_its_node)
{
	struct fixture f;
	fixture_start(&f, NULL);
	REQUIRE(pod_create(f.c, "default", "s1", "n1", NULL, NULL) == 0);
	REQUIRE(pod_create(f.c, "default", "s2", "n2", NULL, NULL) == 0);
	REQUIRE(pod_create(f.c, "default", "s3", NULL, NULL, NULL) == 0);
	struct recorder rec;
	struct k8c_informer *inf = recorded_informer(&f, &rec, "spec.nodeName=n1", 0);
	REQUIRE(inf);
	CHECK_INT(k8c_informer_len(inf), 1);
	CHECK(recorder_has(&rec, "add default/s1 v=1"));
	REQUIRE(pod_create(f.c, "default", "s4", "n2", NULL, NULL) == 0);
	REQUIRE(pod_bind(f.c, "default", "s3", "n1") == 0); /* as the scheduler binds */
	REQUIRE(pod_create(f.c, "default", "s5", "n1", NULL, NULL) == 0);
	CHECK(WAIT_FOR(recorder_has(&rec, "add default/s5 v=1"), 10000));
	/* events come in order: s3's binding and s4 were written before s5 */
	CHECK(recorder_has(&rec, "add default/s3 v=1"));
	CHECK(k8c_informer_get(inf, "default/s4") == NULL);
	CHECK(k8c_informer_get(inf, "default/s2") == NULL);
	CHECK_INT(k8c_informer_len(inf), 3);
	k8c_informer_free(inf);
	recorder_release(&rec);
	fixture_stop(&f);
}

TEST(handlers_added_late_get_the_cache)
{
	struct fixture f;
	fixture_start(&f, NULL);
	struct strbuf name = STRBUF_INIT;
	for (int i = 0; i < 20; i++) {
		strbuf_reset(&name);
		strbuf_addf(&name, "l%02d", i);
		REQUIRE(pod_create(f.c, "default", name.buf, NULL, NULL, NULL) == 0);
	}
	strbuf_release(&name);
	struct recorder early, late;
	struct k8c_informer *inf = recorded_informer(&f, &early, NULL, 0);
	REQUIRE(inf);
	CHECK_INT(early.adds, 20);
	/* the watch is idle now: the late handler must not wait for the next event */
	recorder_init(&late);
	int64_t t0 = time_mono_ns();
	struct k8c_informer_handlers h = recorder_handlers(&late);
	REQUIRE(k8c_informer_add_handlers(inf, &h) == 0);
	CHECK(WAIT_FOR(recorder_calls(&late) == 20, 10000));
	CHECK((time_mono_ns() - t0) < 2 * K8C_NSEC_PER_SEC);
	CHECK_INT(recorder_pos(&late, "add default/l00 v=1"), 0);
	CHECK(late.other_thread);
	REQUIRE(pod_create(f.c, "default", "after", NULL, NULL, NULL) == 0);
	CHECK(WAIT_FOR(recorder_has(&late, "add default/after v=1"), 10000));
	CHECK(WAIT_FOR(recorder_has(&early, "add default/after v=1"), 10000));
	CHECK_INT(early.adds, 21);
	CHECK_INT(late.adds, 21);
	k8c_informer_free(inf);
	recorder_release(&early);
	recorder_release(&late);
	fixture_stop(&f);
}

TEST(resync_redelivers_updates)
{
	struct fixture f;
	fixture_start(&f, NULL);
	for (int i = 0; i < 3; i++)
		REQUIRE(pod_create(f.c, "default", i == 0 ? "r0" : i == 1 ? "r1" : "r2", NULL,
				   NULL, NULL) == 0);
	struct recorder rec;
	struct k8c_informer *inf = recorded_informer(&f, &rec, NULL, 1000);
	REQUIRE(inf);
	int64_t t0 = time_mono_ns();
	CHECK(WAIT_FOR(rec.resyncs >= 6, 10000)); /* two rounds of three */
	int64_t took = time_mono_ns() - t0;
	CHECK(took >= 1500 * K8C_NSEC_PER_MSEC && took < 4 * K8C_NSEC_PER_SEC);
	CHECK_INT(rec.updates, 0);
	k8c_informer_free(inf);
	recorder_release(&rec);
	fixture_stop(&f);
}

/* Deletes, updates and creates through a second API server on the same store. */
static void write_while_away(struct fixture *f)
{
	int port;
	REQUIRE(apiserver_proc_start(&f->srv, -1, &port) == 0);
	struct strbuf url = STRBUF_INIT;
	strbuf_addf(&url, "http://127.0.0.1:%d", port);
	struct k8c_client *c = apiserver_proc_client(url.buf);
	CHECK(pod_delete(c, "default", "w0") == 0);
	CHECK(pod_delete(c, "default", "w1") == 0);
	CHECK(pod_set_label(c, "default", "w2", "2", NULL) == 0);
	CHECK(pod_create(c, "default", "w9", NULL, NULL, NULL) == 0);
	k8c_client_free(c);
	strbuf_release(&url);
	CHECK_INT(apiserver_proc_signal(&f->srv, SIGTERM), 0);
}

TEST(apiserver_restart_relists_and_converges)
{
	struct fixture f;
	fixture_start(&f, NULL);
	for (int i = 0; i < 5; i++) {
		char name[] = { 'w', (char)('0' + i), 0 };
		REQUIRE(pod_create(f.c, "default", name, NULL, NULL, NULL) == 0);
	}
	struct recorder rec;
	struct k8c_informer *inf = recorded_informer(&f, &rec, NULL, 0);
	REQUIRE(inf);
	apiserver_proc_signal(&f.srv, SIGKILL);
	write_while_away(&f);
	REQUIRE(apiserver_proc_start(&f.srv, 0, NULL) == 0); /* back on the same port */
	CHECK(WAIT_FOR(recorder_has(&rec, "add default/w9 v=1"), 30000));
	CHECK(recorder_has(&rec, "delete default/w0 v=1"));
	CHECK(recorder_has(&rec, "delete default/w1 v=1"));
	CHECK(recorder_has(&rec, "update default/w2 v=1>v=2"));
	CHECK_INT(k8c_informer_len(inf), 4);
	CHECK(label_is(inf, "default/w2", "2"));
	/* and it watches again */
	REQUIRE(pod_create(f.c, "default", "w10", NULL, NULL, NULL) == 0);
	CHECK(WAIT_FOR(k8c_informer_len(inf) == 5, 10000));
	struct k8c_informer_stats st;
	k8c_informer_stats(inf, &st);
	CHECK(st.lists >= 2);
	CHECK(st.list_errors + st.watch_errors >= 1);
	CHECK_INT(rec.deletes, 2);
	k8c_informer_free(inf);
	recorder_release(&rec);
	fixture_stop(&f);
}

/* A handler that holds the informer thread inside the first list's adds until released. */
struct blocker {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool entered, released;
};

static void block_add(void *ud, const void *obj)
{
	struct blocker *b = ud;
	pthread_mutex_lock(&b->lock);
	b->entered = true;
	pthread_cond_broadcast(&b->cond);
	int64_t end = time_mono_ns() + 30 * K8C_NSEC_PER_SEC;
	while (!b->released && time_mono_ns() < end) {
		pthread_mutex_unlock(&b->lock);
		time_sleep_ms(5);
		pthread_mutex_lock(&b->lock);
	}
	pthread_mutex_unlock(&b->lock);
}

static bool blocker_entered(struct blocker *b)
{
	pthread_mutex_lock(&b->lock);
	bool e = b->entered;
	pthread_mutex_unlock(&b->lock);
	return e;
}

TEST(expired_watch_relists)
{
	struct fixture f;
	static const char *const small_cache[] = { "--watch-cache-size", "20", NULL };
	fixture_start(&f, small_cache);
	REQUIRE(namespace_create(f.c, "t") == 0);
	for (int i = 0; i < 5; i++) {
		char name[] = { 'e', (char)('0' + i), 0 };
		REQUIRE(pod_create(f.c, "t", name, NULL, NULL, NULL) == 0);
	}
	struct blocker b = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	struct recorder rec;
	recorder_init(&rec);
	struct k8c_informer *inf = pod_informer(&f, NULL, 0, 0);
	struct k8c_informer_handlers hb = { .on_add = block_add, .userdata = &b };
	struct k8c_informer_handlers h = recorder_handlers(&rec);
	REQUIRE(k8c_informer_add_handlers(inf, &hb) == 0);
	REQUIRE(k8c_informer_add_handlers(inf, &h) == 0);
	REQUIRE(k8c_informer_start(inf) == 0);
	REQUIRE(WAIT_FOR(blocker_entered(&b), 10000));
	/* the list is in; its resourceVersion falls out of the 20-event window meanwhile */
	struct strbuf v = STRBUF_INIT;
	for (int i = 1; i <= 10; i++) {
		strbuf_reset(&v);
		strbuf_addf(&v, "%d", i + 1);
		for (int j = 0; j < 3; j++) {
			char name[] = { 'e', (char)('0' + j), 0 };
			CHECK(pod_set_label(f.c, "t", name, v.buf, NULL) == 0);
		}
	}
	strbuf_release(&v);
	CHECK(pod_delete(f.c, "t", "e4") == 0);
	CHECK(pod_create(f.c, "t", "e5", NULL, NULL, NULL) == 0);
	pthread_mutex_lock(&b.lock);
	b.released = true;
	pthread_mutex_unlock(&b.lock);
	CHECK(WAIT_FOR(recorder_has(&rec, "add t/e5 v=1"), 20000));
	CHECK(recorder_has(&rec, "delete t/e4 v=1"));
	CHECK(recorder_has(&rec, "update t/e0 v=1>v=11"));
	CHECK(label_is(inf, "t/e2", "11"));
	CHECK(label_is(inf, "t/e3", "1"));
	CHECK_INT(k8c_informer_len(inf), 5);
	struct k8c_informer_stats st;
	k8c_informer_stats(inf, &st);
	CHECK(st.expired >= 1);
	CHECK(st.lists >= 2);
	CHECK_INT(rec.updates, 3); /* e3 did not change: no update for it */
	k8c_informer_free(inf);
	recorder_release(&rec);
	fixture_stop(&f);
}

static int64_t timed_stop_ms(struct k8c_informer *inf)
{
	int64_t t0 = time_mono_ns();
	k8c_informer_stop(inf);
	return (time_mono_ns() - t0) / K8C_NSEC_PER_MSEC;
}

TEST(stop_is_prompt_and_final)
{
	struct fixture f;
	fixture_start(&f, NULL);
	REQUIRE(pod_create(f.c, "default", "a", NULL, NULL, NULL) == 0);
	struct recorder ra, rb;
	struct k8c_informer *a = recorded_informer(&f, &ra, NULL, 0);
	struct k8c_informer *b = recorded_informer(&f, &rb, NULL, 0);
	REQUIRE(a && b);
	struct k8c_informer_handlers h = recorder_handlers(&ra);
	CHECK(timed_stop_ms(a) < 1000); /* in a watch */
	k8c_informer_stop(a);		/* idempotent */
	REQUIRE(pod_create(f.c, "default", "b", NULL, NULL, NULL) == 0);
	CHECK(WAIT_FOR(recorder_has(&rb, "add default/b v=1"), 10000));
	CHECK_INT(recorder_calls(&ra), 1); /* nothing after the stop */
	CHECK_INT(k8c_informer_len(a), 1); /* lookups work on the last state */
	CHECK_INT(k8c_informer_add_handlers(a, &h), -EBUSY);
	CHECK_INT(k8c_informer_start(a), -EBUSY);
	CHECK(k8c_informer_wait_synced(a, 0));

	apiserver_proc_signal(&f.srv, SIGKILL); /* b now fails, backs off and retries */
	CHECK(WAIT_FOR(({
			       struct k8c_informer_stats st;
			       k8c_informer_stats(b, &st);
			       st.list_errors >= 2;
		       }),
		       10000));
	CHECK(timed_stop_ms(b) < 1000); /* in a back-off */
	k8c_informer_free(a);
	k8c_informer_free(b);
	k8c_informer_free(NULL);
	struct k8c_informer *never = pod_informer(&f, NULL, 0, 0);
	k8c_informer_free(never); /* never started */
	recorder_release(&ra);
	recorder_release(&rb);
	fixture_stop(&f);
}

TEST(factory_shares_one_informer_per_kind)
{
	struct fixture f;
	fixture_start(&f, NULL);
	REQUIRE(pod_create(f.c, "default", "fp", "n1", NULL, NULL) == 0);
	REQUIRE(node_create(f.c, "n1") == 0);
	struct k8c_informer_factory *fac = k8c_informer_factory_new(f.ic, 0);
	const struct k8c_kind *pods = k8c_kind_by_resource("", "v1", "pods");
	const struct k8c_kind *nodes = k8c_kind_by_resource("", "v1", "nodes");
	struct k8c_informer *p = k8c_informer_factory_get(fac, pods);
	CHECK(p && p == k8c_informer_factory_get(fac, pods));
	struct k8c_informer *n = k8c_informer_factory_get(fac, nodes);
	CHECK(n && n != p && k8c_informer_kind(n) == nodes);
	CHECK_INT(k8c_informer_add_index(p, "by-node", pod_index_by_node), 0);
	REQUIRE(k8c_informer_factory_start(fac) == 0);
	CHECK_INT(k8c_informer_factory_start(fac), 0);
	REQUIRE(k8c_informer_factory_wait_synced(fac, 10000));
	CHECK_INT(k8c_informer_len(p), 1);
	CHECK_INT(k8c_informer_len(n), 1);
	CHECK(index_is(p, "by-node", "n1", "default/fp"));
	k8c_informer_factory_stop(fac);
	k8c_informer_factory_free(fac);
	fixture_stop(&f);
}

/* A transform for the test: pods keep their containers' names, nothing else of them. */
static void drop_container_details(void *obj)
{
	struct k8c_pod *p = obj;
	for (size_t i = 0; i < p->spec.n_containers; i++) {
		struct k8c_container *c = &p->spec.containers[i], keep = { 0 };
		K8C_TRIM_MOVE(&keep, c, name);
		k8c_trim_keep(&k8c_type_container, c, &keep);
	}
}

/* Nodes keep their name only (and kind, apiVersion). */
static void name_only(void *obj)
{
	struct k8c_node *n = obj, keep = { 0 };
	K8C_TRIM_MOVE(&keep, n, kind);
	K8C_TRIM_MOVE(&keep, n, api_version);
	K8C_TRIM_MOVE(&keep.metadata, &n->metadata, name);
	k8c_trim_keep(&k8c_type_node, n, &keep);
}

static bool trimmed_pod(struct k8c_informer *inf, const char *name)
{
	struct k8c_pod *p = k8c_informer_get_by_name(inf, "default", name);
	bool ok = p && p->spec.n_containers == 1 && p->spec.containers[0].name &&
		  !p->spec.containers[0].image && !p->spec.containers[0].resources &&
		  streq_null(p->metadata.name, name) && p->metadata.uid;
	k8c_obj_unref(p);
	return ok;
}

TEST(transform_trims_every_object_before_the_cache)
{
	struct fixture f;
	fixture_start(&f, NULL);
	REQUIRE(pod_create(f.c, "default", "listed", NULL, NULL, NULL) == 0);
	REQUIRE(node_create(f.c, "n1") == 0);
	struct k8c_informer_factory *fac = k8c_informer_factory_new(f.ic, 0);
	const struct k8c_kind *pods = k8c_kind_by_resource("", "v1", "pods");
	const struct k8c_kind *nodes = k8c_kind_by_resource("", "v1", "nodes");
	struct k8c_informer *p = k8c_informer_factory_get(fac, pods);
	/* for an informer made already, and for one made later */
	CHECK_INT(k8c_informer_factory_set_transform(fac, pods, drop_container_details), 0);
	CHECK_INT(k8c_informer_factory_set_transform(fac, nodes, name_only), 0);
	struct k8c_informer *n = k8c_informer_factory_get(fac, nodes);
	struct recorder rec;
	recorder_init(&rec);
	struct k8c_informer_handlers h = recorder_handlers(&rec);
	REQUIRE(k8c_informer_add_handlers(p, &h) == 0);
	REQUIRE(k8c_informer_factory_start(fac) == 0);
	REQUIRE(k8c_informer_factory_wait_synced(fac, 10000));
	CHECK(trimmed_pod(p, "listed"));
	CHECK_INT(k8c_informer_set_transform(p, NULL), -EBUSY);
	CHECK_INT(k8c_informer_factory_set_transform(fac, pods, NULL), -EBUSY);

	/* watch events too, and handlers see the trimmed object */
	REQUIRE(pod_create(f.c, "default", "watched", NULL, NULL, NULL) == 0);
	REQUIRE(pod_set_label(f.c, "default", "watched", "2", NULL) == 0);
	CHECK(WAIT_FOR(recorder_has(&rec, "update default/watched v=1>v=2"), 10000));
	CHECK(trimmed_pod(p, "watched"));
	struct k8c_node *node = k8c_informer_get(n, "n1");
	REQUIRE(node);
	CHECK_STR(node->kind, "Node");
	CHECK(!node->metadata.uid && !node->metadata.resource_version);
	k8c_obj_unref(node);
	k8c_informer_factory_free(fac);
	recorder_release(&rec);
	fixture_stop(&f);
}
