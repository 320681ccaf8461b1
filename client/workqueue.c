/*
 * workqueue.c - the work queue of workqueue.h: one mutex, a FIFO of ready keys, a "dirty"
 * set (queued or to be re-queued), a "processing" set, a delay heap for keys waiting for
 * their time (moved to the FIFO by whichever thread looks first: no timer thread), and
 * the per-key failure counts of the rate limiter.
 */
#include "client/workqueue.h"

#include <pthread.h>
#include <time.h>

#include "base/hashmap.h"
#include "base/timeutil.h"
#include "client/backoff.h"
#include "client/delay_heap.h"
#include "client/ratelimit.h"

struct k8c_workqueue {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* a key became ready, a delay changed, or shutdown */
	pthread_cond_t idle; /* processing became empty (for shutdown_with_drain) */
	char **fifo;	     /* ready keys, owned, from head to n */
	size_t head, n, alloc;
	struct hashmap dirty;	   /* queued or to be re-queued after done() */
	struct hashmap processing; /* handed out by get(), not done() yet */
	struct hashmap failures;   /* key -> failure count (as a pointer) */
	struct delay_heap delayed;
	struct k8c_token_bucket bucket;
	int64_t base_delay_ns, max_delay_ns;
	bool shutting_down;
};

struct k8c_workqueue *k8c_workqueue_new(const struct k8c_workqueue_options *opts)
{
	struct k8c_workqueue_options o = opts ? *opts : (struct k8c_workqueue_options){ 0 };
	struct k8c_workqueue *q = xcalloc(1, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &attr);
	pthread_cond_init(&q->idle, &attr);
	pthread_condattr_destroy(&attr);
	q->base_delay_ns = o.base_delay_ns > 0 ? o.base_delay_ns : 5 * K8C_NSEC_PER_MSEC;
	q->max_delay_ns = o.max_delay_ns > 0 ? o.max_delay_ns : 1000 * K8C_NSEC_PER_SEC;
	k8c_token_bucket_init(&q->bucket, o.qps == 0 ? 10 : o.qps, o.burst ? o.burst : 100);
	q->delayed = (struct delay_heap)DELAY_HEAP_INIT;
	return q;
}

