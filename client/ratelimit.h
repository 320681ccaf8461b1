/*
 * ratelimit.h - a token bucket (golang.org/x/time/rate semantics): qps tokens a second,
 * at most burst saved up, full at the start. Used by the REST client (client-go's
 * default 5 qps / burst 10) and by the workqueue's overall limiter (10 qps / burst 100).
 * Thread-safe: every function may be called from any thread.
 */
#ifndef K8C_CLIENT_RATELIMIT_H
#define K8C_CLIENT_RATELIMIT_H

#include <pthread.h>

#include "base/base.h"

struct k8c_token_bucket {
	pthread_mutex_t lock;
	double qps; /* <= 0: unlimited */
	double burst;
	double tokens;
	int64_t last_ns; /* monotonic time tokens was last brought up to date */
};

/* Sets b up with qps (<= 0 for no limit) and burst (at least 1); the bucket starts full. */
void k8c_token_bucket_init(struct k8c_token_bucket *b, double qps, int burst);

/* Frees what init took. b must not be in use. */
void k8c_token_bucket_release(struct k8c_token_bucket *b);

/*
 * Takes one token at monotonic time now_ns, borrowing from the future when the bucket is
 * empty. Returns how long (ns) the caller must wait before acting: 0 when a token was
 * there, and never negative. Exposed with an explicit clock for tests; callers use
 * k8c_token_bucket_reserve().
 */
int64_t k8c_token_bucket_reserve_at(struct k8c_token_bucket *b, int64_t now_ns);

/* k8c_token_bucket_reserve_at(b, time_mono_ns()). */
int64_t k8c_token_bucket_reserve(struct k8c_token_bucket *b);

/* Takes one token, sleeping as long as reserve() says. */
void k8c_token_bucket_wait(struct k8c_token_bucket *b);

#endif
