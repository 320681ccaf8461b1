/*
 * prober.c - a pod's probe threads and their results; see prober.h.
 */
#include "kubelet/prober.h"

#include <pthread.h>

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "client/recorder.h"
#include "kubelet/cond.h"
#include "kubelet/kubelet.h"
#include "kubelet/probe.h"

static const char *const kind_names[] = { "Liveness", "Readiness", "Startup" };

struct probe_worker {
	struct prober *owner;
	enum probe_kind kind;
	struct k8c_container spec; /* a copy: the probe and the ports */
	const struct k8c_probe *probe;
	struct probe_timing timing;
	pthread_t thread;
	bool running;
	/* under the prober's lock */
	char *result_id;   /* the instance the result is about */
	bool have_result;  /* a threshold was reached for result_id */
	bool result;
	bool last_outcome; /* of the latest run, and how many in a row */
	int run;
	bool on_hold;
	int64_t next_ns; /* no run before this (wall clock) */
	char *why;	 /* the latest failure */
};

struct target {
	char *name;
	char *id; /* NULL: not running */
	int64_t started_ns;
};

struct prober {
	struct kubelet *k;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* stop, or a target changed */
	bool stop;
	char *pod_key;
	struct k8c_pod ref; /* kind, name, namespace, uid: what Unhealthy events are about */
	char *pod_ip;
	struct target *targets;
	size_t n_targets;
	struct probe_worker *workers;
	size_t n_workers;
	void (*notify)(void *ud);
	void *ud;
};

static const struct target *target_of(const struct prober *p, const char *name)
{
	for (size_t i = 0; i < p->n_targets; i++)
		if (!strcmp(p->targets[i].name, name))
			return &p->targets[i];
	return NULL;
}

static struct probe_worker *worker_of(struct prober *p, const char *name, enum probe_kind kind)
{
	for (size_t i = 0; i < p->n_workers; i++)
		if (p->workers[i].kind == kind && !strcmp(p->workers[i].spec.name, name))
			return &p->workers[i];
	return NULL;
}

/* The result for id, locked: the threshold result, else the kind's initial value. */
static bool result_locked(struct prober *p, const char *name, const char *id, enum probe_kind kind)
{
	struct probe_worker *w = worker_of(p, name, kind);
	if (!w)
		return true;
	if (w->result_id && id && !strcmp(w->result_id, id) && w->have_result)
		return w->result;
	return kind == PROBE_LIVENESS;
}

/* Resets w for a new instance id (NULL: none). */
static void reset_locked(struct probe_worker *w, const char *id)
{
	free(w->result_id);
	w->result_id = xstrdup(id);
	w->have_result = false;
	w->run = 0;
	w->on_hold = false;
	w->next_ns = 0;
}

/* Applies one run's outcome; returns true when the result changed. */
static bool record_locked(struct probe_worker *w, bool ok, const char *why)
{
	if (w->run && w->last_outcome == ok) {
		w->run++;
	} else {
		w->last_outcome = ok;
		w->run = 1;
	}
	if (!ok) {
		free(w->why);
		w->why = xstrdup(why);
	}
	if (w->run < (ok ? w->timing.success_threshold : w->timing.failure_threshold))
		return false;
	bool changed = !w->have_result || w->result != ok;
	w->have_result = true;
	w->result = ok;
	if (!ok && w->kind != PROBE_READINESS) {
		w->on_hold = true; /* the container will be restarted: wait for the next one */
		w->run = 0;
	}
	return changed;
}

