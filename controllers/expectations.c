/*
 * expectations.c - per-controller counts of creations and deletions not yet
 * seen through the watch (expectations.h). One lock over one hash map: the
 * calls are a few per pod, far from any contention that would matter.
 */
#include "controllers/expectations.h"

#include <pthread.h>

#include "base/hashmap.h"

struct expectation {
	int add;
	int del;
	int64_t stamp_ns;
	struct hashmap deleting; /* obj key -> (void *)1 */
};

struct expectations {
	pthread_mutex_t lock;
	struct hashmap map; /* controller key -> struct expectation */
};

static void expectation_free(void *p)
{
	struct expectation *x = p;

	if (!x)
		return;
	hashmap_release(&x->deleting, NULL);
	free(x);
}

struct expectations *expectations_new(void)
{
	struct expectations *e = xcalloc(1, sizeof(*e));

	pthread_mutex_init(&e->lock, NULL);
	return e;
}

void expectations_free(struct expectations *e)
{
	if (!e)
		return;
	hashmap_release(&e->map, expectation_free);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

/* Replaces key's record by a fresh one. Called with the lock held. */
static struct expectation *expectations__reset(struct expectations *e, const char *key,
					       int64_t now_ns)
{
	struct expectation *x = xcalloc(1, sizeof(*x));

	x->stamp_ns = now_ns;
	expectation_free(hashmap_put(&e->map, key, x));
	return x;
}

bool expectations_satisfied(struct expectations *e, const char *key, int64_t now_ns)
{
	bool ok = true;

	pthread_mutex_lock(&e->lock);
	struct expectation *x = hashmap_get(&e->map, key);
	if (x && (x->add > 0 || x->del > 0))
		ok = now_ns - x->stamp_ns > EXPECTATIONS_TIMEOUT_NS;
	pthread_mutex_unlock(&e->lock);
	return ok;
}

void expectations_expect_creations(struct expectations *e, const char *key, int n, int64_t now_ns)
{
	pthread_mutex_lock(&e->lock);
	expectations__reset(e, key, now_ns)->add = n;
	pthread_mutex_unlock(&e->lock);
}

void expectations_expect_deletions(struct expectations *e, const char *key,
				   const char *const *obj_keys, size_t n, int64_t now_ns)
{
	pthread_mutex_lock(&e->lock);
	struct expectation *x = expectations__reset(e, key, now_ns);
	for (size_t i = 0; i < n; i++)
		if (!hashmap_put(&x->deleting, obj_keys[i], (void *)1))
			x->del++;
	pthread_mutex_unlock(&e->lock);
}

void expectations_creation_observed(struct expectations *e, const char *key)
{
	pthread_mutex_lock(&e->lock);
	struct expectation *x = hashmap_get(&e->map, key);
	if (x)
		x->add--;
	pthread_mutex_unlock(&e->lock);
}

void expectations_deletion_observed(struct expectations *e, const char *key, const char *obj_key)
{
	pthread_mutex_lock(&e->lock);
	struct expectation *x = hashmap_get(&e->map, key);
	if (x && hashmap_remove(&x->deleting, obj_key))
		x->del--;
	pthread_mutex_unlock(&e->lock);
}

void expectations_delete(struct expectations *e, const char *key)
{
	pthread_mutex_lock(&e->lock);
	expectation_free(hashmap_remove(&e->map, key));
	pthread_mutex_unlock(&e->lock);
}

void expectations_get(struct expectations *e, const char *key, int *ret_add, int *ret_del)
{
	pthread_mutex_lock(&e->lock);
	struct expectation *x = hashmap_get(&e->map, key);
	*ret_add = x ? x->add : 0;
	*ret_del = x ? x->del : 0;
	pthread_mutex_unlock(&e->lock);
}
