/*
 * endpoints.c - the Endpoints controller; see endpoints.h. Shaped like
 * Kubernetes' endpoints_controller.go: Service, pod and Endpoints-deletion
 * events queue Service keys; syncService computes the subsets from the pod
 * cache and writes the Endpoints only when they (or its labels) differ.
 */
#include "controllers/endpoints/endpoints.h"

#include "api/codec.h"
#include "base/log.h"
#include "controllers/apiwrite.h"
#include "controllers/endpoints/subsets.h"
#include "controllers/podutil.h"

#define HEADLESS_LABEL "service.kubernetes.io/headless"
/* Endpoints used as leader-election locks by older components: never collected. */
#define LEADER_ANNOTATION "control-plane.alpha.kubernetes.io/leader"

struct endpoints_ctl {
	struct controller_ctx *ctx;
	struct k8c_informer *services, *pods, *endpoints;
	struct k8c_workqueue *queue;
	struct controller_workers workers;
	struct k8c_recorder *recorder; /* "endpoint-controller"; may be NULL */
};

static const struct k8c_kind *core_kind(const char *resource)
{
	return k8c_kind_by_resource("", "v1", resource);
}

/* ---- handlers: queue Service keys only ---------------------------------- */

static void on_service(void *ud, const void *obj)
{
	struct endpoints_ctl *c = ud;
	controller_enqueue(c->queue, obj);
}

static void on_service_update(void *ud, const void *old, const void *obj)
{
	on_service(ud, obj);
}

/* Queues every Service whose selector picks pod (getPodServiceMemberships). */
static void enqueue_services_of(struct endpoints_ctl *c, const struct k8c_pod *pod)
{
	void **svcs;
	size_t n = k8c_informer_list(c->services, pod->metadata.namespace, &svcs);
	for (size_t i = 0; i < n; i++)
		if (endpoints_service_selects(svcs[i], pod))
			controller_enqueue(c->queue, svcs[i]);
	k8c_obj_unref_array(svcs, n);
}

static void on_pod(void *ud, const void *obj)
{
	enqueue_services_of(ud, obj);
}

/* podEndpointsChanged, widened: anything an Endpoints address or membership reads. */
static bool pod_changed(const struct k8c_pod *a, const struct k8c_pod *b)
{
	return !k8c_strmap_equal(&a->metadata.labels, &b->metadata.labels) ||
	       a->metadata.deletion_timestamp != b->metadata.deletion_timestamp ||
	       podutil_is_ready(a) != podutil_is_ready(b) ||
	       !streq_null(a->status.pod_ip, b->status.pod_ip) ||
	       strcmp(podutil_phase(a), podutil_phase(b)) ||
	       !streq_null(a->spec.node_name, b->spec.node_name) ||
	       !streq_null(a->spec.hostname, b->spec.hostname) ||
	       !streq_null(a->spec.subdomain, b->spec.subdomain);
}

static void on_pod_update(void *ud, const void *old, const void *obj)
{
	if (old == obj || !pod_changed(old, obj))
		return;
	enqueue_services_of(ud, obj);
	if (!k8c_strmap_equal(&((const struct k8c_pod *)old)->metadata.labels,
			      &((const struct k8c_pod *)obj)->metadata.labels))
		enqueue_services_of(ud, old);
}

/* A deleted Endpoints of a live Service is written again by the sync. */
static void on_endpoints_delete(void *ud, const void *obj)
{
	struct endpoints_ctl *c = ud;
	controller_enqueue(c->queue, obj);
}

/* ---- sync ---------------------------------------------------------------- */

/* The labels the Endpoints of svc carry: the Service's, plus the headless mark. */
static void wanted_labels(const struct k8c_service *svc, struct k8c_strmap *out)
{
	k8c_strmap_copy(out, &svc->metadata.labels);
	const char *ip = svc->spec.cluster_ip;
	if (!ip || !*ip || !strcmp(ip, "None"))
		k8c_strmap_set(out, HEADLESS_LABEL, "");
	else
		k8c_strmap_remove(out, HEADLESS_LABEL);
}

/* A write that failed for another reason than a lagging cache: logged, and an event. */
static void report_failure(struct endpoints_ctl *c, const struct k8c_service *svc,
			   const char *verb, const char *why)
{
	log_warn("failed to %s endpoints '%s/%s': %s", verb, svc->metadata.namespace,
		 svc->metadata.name, why);
	if (c->recorder)
		k8c_recorder_eventf(c->recorder, svc, "Warning",
				    !strcmp(verb, "create") ? "FailedToCreateEndpoint" :
				    "FailedToUpdateEndpoint",
				    "Failed to %s endpoint for service %s/%s: %s", verb,
				    svc->metadata.namespace, svc->metadata.name, why);
}

static int write_endpoints(struct endpoints_ctl *c, const struct k8c_service *svc,
			   const struct k8c_endpoints *cur, struct k8c_endpoints *want)
{
	struct k8c_endpoints *obj = cur ? k8c_dup(&k8c_type_endpoints, cur) :
				    xcalloc(1, sizeof(*obj));
	if (!cur) {
		obj->metadata.name = xstrdup(svc->metadata.name);
		obj->metadata.namespace = xstrdup(svc->metadata.namespace);
	}
	endpoints_subsets_free(obj->subsets, obj->n_subsets);
	obj->subsets = TAKE_PTR(want->subsets);
	obj->n_subsets = want->n_subsets;
	want->n_subsets = 0;
	k8c_strmap_release(&obj->metadata.labels);
	obj->metadata.labels = want->metadata.labels;
	memset(&want->metadata.labels, 0, sizeof(want->metadata.labels));
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	const struct k8c_kind *k = core_kind("endpoints");
	int r = cur ? apiwrite_update(c->ctx->client, k, obj, NULL, NULL, &err) :
		      apiwrite_create(c->ctx->client, k, obj, NULL, NULL, &err);
	if (r == -EEXIST || r == -EBUSY) /* the cache lags behind a write of ours: retried */
		log_debug("endpoints '%s/%s': %s", svc->metadata.namespace, svc->metadata.name,
			  err.message ? err.message : strerror(-r));
	else if (r < 0)
		report_failure(c, svc, cur ? "update" : "create",
			       err.message ? err.message : strerror(-r));
	k8c_status_error_release(&err);
	k8c_free(&k8c_type_endpoints, obj);
	return r;
}

