/*
 * scheduler.c - the scheduling loop, its informer handlers and the results
 * of binds; see scheduler.h.
 */
#include "scheduler/scheduler.h"

#include <pthread.h>
#include <stdatomic.h>

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "client/informer.h"
#include "client/recorder.h"
#include "scheduler/binder.h"
#include "scheduler/cache.h"
#include "scheduler/filter.h"
#include "scheduler/queue.h"
#include "scheduler/score.h"
#include "scheduler/trim.h"

struct scheduler {
	struct k8c_client *client;
	struct scheduler_config cfg;
	struct k8c_informer_factory *factory;
	struct k8c_informer *pods, *nodes;
	struct sched_cache cache;
	struct sched_queue *queue;
	struct sched_binder *binder;
	struct k8c_recorder *recorder;
	pthread_t thread;
	bool running;
	/* scheduling-thread state */
	struct sched_node **feasible;
	int64_t *scratch;
	size_t alloc_feasible;
	size_t next_start;
	uint64_t seed;
	atomic_uint_fast64_t bound, bind_errors, unschedulable;
};

static void pod_key(const struct k8c_pod *pod, struct strbuf *out)
{
	strbuf_addf(out, "%s/%s", pod->metadata.namespace, pod->metadata.name);
}

/* True when the pod waits for this scheduler. */
static bool wants_scheduling(const struct scheduler *s, const struct k8c_pod *pod)
{
	if ((pod->spec.node_name && *pod->spec.node_name) || pod->metadata.deletion_timestamp ||
	    sched_pod_is_terminal(pod) || pod->spec.n_scheduling_gates)
		return false;
	const char *name = pod->spec.scheduler_name ? pod->spec.scheduler_name :
						      "default-scheduler";
	return !strcmp(name, s->cfg.scheduler_name);
}

static bool is_bound(const struct k8c_pod *pod)
{
	return pod->spec.node_name && *pod->spec.node_name;
}

static void on_pod(struct scheduler *s, const struct k8c_pod *old, const struct k8c_pod *pod)
{
	struct strbuf key = STRBUF_INIT;
	pod_key(pod, &key);
	if (is_bound(pod)) {
		sched_cache_update_pod(&s->cache, pod);
		if (old && !is_bound(old))
			sched_queue_forget(s->queue, key.buf);
		/* a bound pod that finished frees its node's resources */
		if (old && sched_pod_is_terminal(pod) && !sched_pod_is_terminal(old))
			sched_queue_move_all(s->queue);
	} else if (wants_scheduling(s, pod)) {
		sched_queue_add(s->queue, key.buf, pod->spec.has_priority ? pod->spec.priority : 0);
	} else {
		sched_queue_forget(s->queue, key.buf);
	}
	strbuf_release(&key);
}

static void pod_added(void *ud, const void *obj)
{
	on_pod(ud, NULL, obj);
}

static void pod_updated(void *ud, const void *old, const void *obj)
{
	on_pod(ud, old, obj);
}

static void pod_deleted(void *ud, const void *obj)
{
	struct scheduler *s = ud;
	const struct k8c_pod *pod = obj;
	struct strbuf key = STRBUF_INIT;
	pod_key(pod, &key);
	sched_queue_forget(s->queue, key.buf);
	strbuf_release(&key);
	if (pod->metadata.uid)
		sched_cache_remove_pod(&s->cache, pod->metadata.uid);
	if (is_bound(pod))
		sched_queue_move_all(s->queue);
}

/* True when a node change could make a parked pod fit (not a mere heartbeat). */
static bool node_change_matters(const struct k8c_node *a, const struct k8c_node *b)
{
	if (!k8c_strmap_equal(&a->metadata.labels, &b->metadata.labels) ||
	    !k8c_strmap_equal(&a->status.allocatable, &b->status.allocatable) ||
	    a->spec.unschedulable != b->spec.unschedulable ||
	    !k8c_equal(&k8c_type_node_spec, &a->spec, &b->spec))
		return true;
	const char *ra = NULL, *rb = NULL;
	for (size_t i = 0; i < a->status.n_conditions; i++)
		if (streq_null(a->status.conditions[i].type, "Ready"))
			ra = a->status.conditions[i].status;
	for (size_t i = 0; i < b->status.n_conditions; i++)
		if (streq_null(b->status.conditions[i].type, "Ready"))
			rb = b->status.conditions[i].status;
	return !streq_null(ra, rb);
}

static void node_added(void *ud, const void *obj)
{
	struct scheduler *s = ud;
	sched_cache_set_node(&s->cache, obj);
	sched_queue_move_all(s->queue);
}

static void node_updated(void *ud, const void *old, const void *obj)
{
	struct scheduler *s = ud;
	sched_cache_set_node(&s->cache, obj);
	if (node_change_matters(old, obj))
		sched_queue_move_all(s->queue);
}

