/*
 * logs.h - what the parts of `k8c logs` share: logs.c (flags and their checks, in
 * kubectl's order), logs_pods.c (the object the command line names, and the pods to
 * read from it), logs_stream.c (the log streams). Internal to the logs command.
 */
#ifndef K8C_KUBECTL_LOGS_H
#define K8C_KUBECTL_LOGS_H

#include "kubectl/kctl.h"

struct logs_opts {
	/* the flags */
	bool follow, previous, timestamps, all_containers, prefix, ignore_errors;
	bool skip_tls_verify_backend, tail_given, container_given;
	int64_t tail, limit_bytes, since_ns, max_log_requests, pod_running_timeout;
	const char *container, *since_time_arg, *selector;
	/* what the requests carry (kubectl's ToLogOptions) */
	int64_t tail_lines; /* -1: not sent */
	bool since_seconds_set;
	int64_t since_seconds;
	struct strbuf since_time; /* RFC 3339 in UTC; empty: not sent */
};

/*
 * What the command line names, fetched before the options are validated (as kubectl's
 * builder does): the pod or TYPE/NAME object of args->v[0] (*ret_kind its kind), or with
 * o->selector the list of matching pods (*ret_kind NULL). *ret is owned by the caller.
 * Returns 0, or 1 after printing kubectl's error.
 */
int logs_fetch(struct kctl *k, const struct logs_opts *o, const struct kstrv *args, cJSON **ret,
	       const struct k8c_kind **ret_kind);

/*
 * The pods to read from what logs_fetch() returned (items may be taken from obj): the
 * pod itself, the listed pods, or the first pod of a Deployment, ReplicaSet or Service
 * in kubectl's logging order, waiting up to --pod-running-timeout for one to appear
 * ("Found N pods, using pod/X" on stderr when there was a choice). Returns an owned JSON
 * array, or NULL after printing kubectl's error.
 */
cJSON *logs_pods(struct kctl *k, const struct logs_opts *o, const struct k8c_kind *kind,
		 cJSON *obj);

/*
 * Prints the logs of the pods (a JSON array, borrowed): one container each (-c or the
 * only one) or all of them, one stream after the other, or side by side when following
 * several. Returns the exit status (0, or 1 after printing kubectl's error).
 */
int logs_stream_pods(struct kctl *k, const struct logs_opts *o, const cJSON *pods);

#endif
