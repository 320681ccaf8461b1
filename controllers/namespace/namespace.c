/*
 * namespace.c - the Namespace controller; see namespace.h. Shaped like
 * Kubernetes' namespace_controller.go and namespacedResourcesDeleter.Delete:
 * the cache says which namespaces are being deleted, every step after that
 * starts from a live GET of the namespace.
 */
#include "controllers/namespace/namespace.h"

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "client/verbs.h"
#include "controllers/apiwrite.h"
#include "controllers/namespace/content.h"

#define FINALIZER "kubernetes"

struct namespace_ctl {
	struct controller_ctx *ctx;
	struct k8c_informer *namespaces;
	struct k8c_workqueue *queue;
	struct controller_workers workers;
};

static const struct k8c_kind *ns_kind(void)
{
	return k8c_kind_by_resource("", "v1", "namespaces");
}

static bool has_finalizer(const struct k8c_namespace *ns)
{
	for (size_t i = 0; i < ns->spec.n_finalizers; i++)
		if (!strcmp(ns->spec.finalizers[i], FINALIZER))
			return true;
	return false;
}

/* GETs namespace name into a new *ret. Returns 0, -ENOENT or another negative errno. */
static int get_namespace(struct namespace_ctl *c, const char *name, struct k8c_namespace **ret)
{
	struct strbuf path = STRBUF_INIT;
	struct k8c_resource_path p = { .resource = "namespaces", .name = name };
	k8c_path_append(&path, &p);
	cJSON *obj = NULL;
	int r = k8c_get(c->ctx->client, path.buf, &obj, NULL);
	if (r == 0) {
		struct field_errors errs = FIELD_ERRORS_INIT;
		*ret = xcalloc(1, sizeof(**ret));
		k8c_decode(&k8c_type_namespace, obj, *ret, 0, "", &errs);
		field_errors_release(&errs);
	}
	cJSON_Delete(obj);
	strbuf_release(&path);
	return r;
}

/* finalizeNamespace: drops our finalizer through /finalize, retrying on conflicts. */
static int finalize(struct namespace_ctl *c, const char *name)
{
	int r = 0;
	for (int attempt = 0; attempt < 5; attempt++) {
		struct k8c_namespace *ns;
		if ((r = get_namespace(c, name, &ns)) < 0)
			break;
		size_t keep = 0;
		for (size_t i = 0; i < ns->spec.n_finalizers; i++) {
			if (strcmp(ns->spec.finalizers[i], FINALIZER))
				ns->spec.finalizers[keep++] = ns->spec.finalizers[i];
			else
				free(ns->spec.finalizers[i]);
		}
		bool had = keep != ns->spec.n_finalizers;
		ns->spec.n_finalizers = keep;
		r = had ? apiwrite_update(c->ctx->client, ns_kind(), ns, "finalize", NULL, NULL) : 0;
		k8c_free(&k8c_type_namespace, ns);
		if (r != -EBUSY)
			break;
	}
	if (r == 0)
		log_info("namespace '%s': content deleted, finalized", name);
	return r == -ENOENT ? 0 : r;
}

/* One deletion pass over ns (the latest state): delete, report, finalize or wait. */
static int delete_content(struct namespace_ctl *c, struct k8c_namespace *ns)
{
	const char *name = ns->metadata.name;
	struct ns_tally t = NS_TALLY_INIT;
	ns_delete_content(c->ctx->client, name, &t);
	bool terminating = streq_null(ns->status.phase, "Terminating");
	if (!terminating) {
		free(ns->status.phase);
		ns->status.phase = xstrdup("Terminating");
	}
	if (ns_conditions_update(&ns->status, &t, time_now_ns()) || !terminating) {
		struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
		if (apiwrite_update(c->ctx->client, ns_kind(), ns, "status", NULL, &err) < 0)
			log_warn("namespace '%s': failed to update its status: %s", name,
				 err.message ? err.message : "?");
		k8c_status_error_release(&err);
	}
	int r = 0;
	if (t.failed_kinds) {
		log_warn("namespace '%s': %s", name, t.failures.buf);
		r = -EAGAIN;
	} else if (t.n_remaining) {
		/* ResourcesRemainingError: look again when the graceful deletions should be done */
		k8c_workqueue_add_after(c->queue, name,
					(t.estimate_s / 2 + 1) * K8C_NSEC_PER_SEC);
	} else {
		r = finalize(c, name);
	}
	ns_tally_release(&t);
	return r;
}

static int namespace_sync(void *state, const char *key)
{
	struct namespace_ctl *c = state;
	struct k8c_namespace *cached = k8c_informer_get(c->namespaces, key);
	bool deleting = cached && cached->metadata.deletion_timestamp;
	k8c_obj_unref(cached);
	if (!deleting)
		return 0;
	struct k8c_namespace *ns;
	int r = get_namespace(c, key, &ns);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	if (ns->metadata.deletion_timestamp && has_finalizer(ns))
		r = delete_content(c, ns);
	k8c_free(&k8c_type_namespace, ns);
	return r;
}

/* ---- life cycle ---------------------------------------------------------- */

static void on_namespace(void *ud, const void *obj)
{
	struct namespace_ctl *c = ud;
	if (((const struct k8c_namespace *)obj)->metadata.deletion_timestamp)
		controller_enqueue(c->queue, obj);
}

static void on_namespace_update(void *ud, const void *old, const void *obj)
{
	on_namespace(ud, obj);
}

static int namespace_init(struct controller_ctx *ctx, void **ret_state)
{
	struct namespace_ctl *c = xcalloc(1, sizeof(*c));
	c->ctx = ctx;
	c->namespaces = k8c_informer_factory_get(ctx->informers, ns_kind());
	c->queue = k8c_workqueue_new(NULL);
	const struct k8c_informer_handlers h = {
		.on_add = on_namespace, .on_update = on_namespace_update, .userdata = c,
	};
	if (!c->namespaces || k8c_informer_add_handlers(c->namespaces, &h) < 0) {
		k8c_workqueue_free(c->queue);
		free(c);
		return -EINVAL;
	}
	*ret_state = c;
	return 0;
}

static int namespace_run(void *state, int workers)
{
	struct namespace_ctl *c = state;
	return controller_workers_start(&c->workers, "namespace", c->queue, workers,
					namespace_sync, c);
}

static void namespace_stop(void *state)
{
	struct namespace_ctl *c = state;
	controller_workers_stop(&c->workers);
	k8c_workqueue_shutdown(c->queue);
}

static void namespace_free(void *state)
{
	struct namespace_ctl *c = state;
	k8c_workqueue_free(c->queue);
	free(c);
}

const struct controller_def namespace_controller_def = {
	.name = "namespace",
	.init = namespace_init,
	.run = namespace_run,
	.stop = namespace_stop,
	.free = namespace_free,
};