/* syncService for a Service with a selector. */
static int reconcile(struct endpoints_ctl *c, const struct k8c_service *svc, const char *key)
{
	void **pods;
	size_t n = k8c_informer_list(c->pods, svc->metadata.namespace, &pods);
	struct k8c_endpoints want = { 0 };
	endpoints_compute(svc, (const struct k8c_pod *const *)pods, n, &want.subsets,
			  &want.n_subsets);
	k8c_obj_unref_array(pods, n);
	wanted_labels(svc, &want.metadata.labels);
	struct k8c_endpoints *cur = k8c_informer_get(c->endpoints, key);
	int r = 0;
	if (!cur || !k8c_object_field_equal(core_kind("endpoints"), cur, &want, "subsets") ||
	    !k8c_strmap_equal(&cur->metadata.labels, &want.metadata.labels))
		r = write_endpoints(c, svc, cur, &want);
	k8c_obj_unref(cur);
	k8c_release(&k8c_type_endpoints, &want);
	return r;
}

/* The Service is gone: so goes its Endpoints (if the cache still has one). */
static int delete_endpoints(struct endpoints_ctl *c, const char *key, const char *ns,
			    const char *name)
{
	struct k8c_endpoints *cur = k8c_informer_get(c->endpoints, key);
	if (!cur)
		return 0;
	bool lock = k8c_strmap_get(&cur->metadata.annotations, LEADER_ANNOTATION) != NULL;
	k8c_obj_unref(cur);
	if (lock)
		return 0;
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = apiwrite_delete(c->ctx->client, core_kind("endpoints"), ns, name, NULL, &err);
	if (r < 0 && r != -ENOENT)
		log_warn("failed to delete endpoints '%s': %s", key,
			 err.message ? err.message : strerror(-r));
	k8c_status_error_release(&err);
	return r == -ENOENT ? 0 : r;
}

static int endpoints_sync(void *state, const char *key)
{
	struct endpoints_ctl *c = state;
	_cleanup_free_ char *ns = NULL, *name = NULL;
	if (controller_split_key(key, &ns, &name) < 0)
		return 0;
	struct k8c_service *svc = k8c_informer_get(c->services, key);
	if (!svc)
		return delete_endpoints(c, key, ns, name);
	int r = 0;
	if (svc->spec.selector.n && !streq_null(svc->spec.type, "ExternalName"))
		r = reconcile(c, svc, key);
	k8c_obj_unref(svc);
	return r;
}

/* ---- life cycle ---------------------------------------------------------- */

static int endpoints_init(struct controller_ctx *ctx, void **ret_state)
{
	struct endpoints_ctl *c = xcalloc(1, sizeof(*c));
	c->ctx = ctx;
	c->services = k8c_informer_factory_get(ctx->informers, core_kind("services"));
	c->pods = k8c_informer_factory_get(ctx->informers, core_kind("pods"));
	c->endpoints = k8c_informer_factory_get(ctx->informers, core_kind("endpoints"));
	c->queue = k8c_workqueue_new(NULL);
	const struct k8c_informer_handlers svc_h = {
		.on_add = on_service, .on_update = on_service_update, .on_delete = on_service,
		.userdata = c,
	};
	const struct k8c_informer_handlers pod_h = {
		.on_add = on_pod, .on_update = on_pod_update, .on_delete = on_pod, .userdata = c,
	};
	const struct k8c_informer_handlers ep_h = { .on_delete = on_endpoints_delete, .userdata = c };
	if (!c->services || !c->pods || !c->endpoints ||
	    k8c_informer_add_handlers(c->services, &svc_h) < 0 ||
	    k8c_informer_add_handlers(c->pods, &pod_h) < 0 ||
	    k8c_informer_add_handlers(c->endpoints, &ep_h) < 0) {
		k8c_workqueue_free(c->queue);
		free(c);
		return -EINVAL;
	}
	c->recorder = controller_recorder(ctx, "endpoint-controller");
	*ret_state = c;
	return 0;
}

static int endpoints_run(void *state, int workers)
{
	struct endpoints_ctl *c = state;
	/* checkLeftoverEndpoints: Endpoints whose Service went while nobody watched */
	void **eps;
	size_t n = k8c_informer_list(c->endpoints, NULL, &eps);
	for (size_t i = 0; i < n; i++)
		controller_enqueue(c->queue, eps[i]);
	k8c_obj_unref_array(eps, n);
	return controller_workers_start(&c->workers, "endpoint", c->queue, workers, endpoints_sync, c);
}

static void endpoints_stop(void *state)
{
	struct endpoints_ctl *c = state;
	controller_workers_stop(&c->workers);
	k8c_workqueue_shutdown(c->queue);
}

static void endpoints_free(void *state)
{
	struct endpoints_ctl *c = state;
	k8c_workqueue_free(c->queue);
	free(c);
}

const struct controller_def endpoints_controller_def = {
	.name = "endpoint",
	.init = endpoints_init,
	.run = endpoints_run,
	.stop = endpoints_stop,
	.free = endpoints_free,
};
