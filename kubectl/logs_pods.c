/*
 * logs_pods.c - which pods `k8c logs` reads: a pod by name, the first pod of a
 * Deployment, ReplicaSet or Service in kubectl's logging order (scheduled, running,
 * ready, longest ready, most restarts, oldest first), waiting for one to appear, or
 * every pod a label selector matches.
 */
#include "base/timeutil.h"
#include "client/path.h"
#include "client/verbs.h"
#include "client/watch.h"
#include "kubectl/jsonutil.h"
#include "kubectl/logs.h"
#include "kubectl/resources.h"
#include "kubectl/table.h"
#include "kubectl/workloads.h"

static bool pod_ready(const cJSON *p)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, kj_get(p, "status.conditions"))
		if (!strcmp(kj_str_or(c, "type", ""), "Ready"))
			return !strcmp(kj_str_or(c, "status", ""), "True");
	return false;
}

static int phase_rank(const cJSON *p)
{
	const char *ph = kj_str_or(p, "status.phase", "");
	return !strcmp(ph, "Unknown") ? 1 : !strcmp(ph, "Pending") ? 2 : 0;
}

static int64_t max_restarts(const cJSON *p)
{
	int64_t m = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, kj_get(p, "status.containerStatuses"))
		if (kj_int(c, "restartCount", 0) > m)
			m = kj_int(c, "restartCount", 0);
	return m;
}

/* controller.ByLogging, simplified to what k8c pods carry. */
static int by_logging(const void *pa, const void *pb)
{
	const cJSON *a = *(const cJSON *const *)pa, *b = *(const cJSON *const *)pb;
	bool na = *kj_str_or(a, "spec.nodeName", ""), nb = *kj_str_or(b, "spec.nodeName", "");
	if (na != nb)
		return na ? -1 : 1;
	if (phase_rank(a) != phase_rank(b))
		return phase_rank(a) - phase_rank(b);
	if (pod_ready(a) != pod_ready(b))
		return pod_ready(a) ? -1 : 1;
	if (max_restarts(a) != max_restarts(b))
		return max_restarts(a) > max_restarts(b) ? -1 : 1;
	return strcmp(kj_str_or(a, "metadata.creationTimestamp", ""),
		      kj_str_or(b, "metadata.creationTimestamp", ""));
}

static cJSON *list_pods(struct kctl *k, const char *ns, const char *selector)
{
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, k8c_kind_lookup("pods"), ns, NULL, NULL);
	struct k8c_list_options lo = { .label_selector = selector };
	cJSON *list = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_list(kctl_client(k), path.buf, &lo, &list, &e);
	if (rc < 0)
		kctl_api_error(k, rc, &e);
	k8c_status_error_release(&e);
	strbuf_release(&path);
	return list;
}

struct first_pod {
	cJSON *pod;
};

static int on_pod(struct k8c_watch_event *ev, void *ud)
{
	struct first_pod *f = ud;
	if (ev->type != K8C_WATCH_ADDED && ev->type != K8C_WATCH_MODIFIED)
		return 0;
	f->pod = TAKE_PTR(ev->object);
	return 1;
}

/* GetFirstPod: waits (up to the pod-running timeout) for a pod matching selector. */
static cJSON *wait_for_pod(struct kctl *k, const struct logs_opts *o, const char *ns,
			   const char *selector, const char *rv)
{
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, k8c_kind_lookup("pods"), ns, NULL, NULL);
	k8c_query_add(&path, "labelSelector", selector);
	struct first_pod f = { 0 };
	struct k8c_watch_options wo = {
		.path = path.buf,
		.resource_version = rv,
		.timeout_seconds = (o->pod_running_timeout + K8C_NSEC_PER_SEC - 1) / K8C_NSEC_PER_SEC,
		.fn = on_pod,
		.userdata = &f,
	};
	struct k8c_watch *w = k8c_watch_new(kctl_client(k));
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_watch_run(w, &wo, &e);
	if (rc < 0)
		kctl_api_error(k, rc, &e);
	else if (!f.pod)
		kctl_errorf(k, "timed out waiting for the condition");
	k8c_status_error_release(&e);
	k8c_watch_free(w);
	strbuf_release(&path);
	return f.pod;
}