void k8c_workqueue_free(struct k8c_workqueue *q)
{
	if (!q)
		return;
	for (size_t i = q->head; i < q->n; i++)
		free(q->fifo[i]);
	free(q->fifo);
	hashmap_release(&q->dirty, NULL);
	hashmap_release(&q->processing, NULL);
	hashmap_release(&q->failures, NULL);
	delay_heap_release(&q->delayed);
	k8c_token_bucket_release(&q->bucket);
	pthread_cond_destroy(&q->cond);
	pthread_cond_destroy(&q->idle);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

static void fifo_push(struct k8c_workqueue *q, char *key)
{
	if (q->head > 0 && q->n == q->alloc) {
		memmove(q->fifo, q->fifo + q->head, (q->n - q->head) * sizeof(*q->fifo));
		q->n -= q->head;
		q->head = 0;
	}
	ALLOC_GROW(q->fifo, q->n + 1, q->alloc);
	q->fifo[q->n++] = key;
}

/* client-go's Add(), with the lock held. */
static void add_locked(struct k8c_workqueue *q, const char *key)
{
	if (q->shutting_down || hashmap_contains(&q->dirty, key))
		return;
	hashmap_put(&q->dirty, key, NULL);
	if (hashmap_contains(&q->processing, key))
		return;
	fifo_push(q, xstrdup(key));
	pthread_cond_signal(&q->cond);
}

/* Moves every key whose time has come from the delay heap to the FIFO. */
static void promote_ready(struct k8c_workqueue *q)
{
	if (q->shutting_down || delay_heap_next(&q->delayed) == INT64_MAX)
		return;
	int64_t now = time_mono_ns();
	char *key;
	while ((key = delay_heap_pop_ready(&q->delayed, now))) {
		add_locked(q, key);
		free(key);
	}
}

void k8c_workqueue_add(struct k8c_workqueue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	add_locked(q, key);
	pthread_mutex_unlock(&q->lock);
}

static void add_after_locked(struct k8c_workqueue *q, const char *key, int64_t delay_ns)
{
	if (q->shutting_down)
		return;
	if (delay_ns <= 0) {
		add_locked(q, key);
		return;
	}
	int64_t before = delay_heap_next(&q->delayed);
	delay_heap_push(&q->delayed, key, time_mono_ns() + delay_ns);
	/* getters sleep until the earliest time: wake them when it moves earlier */
	if (delay_heap_next(&q->delayed) < before)
		pthread_cond_broadcast(&q->cond);
}

void k8c_workqueue_add_after(struct k8c_workqueue *q, const char *key, int64_t delay_ns)
{
	pthread_mutex_lock(&q->lock);
	add_after_locked(q, key, delay_ns);
	pthread_mutex_unlock(&q->lock);
}

void k8c_workqueue_add_rate_limited(struct k8c_workqueue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	uintptr_t failures = (uintptr_t)hashmap_get(&q->failures, key);
	hashmap_put(&q->failures, key, (void *)(failures + 1));
	int64_t d = k8c_backoff_exp_ns(q->base_delay_ns, q->max_delay_ns, (unsigned)failures);
	int64_t bucket = k8c_token_bucket_reserve(&q->bucket);
	add_after_locked(q, key, d > bucket ? d : bucket);
	pthread_mutex_unlock(&q->lock);
}

/* Waits for the next event, or until the earliest delayed key is due. */
static void wait_locked(struct k8c_workqueue *q)
{
	int64_t next = delay_heap_next(&q->delayed);
	if (next == INT64_MAX) {
		pthread_cond_wait(&q->cond, &q->lock);
		return;
	}
	struct timespec ts = { .tv_sec = next / K8C_NSEC_PER_SEC,
			       .tv_nsec = next % K8C_NSEC_PER_SEC };
	pthread_cond_timedwait(&q->cond, &q->lock, &ts);
}

bool k8c_workqueue_get(struct k8c_workqueue *q, char **ret_key)
{
	pthread_mutex_lock(&q->lock);
	for (;;) {
		promote_ready(q);
		if (q->head < q->n || q->shutting_down)
			break;
		wait_locked(q);
	}
	if (q->head == q->n) {
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	char *key = q->fifo[q->head++];
	if (q->head == q->n)
		q->head = q->n = 0;
	hashmap_put(&q->processing, key, NULL);
	hashmap_remove(&q->dirty, key);
	pthread_mutex_unlock(&q->lock);
	*ret_key = key;
	return true;
}

void k8c_workqueue_done(struct k8c_workqueue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	hashmap_remove(&q->processing, key);
	if (hashmap_contains(&q->dirty, key)) {
		fifo_push(q, xstrdup(key));
		pthread_cond_signal(&q->cond);
	}
	if (q->processing.count == 0)
		pthread_cond_broadcast(&q->idle);
	pthread_mutex_unlock(&q->lock);
}

void k8c_workqueue_forget(struct k8c_workqueue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	hashmap_remove(&q->failures, key);
	pthread_mutex_unlock(&q->lock);
}

int k8c_workqueue_num_requeues(struct k8c_workqueue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	int n = (int)(uintptr_t)hashmap_get(&q->failures, key);
	pthread_mutex_unlock(&q->lock);
	return n;
}

size_t k8c_workqueue_len(struct k8c_workqueue *q)
{
	pthread_mutex_lock(&q->lock);
	promote_ready(q);
	size_t n = q->n - q->head;
	pthread_mutex_unlock(&q->lock);
	return n;
}

void k8c_workqueue_shutdown(struct k8c_workqueue *q)
{
	pthread_mutex_lock(&q->lock);
	q->shutting_down = true;
	delay_heap_release(&q->delayed);
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void k8c_workqueue_shutdown_with_drain(struct k8c_workqueue *q)
{
	k8c_workqueue_shutdown(q);
	pthread_mutex_lock(&q->lock);
	while (q->processing.count > 0)
		pthread_cond_wait(&q->idle, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

bool k8c_workqueue_shutting_down(struct k8c_workqueue *q)
{
	pthread_mutex_lock(&q->lock);
	bool r = q->shutting_down;
	pthread_mutex_unlock(&q->lock);
	return r;
}
