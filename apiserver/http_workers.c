/*
 * http_workers.c - a pool of handler threads grown on demand; see http_workers.h.
 */
#include "apiserver/http_workers.h"

#include <pthread.h>

#include <stdlib.h>

#include "base/base.h"
#include "base/log.h"

/* Small: a handler's deepest path (decode, validate, encode) needs far less, and each
 * thread's touched stack stays resident. */
#define WORKER_STACK (256 * 1024)

struct work {
	void (*fn)(void *arg);
	void *arg;
	struct work *next;
};

struct http_workers {
	pthread_mutex_t lock;
	pthread_cond_t work_cond, idle_cond;
	struct work *head, **tail; /* queued work, oldest first */
	size_t q_n;
	size_t max, n_threads, idle, busy;
	bool stopping;
	pthread_t *threads;
};

static void *worker_main(void *arg)
{
	struct http_workers *w = arg;

	pthread_setname_np(pthread_self(), "k8c-http-long");
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->q_n && !w->stopping) {
			w->idle++;
			pthread_cond_wait(&w->work_cond, &w->lock);
			w->idle--;
		}
		if (!w->q_n)
			break;
		struct work *job = w->head;
		w->head = job->next;
		if (!w->head)
			w->tail = &w->head;
		w->q_n--;
		w->busy++;
		pthread_mutex_unlock(&w->lock);
		job->fn(job->arg);
		free(job);
		pthread_mutex_lock(&w->lock);
		if (!--w->busy && !w->q_n)
			pthread_cond_broadcast(&w->idle_cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct http_workers *http_workers_new(size_t max)
{
	struct http_workers *w = xcalloc(1, sizeof(*w));

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work_cond, NULL);
	pthread_cond_init(&w->idle_cond, NULL);
	w->tail = &w->head;
	w->max = max ? max : 1;
	w->threads = xcalloc(w->max, sizeof(*w->threads));
	return w;
}

/* Starts one more thread (w->lock held); false when none could be. */
static bool grow(struct http_workers *w)
{
	pthread_attr_t a;
	bool ok;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, WORKER_STACK);
	ok = pthread_create(&w->threads[w->n_threads], &a, worker_main, w) == 0;
	pthread_attr_destroy(&a);
	if (ok)
		w->n_threads++;
	return ok;
}

void http_workers_submit(struct http_workers *w, void (*fn)(void *arg), void *arg)
{
	struct work *job = xmalloc(sizeof(*job));

	*job = (struct work){ fn, arg, NULL };
	pthread_mutex_lock(&w->lock);
	*w->tail = job;
	w->tail = &job->next;
	w->q_n++;
	/* more queued than idle threads to take it: another thread, while the pool may grow */
	bool started = w->q_n > w->idle && w->n_threads < w->max && grow(w);
	if (!started && !w->n_threads) { /* nothing would ever run it */
		log_error("http: cannot start a worker thread");
		abort();
	}
	pthread_cond_signal(&w->work_cond);
	pthread_mutex_unlock(&w->lock);
}

void http_workers_drain(struct http_workers *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->q_n || w->busy)
		pthread_cond_wait(&w->idle_cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

void http_workers_free(struct http_workers *w)
{
	if (!w)
		return;
	http_workers_drain(w);
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->work_cond);
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < w->n_threads; i++)
		pthread_join(w->threads[i], NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->work_cond);
	pthread_cond_destroy(&w->idle_cond);
	free(w->threads);
	free(w);
}
