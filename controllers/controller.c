/*
 * controller.c - the small framework every controller is built from: worker
 * threads over a workqueue (processNextWorkItem), key helpers for informer
 * handlers, and the manager's per-component event recorders.
 */
#include "controllers/controller.h"

#include "base/log.h"
#include "base/strbuf.h"
#include "base/timeutil.h"

/* ---- workers ----------------------------------------------------------- */

static void *controller__worker(void *arg)
{
	struct controller_workers *w = arg;
	char *key;

	while (k8c_workqueue_get(w->queue, &key)) {
		int r = w->sync(w->state, key);

		if (r < 0) {
			log_debug("%s: sync of '%s' failed: %s; retrying", w->name, key,
				  strerror(-r));
			k8c_workqueue_add_rate_limited(w->queue, key);
		} else {
			k8c_workqueue_forget(w->queue, key);
		}
		k8c_workqueue_done(w->queue, key);
		free(key);
	}
	return NULL;
}

int controller_workers_start(struct controller_workers *w, const char *name,
			     struct k8c_workqueue *queue, int n, controller_sync_fn sync,
			     void *state)
{
	memset(w, 0, sizeof(*w));
	if (n < 1)
		n = 1;
	w->queue = queue;
	w->sync = sync;
	w->state = state;
	w->name = name;
	w->threads = xcalloc((size_t)n, sizeof(*w->threads));
	for (int i = 0; i < n; i++) {
		int r = pthread_create(&w->threads[i], NULL, controller__worker, w);

		if (r != 0) {
			controller_workers_stop(w);
			return -r;
		}
		w->n++;
	}
	return 0;
}

void controller_workers_stop(struct controller_workers *w)
{
	if (w->queue)
		k8c_workqueue_shutdown(w->queue);
	for (int i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	free(w->threads);
	w->threads = NULL;
	w->n = 0;
}

/* ---- keys -------------------------------------------------------------- */

void controller_enqueue(struct k8c_workqueue *q, const void *obj)
{
	controller_enqueue_after(q, obj, 0);
}

void controller_enqueue_after(struct k8c_workqueue *q, const void *obj, int64_t delay_ms)
{
	struct strbuf key = STRBUF_INIT;

	k8c_obj_key(obj, &key);
	k8c_workqueue_add_after(q, key.buf, delay_ms * K8C_NSEC_PER_MSEC);
	strbuf_release(&key);
}

int controller_split_key(const char *key, char **ret_ns, char **ret_name)
{
	const char *slash = strchr(key, '/');
	const char *name = slash ? slash + 1 : key;

	if (!*name || strchr(name, '/'))
		return -EINVAL;
	*ret_ns = slash ? xstrndup(key, (size_t)(slash - key)) : xstrdup("");
	*ret_name = xstrdup(name);
	return 0;
}

/* ---- recorders --------------------------------------------------------- */

struct controller_recorders {
	struct k8c_client *client;
	pthread_mutex_t lock;
	struct {
		char *component;
		struct k8c_recorder *rec;
	} *items;
	size_t n, alloc;
};

struct controller_recorders *controller_recorders_new(struct k8c_client *client)
{
	struct controller_recorders *r = xcalloc(1, sizeof(*r));

	r->client = client;
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

void controller_recorders_free(struct controller_recorders *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		k8c_recorder_free(r->items[i].rec);
		free(r->items[i].component);
	}
	free(r->items);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

struct k8c_recorder *controller_recorder(struct controller_ctx *ctx, const char *component)
{
	struct controller_recorders *r = ctx->recorders;
	struct k8c_recorder *rec = NULL;

	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->n && !rec; i++)
		if (!strcmp(r->items[i].component, component))
			rec = r->items[i].rec;
	if (!rec) {
		rec = k8c_recorder_new(r->client, component, NULL);
		if (rec) {
			ALLOC_GROW(r->items, r->n + 1, r->alloc);
			r->items[r->n].component = xstrdup(component);
			r->items[r->n++].rec = rec;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return rec;
}
