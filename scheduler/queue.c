/*
 * queue.c - the scheduling queue: a priority heap of ready pods, a delay
 * heap of backing-off pods and a parked set; see queue.h.
 */
#include "scheduler/queue.h"

#include <pthread.h>

#include "base/hashmap.h"
#include "base/timeutil.h"
#include "client/backoff.h"
#include "client/delay_heap.h"

#define INITIAL_BACKOFF_NS (1000LL * 1000 * 1000)
#define MAX_BACKOFF_NS (10LL * 1000 * 1000 * 1000)
#define MAX_PARKED_NS (60LL * 1000 * 1000 * 1000)

enum qstate { Q_ACTIVE, Q_BACKOFF, Q_PARKED, Q_INFLIGHT };

struct qpod {
	char *key;
	int32_t priority;
	uint64_t seq;        /* order of first arrival: older first */
	enum qstate state;
	unsigned attempts;   /* failed tries so far */
	int64_t failed_ns;   /* when the last try failed */
	uint64_t move_cycle; /* the queue's move cycle when it was popped */
	bool retry;          /* changed while in flight */
	size_t heap_pos;     /* in the active heap while Q_ACTIVE */
};

struct sched_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct qpod **heap;
	size_t n_heap, alloc_heap;
	struct delay_heap backoff;
	struct hashmap pods; /* key -> struct qpod */
	uint64_t seq, move_cycle;
	size_t n_parked; /* pods in Q_PARKED: move events are free when there are none */
	bool closed;
};

static bool before(const struct qpod *a, const struct qpod *b)
{
	return a->priority != b->priority ? a->priority > b->priority : a->seq < b->seq;
}

static void heap_swap(struct sched_queue *q, size_t i, size_t j)
{
	struct qpod *t = q->heap[i];
	q->heap[i] = q->heap[j];
	q->heap[j] = t;
	q->heap[i]->heap_pos = i;
	q->heap[j]->heap_pos = j;
}

