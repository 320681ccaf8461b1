/*
 * logs_pods.c - which pods `k8c logs` reads: a pod by name, the first pod of a
 * Deployment, ReplicaSet or Service in kubectl's logging order (scheduled, running,
 * ready, longest ready, most restarts, oldest first), waiting for one to appear, or
 * every pod a label selector matches.
 */
#include <stdarg.h>

#include "base/timeutil.h"
#include "client/path.h"
#include "client/verbs.h"
#include "client/watch.h"
#include "kubectl/jsonutil.h"
#include "kubectl/logs.h"
#include "kubectl/resources.h"
#include "kubectl/table.h"
#include "kubectl/workloads.h"

/* The Ready condition's lastTransitionTime when the pod is ready, else "" (Go's zero). */
static const char *ready_time(const cJSON *p)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, kj_get(p, "status.conditions"))
		if (!strcmp(kj_str_or(c, "type", ""), "Ready"))
			return !strcmp(kj_str_or(c, "status", ""), "True")
				       ? kj_str_or(c, "lastTransitionTime", "")
				       : "";
	return "";
}

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

/* Earlier times first, the zero time last (podutils' afterOrZero); RFC 3339 UTC
 * timestamps of the same precision order as strings. */
static int earlier_or_zero(const char *a, const char *b)
{
	if (!*a || !*b)
		return !*a - !*b;
	return strcmp(a, b);
}

/* kubectl's podutils.ByLogging: the pod kubectl reads first. */
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
	int r = pod_ready(a) ? earlier_or_zero(ready_time(a), ready_time(b)) : 0;
	if (r)
		return r; /* ready for longer first */
	if (max_restarts(a) != max_restarts(b))
		return max_restarts(a) > max_restarts(b) ? -1 : 1;
	return earlier_or_zero(kj_str_or(a, "metadata.creationTimestamp", ""),
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

/* Prints kubectl's "cannot get the logs from *v1.Kind: why" (Go's %T of the object). */
static void K8C_PRINTF(3, 4)
	cannot_get(struct kctl *k, const struct k8c_kind *kind, const char *fmt, ...)
{
	struct strbuf why = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&why, fmt, ap);
	va_end(ap);
	kctl_errorf(k, "cannot get the logs from *%s.%s: %s", kind->version, kind->kind, why.buf);
	strbuf_release(&why);
}

/* The selector a workload or Service picks its pods with (SelectorsForObject), or -1
 * after an error. */
static int owner_selector(struct kctl *k, const struct k8c_kind *kind, const cJSON *obj,
			  struct strbuf *sel)
{
	if (!strcmp(kind->kind, "Service")) {
		const cJSON *s = kj_get(obj, "spec.selector");
		if (!cJSON_GetArraySize(s)) {
			cannot_get(k, kind, "invalid service '%s': Service is defined without a selector",
				   kj_str_or(obj, "metadata.name", ""));
			return -1;
		}
		ktable_format_labels(s, sel);
		return 0;
	}
	if (strcmp(kind->kind, "Deployment") && strcmp(kind->kind, "ReplicaSet")) {
		cannot_get(k, kind, "selector for *%s.%s not implemented", kind->version, kind->kind);
		return -1;
	}
	if (workload_selector(kj_get(obj, "spec.selector"), sel) < 0) {
		cannot_get(k, kind, "invalid label selector");
		return -1;
	}
	return 0;
}

/* GET of the object TYPE/NAME (or POD) names, into *ret. */
static int get_object(struct kctl *k, const char *arg, cJSON **ret,
		      const struct k8c_kind **ret_kind)
{
	const char *slash = strchr(arg, '/');
	const struct k8c_kind *kind = k8c_kind_lookup("pods");
	if (slash) {
		_cleanup_free_ char *type = xstrndup(arg, (size_t)(slash - arg));
		if (!(kind = kres_kind(type))) {
			kres_unknown_type(k, type);
			return 1;
		}
		arg = slash + 1;
	}
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, kind, kctl_namespace(k), arg, NULL);
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_get(kctl_client(k), path.buf, ret, &e);
	if (rc < 0)
		kctl_api_error(k, rc, &e);
	k8c_status_error_release(&e);
	strbuf_release(&path);
	*ret_kind = kind;
	return rc < 0 ? 1 : 0;
}

int logs_fetch(struct kctl *k, const struct logs_opts *o, const struct kstrv *args, cJSON **ret,
	       const struct k8c_kind **ret_kind)
{
	if (!kctl_client(k))
		return 1;
	if (!o->selector || !*o->selector)
		return get_object(k, args->v[0], ret, ret_kind);
	if (args->n) {
		kctl_errorf(k, "selectors and the all flag cannot be used when passing resource/name "
			       "arguments");
		return 1;
	}
	*ret_kind = NULL; /* a list of pods */
	*ret = list_pods(k, kctl_namespace(k), o->selector);
	return *ret ? 0 : 1;
}

cJSON *logs_pods(struct kctl *k, const struct logs_opts *o, const struct k8c_kind *kind,
		 cJSON *obj)
{
	cJSON *list = cJSON_CreateArray();
	struct strbuf sel = STRBUF_INIT;
	cJSON *pod = NULL;
	if (!kind)
		cJSON_Delete(list), list = cJSON_DetachItemFromObjectCaseSensitive(obj, "items");
	else if (!strcmp(kind->kind, "Pod"))
		cJSON_AddItemToArray(list, cJSON_Duplicate(obj, true));
	else if (owner_selector(k, kind, obj, &sel) == 0 &&
		 (pod = first_pod(k, o, kj_str(obj, "metadata.namespace"), sel.buf)))
		cJSON_AddItemToArray(list, pod);
	else
		cJSON_Delete(TAKE_PTR(list));
	strbuf_release(&sel);
	return list;
}
