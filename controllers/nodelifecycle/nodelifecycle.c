/*
 * nodelifecycle.c - the node-lifecycle controller's handlers and life
 * cycle; see nodelifecycle.h. Node and Lease events queue node names for
 * the monitor; pod events and changes of a node's NoExecute taints queue
 * pod keys for the taint manager.
 */
#include "base/timeutil.h"
#include "controllers/nodelifecycle/nodelifecycle_internal.h"
#include "controllers/nodelifecycle/taints.h"

#define DEFAULT_GRACE_MS 40000
#define DEFAULT_STARTUP_GRACE_MS 60000
#define DEFAULT_PERIOD_MS 5000

static const struct k8c_kind *core_kind(const char *resource)
{
	return k8c_kind_by_resource("", "v1", resource);
}

/* True when a and b carry the same NoExecute taints (in any order). */
static bool same_no_execute(const struct k8c_node *a, const struct k8c_node *b)
{
	const struct k8c_node *pair[2][2] = { { a, b }, { b, a } };
	for (int k = 0; k < 2; k++) {
		const struct k8c_node_spec *x = &pair[k][0]->spec, *y = &pair[k][1]->spec;
		for (size_t i = 0; i < x->n_taints; i++)
			if (streq_null(x->taints[i].effect, "NoExecute") &&
			    !taints_has(y->taints, y->n_taints, x->taints[i].key, "NoExecute"))
				return false;
	}
	return true;
}

static void on_node(void *ud, const void *obj)
{
	struct nodelifecycle *nlc = ud;
	controller_enqueue(nlc->nodes_q, obj);
	nlc_enqueue_pods_on(nlc, ((const struct k8c_node *)obj)->metadata.name);
}

static void on_node_update(void *ud, const void *old, const void *obj)
{
	struct nodelifecycle *nlc = ud;
	if (old == obj)
		return;
	controller_enqueue(nlc->nodes_q, obj);
	if (!same_no_execute(old, obj))
		nlc_enqueue_pods_on(nlc, ((const struct k8c_node *)obj)->metadata.name);
}

static void on_node_delete(void *ud, const void *obj)
{
	struct nodelifecycle *nlc = ud;
	controller_enqueue(nlc->nodes_q, obj);
}

/* A node Lease renewed: its node's liveness may have changed. */
static void on_lease(void *ud, const void *obj)
{
	struct nodelifecycle *nlc = ud;
	const struct k8c_lease *l = obj;
	if (streq_null(l->metadata.namespace, NODE_LEASE_NAMESPACE) && l->metadata.name)
		k8c_workqueue_add(nlc->nodes_q, l->metadata.name);
}

static void on_lease_update(void *ud, const void *old, const void *obj)
{
	on_lease(ud, obj);
}

static void on_pod(void *ud, const void *obj)
{
	struct nodelifecycle *nlc = ud;
	const struct k8c_pod *p = obj;
	if (p->spec.node_name && *p->spec.node_name)
		controller_enqueue(nlc->pods_q, obj);
}

static void on_pod_update(void *ud, const void *old, const void *obj)
{
	if (old != obj)
		on_pod(ud, obj);
}

static void on_pod_delete(void *ud, const void *obj)
{
	struct nodelifecycle *nlc = ud;
	struct strbuf key = STRBUF_INIT;
	k8c_obj_key(obj, &key);
	nlc_cancel_eviction(nlc, key.buf);
	strbuf_release(&key);
}

static int64_t ms_or(int64_t ms, int64_t def)
{
	return (ms > 0 ? ms : def) * K8C_NSEC_PER_MSEC;
}

