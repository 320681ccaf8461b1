/*
 * test_ratelimit.c - unit tests for the token bucket, back-off delays and the delay heap.
 */
#include "base/timeutil.h"
#include "client/backoff.h"
#include "client/delay_heap.h"
#include "client/ratelimit.h"
#include "test/ktest.h"

#define MS K8C_NSEC_PER_MSEC

TEST(token_bucket_burst_then_rate)
{
	struct k8c_token_bucket b;
	k8c_token_bucket_init(&b, 10, 2);
	int64_t t0 = b.last_ns;
	CHECK_INT(k8c_token_bucket_reserve_at(&b, t0), 0);
	CHECK_INT(k8c_token_bucket_reserve_at(&b, t0), 0);
	CHECK_INT(k8c_token_bucket_reserve_at(&b, t0) / MS, 100);
	CHECK_INT(k8c_token_bucket_reserve_at(&b, t0) / MS, 200);
	/* 50 ms later: the debt shrank by half a token */
	CHECK_INT(k8c_token_bucket_reserve_at(&b, t0 + 50 * MS) / MS, 250);
	/* long idle: full again, but never more than the burst */
	CHECK_INT(k8c_token_bucket_reserve_at(&b, t0 + 10000 * MS), 0);
	CHECK_INT(k8c_token_bucket_reserve_at(&b, t0 + 10000 * MS), 0);
	CHECK(k8c_token_bucket_reserve_at(&b, t0 + 10000 * MS) > 0);
	k8c_token_bucket_release(&b);

	k8c_token_bucket_init(&b, 0, 1);
	for (int i = 0; i < 1000; i++)
		CHECK_INT(k8c_token_bucket_reserve(&b), 0);
	k8c_token_bucket_release(&b);
}

TEST(token_bucket_wait_paces_calls)
{
	struct k8c_token_bucket b;
	k8c_token_bucket_init(&b, 50, 1);
	int64_t start = time_mono_ns();
	for (int i = 0; i < 6; i++)
		k8c_token_bucket_wait(&b);
	int64_t took = time_mono_ns() - start;
	/* 1 free token, then 5 at 20 ms each */
	CHECK(took >= 95 * MS);
	CHECK(took < 2000 * MS);
	k8c_token_bucket_release(&b);
}

TEST(backoff_exponential_and_capped)
{
	CHECK_INT(k8c_backoff_exp_ns(5, 1000, 0), 5);
	CHECK_INT(k8c_backoff_exp_ns(5, 1000, 1), 10);
	CHECK_INT(k8c_backoff_exp_ns(5, 1000, 7), 640);
	CHECK_INT(k8c_backoff_exp_ns(5, 1000, 8), 1000);
	CHECK_INT(k8c_backoff_exp_ns(5, 1000, 4000000000u), 1000);
	CHECK_INT(k8c_backoff_exp_ns(INT64_MAX / 3, INT64_MAX, 70), INT64_MAX);
	for (int i = 0; i < 1000; i++) {
		int64_t j = k8c_backoff_jitter_ns(1000);
		CHECK(j >= 500 && j <= 1000);
	}
	CHECK_INT(k8c_backoff_jitter_ns(1), 1);
}

TEST(delay_heap_orders_and_dedups)
{
	struct delay_heap h = DELAY_HEAP_INIT;
	CHECK(delay_heap_next(&h) == INT64_MAX);
	int64_t when[] = { 50, 10, 40, 30, 20, 60, 5 };
	char key[8];
	for (size_t i = 0; i < ARRAY_SIZE(when); i++) {
		snprintf(key, sizeof(key), "k%lld", (long long)when[i]);
		delay_heap_push(&h, key, when[i]);
	}
	delay_heap_push(&h, "k60", 1);	 /* moves earlier */
	delay_heap_push(&h, "k5", 1000); /* a later time never moves a key back */
	CHECK_INT(h.n, 7);
	CHECK_INT(delay_heap_next(&h), 1);
	CHECK(delay_heap_pop_ready(&h, 0) == NULL);
	const char *order[] = { "k60", "k5", "k10", "k20", "k30", "k40", "k50" };
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		char *k = delay_heap_pop_ready(&h, 100);
		CHECK_STR(k, order[i]);
		free(k);
	}
	CHECK(delay_heap_pop_ready(&h, 100) == NULL);
	delay_heap_push(&h, "left", 7);
	delay_heap_release(&h);
	CHECK_INT(h.n, 0);
}
