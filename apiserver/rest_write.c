/*
 * rest_write.c - POST (create) and PUT (update, status, namespace finalize)
 * of objects.
 */
#include "api/codec.h"
#include "apiserver/objects.h"

void rest_create(struct api_request *r)
{
	if ((r->kind->flags & K8C_KIND_NAMESPACED) && !*r->route.ns) {
		status_respond(r->http, 405, "MethodNotAllowed", NULL,
			       "the server does not allow this method on the requested resource");
		return;
	}
	void *obj = api_decode_body(r);
	if (!obj)
		return;
	api_create_object(r, obj);
	k8c_free(r->kind->type, obj);
}

/* The decoded PUT body, handed to the update loop once. */
struct put_body {
	void *obj;
};

/*
 * The PUT body replaces the object (system fields are kept by the update
 * loop): the first attempt takes the decoded body over, a retry after a
 * conflict decodes it again (cheaper than copying it for every attempt).
 */
static void *replace_with_body(struct api_request *r, const void *cur, struct put_body *b)
{
	return b->obj ? TAKE_PTR(b->obj) : api_decode_body(r);
}

/* namespaces/finalize: only spec.finalizers of the body counts. */
static void *finalize_namespace(struct api_request *r, const void *cur, void *body)
{
	struct k8c_namespace *ns = k8c_dup(r->kind->type, cur);
	k8c_object_field_copy(r->kind, ns, body, "spec");
	/* the body's resourceVersion, if any, is the precondition (an update of the object) */
	free(ns->metadata.resource_version);
	ns->metadata.resource_version =
		xstrdup(((const struct k8c_namespace *)body)->metadata.resource_version);
	return ns;
}

static bool object_exists(struct api_request *r)
{
	struct strbuf key = STRBUF_INIT;
	api_object_key(r->kind, r->route.ns, r->route.name, &key);
	struct cache_obj *o = watch_cache_get(r->s->cache, r->kind, key.buf);
	strbuf_release(&key);
	cache_obj_unref(o);
	return o != NULL;
}

void rest_update(struct api_request *r)
{
	void *body = api_decode_body(r);
	if (!body)
		return;
	const char *name = k8c_object_of(body)->metadata.name;
	const char *sub = r->route.subresource;
	if (!name || strcmp(name, r->route.name)) {
		status_bad_request(r->http, "the name of the object (%s) does not match the name on "
				   "the URL (%s)", name ? name : "", r->route.name);
	} else if (!strcmp(sub, "finalize")) {
		api_update_object(r, API_UPDATE_ALL, (api_mutate_fn)finalize_namespace, body);
	} else if (!*sub && (r->kind->flags & K8C_KIND_CREATE_ON_UPDATE) &&
		   api_consistent_read(r) == 0 && !object_exists(r)) {
		api_create_object(r, body);
	} else if (!r->http->responded) {
		enum api_update_mode mode = *sub ? API_UPDATE_STATUS : API_UPDATE_MAIN;
		struct put_body b = { .obj = TAKE_PTR(body) };
		api_update_object(r, mode, (api_mutate_fn)replace_with_body, &b);
		body = b.obj; /* NULL when taken */
	}
	k8c_free(r->kind->type, body);
}
