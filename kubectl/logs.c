/*
 * logs.c - `k8c logs`: the pod's log subresource as kubectl 1.20 reads it
 * (GET .../pods/NAME/log?container=&follow=&limitBytes=&previous=&sinceSeconds=&
 * sinceTime=&tailLines=&timestamps=). NAME may be a pod, TYPE/NAME of a Deployment,
 * ReplicaSet or Service (the first of its pods in kubectl's logging order), or -l
 * SELECTOR (every matching pod, the last 10 lines of each unless --tail says).
 *
 * The steps keep kubectl's order, which decides which error a user sees first: the
 * arguments and the flags that need no server (Complete), the object named fetched,
 * the flags checked against each other (Validate), then the pods and their streams.
 */
#include "base/timeutil.h"
#include "kubectl/commands.h"
#include "kubectl/gotime.h"
#include "kubectl/logs.h"

#define LOGS_USAGE                                                                       \
	"expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is " \
	"a required argument for the logs command"

static int usage_error(struct kctl *k, const char *msg)
{
	kctl_errorf(k, "%s\nSee 'k8c logs -h' for help and examples", msg);
	return 1;
}

/* Go's Duration.Round(time.Second) in whole seconds: halves away from zero. */
static int64_t round_seconds(int64_t ns)
{
	int64_t s = ns / K8C_NSEC_PER_SEC, r = ns % K8C_NSEC_PER_SEC;
	if (r >= K8C_NSEC_PER_SEC / 2)
		s++;
	else if (r <= -K8C_NSEC_PER_SEC / 2)
		s--;
	return s;
}

/* kubectl's Complete: the arguments, --pod-running-timeout and the request's options
 * (ToLogOptions). Returns 0, or 1 after printing the error. */
static int logs_complete(struct kctl *k, struct logs_opts *o, const struct kstrv *args)
{
	bool selector = o->selector && *o->selector;
	if ((args->n == 0 && !selector) || args->n > 2)
		return usage_error(k, LOGS_USAGE);
	if (args->n == 1 && selector)
		return usage_error(k, "only a selector (-l) or a POD name is allowed");
	if (args->n == 2)
		o->container = args->v[1]; /* the old "logs POD CONTAINER" form */
	if (o->pod_running_timeout <= 0) {
		kctl_errorf(k, "--pod-running-timeout must be higher than zero");
		return 1;
	}
	if (o->since_time_arg && *o->since_time_arg) {
		int64_t t;
		struct strbuf err = STRBUF_INIT;
		if (gotime_parse_rfc3339(o->since_time_arg, &t, &err) < 0) {
			kctl_errorf(k, "%s", err.buf);
			strbuf_release(&err);
			return 1;
		}
		time_format_rfc3339(&o->since_time, t); /* metav1.Time's query text */
	}
	o->since_seconds_set = o->since_ns != 0;
	o->since_seconds = round_seconds(o->since_ns);
	o->tail_lines = selector && o->tail == -1 && !o->tail_given ? 10 : o->tail;
	return 0;
}

/* kubectl's Validate: the options against each other. Returns 0, or 1 after the error. */
static int logs_validate(struct kctl *k, const struct logs_opts *o, const struct kstrv *args)
{
	const char *msg = NULL;
	if (o->since_time_arg && *o->since_time_arg && o->since_ns)
		msg = "at most one of `sinceTime` or `sinceSeconds` may be specified";
	else if (o->all_containers && o->container && *o->container) {
		kctl_errorf(k, "--all-containers=true should not be specified with container name %s",
			    o->container);
		return 1;
	} else if (o->container_given && args->n == 2)
		msg = "only one of -c or an inline [CONTAINER] arg is allowed";
	else if (o->limit_bytes < 0)
		msg = "--limit-bytes must be greater than 0";
	else if (o->since_seconds_set && o->since_seconds < 0)
		msg = "--since must be greater than 0";
	else if (o->tail_lines < -1)
		msg = "--tail must be greater than or equal to -1";
	if (msg)
		kctl_errorf(k, "%s", msg);
	return msg ? 1 : 0;
}

static int logs_run(struct kctl *k, struct logs_opts *o, const struct kstrv *args)
{
	cJSON *obj = NULL, *pods = NULL;
	const struct k8c_kind *kind = NULL;
	int r = logs_complete(k, o, args);
	if (r == 0)
		r = logs_fetch(k, o, args, &obj, &kind);
	if (r == 0)
		r = logs_validate(k, o, args);
	if (r == 0)
		r = (pods = logs_pods(k, o, kind, obj)) ? 0 : 1;
	if (r == 0)
		r = logs_stream_pods(k, o, pods);
	cJSON_Delete(pods);
	cJSON_Delete(obj);
	return r;
}

int cmd_logs(struct kctl *k, int argc, char **argv)
{
	struct logs_opts o = { .tail = -1, .max_log_requests = 5,
			       .pod_running_timeout = 20 * K8C_NSEC_PER_SEC };
	const struct kflag flags[] = {
		{ "follow", 'f', KFLAG_BOOL, &o.follow, NULL, "Stream the logs" },
		{ "container", 'c', KFLAG_STRING, &o.container, &o.container_given,
		  "The container" },
		{ "previous", 'p', KFLAG_BOOL, &o.previous, NULL, "The previous instance's logs" },
		{ "timestamps", 0, KFLAG_BOOL, &o.timestamps, NULL, "Timestamps on every line" },
		{ "tail", 0, KFLAG_INT, &o.tail, &o.tail_given, "Lines from the end (-1: all)" },
		{ "since", 0, KFLAG_DURATION, &o.since_ns, NULL, "Only logs newer than this" },
		{ "since-time", 0, KFLAG_STRING, &o.since_time_arg, NULL,
		  "Only logs after this time" },
		{ "limit-bytes", 0, KFLAG_INT, &o.limit_bytes, NULL, "At most this many bytes" },
		{ "all-containers", 0, KFLAG_BOOL, &o.all_containers, NULL, "Every container" },
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector of pods" },
		{ "max-log-requests", 0, KFLAG_INT, &o.max_log_requests, NULL, "Streams at most" },
		{ "pod-running-timeout", 0, KFLAG_DURATION, &o.pod_running_timeout, NULL,
		  "How long to wait for a pod" },
		{ "prefix", 0, KFLAG_BOOL, &o.prefix, NULL, "Prefix lines with pod and container" },
		{ "ignore-errors", 0, KFLAG_BOOL, &o.ignore_errors, NULL,
		  "Followed streams: errors are not fatal" },
		{ "insecure-skip-tls-verify-backend", 0, KFLAG_BOOL, &o.skip_tls_verify_backend,
		  NULL, "Do not verify the kubelet's certificate" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	strbuf_init(&o.since_time, 0);
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = logs_run(k, &o, &args);
	kstrv_release(&args);
	strbuf_release(&o.since_time);
	return r < 0 ? 1 : r;
}