static void node_deleted(void *ud, const void *obj)
{
	struct scheduler *s = ud;
	sched_cache_remove_node(&s->cache, ((const struct k8c_node *)obj)->metadata.name);
}

/* How many feasible nodes to look for before scoring (numFeasibleNodesToFind). */
static size_t nodes_to_find(const struct scheduler *s, size_t all)
{
	size_t min = (size_t)s->cfg.min_feasible_nodes;
	if (all <= min || s->cfg.percentage_of_nodes >= 100)
		return all;
	int pct = s->cfg.percentage_of_nodes;
	if (!pct) {
		pct = 50 - (int)(all / 125);
		if (pct < 5)
			pct = 5;
	}
	size_t n = all * (size_t)pct / 100;
	return n < min ? min : n;
}

/* Filters nodes from a rotating start until enough fit; returns how many fit. */
static size_t find_feasible(struct scheduler *s, const struct sched_pod *p,
			    struct sched_reasons *reasons)
{
	struct sched_cache *c = &s->cache;
	size_t all = c->n_nodes, want = nodes_to_find(s, all), found = 0, visited = 0;
	if (all > s->alloc_feasible) {
		s->alloc_feasible = all;
		s->feasible = xrealloc(s->feasible, all * sizeof(*s->feasible));
		s->scratch = xrealloc(s->scratch, 4 * all * sizeof(*s->scratch));
	}
	for (; visited < all && found < want; visited++) {
		struct sched_node *n = c->nodes[(s->next_start + visited) % all];
		if (sched_filter(p, n, reasons))
			s->feasible[found++] = n;
	}
	if (all)
		s->next_start = (s->next_start + visited) % all;
	return found;
}

static void record(struct scheduler *s, const struct k8c_pod *pod, const char *type,
		   const char *reason, const char *msg)
{
	if (s->recorder)
		k8c_recorder_eventf(s->recorder, pod, type, reason, "%s", msg);
}

/* True when the pod already shows this exact Unschedulable condition. */
static bool shows_unschedulable(const struct k8c_pod *pod, const char *msg)
{
	for (size_t i = 0; i < pod->status.n_conditions; i++) {
		const struct k8c_pod_condition *c = &pod->status.conditions[i];
		if (streq_null(c->type, "PodScheduled"))
			return streq_null(c->status, "False") && streq_null(c->reason, "Unschedulable") &&
			       streq_null(c->message, msg);
	}
	return false;
}

static void unschedulable(struct scheduler *s, const struct k8c_pod *pod, const char *key,
			  const struct sched_reasons *reasons, size_t all)
{
	struct strbuf msg = STRBUF_INIT;
	sched_reasons_format(reasons, all, &msg);
	log_debug("pod '%s' is unschedulable: %s", key, msg.buf);
	atomic_fetch_add(&s->unschedulable, 1);
	sched_queue_done(s->queue, key, SCHED_RESULT_UNSCHEDULABLE);
	record(s, pod, "Warning", "FailedScheduling", msg.buf);
	if (!shows_unschedulable(pod, msg.buf))
		sched_binder_submit(s->binder, sched_job_new(SCHED_JOB_UNSCHEDULABLE,
							     pod->metadata.namespace,
							     pod->metadata.name, pod->metadata.uid,
							     NULL, msg.buf));
	strbuf_release(&msg);
}

/* One scheduling cycle for the pod queued as key. */
static void schedule_one(struct scheduler *s, const char *key)
{
	struct k8c_pod *pod = k8c_informer_get(s->pods, key);
	if (!pod || !wants_scheduling(s, pod) || !pod->metadata.uid) {
		sched_queue_forget(s->queue, key);
		k8c_obj_unref(pod);
		return;
	}
	struct sched_pod p = { .pod = pod };
	sched_podinfo_init(&p.info, pod);
	struct sched_reasons reasons;
	sched_reasons_init(&reasons);
	sched_cache_lock(&s->cache);
	if (sched_cache_has_pod(&s->cache, pod->metadata.uid)) {
		/* assumed by an earlier cycle, its bind still in flight: the result decides */
		sched_cache_unlock(&s->cache);
		goto out;
	}
	size_t all = s->cache.n_nodes;
	size_t n = find_feasible(s, &p, &reasons);
	if (!n) {
		sched_cache_unlock(&s->cache);
		unschedulable(s, pod, key, &reasons, all);
		goto out;
	}
	struct sched_node *best =
		s->feasible[n == 1 ? 0 : sched_score_pick(&p, s->feasible, n, s->scratch, &s->seed)];
	sched_cache_assume(&s->cache, pod->metadata.uid, &p.info, best);
	struct sched_job *job = sched_job_new(SCHED_JOB_BIND, pod->metadata.namespace,
					      pod->metadata.name, pod->metadata.uid, best->name,
					      NULL);
	sched_cache_unlock(&s->cache);
	sched_binder_submit(s->binder, job);
out:
	sched_reasons_release(&reasons);
	sched_podinfo_release(&p.info);
	k8c_obj_unref(pod);
}

