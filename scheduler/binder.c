/*
 * binder.c - concurrent writes of bindings and unschedulable conditions;
 * see binder.h.
 */
#include "scheduler/binder.h"

#include <cjson/cJSON.h>
#include <pthread.h>

#include "base/timeutil.h"
#include "client/path.h"
#include "client/verbs.h"

struct sched_binder {
	struct k8c_client *client;
	sched_job_done_fn done;
	void *userdata;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct sched_job **jobs; /* FIFO ring */
	size_t head, n, alloc;
	size_t running;
	bool stopping;
	pthread_t *threads;
	int n_threads;
};

struct sched_job *sched_job_new(enum sched_job_type type, const char *ns, const char *name,
				const char *uid, const char *node, const char *message)
{
	struct sched_job *j = xcalloc(1, sizeof(*j));
	struct strbuf key = STRBUF_INIT;
	strbuf_addf(&key, "%s/%s", ns, name);
	j->type = type;
	j->key = strbuf_detach(&key, NULL);
	j->namespace = xstrdup(ns);
	j->name = xstrdup(name);
	j->uid = xstrdup(uid);
	j->node = xstrdup(node);
	j->message = xstrdup(message);
	return j;
}

void sched_job_free(struct sched_job *j)
{
	if (!j)
		return;
	free(j->key);
	free(j->namespace);
	free(j->name);
	free(j->uid);
	free(j->node);
	free(j->message);
	free(j);
}

static void pod_path(struct strbuf *out, const struct sched_job *j, const char *sub)
{
	const struct k8c_resource_path p = { .namespace = j->namespace, .resource = "pods",
					     .name = j->name, .subresource = sub };
	k8c_path_append(out, &p);
}

static int do_bind(struct sched_binder *b, const struct sched_job *j)
{
	cJSON *body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "kind", "Binding");
	cJSON_AddStringToObject(body, "apiVersion", "v1");
	cJSON *meta = cJSON_AddObjectToObject(body, "metadata");
	cJSON_AddStringToObject(meta, "name", j->name);
	cJSON_AddStringToObject(meta, "namespace", j->namespace);
	if (j->uid)
		cJSON_AddStringToObject(meta, "uid", j->uid);
	cJSON *target = cJSON_AddObjectToObject(body, "target");
	cJSON_AddStringToObject(target, "kind", "Node");
	cJSON_AddStringToObject(target, "apiVersion", "v1");
	cJSON_AddStringToObject(target, "name", j->node);
	struct strbuf path = STRBUF_INIT;
	pod_path(&path, j, "binding");
	int rc = k8c_create(b->client, path.buf, body, NULL, NULL);
	strbuf_release(&path);
	cJSON_Delete(body);
	return rc;
}

static int do_unschedulable(struct sched_binder *b, const struct sched_job *j)
{
	struct strbuf now = STRBUF_INIT;
	time_format_rfc3339(&now, time_now_ns());
	cJSON *patch = cJSON_CreateObject();
	cJSON *status = cJSON_AddObjectToObject(patch, "status");
	cJSON *conds = cJSON_AddArrayToObject(status, "conditions");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", "PodScheduled");
	cJSON_AddStringToObject(c, "status", "False");
	cJSON_AddStringToObject(c, "reason", "Unschedulable");
	cJSON_AddStringToObject(c, "message", j->message);
	cJSON_AddNullToObject(c, "lastProbeTime");
	cJSON_AddStringToObject(c, "lastTransitionTime", now.buf);
	cJSON_AddItemToArray(conds, c);
	struct strbuf path = STRBUF_INIT;
	pod_path(&path, j, "status");
	int rc = k8c_patch(b->client, path.buf, K8C_PATCH_STRATEGIC, patch, NULL, NULL);
	strbuf_release(&path);
	cJSON_Delete(patch);
	strbuf_release(&now);
	return rc;
}

static void *worker(void *arg)
{
	struct sched_binder *b = arg;
	pthread_mutex_lock(&b->lock);
	for (;;) {
		while (!b->n && !b->stopping)
			pthread_cond_wait(&b->cond, &b->lock);
		if (!b->n)
			break;
		struct sched_job *j = b->jobs[b->head];
		b->head = (b->head + 1) % b->alloc;
		b->n--;
		b->running++;
		pthread_mutex_unlock(&b->lock);
		int rc = j->type == SCHED_JOB_BIND ? do_bind(b, j) : do_unschedulable(b, j);
		b->done(b->userdata, j, rc);
		sched_job_free(j);
		pthread_mutex_lock(&b->lock);
		b->running--;
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

struct sched_binder *sched_binder_new(struct k8c_client *client, int workers,
				      sched_job_done_fn done, void *userdata)
{
	struct sched_binder *b = xcalloc(1, sizeof(*b));
	b->client = client;
	b->done = done;
	b->userdata = userdata;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->n_threads = workers > 0 ? workers : 1;
	b->threads = xcalloc((size_t)b->n_threads, sizeof(*b->threads));
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (int i = 0; i < b->n_threads; i++)
		if (pthread_create(&b->threads[i], &attr, worker, b)) {
			b->n_threads = i;
			break;
		}
	pthread_attr_destroy(&attr);
	return b;
}

/* Doubles the ring, keeping the FIFO order. */
static void ring_grow(struct sched_binder *b)
{
	size_t alloc = b->alloc ? 2 * b->alloc : 64;
	struct sched_job **jobs = xcalloc(alloc, sizeof(*jobs));
	for (size_t i = 0; i < b->n; i++)
		jobs[i] = b->jobs[(b->head + i) % b->alloc];
	free(b->jobs);
	b->jobs = jobs;
	b->head = 0;
	b->alloc = alloc;
}

void sched_binder_submit(struct sched_binder *b, struct sched_job *job)
{
	pthread_mutex_lock(&b->lock);
	if (b->n == b->alloc)
		ring_grow(b);
	b->jobs[(b->head + b->n) % b->alloc] = job;
	b->n++;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

size_t sched_binder_pending(struct sched_binder *b)
{
	pthread_mutex_lock(&b->lock);
	size_t n = b->n + b->running;
	pthread_mutex_unlock(&b->lock);
	return n;
}

void sched_binder_free(struct sched_binder *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	b->stopping = true;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
	for (int i = 0; i < b->n_threads; i++)
		pthread_join(b->threads[i], NULL);
	free(b->threads);
	free(b->jobs);
	pthread_cond_destroy(&b->cond);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
