/*
 * test_workqueue.c - unit tests for the workqueue: dedup, one worker per key, delays,
 * rate-limited re-queues, shutdown, and a many-thread stress run. Timing checks use
 * generous upper bounds (deadlines), never sleeps that hope something happened.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "base/timeutil.h"
#include "client/workqueue.h"
#include "test/ktest.h"

#define MS K8C_NSEC_PER_MSEC

static const struct k8c_workqueue_options no_bucket = { .qps = -1 };

/* get() that must succeed; returns the key (caller frees). */
static char *must_get(struct k8c_workqueue *q)
{
	char *key = NULL;
	if (!k8c_workqueue_get(q, &key))
		return NULL;
	return key;
}

TEST(add_dedups_and_requeues_after_done)
{
	struct k8c_workqueue *q = k8c_workqueue_new(NULL);
	k8c_workqueue_add(q, "a");
	k8c_workqueue_add(q, "a");
	k8c_workqueue_add(q, "b");
	CHECK_INT(k8c_workqueue_len(q), 2);
	char *a = must_get(q);
	CHECK_STR(a, "a");
	/* added while processing: not handed to another worker, queued after done() */
	k8c_workqueue_add(q, "a");
	k8c_workqueue_add(q, "a");
	CHECK_INT(k8c_workqueue_len(q), 1);
	char *b = must_get(q);
	CHECK_STR(b, "b");
	CHECK_INT(k8c_workqueue_len(q), 0);
	k8c_workqueue_done(q, a);
	CHECK_INT(k8c_workqueue_len(q), 1);
	char *a2 = must_get(q);
	CHECK_STR(a2, "a");
	k8c_workqueue_done(q, a2);
	k8c_workqueue_done(q, b);
	CHECK_INT(k8c_workqueue_len(q), 0);
	free(a);
	free(a2);
	free(b);
	k8c_workqueue_free(q);
}

TEST(fifo_order)
{
	struct k8c_workqueue *q = k8c_workqueue_new(NULL);
	char key[16];
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		k8c_workqueue_add(q, key);
	}
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		char *k = must_get(q);
		CHECK_STR(k, key);
		k8c_workqueue_done(q, k);
		free(k);
		if (i == 49) { /* the ring wraps and compacts: keep order across it */
			k8c_workqueue_add(q, "late");
			k8c_workqueue_add(q, "k0");
		}
	}
	char *k = must_get(q);
	CHECK_STR(k, "late");
	free(k);
	k = must_get(q);
	CHECK_STR(k, "k0");
	free(k);
	CHECK_INT(k8c_workqueue_len(q), 0);
	k8c_workqueue_free(q);
}

TEST(add_after_waits_and_keeps_earliest)
{
	struct k8c_workqueue *q = k8c_workqueue_new(NULL);
	int64_t start = time_mono_ns();
	k8c_workqueue_add_after(q, "x", 60 * MS);
	k8c_workqueue_add_after(q, "y", 10000 * MS);
	CHECK_INT(k8c_workqueue_len(q), 0);
	char *x = must_get(q);
	int64_t took = time_mono_ns() - start;
	CHECK_STR(x, "x");
	CHECK(took >= 60 * MS);
	CHECK(took < 3000 * MS);
	/* y waits 10 s; asking again for 30 ms moves it earlier */
	k8c_workqueue_add_after(q, "y", 30 * MS);
	start = time_mono_ns();
	char *y = must_get(q);
	CHECK_STR(y, "y");
	CHECK(time_mono_ns() - start < 3000 * MS);
	k8c_workqueue_add_after(q, "now", 0);
	CHECK_INT(k8c_workqueue_len(q), 1);
	free(x);
	free(y);
	k8c_workqueue_free(q);
}

TEST(rate_limited_backoff_per_key)
{
	struct k8c_workqueue_options o = { .base_delay_ns = 40 * MS, .qps = -1 };
	struct k8c_workqueue *q = k8c_workqueue_new(&o);
	int64_t start = time_mono_ns();
	k8c_workqueue_add_rate_limited(q, "k");
	CHECK_INT(k8c_workqueue_num_requeues(q, "k"), 1);
	char *k = must_get(q);
	CHECK(time_mono_ns() - start >= 40 * MS);
	k8c_workqueue_done(q, k);
	/* second failure: 80 ms */
	start = time_mono_ns();
	k8c_workqueue_add_rate_limited(q, k);
	CHECK_INT(k8c_workqueue_num_requeues(q, k), 2);
	free(k);
	k = must_get(q);
	int64_t took = time_mono_ns() - start;
	CHECK(took >= 80 * MS);
	CHECK(took < 3000 * MS);
	k8c_workqueue_done(q, k);
	k8c_workqueue_forget(q, k);
	CHECK_INT(k8c_workqueue_num_requeues(q, k), 0);
	CHECK_INT(k8c_workqueue_num_requeues(q, "never"), 0);
	free(k);
	k8c_workqueue_free(q);
}

TEST(rate_limited_overall_bucket)
{
	/* 20 qps, burst 1: three different keys come out at about 0, 50 and 100 ms */
	struct k8c_workqueue_options o = { .base_delay_ns = 1, .qps = 20, .burst = 1 };
	struct k8c_workqueue *q = k8c_workqueue_new(&o);
	int64_t start = time_mono_ns();
	k8c_workqueue_add_rate_limited(q, "a");
	k8c_workqueue_add_rate_limited(q, "b");
	k8c_workqueue_add_rate_limited(q, "c");
	for (int i = 0; i < 3; i++) {
		char *k = must_get(q);
		k8c_workqueue_done(q, k);
		free(k);
	}
	int64_t took = time_mono_ns() - start;
	CHECK(took >= 95 * MS);
	CHECK(took < 3000 * MS);
	k8c_workqueue_free(q);
}

