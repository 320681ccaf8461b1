/*
 * monitor.c - the node monitor (monitorNodeHealth for one node, and the
 * ticker that runs it for every node each --node-monitor-period); see
 * nodelifecycle.h. One write per pass at most on the node (its status, or
 * else its taints): the write's own update event brings the next pass.
 */
#include <time.h>

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "client/path.h"
#include "client/typed.h"
#include "controllers/apiwrite.h"
#include "controllers/nodelifecycle/nodelifecycle_internal.h"
#include "controllers/nodelifecycle/taints.h"
#include "controllers/podutil.h"

static const struct k8c_kind *core_kind(const char *resource)
{
	return k8c_kind_by_resource("", "v1", resource);
}

/* The monitor's memory of node name (created on first use). */
static struct nlc_node *node_entry(struct nodelifecycle *nlc, const char *name)
{
	struct nlc_node *e = hashmap_get(&nlc->health, name);
	if (!e) {
		e = xcalloc(1, sizeof(*e));
		hashmap_put(&nlc->health, name, e);
	}
	return e;
}

static int put(struct nodelifecycle *nlc, const struct k8c_kind *k, const void *obj,
		 const char *sub, const char *what)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = apiwrite_update(nlc->ctx->client, k, obj, sub, NULL, &err);
	if (r < 0 && r != -EBUSY)
		log_warn("node lifecycle: failed to update %s of %s '%s%s%s': %s", what,
			 k->resource, m->namespace ? m->namespace : "", m->namespace ? "/" : "",
			 m->name, err.message ? err.message : strerror(-r));
	k8c_status_error_release(&err);
	return r;
}

/*
 * The pod as the API server has it now, into *ret (zeroed first): the cache
 * holds pods trimmed to what the controllers read (controllers/trim.h), and
 * a pods/status PUT carries the whole status. -ENOENT when it is gone or is
 * another pod of that name by now.
 */
static int get_live_pod(struct nodelifecycle *nlc, const struct k8c_pod *cached,
			struct k8c_pod *ret)
{
	const struct k8c_resource_path p = { .namespace = cached->metadata.namespace,
					     .resource = "pods", .name = cached->metadata.name };
	struct strbuf path = STRBUF_INIT;
	k8c_path_append(&path, &p);
	const struct k8c_request req = { .method = "GET", .path = path.buf };
	memset(ret, 0, sizeof(*ret));
	int r = k8c_typed_do(nlc->ctx->client, &req, &k8c_type_pod, ret, NULL);
	strbuf_release(&path);
	if (r == 0 && !streq_null(ret->metadata.uid, cached->metadata.uid))
		r = -ENOENT;
	return r;
}

/* True when the pod shows a Ready condition that is not False yet. */
static bool shows_ready(const struct k8c_pod *pod)
{
	const struct k8c_pod_condition *c = podutil_ready_condition(pod);
	return c && !streq_null(c->status, "False");
}

/*
 * MarkPodsNotReady: every pod bound to the node gets Ready=False. Those the
 * cache shows ready are read again first: their status is PUT whole.
 */
static int mark_pods(struct nodelifecycle *nlc, const char *node, int64_t now)
{
	void **pods;
	size_t n = k8c_informer_by_index(nlc->pods, NLC_INDEX_NODE, node, &pods);
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		struct k8c_pod p;
		if (!shows_ready(pods[i]))
			continue;
		int r = get_live_pod(nlc, pods[i], &p);
		if (r == 0 && node_health_mark_pod_not_ready(&p, now)) {
			r = put(nlc, core_kind("pods"), &p, "status", "the status");
			if (r == 0 && nlc->recorder)
				k8c_recorder_eventf(nlc->recorder, &p, "Warning", "NodeNotReady",
						    "Node is not ready");
		}
		failed = r < 0 && r != -ENOENT ? r : failed; /* a pod gone has nothing to mark */
		k8c_release(&k8c_type_pod, &p);
	}
	k8c_obj_unref_array(pods, n);
	return failed;
}

static bool is_ready(const struct k8c_node *node)
{
	const struct k8c_node_condition *c = node_condition(&node->status, "Ready");
	return c && streq_null(c->status, "True");
}

