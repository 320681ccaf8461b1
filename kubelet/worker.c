/*
 * worker.c - a pod worker's thread, its wake-ups and what it publishes for
 * the log server; see worker.h. The sync itself is in sync.c.
 */
#include "kubelet/worker_internal.h"

#include <stdarg.h>

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "client/informer.h"
#include "client/recorder.h"
#include "kubelet/cond.h"
#include "kubelet/prober.h"


void worker_wake_at(struct pod_worker *w, int64_t ns)
{
	pthread_mutex_lock(&w->lock);
	if (!w->wake_ns || ns < w->wake_ns)
		w->wake_ns = ns;
	pthread_mutex_unlock(&w->lock);
}

void pod_worker_wake(struct pod_worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->dirty = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void worker_notify(void *ud)
{
	pod_worker_wake(ud);
}

void worker_event(struct pod_worker *w, const struct k8c_pod *pod, const char *type,
		  const char *reason, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	log_info("pod %s/%s: %s %s: %s", pod->metadata.namespace, pod->metadata.name, type, reason,
		 msg.buf);
	if (w->k->recorder)
		k8c_recorder_eventf(w->k->recorder, pod, type, reason, "%s", msg.buf);
	strbuf_release(&msg);
}

/* Waits (locked) until the worker is dirty, stopped, or its wake-up or resync time comes. */
static void wait_for_work(struct pod_worker *w)
{
	int64_t resync_at = time_mono_ns() + w->k->cfg->sync_ms * K8C_NSEC_PER_MSEC;
	while (!w->dirty && !w->stop) {
		int64_t left = resync_at - time_mono_ns();
		if (w->wake_ns) {
			int64_t until_wake = w->wake_ns - time_now_ns();
			if (until_wake < left)
				left = until_wake;
		}
		if (left <= 0)
			break;
		cond_wait_ns(&w->cond, &w->lock, left);
	}
}

static void *worker_main(void *arg)
{
	struct pod_worker *w = arg;
	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		wait_for_work(w);
		if (w->stop)
			break;
		w->dirty = false;
		w->wake_ns = 0;
		const struct k8c_pod *pod = w->pod ? k8c_obj_ref(w->pod) : NULL;
		bool removed = w->removed;
		pthread_mutex_unlock(&w->lock);
		bool done = sync_pod(w, pod, removed);
		k8c_obj_unref(pod);
		pthread_mutex_lock(&w->lock);
		if (done) {
			w->done = true;
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct pod_worker *pod_worker_new(struct kubelet *k, const char *uid, const struct k8c_pod *pod)
{
	struct pod_worker *w = xcalloc(1, sizeof(*w));
	w->k = k;
	w->uid = xstrdup(uid);
	pthread_mutex_init(&w->lock, NULL);
	cond_init_mono(&w->cond);
	w->pod = pod ? k8c_obj_ref(pod) : NULL;
	w->removed = !pod;
	w->dirty = true;
	int64_t base = k->cfg->backoff_base_ms * K8C_NSEC_PER_MSEC;
	int64_t max = k->cfg->backoff_max_ms * K8C_NSEC_PER_MSEC;
	backoff_init(&w->restarts, base, max);
	backoff_init(&w->images, base, max);
	if (docker_client_new(k->cfg->docker_socket, &w->dc) < 0) {
		log_error("cannot make a docker client for pod %s", uid);
		w->done = true;
		return w;
	}
	w->thread_started = pthread_create(&w->thread, NULL, worker_main, w) == 0;
	if (!w->thread_started)
		w->done = true;
	return w;
}

void pod_worker_update(struct pod_worker *w, const struct k8c_pod *pod, bool wake)
{
	const struct k8c_pod *newer = k8c_obj_ref(pod), *older;
	pthread_mutex_lock(&w->lock);
	older = w->pod;
	w->pod = newer;
	if (wake) {
		w->dirty = true;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	k8c_obj_unref(older);
}

void pod_worker_remove(struct pod_worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->removed = true;
	w->dirty = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

bool pod_worker_done(struct pod_worker *w)
{
	pthread_mutex_lock(&w->lock);
	bool done = w->done;
	pthread_mutex_unlock(&w->lock);
	return done;
}

void pod_worker_free(struct pod_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	if (w->thread_started)
		pthread_join(w->thread, NULL);
	prober_free(w->prober);
	docker_client_free(w->dc);
	backoff_release(&w->restarts);
	backoff_release(&w->images);
	for (size_t i = 0; i < w->n_memos; i++) {
		free(w->memos[i].name);
		free(w->memos[i].message);
	}
	free(w->memos);
	k8c_obj_unref(w->pod);
	k8c_release(&k8c_type_pod_status, &w->published);
	k8c_release(&k8c_type_pod_status, &w->written);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->uid);
	free(w);
}

const char *pod_worker_uid(const struct pod_worker *w)
{
	return w->uid;
}

bool pod_worker_is(struct pod_worker *w, const char *ns, const char *name)
{
	pthread_mutex_lock(&w->lock);
	bool is = w->pod && !w->removed && streq_null(w->pod->metadata.namespace, ns) &&
		  streq_null(w->pod->metadata.name, name);
	pthread_mutex_unlock(&w->lock);
	return is;
}