static int add_handlers(struct nodelifecycle *nlc)
{
	const struct k8c_informer_handlers node_h = {
		.on_add = on_node, .on_update = on_node_update, .on_delete = on_node_delete,
		.userdata = nlc,
	};
	const struct k8c_informer_handlers lease_h = {
		.on_add = on_lease, .on_update = on_lease_update, .userdata = nlc,
	};
	const struct k8c_informer_handlers pod_h = {
		.on_add = on_pod, .on_update = on_pod_update, .on_delete = on_pod_delete,
		.userdata = nlc,
	};
	if (!nlc->nodes || !nlc->leases || !nlc->pods ||
	    k8c_informer_add_index(nlc->pods, NLC_INDEX_NODE, nlc_index_node) < 0 ||
	    k8c_informer_add_handlers(nlc->nodes, &node_h) < 0 ||
	    k8c_informer_add_handlers(nlc->leases, &lease_h) < 0 ||
	    k8c_informer_add_handlers(nlc->pods, &pod_h) < 0)
		return -EINVAL;
	return 0;
}

static void nlc_free(void *state);

static int nlc_init(struct controller_ctx *ctx, void **ret_state)
{
	struct nodelifecycle *nlc = xcalloc(1, sizeof(*nlc));
	const struct controller_options *o = ctx->options;
	nlc->ctx = ctx;
	nlc->health_cfg.grace_ns = ms_or(o ? o->node_monitor_grace_period_ms : 0, DEFAULT_GRACE_MS);
	nlc->health_cfg.startup_grace_ns = ms_or(o ? o->node_startup_grace_period_ms : 0,
						 DEFAULT_STARTUP_GRACE_MS);
	nlc->monitor_period_ns = ms_or(o ? o->node_monitor_period_ms : 0, DEFAULT_PERIOD_MS);
	pthread_mutex_init(&nlc->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&nlc->wake, &ca);
	pthread_condattr_destroy(&ca);
	nlc->nodes_q = k8c_workqueue_new(NULL);
	nlc->pods_q = k8c_workqueue_new(NULL);
	nlc->nodes = k8c_informer_factory_get(ctx->informers, core_kind("nodes"));
	nlc->pods = k8c_informer_factory_get(ctx->informers, core_kind("pods"));
	nlc->leases = k8c_informer_factory_get(ctx->informers,
					       k8c_kind_by_resource("coordination.k8s.io", "v1",
								    "leases"));
	if (add_handlers(nlc) < 0) {
		nlc_free(nlc);
		return -EINVAL;
	}
	nlc->recorder = controller_recorder(ctx, "node-controller");
	nlc->taint_recorder = controller_recorder(ctx, "taint-controller");
	*ret_state = nlc;
	return 0;
}

static int nlc_run(void *state, int workers)
{
	struct nodelifecycle *nlc = state;
	int r = controller_workers_start(&nlc->node_workers, "node-lifecycle", nlc->nodes_q,
					 workers, nlc_monitor_sync, nlc);
	if (r == 0)
		r = controller_workers_start(&nlc->pod_workers, "taint-manager", nlc->pods_q,
					     workers, nlc_taint_sync, nlc);
	return r == 0 ? nlc_ticker_start(nlc) : r;
}

static void nlc_stop(void *state)
{
	struct nodelifecycle *nlc = state;
	nlc_ticker_stop(nlc);
	controller_workers_stop(&nlc->node_workers);
	controller_workers_stop(&nlc->pod_workers);
	k8c_workqueue_shutdown(nlc->nodes_q);
	k8c_workqueue_shutdown(nlc->pods_q);
}

static void nlc_free(void *state)
{
	struct nodelifecycle *nlc = state;
	hashmap_release(&nlc->health, free);
	hashmap_release(&nlc->evictions, nlc_eviction_free);
	k8c_workqueue_free(nlc->nodes_q);
	k8c_workqueue_free(nlc->pods_q);
	pthread_cond_destroy(&nlc->wake);
	pthread_mutex_destroy(&nlc->lock);
	free(nlc);
}

const struct controller_def nodelifecycle_controller_def = {
	.name = "nodelifecycle",
	.init = nlc_init,
	.run = nlc_run,
	.stop = nlc_stop,
	.free = nlc_free,
};
