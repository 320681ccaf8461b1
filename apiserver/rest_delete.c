/*
 * rest_delete.c - DELETE of an object and of a collection, with Kubernetes'
 * rules: preconditions, graceful deletion of pods on a node (deletionTimestamp
 * in the future; the kubelet finishes with a grace-0 delete), finalizers, the
 * foreground and orphan propagation policies (their finalizers, which the
 * garbage collector removes), and namespaces going Terminating.
 */
#include "api/codec.h"
#include "api/validation/field_err.h"
#include "apiserver/filter.h"
#include "apiserver/objects.h"
#include "base/timeutil.h"

struct delete_plan {
	struct k8c_delete_options opts;
	int64_t grace; /* -1 = not given */
	const char *policy; /* "Background", "Foreground", "Orphan" */
};

/*
 * Sets p->policy from propagationPolicy, or from the deprecated
 * orphanDependents (true: Orphan, false: Background); both at once, or an
 * unknown policy, is a 422 as ValidateDeleteOptions says.
 */
static int resolve_policy(struct api_request *r, struct delete_plan *p)
{
	static const char *const policies[] = { "Foreground", "Background", "Orphan" };
	const char *pol = http_query(r->http, "propagationPolicy");
	const char *orphan = http_query(r->http, "orphanDependents");
	bool orphan_set = orphan || p->opts.has_orphan_dependents;
	struct field_errors e = FIELD_ERRORS_INIT;
	p->policy = pol ? pol : p->opts.propagation_policy;
	if (p->policy && orphan_set) {
		field_err_invalid(&e, "propagationPolicy", p->policy,
				  "orphanDependents and deletionPropagation cannot be both set");
	} else if (orphan_set) {
		bool o = orphan ? api_query_bool(orphan) : p->opts.orphan_dependents;
		p->policy = o ? "Orphan" : "Background";
	} else if (p->policy && strcmp(p->policy, "Background") &&
		   strcmp(p->policy, "Foreground") && strcmp(p->policy, "Orphan")) {
		field_err_not_supported(&e, "propagationPolicy", p->policy, policies,
					ARRAY_SIZE(policies));
	}
	if (e.n)
		status_invalid(r->http, r->kind, r->route.name, &e);
	int res = e.n ? -1 : 0;
	field_errors_release(&e);
	return res;
}

/* Reads DeleteOptions from the body and the query. Answers 400/422 and returns -1 on bad input. */
static int read_plan(struct api_request *r, struct delete_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->grace = -1;
	struct field_errors errs = FIELD_ERRORS_INIT;
	const struct strbuf *b = &r->http->body;
	if (b->len && k8c_decode_text(&k8c_type_delete_options, b->buf, b->len, &p->opts, 0,
				      &errs) < 0) {
		status_bad_request(r->http, "invalid DeleteOptions: %s",
				   errs.n ? errs.items[0].detail : "malformed JSON");
		field_errors_release(&errs);
		return -1;
	}
	const char *g = http_query(r->http, "gracePeriodSeconds");
	if (p->opts.has_grace_period_seconds)
		p->grace = p->opts.grace_period_seconds;
	if (g)
		p->grace = atoll(g);
	if (resolve_policy(r, p) == 0)
		return 0;
	k8c_release(&k8c_type_delete_options, &p->opts);
	return -1;
}

static bool is_pod(const struct k8c_kind *k)
{
	return !strcmp(k->resource, "pods");
}

/* The grace period a pod deletion gets, or 0 for an immediate delete. */
static int64_t pod_grace(const struct k8c_pod *p, const struct delete_plan *plan)
{
	const char *phase = p->status.phase ? p->status.phase : "";
	if (!p->spec.node_name || !*p->spec.node_name || !strcmp(phase, "Succeeded") ||
	    !strcmp(phase, "Failed"))
		return 0;
	if (plan->grace >= 0)
		return plan->grace;
	return p->spec.has_termination_grace_period_seconds ?
		       p->spec.termination_grace_period_seconds : 30;
}

