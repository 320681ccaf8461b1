/*
 * logs.c - `k8c logs`: the pod's log subresource as kubectl 1.20 reads it
 * (GET .../pods/NAME/log?container=&follow=&limitBytes=&previous=&sinceSeconds=&
 * sinceTime=&tailLines=&timestamps=), streamed to stdout as it arrives. NAME may be a
 * pod, TYPE/NAME of a Deployment, ReplicaSet or Service (the first of its pods in
 * kubectl's logging order, waiting up to --pod-running-timeout for one to appear), or
 * -l SELECTOR (every matching pod; followed streams run side by side).
 */
#include <pthread.h>

#include "base/timeutil.h"
#include "client/path.h"
#include "client/verbs.h"
#include "client/watch.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/logs.h"
#include "kubectl/resources.h"
#include "kubectl/workloads.h"

struct log_stream {
	struct kctl *k;
	const struct logs_opts *o;
	const char *ns, *pod, *container;
	pthread_mutex_t *lock; /* serializes output of parallel streams */
	int status;
};

static int write_out(const char *data, size_t len, void *ud)
{
	struct log_stream *s = ud;
	if (s->lock)
		pthread_mutex_lock(s->lock);
	fwrite(data, 1, len, s->k->out);
	fflush(s->k->out);
	if (s->lock)
		pthread_mutex_unlock(s->lock);
	return 0;
}

static void log_path(const struct log_stream *s, struct strbuf *path)
{
	const struct logs_opts *o = s->o;
	kres_path(path, k8c_kind_lookup("pods"), s->ns, s->pod, "log");
	if (s->container)
		k8c_query_add(path, "container", s->container);
	if (o->follow)
		k8c_query_add(path, "follow", "true");
	if (o->limit_bytes > 0)
		k8c_query_add_int(path, "limitBytes", o->limit_bytes);
	if (o->previous)
		k8c_query_add(path, "previous", "true");
	if (o->since_ns > 0)
		k8c_query_add_int(path, "sinceSeconds",
				  (o->since_ns + K8C_NSEC_PER_SEC - 1) / K8C_NSEC_PER_SEC);
	if (o->since_time && *o->since_time)
		k8c_query_add(path, "sinceTime", o->since_time);
	if (o->tail >= 0)
		k8c_query_add_int(path, "tailLines", o->tail);
	if (o->timestamps)
		k8c_query_add(path, "timestamps", "true");
}

static void *stream_logs(void *ud)
{
	struct log_stream *s = ud;
	struct strbuf path = STRBUF_INIT;
	log_path(s, &path);
	struct k8c_request req = { .method = "GET", .path = path.buf, .accept = "*/*" };
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_client_stream(kctl_client(s->k), &req, write_out, s, &e);
	if (rc < 0) {
		if (s->lock)
			pthread_mutex_lock(s->lock);
		kctl_api_error(s->k, rc, &e);
		if (s->lock)
			pthread_mutex_unlock(s->lock);
		s->status = 1;
	}
	k8c_status_error_release(&e);
	strbuf_release(&path);
	return NULL;
}

/* Appends "[a b]" of the container names of list. */
static void names(const cJSON *list, struct strbuf *out)
{
	const cJSON *c;
	strbuf_addch(out, '[');
	cJSON_ArrayForEach(c, list)
		strbuf_addf(out, "%s%s", c == list->child ? "" : " ", kj_str_or(c, "name", ""));
	strbuf_addch(out, ']');
}

/* The container to read (NULL: the pod's only one), or -1 after printing why not. */
static int pick_container(struct kctl *k, const struct logs_opts *o, const cJSON *pod,
			  const char **ret)
{
	const cJSON *cs = kj_get(pod, "spec.containers"), *ics = kj_get(pod, "spec.initContainers");
	const char *name = kj_str_or(pod, "metadata.name", ""), *want = o->container;
	*ret = want;
	if (want && *want) {
		const cJSON *c;
		cJSON_ArrayForEach(c, cs)
			if (!strcmp(kj_str_or(c, "name", ""), want))
				return 0;
		cJSON_ArrayForEach(c, ics)
			if (!strcmp(kj_str_or(c, "name", ""), want))
				return 0;
		kctl_errorf(k, "container %s is not valid for pod %s", want, name);
		return -1;
	}
	*ret = NULL;
	if (cJSON_GetArraySize(cs) <= 1)
		return 0;
	struct strbuf msg = STRBUF_INIT;
	names(cs, &msg);
	if (cJSON_GetArraySize(ics)) {
		strbuf_addstr(&msg, " or one of the init containers: ");
		names(ics, &msg);
	}
	kctl_errorf(k, "a container name must be specified for pod %s, choose one of: %s", name,
		    msg.buf);
	strbuf_release(&msg);
	return -1;
}