static void heap_push(struct sched_queue *q, struct qpod *p)
{
	ALLOC_GROW(q->heap, q->n_heap + 1, q->alloc_heap);
	size_t i = q->n_heap++;
	q->heap[i] = p;
	p->heap_pos = i;
	p->state = Q_ACTIVE;
	while (i && before(q->heap[i], q->heap[(i - 1) / 2])) {
		heap_swap(q, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	pthread_cond_signal(&q->cond);
}

static void heap_sift_down(struct sched_queue *q, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < q->n_heap && before(q->heap[l], q->heap[m]))
			m = l;
		if (r < q->n_heap && before(q->heap[r], q->heap[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(q, i, m);
		i = m;
	}
}

static void heap_remove(struct sched_queue *q, struct qpod *p)
{
	size_t i = p->heap_pos;
	heap_swap(q, i, --q->n_heap);
	if (i < q->n_heap) {
		heap_sift_down(q, i);
		while (i && before(q->heap[i], q->heap[(i - 1) / 2])) {
			heap_swap(q, i, (i - 1) / 2);
			i = (i - 1) / 2;
		}
	}
}

struct sched_queue *sched_queue_new(void)
{
	struct sched_queue *q = xcalloc(1, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	return q;
}

static void qpod_free(void *p)
{
	struct qpod *qp = p;
	free(qp->key);
	free(qp);
}

void sched_queue_free(struct sched_queue *q)
{
	if (!q)
		return;
	hashmap_release(&q->pods, qpod_free);
	delay_heap_release(&q->backoff);
	free(q->heap);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/* Sends p to backoff, or straight to active when its back-off is already over. */
static void to_backoff(struct sched_queue *q, struct qpod *p, int64_t now)
{
	int64_t d = p->attempts ? k8c_backoff_exp_ns(INITIAL_BACKOFF_NS, MAX_BACKOFF_NS,
						      p->attempts - 1) : 0;
	if (p->failed_ns + d <= now) {
		heap_push(q, p);
		return;
	}
	p->state = Q_BACKOFF;
	delay_heap_push(&q->backoff, p->key, p->failed_ns + d);
	pthread_cond_signal(&q->cond);
}

void sched_queue_add(struct sched_queue *q, const char *key, int32_t priority)
{
	pthread_mutex_lock(&q->lock);
	struct qpod *p = hashmap_get(&q->pods, key);
	if (!p) {
		p = xcalloc(1, sizeof(*p));
		p->key = xstrdup(key);
		p->priority = priority;
		p->seq = q->seq++;
		hashmap_put(&q->pods, key, p);
		heap_push(q, p);
	} else if (p->state == Q_PARKED) {
		p->priority = priority;
		q->n_parked--;
		to_backoff(q, p, time_mono_ns());
	} else if (p->state == Q_INFLIGHT) {
		p->retry = true;
	}
	pthread_mutex_unlock(&q->lock);
}

/* Moves backing-off pods whose time has come to active; returns the next wake-up time. */
static int64_t promote_ready(struct sched_queue *q, int64_t now)
{
	char *key;
	while ((key = delay_heap_pop_ready(&q->backoff, now))) {
		struct qpod *p = hashmap_get(&q->pods, key);
		if (p && p->state == Q_BACKOFF)
			heap_push(q, p);
		free(key);
	}
	return delay_heap_next(&q->backoff);
}

/* Parked pods that waited too long go back through backoff (a missed event is not fatal). */
static void flush_parked(struct sched_queue *q, int64_t now)
{
	size_t pos = 0;
	struct hashmap_entry *e;
	while ((e = hashmap_next(&q->pods, &pos))) {
		struct qpod *p = e->value;
		if (p->state == Q_PARKED && now - p->failed_ns > MAX_PARKED_NS) {
			q->n_parked--;
			to_backoff(q, p, now);
		}
	}
}

bool sched_queue_pop(struct sched_queue *q, char **ret_key)
{
	pthread_mutex_lock(&q->lock);
	int64_t next_flush = time_mono_ns() + MAX_PARKED_NS / 4;
	for (;;) {
		int64_t now = time_mono_ns();
		int64_t wake = promote_ready(q, now);
		if (now >= next_flush) {
			/* advanced also when nothing is parked: a deadline left in the past
			 * made every later wait return at once (a spinning idle scheduler) */
			if (q->n_parked)
				flush_parked(q, now);
			next_flush = now + MAX_PARKED_NS / 4;
		}
		if (q->n_heap || q->closed)
			break;
		if (wake > next_flush)
			wake = next_flush;
		struct timespec ts = { .tv_sec = wake / 1000000000, .tv_nsec = wake % 1000000000 };
		pthread_cond_timedwait(&q->cond, &q->lock, &ts);
	}
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return false;
	}
	struct qpod *p = q->heap[0];
	heap_remove(q, p);
	p->state = Q_INFLIGHT;
	p->move_cycle = q->move_cycle;
	p->retry = false;
	*ret_key = xstrdup(p->key);
	pthread_mutex_unlock(&q->lock);
	return true;
}

void sched_queue_done(struct sched_queue *q, const char *key, enum sched_result result)
{
	pthread_mutex_lock(&q->lock);
	struct qpod *p = hashmap_get(&q->pods, key);
	if (p && p->state == Q_INFLIGHT) {
		int64_t now = time_mono_ns();
		p->attempts++;
		p->failed_ns = now;
		bool changed = p->retry || p->move_cycle != q->move_cycle;
		if (result == SCHED_RESULT_UNSCHEDULABLE && !changed) {
			p->state = Q_PARKED;
			q->n_parked++;
		} else {
			to_backoff(q, p, now);
		}
	}
	pthread_mutex_unlock(&q->lock);
}

void sched_queue_forget(struct sched_queue *q, const char *key)
{
	pthread_mutex_lock(&q->lock);
	struct qpod *p = hashmap_remove(&q->pods, key);
	if (p && p->state == Q_ACTIVE)
		heap_remove(q, p);
	if (p && p->state == Q_PARKED)
		q->n_parked--;
	/* a Q_BACKOFF entry stays in the delay heap; promote_ready skips unknown keys */
	if (p)
		qpod_free(p);
	pthread_mutex_unlock(&q->lock);
}

void sched_queue_move_all(struct sched_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->move_cycle++;
	if (!q->n_parked) {
		pthread_mutex_unlock(&q->lock);
		return;
	}
	int64_t now = time_mono_ns();
	size_t pos = 0;
	struct hashmap_entry *e;
	struct qpod **parked = NULL;
	size_t n = 0, alloc = 0;
	while ((e = hashmap_next(&q->pods, &pos))) {
		struct qpod *p = e->value;
		if (p->state == Q_PARKED) {
			ALLOC_GROW(parked, n + 1, alloc);
			parked[n++] = p;
		}
	}
	for (size_t i = 0; i < n; i++)
		to_backoff(q, parked[i], now);
	q->n_parked = 0;
	free(parked);
	pthread_mutex_unlock(&q->lock);
}

void sched_queue_counts(struct sched_queue *q, size_t *active, size_t *backoff, size_t *parked,
			size_t *inflight)
{
	size_t c[4] = { 0 };
	pthread_mutex_lock(&q->lock);
	size_t pos = 0;
	struct hashmap_entry *e;
	while ((e = hashmap_next(&q->pods, &pos)))
		c[((struct qpod *)e->value)->state]++;
	pthread_mutex_unlock(&q->lock);
	*active = c[Q_ACTIVE];
	*backoff = c[Q_BACKOFF];
	*parked = c[Q_PARKED];
	*inflight = c[Q_INFLIGHT];
}

void sched_queue_close(struct sched_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}
