/*
 * batch.c - parallel loops and slow-start batches (batch.h). Threads are
 * made per loop: a loop is a burst of HTTP calls that each take far longer
 * than a thread start, and nothing idles between bursts.
 */
#include "controllers/batch.h"

#include <pthread.h>

struct batch_team {
	batch_fn fn;
	void *arg;
	size_t next, end; /* next index to take, one past the last */
	size_t ok;
	int err;
	pthread_mutex_t lock;
};

static void *batch__worker(void *p)
{
	struct batch_team *t = p;

	for (;;) {
		pthread_mutex_lock(&t->lock);
		size_t i = t->next < t->end ? t->next++ : SIZE_MAX;
		pthread_mutex_unlock(&t->lock);
		if (i == SIZE_MAX)
			return NULL;
		int r = t->fn(t->arg, i);
		pthread_mutex_lock(&t->lock);
		if (r == 0)
			t->ok++;
		else if (!t->err)
			t->err = r;
		pthread_mutex_unlock(&t->lock);
	}
}

size_t batch_parallel(size_t first, size_t n, size_t max_threads, batch_fn fn, void *arg,
		      int *ret_err)
{
	struct batch_team t = { .fn = fn, .arg = arg, .next = first, .end = first + n };
	size_t nthreads = n < max_threads ? n : max_threads;
	pthread_t *threads = nthreads > 1 ? xcalloc(nthreads - 1, sizeof(*threads)) : NULL;
	size_t started = 0;

	pthread_mutex_init(&t.lock, NULL);
	/* Thread creation failing only means fewer helpers: the caller works too. */
	for (size_t i = 0; i + 1 < nthreads; i++)
		if (pthread_create(&threads[started], NULL, batch__worker, &t) == 0)
			started++;
	batch__worker(&t);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_mutex_destroy(&t.lock);
	if (ret_err)
		*ret_err = t.err;
	return t.ok;
}

size_t batch_slow_start(size_t count, size_t initial, batch_fn fn, void *arg, int *ret_err)
{
	size_t done = 0, ok = 0, size = initial ? initial : 1;
	int err = 0;

	while (done < count) {
		size_t n = count - done < size ? count - done : size;
		ok += batch_parallel(done, n, BATCH_MAX_THREADS, fn, arg, &err);
		done += n;
		if (err)
			break;
		size *= 2;
	}
	if (ret_err)
		*ret_err = err;
	return ok;
}
