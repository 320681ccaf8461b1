/*
 * pods.c - the pod manager; see pods.h.
 */
#include "kubelet/pods.h"

#include <pthread.h>

#include "api/codec.h"
#include "base/hashmap.h"
#include "base/log.h"
#include "kubelet/kubelet.h"
#include "kubelet/worker.h"

struct pod_manager {
	struct kubelet *k;
	struct k8c_informer *informer;
	pthread_mutex_t lock;
	struct hashmap workers; /* uid -> struct pod_worker */
};

/* What of a pod the worker acts on: a change of anything else (its status) needs no sync. */
static bool worth_a_sync(const struct k8c_pod *old, const struct k8c_pod *new_pod)
{
	return !old || old->metadata.deletion_timestamp != new_pod->metadata.deletion_timestamp ||
	       old->metadata.deletion_grace_period_seconds !=
		       new_pod->metadata.deletion_grace_period_seconds ||
	       !k8c_equal(&k8c_type_pod_spec, &old->spec, &new_pod->spec) ||
	       !streq_null(old->metadata.uid, new_pod->metadata.uid);
}

static void upsert(struct pod_manager *pm, const struct k8c_pod *old, const struct k8c_pod *pod)
{
	const char *uid = pod->metadata.uid;
	if (!uid)
		return;
	pthread_mutex_lock(&pm->lock);
	struct pod_worker *w = hashmap_get(&pm->workers, uid);
	if (!w)
		hashmap_put(&pm->workers, uid, pod_worker_new(pm->k, uid, pod));
	else
		pod_worker_update(w, pod, worth_a_sync(old, pod));
	pthread_mutex_unlock(&pm->lock);
}

static void on_add(void *ud, const void *obj)
{
	upsert(ud, NULL, obj);
}

static void on_update(void *ud, const void *old, const void *obj)
{
	upsert(ud, old, obj);
}

static void on_delete(void *ud, const void *obj)
{
	struct pod_manager *pm = ud;
	const struct k8c_pod *pod = obj;
	pthread_mutex_lock(&pm->lock);
	struct pod_worker *w = pod->metadata.uid ? hashmap_get(&pm->workers, pod->metadata.uid) : NULL;
	if (w)
		pod_worker_remove(w);
	pthread_mutex_unlock(&pm->lock);
}

struct pod_manager *pod_manager_new(struct kubelet *k)
{
	struct pod_manager *pm = xcalloc(1, sizeof(*pm));
	pm->k = k;
	pthread_mutex_init(&pm->lock, NULL);
	struct strbuf sel = STRBUF_INIT;
	strbuf_addf(&sel, "spec.nodeName=%s", k->node_name);
	struct k8c_informer_options o = {
		.kind = k8c_kind_by_resource("", "v1", "pods"),
		.field_selector = sel.buf,
	};
	pm->informer = k8c_informer_new(k->api, &o);
	strbuf_release(&sel);
	struct k8c_informer_handlers h = { on_add, on_update, on_delete, pm };
	if (pm->informer)
		k8c_informer_add_handlers(pm->informer, &h);
	return pm;
}

int pod_manager_start(struct pod_manager *pm)
{
	return pm->informer ? k8c_informer_start(pm->informer) : -EINVAL;
}

bool pod_manager_synced(struct pod_manager *pm)
{
	return pm->informer && k8c_informer_has_synced(pm->informer);
}

static void free_worker(void *w)
{
	pod_worker_free(w);
}

void pod_manager_free(struct pod_manager *pm)
{
	if (!pm)
		return;
	if (pm->informer)
		k8c_informer_stop(pm->informer);
	hashmap_release(&pm->workers, free_worker);
	k8c_informer_free(pm->informer);
	pthread_mutex_destroy(&pm->lock);
	free(pm);
}

void pod_manager_container_seen(struct pod_manager *pm, const char *uid, bool changed)
{
	pthread_mutex_lock(&pm->lock);
	struct pod_worker *w = hashmap_get(&pm->workers, uid);
	if (w) {
		if (changed)
			pod_worker_wake(w);
	} else if (pod_manager_synced(pm)) {
		log_info("removing the containers of pod %s, which no longer exists", uid);
		hashmap_put(&pm->workers, uid, pod_worker_new(pm->k, uid, NULL));
	}
	pthread_mutex_unlock(&pm->lock);
}

void pod_manager_reap(struct pod_manager *pm)
{
	pthread_mutex_lock(&pm->lock);
	size_t pos = 0;
	struct hashmap_entry *e;
	char **done = NULL;
	size_t n = 0, alloc = 0;
	while ((e = hashmap_next(&pm->workers, &pos)))
		if (pod_worker_done(e->value)) {
			ALLOC_GROW(done, n + 1, alloc);
			done[n++] = xstrdup(e->key);
		}
	for (size_t i = 0; i < n; i++) {
		pod_worker_free(hashmap_remove(&pm->workers, done[i]));
		free(done[i]);
	}
	free(done);
	pthread_mutex_unlock(&pm->lock);
}

size_t pod_manager_len(struct pod_manager *pm)
{
	pthread_mutex_lock(&pm->lock);
	size_t n = pm->workers.count;
	pthread_mutex_unlock(&pm->lock);
	return n;
}

int pod_manager_log_target(struct pod_manager *pm, const char *ns, const char *name,
			   const char *container, bool previous, char **ret_id, bool *ret_tty,
			   struct strbuf *why)
{
	int r = -ENOENT;
	pthread_mutex_lock(&pm->lock);
	size_t pos = 0;
	struct hashmap_entry *e;
	while ((e = hashmap_next(&pm->workers, &pos)) && r == -ENOENT)
		if (pod_worker_is(e->value, ns, name))
			r = pod_worker_log_target(e->value, container, previous, ret_id, ret_tty, why);
	if (r == -ENOENT && !why->len)
		strbuf_addf(why, "pod \"%s/%s\" does not exist on node \"%s\"", ns, name,
			    pm->k->node_name);
	pthread_mutex_unlock(&pm->lock);
	return r;
}