static void *getter(void *arg)
{
	char *key = NULL;
	bool got = k8c_workqueue_get(arg, &key);
	free(key);
	return (void *)(intptr_t)got;
}

TEST(shutdown_wakes_getters_and_drains_queue)
{
	struct k8c_workqueue *q = k8c_workqueue_new(&no_bucket);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, getter, q);
	k8c_workqueue_add_after(q, "later", 10000 * MS);
	k8c_workqueue_shutdown(q);
	for (int i = 0; i < 4; i++) {
		void *got;
		pthread_join(t[i], &got);
		CHECK(!got);
	}
	CHECK(k8c_workqueue_shutting_down(q));
	k8c_workqueue_add(q, "ignored");
	CHECK_INT(k8c_workqueue_len(q), 0);
	k8c_workqueue_free(q);

	/* keys queued before shutdown are still handed out */
	q = k8c_workqueue_new(NULL);
	k8c_workqueue_add(q, "a");
	k8c_workqueue_shutdown(q);
	char *a = must_get(q);
	CHECK_STR(a, "a");
	k8c_workqueue_done(q, a);
	free(a);
	CHECK(must_get(q) == NULL);
	k8c_workqueue_free(q);
}

struct drain_ctx {
	struct k8c_workqueue *q;
	atomic_bool returned;
};

static void *drainer(void *arg)
{
	struct drain_ctx *c = arg;
	k8c_workqueue_shutdown_with_drain(c->q);
	atomic_store(&c->returned, true);
	return NULL;
}

TEST(shutdown_with_drain_waits_for_processing)
{
	struct drain_ctx c = { k8c_workqueue_new(NULL), false };
	k8c_workqueue_add(c.q, "busy");
	char *k = must_get(c.q);
	pthread_t t;
	pthread_create(&t, NULL, drainer, &c);
	/* the drainer must still be waiting once shutdown is visible */
	int64_t deadline = time_mono_ns() + 5000 * MS;
	while (!k8c_workqueue_shutting_down(c.q) && time_mono_ns() < deadline)
		time_sleep_ms(1);
	time_sleep_ms(20);
	CHECK(!atomic_load(&c.returned));
	k8c_workqueue_done(c.q, k);
	pthread_join(t, NULL);
	CHECK(atomic_load(&c.returned));
	free(k);
	k8c_workqueue_free(c.q);
}

#define NKEYS		  32
#define NWORKERS	  4
#define NPRODUCERS	  3
#define ADDS_PER_PRODUCER 3000

struct stress {
	struct k8c_workqueue *q;
	atomic_int in_flight[NKEYS];
	atomic_int processed[NKEYS];
	atomic_int overlap;
};

static int key_index(const char *key)
{
	return atoi(key + 1);
}

static void *stress_worker(void *arg)
{
	struct stress *s = arg;
	char *key;
	while (k8c_workqueue_get(s->q, &key)) {
		int i = key_index(key);
		if (atomic_fetch_add(&s->in_flight[i], 1) != 0)
			atomic_fetch_add(&s->overlap, 1);
		if (atomic_fetch_add(&s->processed[i], 1) % 7 == 0)
			k8c_workqueue_add(s->q, key); /* re-add while processing */
		atomic_fetch_sub(&s->in_flight[i], 1);
		k8c_workqueue_done(s->q, key);
		free(key);
	}
	return NULL;
}

static void *stress_producer(void *arg)
{
	struct stress *s = arg;
	char key[16];
	for (int i = 0; i < ADDS_PER_PRODUCER; i++) {
		snprintf(key, sizeof(key), "k%d", i % NKEYS);
		if (i % 5 == 0)
			k8c_workqueue_add_after(s->q, key, (i % 3) * MS);
		else
			k8c_workqueue_add(s->q, key);
	}
	return NULL;
}

TEST(stress_one_worker_per_key)
{
	static struct stress s;
	s.q = k8c_workqueue_new(&no_bucket);
	pthread_t w[NWORKERS], p[NPRODUCERS];
	for (int i = 0; i < NWORKERS; i++)
		pthread_create(&w[i], NULL, stress_worker, &s);
	for (int i = 0; i < NPRODUCERS; i++)
		pthread_create(&p[i], NULL, stress_producer, &s);
	for (int i = 0; i < NPRODUCERS; i++)
		pthread_join(p[i], NULL);
	/* wait (with a deadline) until every key went through and nothing is left */
	int64_t deadline = time_mono_ns() + 10000 * MS;
	while (time_mono_ns() < deadline) {
		time_sleep_ms(5);
		if (k8c_workqueue_len(s.q) == 0)
			break;
	}
	k8c_workqueue_shutdown_with_drain(s.q);
	for (int i = 0; i < NWORKERS; i++)
		pthread_join(w[i], NULL);
	CHECK_INT(atomic_load(&s.overlap), 0);
	for (int i = 0; i < NKEYS; i++)
		CHECK(atomic_load(&s.processed[i]) >= 1);
	k8c_workqueue_free(s.q);
}