static void job_done(void *ud, const struct sched_job *job, int rc)
{
	struct scheduler *s = ud;
	if (job->type != SCHED_JOB_BIND) {
		if (rc < 0 && rc != -ENOENT)
			log_warn("failed to update the status of pod '%s': %s", job->key,
				 strerror(-rc));
		return;
	}
	if (rc == 0) {
		atomic_fetch_add(&s->bound, 1);
		sched_queue_forget(s->queue, job->key);
		struct k8c_pod *pod = k8c_informer_get(s->pods, job->key);
		if (pod && s->recorder) {
			k8c_recorder_eventf(s->recorder, pod, "Normal", "Scheduled",
					    "Successfully assigned %s to %s", job->key, job->node);
		}
		k8c_obj_unref(pod);
		return;
	}
	atomic_fetch_add(&s->bind_errors, 1);
	sched_cache_forget(&s->cache, job->uid);
	if (rc == -ENOENT) {
		sched_queue_forget(s->queue, job->key); /* the pod is gone */
		return;
	}
	log_warn("failed to bind pod '%s' to node '%s': %s", job->key, job->node, strerror(-rc));
	sched_queue_done(s->queue, job->key, SCHED_RESULT_ERROR);
}

static void *loop(void *arg)
{
	struct scheduler *s = arg;
	char *key;
	while (sched_queue_pop(s->queue, &key)) {
		schedule_one(s, key);
		free(key);
	}
	return NULL;
}

struct scheduler *scheduler_new(struct k8c_client *client, const struct scheduler_config *cfg)
{
	struct scheduler *s = xcalloc(1, sizeof(*s));
	s->client = client;
	s->cfg = *cfg;
	if (!s->cfg.scheduler_name)
		s->cfg.scheduler_name = "default-scheduler";
	if (!s->cfg.bind_workers)
		s->cfg.bind_workers = SCHEDULER_DEFAULT_BIND_WORKERS;
	if (!s->cfg.min_feasible_nodes)
		s->cfg.min_feasible_nodes = 100;
	s->seed = (uint64_t)time_mono_ns() | 1;
	sched_cache_init(&s->cache);
	s->queue = sched_queue_new();
	s->factory = k8c_informer_factory_new(client, 0);
	k8c_informer_factory_set_transform(s->factory, k8c_kind_lookup("pods"), sched_trim_pod);
	k8c_informer_factory_set_transform(s->factory, k8c_kind_lookup("nodes"), sched_trim_node);
	s->pods = k8c_informer_factory_get(s->factory, k8c_kind_lookup("pods"));
	s->nodes = k8c_informer_factory_get(s->factory, k8c_kind_lookup("nodes"));
	const struct k8c_informer_handlers ph = { pod_added, pod_updated, pod_deleted, s };
	const struct k8c_informer_handlers nh = { node_added, node_updated, node_deleted, s };
	k8c_informer_add_handlers(s->pods, &ph);
	k8c_informer_add_handlers(s->nodes, &nh);
	s->recorder = k8c_recorder_new(client, s->cfg.scheduler_name, NULL);
	s->binder = sched_binder_new(client, s->cfg.bind_workers, job_done, s);
	return s;
}

int scheduler_sync(struct scheduler *s, int64_t timeout_ms)
{
	int rc = k8c_informer_factory_start(s->factory);
	if (rc < 0)
		return rc;
	return k8c_informer_factory_wait_synced(s->factory, timeout_ms) ? 0 : -ETIMEDOUT;
}

int scheduler_start(struct scheduler *s)
{
	if (pthread_create(&s->thread, NULL, loop, s))
		return -errno;
	s->running = true;
	return 0;
}

void scheduler_stats(struct scheduler *s, uint64_t *bound, uint64_t *bind_errors,
		     uint64_t *unschedulable)
{
	*bound = atomic_load(&s->bound);
	*bind_errors = atomic_load(&s->bind_errors);
	*unschedulable = atomic_load(&s->unschedulable);
}

void scheduler_free(struct scheduler *s)
{
	if (!s)
		return;
	sched_queue_close(s->queue);
	if (s->running)
		pthread_join(s->thread, NULL);
	sched_binder_free(s->binder); /* finishes the binds in flight (their callbacks use s) */
	k8c_informer_factory_stop(s->factory);
	k8c_recorder_free(s->recorder);
	k8c_informer_factory_free(s->factory);
	sched_queue_free(s->queue);
	sched_cache_release(&s->cache);
	free(s->feasible);
	free(s->scratch);
	free(s);
}
