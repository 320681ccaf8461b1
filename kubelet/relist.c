/*
 * relist.c - the relisting thread; see relist.h.
 */
#include "kubelet/relist.h"

#include <pthread.h>

#include "base/hashmap.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "kubelet/cond.h"
#include "kubelet/docker/docker.h"
#include "kubelet/kubelet.h"
#include "kubelet/labels.h"
#include "kubelet/pods.h"

struct seen {
	char *uid;
	enum docker_state state;
	bool present; /* in the latest list */
};

struct relist {
	struct kubelet *k;
	struct docker_client *dc;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	struct hashmap seen; /* container id -> struct seen */
};

static void free_seen(void *v)
{
	struct seen *s = v;
	free(s->uid);
	free(s);
}

/* Compares one listed container with what the last list said; wakes its pod on a change. */
static void compare(struct relist *r, const struct docker_container_summary *c)
{
	const char *uid = docker_labels_get(&c->labels, LABEL_POD_UID);
	if (!uid)
		return;
	struct seen *s = hashmap_get(&r->seen, c->id);
	bool changed = !s || s->state != c->state;
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->uid = xstrdup(uid);
		hashmap_put(&r->seen, c->id, s);
	}
	s->state = c->state;
	s->present = true;
	pod_manager_container_seen(r->k->pods, uid, changed);
}

/* Forgets containers that were not listed again, waking their pods. */
static void sweep(struct relist *r)
{
	size_t pos = 0;
	struct hashmap_entry *e;
	char **gone = NULL;
	size_t n = 0, alloc = 0;
	while ((e = hashmap_next(&r->seen, &pos))) {
		struct seen *s = e->value;
		if (s->present) {
			s->present = false;
			continue;
		}
		ALLOC_GROW(gone, n + 1, alloc);
		gone[n++] = xstrdup(e->key);
	}
	for (size_t i = 0; i < n; i++) {
		struct seen *s = hashmap_remove(&r->seen, gone[i]);
		pod_manager_container_seen(r->k->pods, s->uid, true);
		free_seen(s);
		free(gone[i]);
	}
	free(gone);
}

static void relist_once(struct relist *r)
{
	struct strbuf node = STRBUF_INIT;
	strbuf_addf(&node, LABEL_NODE "=%s", r->k->node_name);
	const char *filters[] = { node.buf, NULL };
	struct docker_container_list list = { 0 };
	if (docker_container_list(r->dc, filters, true, &list) == 0) {
		for (size_t i = 0; i < list.n; i++)
			compare(r, &list.items[i]);
		sweep(r);
		docker_container_list_release(&list);
	} else {
		log_warn("relist: %s", docker_client_last_error(r->dc));
	}
	strbuf_release(&node);
	pod_manager_reap(r->k->pods);
}

static void *relist_main(void *arg)
{
	struct relist *r = arg;
	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		pthread_mutex_unlock(&r->lock);
		relist_once(r);
		pthread_mutex_lock(&r->lock);
		if (!r->stop)
			cond_wait_ns(&r->cond, &r->lock, r->k->cfg->relist_ms * K8C_NSEC_PER_MSEC);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct relist *relist_start(struct kubelet *k)
{
	struct relist *r = xcalloc(1, sizeof(*r));
	r->k = k;
	pthread_mutex_init(&r->lock, NULL);
	cond_init_mono(&r->cond);
	if (docker_client_new(k->cfg->docker_socket, &r->dc) < 0 ||
	    pthread_create(&r->thread, NULL, relist_main, r) != 0) {
		docker_client_free(r->dc);
		free(r);
		return NULL;
	}
	return r;
}

void relist_stop(struct relist *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	docker_client_free(r->dc);
	hashmap_release(&r->seen, free_seen);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