/* Whether w should probe its target now; *ret_wait_ns: how long to wait otherwise. */
static bool due_locked(struct probe_worker *w, const struct target *t, int64_t now,
		       int64_t *ret_wait_ns)
{
	int64_t period = (int64_t)w->timing.period_s * K8C_NSEC_PER_SEC;
	*ret_wait_ns = period;
	if (!t || !t->id || w->on_hold)
		return false;
	if (w->kind == PROBE_STARTUP && w->have_result && w->result)
		return false; /* done: startup probes stop once they succeed */
	if (w->kind != PROBE_STARTUP && !result_locked(w->owner, w->spec.name, t->id, PROBE_STARTUP))
		return false;
	int64_t ready_at = t->started_ns + (int64_t)w->timing.initial_delay_s * K8C_NSEC_PER_SEC;
	if (ready_at < w->next_ns)
		ready_at = w->next_ns;
	if (now < ready_at) {
		*ret_wait_ns = ready_at - now;
		return false;
	}
	return true;
}

/* Runs the probe once without the lock; returns whether it succeeded. */
static bool run_once(struct probe_worker *w, struct docker_client *dc, const char *id,
		     const char *pod_ip, struct strbuf *why)
{
	struct probe_target t = { .container = &w->spec, .pod_ip = pod_ip, .container_id = id };
	int r = probe_run(w->probe, &t, dc, why);
	if (r <= 0)
		log_debug("%s probe of %s/%s failed: %s", kind_names[w->kind], w->owner->pod_key,
			  w->spec.name, why->buf);
	return r > 0;
}

/* Kubernetes' Unhealthy event: "Liveness probe failed: <why>". */
static void unhealthy(struct probe_worker *w, const char *why)
{
	struct kubelet *k = w->owner->k;
	if (k->recorder)
		k8c_recorder_eventf(k->recorder, &w->owner->ref, "Warning", "Unhealthy",
				    "%s probe failed: %s", kind_names[w->kind], why);
}

static void *worker_main(void *arg)
{
	struct probe_worker *w = arg;
	struct prober *p = w->owner;
	struct docker_client *dc = NULL;
	docker_client_new(p->k->cfg->docker_socket, &dc);
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		const struct target *t = target_of(p, w->spec.name);
		if (!t || !streq_null(t->id, w->result_id))
			reset_locked(w, t ? t->id : NULL);
		int64_t wait_ns = K8C_NSEC_PER_SEC;
		if (!dc || !due_locked(w, t, time_now_ns(), &wait_ns)) {
			cond_wait_ns(&p->cond, &p->lock, wait_ns);
			continue;
		}
		char *id = xstrdup(t->id), *ip = xstrdup(p->pod_ip);
		w->next_ns = time_now_ns() + (int64_t)w->timing.period_s * K8C_NSEC_PER_SEC;
		pthread_mutex_unlock(&p->lock);
		struct strbuf why = STRBUF_INIT;
		bool ok = run_once(w, dc, id, ip, &why);
		if (!ok)
			unhealthy(w, why.buf);
		pthread_mutex_lock(&p->lock);
		bool changed = streq_null(id, w->result_id) && record_locked(w, ok, why.buf);
		if (changed && !ok)
			log_info("%s probe of %s/%s failed: %s", kind_names[w->kind], p->pod_key,
				 w->spec.name, why.buf);
		strbuf_release(&why);
		free(id);
		free(ip);
		if (changed) {
			pthread_mutex_unlock(&p->lock);
			p->notify(p->ud);
			pthread_mutex_lock(&p->lock);
		}
	}
	pthread_mutex_unlock(&p->lock);
	docker_client_free(dc);
	return NULL;
}

static void add_worker(struct prober *p, const struct k8c_container *c, enum probe_kind kind)
{
	const struct k8c_probe *probe = kind == PROBE_LIVENESS ? c->liveness_probe :
					kind == PROBE_READINESS ? c->readiness_probe : c->startup_probe;
	if (!probe)
		return;
	struct probe_worker *w = &p->workers[p->n_workers++];
	memset(w, 0, sizeof(*w));
	w->owner = p;
	w->kind = kind;
	k8c_copy(&k8c_type_container, &w->spec, c);
	w->probe = kind == PROBE_LIVENESS ? w->spec.liveness_probe :
		   kind == PROBE_READINESS ? w->spec.readiness_probe : w->spec.startup_probe;
	probe_timing_of(w->probe, &w->timing);
}

