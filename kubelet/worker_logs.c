/*
 * worker_logs.c - which Docker container `kubectl logs` reads, decided from
 * the status the worker computed last, exactly as Kubernetes' kubelet
 * validates it (validateContainerLogStatus); see worker.h.
 */
#include "kubelet/worker_internal.h"

#define DOCKER_ID_PREFIX "docker://"

static const struct k8c_container_status *find(const struct k8c_pod_status *st, const char *name)
{
	for (size_t i = 0; i < st->n_container_statuses; i++)
		if (!strcmp(st->container_statuses[i].name, name))
			return &st->container_statuses[i];
	for (size_t i = 0; i < st->n_init_container_statuses; i++)
		if (!strcmp(st->init_container_statuses[i].name, name))
			return &st->init_container_statuses[i];
	return NULL;
}

static bool tty_of(const struct k8c_pod *pod, const char *name)
{
	for (size_t i = 0; i < pod->spec.n_containers; i++)
		if (!strcmp(pod->spec.containers[i].name, name))
			return pod->spec.containers[i].has_tty && pod->spec.containers[i].tty;
	return false;
}

static const char *terminated_id(const struct k8c_container_state *s)
{
	return s->terminated && s->terminated->container_id && *s->terminated->container_id ?
		       s->terminated->container_id :
		       NULL;
}

/* The container id ("docker://...") to read, or NULL with why set (Kubernetes' words). */
static const char *pick(const struct k8c_container_status *cs, const char *pod, bool previous,
			struct strbuf *why)
{
	const char *c = cs->name;
	const struct k8c_container_state *st = &cs->state, *last = &cs->last_state;
	if (previous) {
		if (!terminated_id(last))
			strbuf_addf(why, "previous terminated container \"%s\" in pod \"%s\" not found",
				    c, pod);
		return terminated_id(last);
	}
	if (st->running)
		return cs->container_id;
	if (st->terminated) {
		const char *id = terminated_id(st) ? terminated_id(st) : terminated_id(last);
		if (!id)
			strbuf_addf(why, "container \"%s\" in pod \"%s\" is terminated", c, pod);
		return id;
	}
	if (last->terminated) {
		if (!terminated_id(last))
			strbuf_addf(why, "container \"%s\" in pod \"%s\" is terminated", c, pod);
		return terminated_id(last);
	}
	const char *reason = st->waiting && st->waiting->reason ? st->waiting->reason : NULL;
	if (!reason)
		strbuf_addf(why, "container \"%s\" in pod \"%s\" is waiting to start - no logs yet", c,
			    pod);
	else if (!strcmp(reason, "ErrImagePull"))
		strbuf_addf(why, "container \"%s\" in pod \"%s\" is waiting to start: image can't be "
			    "pulled", c, pod);
	else if (!strcmp(reason, "ImagePullBackOff"))
		strbuf_addf(why, "container \"%s\" in pod \"%s\" is waiting to start: trying and "
			    "failing to pull image", c, pod);
	else
		strbuf_addf(why, "container \"%s\" in pod \"%s\" is waiting to start: %s", c, pod,
			    reason);
	return NULL;
}

int pod_worker_log_target(struct pod_worker *w, const char *container, bool previous,
			  char **ret_id, bool *ret_tty, struct strbuf *why)
{
	int r = 0;
	pthread_mutex_lock(&w->lock);
	const char *pod = w->pod ? w->pod->metadata.name : "";
	const struct k8c_container_status *cs = w->have_published ? find(&w->published, container) :
								    NULL;
	if (!w->pod) {
		strbuf_addf(why, "pod is being removed");
		r = -EAGAIN;
	} else if (!cs) {
		strbuf_addf(why, "container \"%s\" in pod \"%s\" is waiting to start - no logs yet",
			    container, pod);
		r = -EAGAIN;
	} else {
		const char *id = pick(cs, pod, previous, why);
		if (id && !strncmp(id, DOCKER_ID_PREFIX, strlen(DOCKER_ID_PREFIX)))
			id += strlen(DOCKER_ID_PREFIX);
		if (id) {
			*ret_id = xstrdup(id);
			*ret_tty = tty_of(w->pod, container);
		} else {
			r = -EAGAIN;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return r;
}
