/*
 * ratelimit.c - the token bucket of ratelimit.h.
 */
#include "client/ratelimit.h"

#include "base/timeutil.h"

void k8c_token_bucket_init(struct k8c_token_bucket *b, double qps, int burst)
{
	pthread_mutex_init(&b->lock, NULL);
	b->qps = qps;
	b->burst = burst < 1 ? 1 : burst;
	b->tokens = b->burst;
	b->last_ns = time_mono_ns();
}

void k8c_token_bucket_release(struct k8c_token_bucket *b)
{
	pthread_mutex_destroy(&b->lock);
}

int64_t k8c_token_bucket_reserve_at(struct k8c_token_bucket *b, int64_t now_ns)
{
	if (b->qps <= 0)
		return 0;
	pthread_mutex_lock(&b->lock);
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * b->qps / K8C_NSEC_PER_SEC;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last_ns = now_ns;
	}
	b->tokens -= 1;
	double wait = b->tokens < 0 ? -b->tokens / b->qps * K8C_NSEC_PER_SEC : 0;
	pthread_mutex_unlock(&b->lock);
	return (int64_t)wait;
}

int64_t k8c_token_bucket_reserve(struct k8c_token_bucket *b)
{
	return k8c_token_bucket_reserve_at(b, time_mono_ns());
}

void k8c_token_bucket_wait(struct k8c_token_bucket *b)
{
	int64_t ns = k8c_token_bucket_reserve(b);
	if (ns > 0)
		time_sleep_ms((ns + K8C_NSEC_PER_MSEC - 1) / K8C_NSEC_PER_MSEC);
}