/* True when deleting cur must go through a deletion mark rather than an immediate delete. */
static bool needs_mark(const struct k8c_kind *k, const void *cur, const struct delete_plan *plan)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)cur)->metadata;
	if (m->n_finalizers || !strcmp(k->resource, "namespaces"))
		return true;
	if (plan->policy && strcmp(plan->policy, "Background"))
		return true;
	return is_pod(k) && pod_grace(cur, plan) > 0;
}

/*
 * deletionFinalizersForGarbageCollection: an explicit policy replaces the
 * garbage collector's finalizers (Background removes both, Foreground and
 * Orphan keep only their own); without one the object keeps what it has.
 */
static void set_gc_finalizers(struct k8c_object_meta *m, const char *policy)
{
	if (!policy)
		return;
	if (!strcmp(policy, "Foreground"))
		k8c_object_add_finalizer(m, "foregroundDeletion");
	else
		k8c_object_remove_finalizer(m, "foregroundDeletion");
	if (!strcmp(policy, "Orphan"))
		k8c_object_add_finalizer(m, "orphan");
	else
		k8c_object_remove_finalizer(m, "orphan");
}

static void *mark_for_deletion(struct api_request *r, const void *cur, void *ctx)
{
	const struct delete_plan *plan = ctx;
	const struct k8c_kind *k = r->kind;
	void *obj = k8c_dup(k->type, cur);
	api_forget_rv(obj); /* DeleteOptions.preconditions were checked already */
	struct k8c_object_meta *m = &k8c_object_of(obj)->metadata;
	int64_t grace = is_pod(k) ? pod_grace(obj, plan) : 0;
	int64_t when = time_now_ns() + grace * K8C_NSEC_PER_SEC;
	bool shorten = m->has_deletion_grace_period_seconds && grace < m->deletion_grace_period_seconds;
	if (!m->deletion_timestamp || shorten) {
		m->deletion_timestamp = when;
		m->deletion_grace_period_seconds = grace;
		m->has_deletion_grace_period_seconds = true;
	}
	set_gc_finalizers(m, plan->policy);
	if (!strcmp(k->resource, "namespaces")) {
		struct k8c_namespace *ns = obj;
		free(ns->status.phase);
		ns->status.phase = xstrdup("Terminating");
	}
	return obj;
}

static int check_preconditions(struct api_request *r, const struct delete_plan *plan,
			       const struct cache_obj *o, const void *cur)
{
	const struct k8c_preconditions *pc = plan->opts.preconditions;
	const struct k8c_object_meta *m = &((const struct k8c_object *)cur)->metadata;
	if (!pc)
		return 0;
	struct strbuf why = STRBUF_INIT;
	if (pc->uid && !streq_null(pc->uid, m->uid))
		strbuf_addf(&why, "Precondition failed: UID in precondition: %s, UID in object "
			    "meta: %s", pc->uid, m->uid ? m->uid : "");
	int64_t rv;
	if (!why.len && pc->resource_version &&
	    (api_parse_rv(pc->resource_version, &rv) < 0 || rv != o->mod_rev))
		strbuf_addf(&why, "Precondition failed: ResourceVersion in precondition: %s, "
			    "ResourceVersion in object meta: %lld", pc->resource_version,
			    (long long)o->mod_rev);
	if (why.len)
		status_conflict(r->http, r->kind, o->name, why.buf);
	int res = why.len ? -1 : 0;
	strbuf_release(&why);
	return res;
}

enum outcome { DONE, RETRY, MARK };

