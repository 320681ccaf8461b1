/*
 * status_write.c - the pod status written back to the API
 * (status_merge_patch), skipped when the API or this worker already has the
 * same status. See worker_internal.h.
 */
#include "kubelet/worker_internal.h"

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "kubelet/kapi.h"
#include "kubelet/status.h"

/* A resourceVersion as a number (k8c's are store revisions), -1 when it is not one. */
static long long rv_number(const char *rv)
{
	char *end;
	long long n = rv && *rv ? strtoll(rv, &end, 10) : -1;
	return n >= 0 && !*end ? n : -1;
}

/*
 * Whether st must be written. Like Kubernetes' status manager, the worker
 * compares with what it wrote last, not with its copy of the pod (which may
 * predate that write); only a pod newer than that write (someone else
 * changed the status) is compared with the API's version.
 */
static bool needs_write(const struct pod_worker *w, const struct k8c_pod *pod,
			const struct k8c_pod_status *st)
{
	if (!w->have_written)
		return !k8c_equal(&k8c_type_pod_status, st, &pod->status);
	if (!k8c_equal(&k8c_type_pod_status, st, &w->written))
		return true;
	long long api = rv_number(pod->metadata.resource_version);
	return api > w->written_rv && !k8c_equal(&k8c_type_pod_status, st, &pod->status);
}

int status_write(struct pod_worker *w, const struct k8c_pod *pod,
		 const struct k8c_pod_status *st)
{
	if (!needs_write(w, pod, st))
		return 0;
	struct strbuf path = STRBUF_INIT, why = STRBUF_INIT;
	kapi_core_path(&path, pod->metadata.namespace, "pods", pod->metadata.name, "status");
	const struct k8c_pod_status *base = w->have_written ? &w->written : &pod->status;
	char *body = status_merge_patch(base, st);
	struct k8c_pod got = { 0 };
	int r = kapi_send(w->k->api, "PATCH", path.buf, "application/merge-patch+json", body,
			  &k8c_type_pod, &got, &why);
	if (r == 0) {
		k8c_release(&k8c_type_pod_status, &w->written);
		k8c_copy(&k8c_type_pod_status, &w->written, st);
		w->have_written = true;
		w->written_rv = rv_number(got.metadata.resource_version);
	} else if (r != -ENOENT) {
		log_warn("failed to update the status of pod '%s/%s': %s", pod->metadata.namespace,
			 pod->metadata.name, why.buf);
		worker_wake_at(w, time_now_ns() + K8C_NSEC_PER_SEC);
	}
	k8c_release(&k8c_type_pod, &got);
	free(body);
	strbuf_release(&path);
	strbuf_release(&why);
	return r;
}