/* Reads the logs of the pods (all containers with --all-containers), in parallel when
 * following several streams. */
static int stream_pods(struct kctl *k, const struct logs_opts *o, const cJSON *const *pods,
		       size_t n)
{
	size_t alloc = n + 1, ns = 0;
	struct log_stream *s = xcalloc(alloc, sizeof(*s));
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	for (size_t i = 0; i < n; i++) {
		const cJSON *c;
		const char *container = NULL;
		if (!o->all_containers && pick_container(k, o, pods[i], &container) < 0) {
			free(s);
			return 1;
		}
		cJSON_ArrayForEach(c, kj_get(pods[i], "spec.containers")) {
			if (!o->all_containers && c != kj_get(pods[i], "spec.containers")->child)
				break;
			ALLOC_GROW(s, ns + 1, alloc);
			s[ns++] = (struct log_stream){ k, o, kj_str(pods[i], "metadata.namespace"),
						       kj_str(pods[i], "metadata.name"),
						       o->all_containers ? kj_str(c, "name") : container,
						       NULL, 0 };
		}
	}
	int status = 0;
	if (o->follow && ns > (size_t)o->max_log_requests) {
		kctl_errorf(k, "you are attempting to follow %zu log streams, but maximum allowed "
			       "concurrency is %lld, use --max-log-requests to increase the limit",
			    ns, (long long)o->max_log_requests);
		status = 1;
	} else if (o->follow && ns > 1) {
		pthread_t *t = xcalloc(ns, sizeof(*t));
		for (size_t i = 0; i < ns; i++) {
			s[i].lock = &lock;
			pthread_create(&t[i], NULL, stream_logs, &s[i]);
		}
		for (size_t i = 0; i < ns; i++)
			pthread_join(t[i], NULL);
		free(t);
	} else {
		for (size_t i = 0; i < ns; i++)
			stream_logs(&s[i]);
	}
	for (size_t i = 0; i < ns; i++)
		status |= s[i].status;
	free(s);
	return status;
}

int logs_run(struct kctl *k, const struct logs_opts *o, const struct kstrv *args)
{
	cJSON *list = NULL;
	const cJSON **pods = NULL;
	size_t n = 0;
	int r = logs_resolve(k, o, args, &list, &pods, &n);
	if (r == 0)
		r = stream_pods(k, o, pods, n);
	free(pods);
	cJSON_Delete(list);
	return r;
}

int cmd_logs(struct kctl *k, int argc, char **argv)
{
	struct logs_opts o = { .tail = -1, .max_log_requests = 5,
			       .pod_running_timeout = 20 * K8C_NSEC_PER_SEC };
	const struct kflag flags[] = {
		{ "follow", 'f', KFLAG_BOOL, &o.follow, NULL, "Stream the logs" },
		{ "container", 'c', KFLAG_STRING, &o.container, NULL, "The container" },
		{ "previous", 'p', KFLAG_BOOL, &o.previous, NULL, "The previous instance's logs" },
		{ "timestamps", 0, KFLAG_BOOL, &o.timestamps, NULL, "Timestamps on every line" },
		{ "tail", 0, KFLAG_INT, &o.tail, NULL, "Lines from the end (-1: all)" },
		{ "since", 0, KFLAG_DURATION, &o.since_ns, NULL, "Only logs newer than this" },
		{ "since-time", 0, KFLAG_STRING, &o.since_time, NULL, "Only logs after this time" },
		{ "limit-bytes", 0, KFLAG_INT, &o.limit_bytes, NULL, "At most this many bytes" },
		{ "all-containers", 0, KFLAG_BOOL, &o.all_containers, NULL, "Every container" },
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector of pods" },
		{ "max-log-requests", 0, KFLAG_INT, &o.max_log_requests, NULL, "Streams at most" },
		{ "pod-running-timeout", 0, KFLAG_DURATION, &o.pod_running_timeout, NULL,
		  "How long to wait for a pod" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0 && args.n == 2 && !o.container)
		o.container = args.v[1]; /* the old "logs POD CONTAINER" form */
	if (r == 0)
		r = logs_run(k, &o, &args);
	kstrv_release(&args);
	return r < 0 ? 1 : r;
}