struct prober *prober_new(struct kubelet *k, const struct k8c_pod *pod, void (*notify)(void *ud),
			  void *ud)
{
	struct prober *p = xcalloc(1, sizeof(*p));
	p->k = k;
	p->notify = notify;
	p->ud = ud;
	pthread_mutex_init(&p->lock, NULL);
	cond_init_mono(&p->cond);
	struct strbuf key = STRBUF_INIT;
	strbuf_addf(&key, "%s/%s", pod->metadata.namespace, pod->metadata.name);
	p->pod_key = strbuf_detach(&key, NULL);
	p->ref.kind = xstrdup("Pod");
	p->ref.api_version = xstrdup("v1");
	p->ref.metadata.name = xstrdup(pod->metadata.name);
	p->ref.metadata.namespace = xstrdup(pod->metadata.namespace);
	p->ref.metadata.uid = xstrdup(pod->metadata.uid);
	p->workers = xcalloc(3 * pod->spec.n_containers + 1, sizeof(*p->workers));
	for (size_t i = 0; i < pod->spec.n_containers; i++)
		for (int kind = PROBE_LIVENESS; kind <= PROBE_STARTUP; kind++)
			add_worker(p, &pod->spec.containers[i], (enum probe_kind)kind);
	for (size_t i = 0; i < p->n_workers; i++) {
		struct probe_worker *w = &p->workers[i];
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 256 * 1024);
		w->running = pthread_create(&w->thread, &attr, worker_main, w) == 0;
		pthread_attr_destroy(&attr);
	}
	return p;
}

void prober_free(struct prober *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < p->n_workers; i++) {
		struct probe_worker *w = &p->workers[i];
		if (w->running)
			pthread_join(w->thread, NULL);
		k8c_release(&k8c_type_container, &w->spec);
		free(w->result_id);
		free(w->why);
	}
	for (size_t i = 0; i < p->n_targets; i++) {
		free(p->targets[i].name);
		free(p->targets[i].id);
	}
	free(p->targets);
	free(p->workers);
	free(p->pod_key);
	k8c_release(&k8c_type_pod, &p->ref);
	free(p->pod_ip);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void prober_set_target(struct prober *p, const char *name, const char *id, int64_t started_ns,
		       const char *pod_ip)
{
	pthread_mutex_lock(&p->lock);
	struct target *t = (struct target *)target_of(p, name);
	if (!t) {
		p->targets = xrealloc(p->targets, (p->n_targets + 1) * sizeof(*p->targets));
		t = &p->targets[p->n_targets++];
		*t = (struct target){ .name = xstrdup(name) };
	}
	bool changed = !streq_null(t->id, id) || !streq_null(p->pod_ip, pod_ip);
	free(t->id);
	t->id = xstrdup(id);
	t->started_ns = started_ns;
	if (!streq_null(p->pod_ip, pod_ip)) {
		free(p->pod_ip);
		p->pod_ip = xstrdup(pod_ip);
	}
	if (changed)
		pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

bool prober_result(struct prober *p, const char *name, const char *id, enum probe_kind kind)
{
	pthread_mutex_lock(&p->lock);
	bool r = result_locked(p, name, id, kind);
	pthread_mutex_unlock(&p->lock);
	return r;
}

bool prober_wants_restart(struct prober *p, const char *name, const char *id, char **ret_why)
{
	static const enum probe_kind kinds[] = { PROBE_LIVENESS, PROBE_STARTUP };
	bool restart = false;
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < ARRAY_SIZE(kinds) && !restart; i++) {
		struct probe_worker *w = worker_of(p, name, kinds[i]);
		if (!w || !w->result_id || !id || strcmp(w->result_id, id) || !w->have_result ||
		    w->result)
			continue;
		restart = true;
		if (ret_why) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addf(&sb, "Container %s failed %s probe, will be restarted", name,
				    kinds[i] == PROBE_LIVENESS ? "liveness" : "startup");
			*ret_why = strbuf_detach(&sb, NULL);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return restart;
}
