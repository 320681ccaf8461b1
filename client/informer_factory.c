/*
 * informer_factory.c - one shared informer per kind for a process (see
 * informer.h), as client-go's SharedInformerFactory. Thread-safe.
 */
#include <pthread.h>

#include "base/timeutil.h"
#include "client/informer.h"

struct k8c_informer_factory {
	struct k8c_client *client;
	int64_t resync_ms;
	pthread_mutex_t lock;
	struct k8c_informer **informers;
	size_t n, alloc;
	size_t n_started; /* informers[0..n_started) were started by k8c_informer_factory_start */
	struct factory_transform {
		const struct k8c_kind *kind;
		k8c_transform_fn fn;
	} *transforms; /* for the informers made later */
	size_t n_transforms, alloc_transforms;
};

/* The informer of kind, or NULL. With f->lock held. */
static struct k8c_informer *find(struct k8c_informer_factory *f, const struct k8c_kind *kind)
{
	for (size_t i = 0; i < f->n; i++)
		if (k8c_informer_kind(f->informers[i]) == kind)
			return f->informers[i];
	return NULL;
}

/* The transform set for kind, or NULL. With f->lock held. */
static k8c_transform_fn transform_of(struct k8c_informer_factory *f, const struct k8c_kind *kind)
{
	for (size_t i = 0; i < f->n_transforms; i++)
		if (f->transforms[i].kind == kind)
			return f->transforms[i].fn;
	return NULL;
}

struct k8c_informer_factory *k8c_informer_factory_new(struct k8c_client *client,
						      int64_t resync_ms)
{
	struct k8c_informer_factory *f = xcalloc(1, sizeof(*f));
	f->client = client;
	f->resync_ms = resync_ms;
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

struct k8c_informer *k8c_informer_factory_get(struct k8c_informer_factory *f,
					      const struct k8c_kind *kind)
{
	pthread_mutex_lock(&f->lock);
	struct k8c_informer *inf = find(f, kind);
	if (!inf) {
		struct k8c_informer_options o = { .kind = kind, .resync_ms = f->resync_ms };
		inf = k8c_informer_new(f->client, &o);
		if (inf) {
			k8c_informer_set_transform(inf, transform_of(f, kind));
			ALLOC_GROW(f->informers, f->n + 1, f->alloc);
			f->informers[f->n++] = inf;
		}
	}
	pthread_mutex_unlock(&f->lock);
	return inf;
}

int k8c_informer_factory_set_transform(struct k8c_informer_factory *f,
				       const struct k8c_kind *kind, k8c_transform_fn fn)
{
	pthread_mutex_lock(&f->lock);
	struct k8c_informer *inf = find(f, kind);
	int r = inf ? k8c_informer_set_transform(inf, fn) : 0;
	if (r == 0) {
		size_t i = 0;
		while (i < f->n_transforms && f->transforms[i].kind != kind)
			i++;
		if (i == f->n_transforms) {
			ALLOC_GROW(f->transforms, f->n_transforms + 1, f->alloc_transforms);
			f->n_transforms++;
		}
		f->transforms[i] = (struct factory_transform){ kind, fn };
	}
	pthread_mutex_unlock(&f->lock);
	return r;
}

int k8c_informer_factory_start(struct k8c_informer_factory *f)
{
	pthread_mutex_lock(&f->lock);
	int r = 0;
	for (size_t i = 0; i < f->n && r == 0; i++)
		r = k8c_informer_start(f->informers[i]); /* 0 for one already running */
	if (r == 0)
		f->n_started = f->n;
	pthread_mutex_unlock(&f->lock);
	return r;
}

bool k8c_informer_factory_wait_synced(struct k8c_informer_factory *f, int64_t timeout_ms)
{
	int64_t deadline = time_mono_ns() + timeout_ms * K8C_NSEC_PER_MSEC;
	pthread_mutex_lock(&f->lock);
	size_t n = f->n_started; /* informers are never removed: the first n stay valid */
	pthread_mutex_unlock(&f->lock);
	bool all = true;
	for (size_t i = 0; i < n && all; i++) {
		pthread_mutex_lock(&f->lock);
		struct k8c_informer *inf = f->informers[i];
		pthread_mutex_unlock(&f->lock);
		int64_t left = timeout_ms < 0 ? -1 : (deadline - time_mono_ns()) / K8C_NSEC_PER_MSEC;
		all = k8c_informer_wait_synced(inf, timeout_ms < 0 ? -1 : left > 0 ? left : 0);
	}
	return all;
}

void k8c_informer_factory_stop(struct k8c_informer_factory *f)
{
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++)
		k8c_informer_stop(f->informers[i]);
	pthread_mutex_unlock(&f->lock);
}

void k8c_informer_factory_free(struct k8c_informer_factory *f)
{
	if (!f)
		return;
	k8c_informer_factory_stop(f);
	for (size_t i = 0; i < f->n; i++)
		k8c_informer_free(f->informers[i]);
	free(f->informers);
	free(f->transforms);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