/* GetFirstPod: the first matching pod in logging order (owned), waiting for one. */
static cJSON *first_pod(struct kctl *k, const struct logs_opts *o, const char *ns,
			const char *selector)
{
	cJSON *pods = list_pods(k, ns, selector);
	if (!pods)
		return NULL;
	size_t n;
	const cJSON **v = kj_sorted(kj_get(pods, "items"), by_logging, &n);
	if (n > 1)
		fprintf(k->err, "Found %zu pods, using pod/%s\n", n,
			kj_str_or(v[0], "metadata.name", ""));
	cJSON *pod = n ? cJSON_Duplicate(v[0], true)
		       : wait_for_pod(k, o, ns, selector, kj_str(pods, "metadata.resourceVersion"));
	free(v);
	cJSON_Delete(pods);
	return pod;
}

/* The selector a workload or Service picks its pods with, or -1 after an error. */
static int owner_selector(struct kctl *k, const struct k8c_kind *kind, const cJSON *obj,
			  struct strbuf *sel)
{
	if (!strcmp(kind->kind, "Service")) {
		const cJSON *s = kj_get(obj, "spec.selector");
		if (!cJSON_GetArraySize(s)) {
			kctl_errorf(k, "cannot attach to %s: selector is empty", kind->resource);
			return -1;
		}
		ktable_format_labels(s, sel);
		return 0;
	}
	if (strcmp(kind->kind, "Deployment") && strcmp(kind->kind, "ReplicaSet")) {
		kctl_errorf(k, "cannot get the logs from %s", kind->resource);
		return -1;
	}
	if (workload_selector(kj_get(obj, "spec.selector"), sel) < 0) {
		kctl_errorf(k, "invalid label selector");
		return -1;
	}
	return 0;
}

/* The first pod of the object TYPE/NAME names; added to list. */
static int first_pod_of(struct kctl *k, const struct logs_opts *o, const struct k8c_kind *kind,
			const char *name, cJSON *list)
{
	struct strbuf path = STRBUF_INIT, sel = STRBUF_INIT;
	const char *ns = kctl_namespace(k);
	kres_path(&path, kind, ns, name, NULL);
	cJSON *obj = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_get(kctl_client(k), path.buf, &obj, &e), r = 1;
	if (rc < 0)
		kctl_api_error(k, rc, &e);
	else if (!strcmp(kind->kind, "Pod"))
		cJSON_AddItemToArray(list, TAKE_PTR(obj)), r = 0;
	else if (owner_selector(k, kind, obj, &sel) == 0) {
		cJSON *pod = first_pod(k, o, ns, sel.buf);
		if (pod)
			cJSON_AddItemToArray(list, pod), r = 0;
	}
	cJSON_Delete(obj);
	k8c_status_error_release(&e);
	strbuf_release(&path);
	strbuf_release(&sel);
	return r;
}

static int resolve_args(struct kctl *k, const struct logs_opts *o, const struct kstrv *args,
			cJSON *list)
{
	if (!args->n || args->n > 2) {
		kctl_errorf(k, "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or "
			       "TYPE/NAME is a required argument for the logs command\nSee 'k8c logs "
			       "-h' for help and examples");
		return 1;
	}
	const char *a = args->v[0], *slash = strchr(a, '/');
	if (!slash)
		return first_pod_of(k, o, k8c_kind_lookup("pods"), a, list);
	_cleanup_free_ char *type = xstrndup(a, (size_t)(slash - a));
	const struct k8c_kind *kind = kres_kind(type);
	if (!kind) {
		kres_unknown_type(k, type);
		return 1;
	}
	return first_pod_of(k, o, kind, slash + 1, list);
}

int logs_resolve(struct kctl *k, const struct logs_opts *o, const struct kstrv *args,
		 cJSON **ret_list, const cJSON ***ret_pods, size_t *n)
{
	if (!kctl_client(k))
		return 1;
	cJSON *list = NULL;
	int r;
	if (o->selector && *o->selector) {
		cJSON *pods = list_pods(k, kctl_namespace(k), o->selector);
		list = cJSON_DetachItemFromObjectCaseSensitive(pods, "items");
		cJSON_Delete(pods);
		r = list ? 0 : 1;
		if (r == 0 && !cJSON_GetArraySize(list))
			fprintf(k->err, "No resources found in %s namespace.\n", kctl_namespace(k));
	} else {
		list = cJSON_CreateArray();
		r = resolve_args(k, o, args, list);
	}
	*n = (size_t)cJSON_GetArraySize(list);
	*ret_pods = xcalloc(*n + 1, sizeof(**ret_pods));
	for (size_t i = 0; i < *n; i++)
		(*ret_pods)[i] = cJSON_GetArrayItem(list, (int)i);
	*ret_list = list;
	return r;
}
