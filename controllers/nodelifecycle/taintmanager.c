/*
 * taintmanager.c - the NoExecute taint manager (taint_manager.go's
 * processPodOnNode and its timed eviction queue, here the workqueue's
 * delayed adds); see nodelifecycle.h.
 */
#include "base/log.h"
#include "base/timeutil.h"
#include "controllers/apiwrite.h"
#include "controllers/nodelifecycle/nodelifecycle_internal.h"
#include "controllers/nodelifecycle/taints.h"

void nlc_index_node(const void *obj, char ***ret, size_t *n, size_t *alloc)
{
	const char *node = ((const struct k8c_pod *)obj)->spec.node_name;
	if (!node || !*node)
		return;
	ALLOC_GROW(*ret, *n + 1, *alloc);
	(*ret)[(*n)++] = xstrdup(node);
}

void nlc_enqueue_pods_on(struct nodelifecycle *nlc, const char *node)
{
	void **pods;
	size_t n = k8c_informer_by_index(nlc->pods, NLC_INDEX_NODE, node, &pods);
	for (size_t i = 0; i < n; i++)
		controller_enqueue(nlc->pods_q, pods[i]);
	k8c_obj_unref_array(pods, n);
}

void nlc_eviction_free(void *p)
{
	struct nlc_eviction *ev = p;
	if (ev)
		free(ev->uid);
	free(ev);
}

void nlc_cancel_eviction(struct nodelifecycle *nlc, const char *key)
{
	pthread_mutex_lock(&nlc->lock);
	nlc_eviction_free(hashmap_remove(&nlc->evictions, key));
	pthread_mutex_unlock(&nlc->lock);
}

/* cancelWorkWithEvent: the pod no longer needs to go. */
static void cancel(struct nodelifecycle *nlc, const char *key, const struct k8c_pod *pod)
{
	pthread_mutex_lock(&nlc->lock);
	struct nlc_eviction *ev = hashmap_remove(&nlc->evictions, key);
	pthread_mutex_unlock(&nlc->lock);
	if (ev && pod && nlc->taint_recorder)
		k8c_recorder_eventf(nlc->taint_recorder, pod, "Normal", "TaintManagerEviction",
				    "Cancelling deletion of Pod %s", key);
	nlc_eviction_free(ev);
}

static int evict(struct nodelifecycle *nlc, const char *key, const struct k8c_pod *pod)
{
	struct strbuf opts = STRBUF_INIT;
	strbuf_addstr(&opts, "{\"preconditions\":{\"uid\":");
	strbuf_add_json_str(&opts, pod->metadata.uid ? pod->metadata.uid : "");
	strbuf_addstr(&opts, "}}");
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = apiwrite_delete(nlc->ctx->client, k8c_kind_by_resource("", "v1", "pods"),
				pod->metadata.namespace, pod->metadata.name, opts.buf, &err);
	if (r == 0) {
		log_info("node lifecycle: evicting pod '%s' from node '%s' (NoExecute taint)", key,
			 pod->spec.node_name);
		if (nlc->taint_recorder)
			k8c_recorder_eventf(nlc->taint_recorder, pod, "Normal",
					    "TaintManagerEviction", "Marking for deletion Pod %s", key);
	} else if (r != -ENOENT && err.code != 409) {
		log_warn("node lifecycle: failed to evict pod '%s': %s", key,
			 err.message ? err.message : strerror(-r));
	}
	k8c_status_error_release(&err);
	strbuf_release(&opts);
	if (r == -ENOENT || err.code == 409)
		r = 0; /* gone, or replaced by a namesake */
	if (r == 0)
		nlc_cancel_eviction(nlc, key);
	return r;
}

/*
 * A pod that tolerates the taints for `seconds`: deleted that long after the
 * countdown started (when first seen tainted); until then queued again for
 * the moment it is due.
 */
static int evict_after(struct nodelifecycle *nlc, const char *key, const struct k8c_pod *pod,
		       int64_t seconds)
{
	int64_t now = time_mono_ns();
	pthread_mutex_lock(&nlc->lock);
	struct nlc_eviction *ev = hashmap_get(&nlc->evictions, key);
	if (ev && !streq_null(ev->uid, pod->metadata.uid)) {
		nlc_eviction_free(hashmap_remove(&nlc->evictions, key));
		ev = NULL;
	}
	if (!ev) {
		ev = xcalloc(1, sizeof(*ev));
		ev->uid = xstrdup(pod->metadata.uid);
		ev->start_ns = now;
		hashmap_put(&nlc->evictions, key, ev);
	}
	int64_t due = ev->start_ns + seconds * K8C_NSEC_PER_SEC;
	pthread_mutex_unlock(&nlc->lock);
	if (now >= due)
		return evict(nlc, key, pod);
	k8c_workqueue_add_after(nlc->pods_q, key, due - now);
	return 0;
}

int nlc_taint_sync(void *state, const char *key)
{
	struct nodelifecycle *nlc = state;
	struct k8c_pod *pod = k8c_informer_get(nlc->pods, key);
	const char *node_name = pod ? pod->spec.node_name : NULL;
	struct k8c_node *node = node_name && *node_name && !pod->metadata.deletion_timestamp ?
				k8c_informer_get(nlc->nodes, node_name) : NULL;
	int r = 0;
	int64_t seconds = 0;
	enum eviction e = !node ? EVICT_NEVER :
			  taints_eviction(pod->spec.tolerations, pod->spec.n_tolerations,
					  node->spec.taints, node->spec.n_taints, &seconds);
	if (e == EVICT_NOW)
		r = evict(nlc, key, pod);
	else if (e == EVICT_AFTER)
		r = evict_after(nlc, key, pod, seconds);
	else
		cancel(nlc, key, node ? pod : NULL); /* an event only when the taint went */
	k8c_obj_unref(node);
	k8c_obj_unref(pod);
	return r;
}
