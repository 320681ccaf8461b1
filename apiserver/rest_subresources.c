/*
 * rest_subresources.c - pods/binding (the scheduler's bind) and the scale
 * subresource of deployments and replicasets (autoscaling/v1 Scale), both
 * built on the shared update loop.
 */
#include "api/codec.h"
#include "api/label_selector.h"
#include "apiserver/objects.h"
#include "apiserver/patch.h"
#include "base/timeutil.h"

/* --- pods/binding --- */

static void *bind_pod(struct api_request *r, const void *cur, void *ctx)
{
	const struct k8c_binding *b = ctx;
	const struct k8c_pod *p = cur;
	if (p->spec.node_name && *p->spec.node_name) {
		struct strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "pod %s is already assigned to node \"%s\"", p->metadata.name,
			    p->spec.node_name);
		status_conflict(r->http, r->kind, p->metadata.name, why.buf);
		strbuf_release(&why);
		return NULL;
	}
	if (p->metadata.deletion_timestamp) {
		status_conflict(r->http, r->kind, p->metadata.name, "pod is being deleted, "
				"cannot be assigned to a host");
		return NULL;
	}
	struct k8c_pod *np = k8c_dup(&k8c_type_pod, cur);
	api_forget_rv(np);
	np->spec.node_name = xstrdup(b->target.name);
	struct k8c_pod_condition *c = NULL;
	for (size_t i = 0; i < np->status.n_conditions && !c; i++)
		if (!strcmp(np->status.conditions[i].type, "PodScheduled"))
			c = &np->status.conditions[i];
	if (!c) {
		np->status.conditions = xrealloc(np->status.conditions,
						 (np->status.n_conditions + 1) * sizeof(*c));
		c = &np->status.conditions[np->status.n_conditions++];
		memset(c, 0, sizeof(*c));
		c->type = xstrdup("PodScheduled");
	}
	free(c->status);
	c->status = xstrdup("True");
	free(c->reason);
	c->reason = NULL;
	free(c->message);
	c->message = NULL;
	c->last_transition_time = time_now_ns() / K8C_NSEC_PER_SEC * K8C_NSEC_PER_SEC;
	return np;
}

static void respond_bound(struct api_request *r, int code, const char *json, size_t len)
{
	struct strbuf out = STRBUF_INIT;
	status_encode(&out, 201, NULL, NULL, NULL);
	http_respond_buf(r->http, 201, "application/json", &out);
}

void rest_binding(struct api_request *r)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	struct k8c_binding b = { 0 };
	const struct strbuf *body = &r->http->body;
	if (k8c_decode_text(&k8c_type_binding, body->buf, body->len, &b, 0, &errs) < 0) {
		status_bad_request(r->http, "Binding cannot be handled: %s",
				   errs.n ? errs.items[0].detail : "malformed JSON");
	} else if (!b.target.name || !*b.target.name) {
		field_errors_add(&errs, FIELD_ERROR_REQUIRED, "target.name", "Required value");
		status_invalid(r->http, r->kind, r->route.name, &errs);
	} else {
		r->respond_object = respond_bound;
		api_update_object(r, API_UPDATE_ALL, bind_pod, &b);
	}
	field_errors_release(&errs);
	k8c_release(&k8c_type_binding, &b);
}

/* --- scale --- */

/* Pointers into a deployment or replicaset: what Scale reads and writes. */
struct scalable {
	int32_t *replicas;
	bool *has_replicas;
	int32_t status_replicas;
	const struct k8c_label_selector *selector;
};

static struct scalable scalable_of(const struct k8c_kind *k, void *obj)
{
	struct scalable s;
	if (!strcmp(k->resource, "deployments")) {
		struct k8c_deployment *d = obj;
		s = (struct scalable){ &d->spec.replicas, &d->spec.has_replicas,
				       d->status.replicas, d->spec.selector };
	} else {
		struct k8c_replica_set *rs = obj;
		s = (struct scalable){ &rs->spec.replicas, &rs->spec.has_replicas,
				       rs->status.replicas, rs->spec.selector };
	}
	return s;
}