/* One attempt at deleting the object at key now. */
static enum outcome delete_once(struct api_request *r, const struct delete_plan *plan,
				const char *key, bool dry)
{
	struct cache_obj *o = watch_cache_get(r->s->cache, r->kind, key);
	if (!o) {
		status_not_found(r->http, r->kind, r->route.name);
		return DONE;
	}
	enum outcome res = DONE;
	void *cur = api_decode_cached(r, o);
	if (!cur || check_preconditions(r, plan, o, cur) < 0)
		goto out;
	if (needs_mark(r->kind, cur, plan)) {
		res = MARK;
		goto out;
	}
	int64_t rev;
	int err = dry ? 0 : storage_delete(r->s->storage, key, o->mod_rev, &rev, NULL);
	if (err == STORAGE_ECONFLICT) {
		res = RETRY;
	} else if (err == STORAGE_ENOTFOUND) {
		status_not_found(r->http, r->kind, r->route.name);
	} else if (err < 0) {
		status_storage_error(r->http, r->kind, r->route.name, err);
	} else {
		if (!dry)
			watch_cache_wait_rev(r->s->cache, rev, 2000);
		api_respond_cached(r, 200, o);
	}
out:
	k8c_free(r->kind->type, cur);
	cache_obj_unref(o);
	return res;
}

/* Deletes the object r->route names with plan; answers r. */
static void delete_object(struct api_request *r, struct delete_plan *plan)
{
	const char *d = http_query(r->http, "dryRun");
	bool dry = d && !strcmp(d, "All");
	struct strbuf key = STRBUF_INIT;
	api_object_key(r->kind, r->route.ns, r->route.name, &key);
	enum outcome res = RETRY;
	for (int i = 0; res == RETRY && (i == 0 || api_retry_conflict(r, i - 1)); i++)
		res = api_consistent_read(r) < 0 ? DONE : delete_once(r, plan, key.buf, dry);
	if (res == MARK)
		api_update_object(r, API_UPDATE_ALL, mark_for_deletion, plan);
	else if (res == RETRY)
		status_conflict(r->http, r->kind, r->route.name, "the object has been modified");
	strbuf_release(&key);
}

/*
 * NamespaceLifecycle's immortal namespaces: default, kube-system and
 * kube-public cannot be deleted. Answers 403 and returns true for one.
 */
static bool immortal(struct api_request *r, const char *name)
{
	static const char *const names[] = { "default", "kube-system", "kube-public" };
	if (strcmp(r->kind->resource, "namespaces"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(name, names[i]))
			continue;
		struct status_details d = { .name = name, .kind = r->kind->resource };
		status_respond(r->http, 403, "Forbidden", &d,
			       "namespaces \"%s\" is forbidden: this namespace may not be deleted",
			       name);
		return true;
	}
	return false;
}

void rest_delete(struct api_request *r)
{
	struct delete_plan plan;
	if (immortal(r, r->route.name) || read_plan(r, &plan) < 0)
		return;
	delete_object(r, &plan);
	k8c_release(&k8c_type_delete_options, &plan.opts);
}

void rest_delete_collection(struct api_request *r)
{
	struct delete_plan plan;
	struct api_filter f;
	if (read_plan(r, &plan) < 0)
		return;
	if (api_consistent_read(r) < 0 || api_filter_init(r, &f) < 0) {
		k8c_release(&k8c_type_delete_options, &plan.opts);
		return;
	}
	struct cache_list l;
	watch_cache_list(r->s->cache, r->kind, &f.cf, NULL, 0, &l);
	for (size_t i = 0; i < l.n; i++) {
		/* each delete runs as its own request whose answer is dropped */
		struct http_request one = *r->http;
		one.responded = false;
		one.discard = true;
		struct api_request sub = *r;
		sub.http = &one;
		snprintf(sub.route.ns, sizeof(sub.route.ns), "%s", l.items[i]->ns);
		snprintf(sub.route.name, sizeof(sub.route.name), "%s", l.items[i]->name);
		if (!immortal(&sub, sub.route.name))
			delete_object(&sub, &plan);
	}
	cache_list_release(&l);
	api_filter_release(&f);
	k8c_release(&k8c_type_delete_options, &plan.opts);
	status_respond_success(r->http, NULL);
}
