/*
 * trec.c - the watch recorder of the storage conformance suite (see
 * tstore.h): a storage_watch_fn that copies every event it gets, flags
 * callbacks that overlap or break the callback contract, and lets a case
 * wait, with a deadline, for a number of events or the final error.
 */
#include "test/storage/tstore.h"

#include <time.h>

#include "base/timeutil.h"

/* Waits on r->cond until done(r) or the deadline; r->lock held. */
static bool trec_wait_for(struct trec *r, bool (*done)(struct trec *, size_t), size_t n)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += TSTORE_WAIT_MS / 1000;
	pthread_mutex_lock(&r->lock);
	int rc = 0;
	while (!done(r, n) && rc == 0)
		rc = pthread_cond_timedwait(&r->cond, &r->lock, &ts);
	bool ok = done(r, n);
	pthread_mutex_unlock(&r->lock);
	return ok;
}

static bool has_n(struct trec *r, size_t n)
{
	return r->n >= n;
}

static bool has_err(struct trec *r, size_t n)
{
	return r->err != 0;
}

static bool has_entered(struct trec *r, size_t n)
{
	return r->entered;
}

bool trec_wait(struct trec *r, size_t n)
{
	return trec_wait_for(r, has_n, n);
}

bool trec_wait_err(struct trec *r)
{
	return trec_wait_for(r, has_err, 0);
}

bool trec_wait_entered(struct trec *r)
{
	return trec_wait_for(r, has_entered, 0);
}

size_t trec_count(struct trec *r)
{
	pthread_mutex_lock(&r->lock);
	size_t n = r->n;
	pthread_mutex_unlock(&r->lock);
	return n;
}

void trec_init(struct trec *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
}

void trec_release(struct trec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->ev[i].key);
		free(r->ev[i].value);
	}
	free(r->ev);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
}

static void trec_add(struct trec *r, const struct storage_event *e)
{
	ALLOC_GROW(r->ev, r->n + 1, r->alloc);
	struct trec_event *c = &r->ev[r->n++];
	c->type = e->type;
	c->key = xstrdup(e->key);
	c->value = xmalloc(e->value_len + 1);
	memcpy(c->value, e->value, e->value_len);
	c->value[e->value_len] = '\0';
	c->value_len = e->value_len;
	c->create_rev = e->create_rev;
	c->mod_rev = e->mod_rev;
}

void trec_cb(void *ctx, const struct storage_event *ev, size_t n, int err)
{
	struct trec *r = ctx;
	pthread_mutex_lock(&r->lock);
	if (r->in_cb || r->err || (n == 0) == (err == 0))
		r->misuse = true;
	r->in_cb++;
	r->entered = true;
	r->calls++;
	pthread_cond_broadcast(&r->cond);
	int delay = r->delay_ms;
	pthread_mutex_unlock(&r->lock);
	if (delay)
		time_sleep_ms(delay);
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < n; i++)
		trec_add(r, &ev[i]);
	if (err)
		r->err = err;
	r->in_cb--;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}
