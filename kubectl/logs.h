/*
 * logs.h - what `k8c logs` shares between logs.c (streaming) and logs_pods.c (which
 * pods a command line names). Internal to the logs command.
 */
#ifndef K8C_KUBECTL_LOGS_H
#define K8C_KUBECTL_LOGS_H

#include "kubectl/kctl.h"

struct logs_opts {
	bool follow, previous, timestamps, all_containers;
	int64_t tail, limit_bytes, since_ns, max_log_requests, pod_running_timeout;
	const char *container, *since_time, *selector;
};

/*
 * The pods args (POD [CONTAINER], TYPE/NAME) or o->selector name, in reading order:
 * *ret_pods (allocated array; the objects are borrowed from *ret_list, owned) and *n.
 * Returns 0, or 1 after printing kubectl's error.
 */
int logs_resolve(struct kctl *k, const struct logs_opts *o, const struct kstrv *args,
		 cJSON **ret_list, const cJSON ***ret_pods, size_t *n);

/* Runs `logs` once its flags are parsed. Returns the exit status. */
int logs_run(struct kctl *k, const struct logs_opts *o, const struct kstrv *args);

#endif
