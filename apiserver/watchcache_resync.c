/*
 * watchcache_resync.c - recovery of the watch cache when its storage watch
 * ends for good. On etcd that happens when the history the watch must
 * resume from was compacted: another API server compacts on its timer
 * while this one's etcd member was down or this process was stalled.
 *
 * Like a Kubernetes reflector the cache then relists: kind by kind, the
 * objects are loaded again at one new revision and the kind's watchers are
 * ended (their clients re-watch from their last resourceVersion, which is
 * now below the cache's floor: 410 Expired, and they relist too); then the
 * storage watch starts again at that revision. Until that is done
 * watch_cache_error() reports the failure (readyz is not ready, consistent
 * reads answer 504). A relist that fails (the store still away) is tried
 * again every second. The work runs on a thread of its own because the
 * storage watch callback must not call back into the store.
 */
#include <malloc.h>
#include <time.h>

#include "apiserver/watchcache_internal.h"
#include "base/timeutil.h"

#define RESYNC_RETRY_MS 1000

/* Makes l (at rev) the whole state of kc; ends kc's watchers. */
static void kind_replace(struct kind_cache *kc, struct storage_list *l, int64_t rev)
{
	pthread_mutex_lock(&kc->lock);
	kind_cache_end_watchers(kc);
	kind_cache_clear(kc);
	kind_cache_load(kc, l);
	kc->floor = kc->rev = rev;
	pthread_mutex_unlock(&kc->lock);
}

/* Relists every kind at one revision and follows the store again from there. */
static int resync(struct watch_cache *c)
{
	int64_t rev = 0;
	int r = 0;

	if (c->sw)
		storage_watch_stop(c->storage, c->sw); /* ended: only its handle is left */
	c->sw = NULL;
	for (size_t i = 0; i < c->n_kinds && r == 0; i++) {
		struct storage_list l;

		r = kind_cache_list_store(c, &c->kinds[i], &rev, &l);
		if (r == 0)
			kind_replace(&c->kinds[i], &l, rev);
	}
	if (r < 0)
		return r;
	malloc_trim(0); /* the old state and the lists are freed: give the memory back */
	/* clear the error first: the new watch may report a new one at once */
	watch_cache_set_rev(c, rev, 0);
	r = storage_watch(c->storage, "/registry/", rev, watch_cache_on_store_events, c, &c->sw);
	if (r < 0)
		watch_cache_set_rev(c, 0, r);
	return r;
}

static void wait_ms_locked(struct watch_cache *c, int64_t ms)
{
	struct timespec until;

	watch_cache_deadline(&until, ms);
	pthread_cond_timedwait(&c->resync_cond, &c->rev_lock, &until);
}

static void *resync_main(void *arg)
{
	struct watch_cache *c = arg;

	pthread_mutex_lock(&c->rev_lock);
	while (!c->resync_stop) {
		if (!c->error) {
			pthread_cond_wait(&c->resync_cond, &c->rev_lock);
			continue;
		}
		pthread_mutex_unlock(&c->rev_lock);
		int r = resync(c);
		pthread_mutex_lock(&c->rev_lock);
		if (r < 0 && !c->resync_stop)
			wait_ms_locked(c, RESYNC_RETRY_MS);
	}
	pthread_mutex_unlock(&c->rev_lock);
	return NULL;
}

void watch_cache_resync_start(struct watch_cache *c)
{
	if (pthread_create(&c->resync_thread, NULL, resync_main, c) != 0)
		abort();
	c->resync_running = true;
}

void watch_cache_resync_stop(struct watch_cache *c)
{
	if (!c->resync_running)
		return;
	pthread_mutex_lock(&c->rev_lock);
	c->resync_stop = true;
	pthread_cond_broadcast(&c->resync_cond);
	pthread_mutex_unlock(&c->rev_lock);
	pthread_join(c->resync_thread, NULL);
	c->resync_running = false;
}
