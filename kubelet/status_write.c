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

int status_write(struct pod_worker *w, const struct k8c_pod *pod,
		 const struct k8c_pod_status *st)
{
	if (k8c_equal(&k8c_type_pod_status, st, &pod->status))
		return 0;
	if (w->have_written && k8c_equal(&k8c_type_pod_status, st, &w->written))
		return 0;
	struct strbuf path = STRBUF_INIT, why = STRBUF_INIT;
	kapi_core_path(&path, pod->metadata.namespace, "pods", pod->metadata.name, "status");
	char *body = status_merge_patch(&pod->status, st);
	int r = kapi_send(w->k->api, "PATCH", path.buf, "application/merge-patch+json", body, NULL,
			  NULL, &why);
	if (r == 0) {
		k8c_release(&k8c_type_pod_status, &w->written);
		k8c_copy(&k8c_type_pod_status, &w->written, st);
		w->have_written = true;
	} else if (r != -ENOENT) {
		log_warn("failed to update the status of pod '%s/%s': %s", pod->metadata.namespace,
			 pod->metadata.name, why.buf);
		worker_wake_at(w, time_now_ns() + K8C_NSEC_PER_SEC);
	}
	free(body);
	strbuf_release(&path);
	strbuf_release(&why);
	return r;
}