/* Appends the autoscaling/v1 Scale of obj (a decoded deployment or replicaset). */
static void encode_scale(const struct k8c_kind *k, void *obj, struct strbuf *out)
{
	const struct k8c_object_meta *m = &k8c_object_of(obj)->metadata;
	struct scalable s = scalable_of(k, obj);
	struct k8c_scale sc = { 0 };
	sc.kind = "Scale";
	sc.api_version = "autoscaling/v1";
	sc.metadata.name = m->name;
	sc.metadata.namespace = m->namespace;
	sc.metadata.uid = m->uid;
	sc.metadata.resource_version = m->resource_version;
	sc.metadata.creation_timestamp = m->creation_timestamp;
	sc.spec.replicas = *s.has_replicas ? *s.replicas : 1;
	sc.spec.has_replicas = true;
	sc.status.replicas = s.status_replicas;
	sc.status.has_replicas = true;
	struct strbuf sel = STRBUF_INIT;
	k8c_label_selector_format(s.selector, &sel);
	sc.status.selector = sel.buf;
	k8c_encode(&k8c_type_scale, &sc, out);
	strbuf_release(&sel);
}

/* Answers with the Scale of the object json (an object with its resourceVersion). */
static void respond_scale(struct api_request *r, int code, const char *json, size_t len)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, r->kind->type->size);
	k8c_decode_text(r->kind->type, json, len, obj, 0, &errs);
	struct strbuf out = STRBUF_INIT;
	encode_scale(r->kind, obj, &out);
	http_respond_buf(r->http, code, "application/json", &out);
	k8c_free(r->kind->type, obj);
	field_errors_release(&errs);
}

/* ctx: the Scale the client sent (PUT) or NULL with the patch in the body (PATCH). */
static void *apply_scale(struct api_request *r, const void *cur, void *ctx)
{
	struct k8c_scale want = { 0 }, *given = ctx;
	if (!given) { /* PATCH: patch the current Scale (without its resourceVersion, as in
		       * rest_patch.c: only one the patch names is a precondition) */
		struct strbuf cur_scale = STRBUF_INIT;
		struct k8c_object_meta *cm = &k8c_object_of((void *)cur)->metadata;
		char *rv = TAKE_PTR(cm->resource_version);
		encode_scale(r->kind, (void *)cur, &cur_scale);
		cm->resource_version = rv;
		int rc = api_patch_decode(r, &k8c_type_scale, cur_scale.buf, cur_scale.len, &want);
		strbuf_release(&cur_scale);
		if (rc < 0)
			return NULL;
		given = &want;
	}
	void *obj = k8c_dup(r->kind->type, cur);
	struct scalable s = scalable_of(r->kind, obj);
	*s.replicas = given->spec.replicas;
	*s.has_replicas = true;
	/* a resourceVersion in the Scale is a precondition on the object; none, none */
	struct k8c_object_meta *m = &k8c_object_of(obj)->metadata;
	free(m->resource_version);
	m->resource_version = xstrdup(given->metadata.resource_version);
	if (given == &want)
		k8c_release(&k8c_type_scale, &want);
	if (*s.replicas < 0) {
		struct field_errors errs = FIELD_ERRORS_INIT;
		field_errors_add(&errs, FIELD_ERROR_INVALID, "spec.replicas",
				 "Invalid value: %d: must be greater than or equal to 0", *s.replicas);
		status_invalid(r->http, r->kind, r->route.name, &errs);
		field_errors_release(&errs);
		k8c_free(r->kind->type, obj);
		return NULL;
	}
	return obj;
}

static void get_scale(struct api_request *r)
{
	if (api_consistent_read(r) < 0)
		return;
	struct strbuf key = STRBUF_INIT;
	api_object_key(r->kind, r->route.ns, r->route.name, &key);
	struct cache_obj *o = watch_cache_get(r->s->cache, r->kind, key.buf);
	strbuf_release(&key);
	if (!o) {
		status_not_found(r->http, r->kind, r->route.name);
		return;
	}
	respond_scale(r, 200, o->json, o->len);
	cache_obj_unref(o);
}

void rest_scale(struct api_request *r)
{
	const char *m = r->http->method;
	r->respond_object = respond_scale;
	if (!strcmp(m, "GET")) {
		get_scale(r);
	} else if (!strcmp(m, "PATCH")) {
		api_update_object(r, API_UPDATE_ALL, apply_scale, NULL);
	} else if (!strcmp(m, "PUT")) {
		struct field_errors errs = FIELD_ERRORS_INIT;
		struct k8c_scale sc = { 0 };
		const struct strbuf *b = &r->http->body;
		if (k8c_decode_text(&k8c_type_scale, b->buf, b->len, &sc, 0, &errs) < 0)
			status_bad_request(r->http, "Scale cannot be handled: %s",
					   errs.n ? errs.items[0].detail : "malformed JSON");
		else
			api_update_object(r, API_UPDATE_ALL, apply_scale, &sc);
		k8c_release(&k8c_type_scale, &sc);
		field_errors_release(&errs);
	} else {
		status_respond(r->http, 405, "MethodNotAllowed", NULL,
			       "the server does not allow this method on the requested resource");
	}
}