/* Marks an overdue node Unknown; returns 1 when its status was written, 0, or an errno. */
static int mark_unknown(struct nodelifecycle *nlc, struct k8c_node *node, int64_t now)
{
	if (!node_health_mark_unknown(node, now))
		return 0;
	int r = put(nlc, core_kind("nodes"), node, "status", "the status");
	if (r < 0)
		return r;
	log_info("node lifecycle: node '%s' stopped posting its status: conditions Unknown",
		 node->metadata.name);
	if (nlc->recorder)
		k8c_recorder_eventf(nlc->recorder, node, "Normal", "NodeNotReady",
				    "Node %s status is now: NodeNotReady", node->metadata.name);
	return 1;
}

/*
 * One pass over cached (the informer's object, never changed): a private copy is made only
 * when a write is due, and *copy gets it (the caller frees it) so that node's pass can edit.
 */
static int monitor(struct nodelifecycle *nlc, const struct k8c_node *cached,
		   const struct k8c_lease *lease, const char *name, struct k8c_node **copy)
{
	const struct k8c_node *node = cached;
	int64_t now = time_now_ns();
	pthread_mutex_lock(&nlc->lock);
	struct nlc_node *e = node_entry(nlc, name); /* only this key's worker touches e */
	bool overdue = node_health_observe(&e->health, node, lease, now, &nlc->health_cfg);
	pthread_mutex_unlock(&nlc->lock);
	if (overdue)
		node = *copy = k8c_dup(&k8c_type_node, cached);
	int written = overdue ? mark_unknown(nlc, *copy, now) : 0;
	if (written < 0)
		return written;
	bool ready = is_ready(node);
	if (e->was_ready && !ready)
		e->mark_pods = true; /* Ready left True: the pods go not ready at once */
	e->was_ready = ready;
	if (e->mark_pods) {
		if (mark_pods(nlc, name, now) < 0)
			return -EAGAIN;
		e->mark_pods = false;
	}
	if (written || taints_in_sync(node))
		return 0;
	if (!*copy)
		node = *copy = k8c_dup(&k8c_type_node, cached);
	taints_reconcile(*copy, now);
	log_info("node lifecycle: node '%s': taints follow its conditions (Ready %s)", name,
		 ready ? "True" : "not True");
	return put(nlc, core_kind("nodes"), node, NULL, "the taints");
}

int nlc_monitor_sync(void *state, const char *key)
{
	struct nodelifecycle *nlc = state;
	struct k8c_node *cached = k8c_informer_get(nlc->nodes, key);
	if (!cached) {
		pthread_mutex_lock(&nlc->lock);
		free(hashmap_remove(&nlc->health, key));
		pthread_mutex_unlock(&nlc->lock);
		return 0;
	}
	struct k8c_lease *lease = k8c_informer_get_by_name(nlc->leases, NODE_LEASE_NAMESPACE, key);
	struct k8c_node *copy = NULL;
	int r = monitor(nlc, cached, lease, key, &copy);
	k8c_free(&k8c_type_node, copy);
	k8c_obj_unref(lease);
	k8c_obj_unref(cached);
	return r;
}

/* ---- the ticker ---------------------------------------------------------- */

static void *ticker(void *arg)
{
	struct nodelifecycle *nlc = arg;
	pthread_mutex_lock(&nlc->lock);
	while (!nlc->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t at = ts.tv_sec * K8C_NSEC_PER_SEC + ts.tv_nsec + nlc->monitor_period_ns;
		ts.tv_sec = at / K8C_NSEC_PER_SEC;
		ts.tv_nsec = at % K8C_NSEC_PER_SEC;
		pthread_cond_timedwait(&nlc->wake, &nlc->lock, &ts);
		if (nlc->stopping)
			break;
		pthread_mutex_unlock(&nlc->lock);
		void **nodes;
		size_t n = k8c_informer_list(nlc->nodes, NULL, &nodes);
		for (size_t i = 0; i < n; i++)
			controller_enqueue(nlc->nodes_q, nodes[i]);
		k8c_obj_unref_array(nodes, n);
		pthread_mutex_lock(&nlc->lock);
	}
	pthread_mutex_unlock(&nlc->lock);
	return NULL;
}

int nlc_ticker_start(struct nodelifecycle *nlc)
{
	int r = pthread_create(&nlc->ticker, NULL, ticker, nlc);
	nlc->ticker_running = r == 0;
	return -r;
}

void nlc_ticker_stop(struct nodelifecycle *nlc)
{
	pthread_mutex_lock(&nlc->lock);
	nlc->stopping = true;
	pthread_cond_signal(&nlc->wake);
	pthread_mutex_unlock(&nlc->lock);
	if (nlc->ticker_running)
		pthread_join(nlc->ticker, NULL);
	nlc->ticker_running = false;
}
