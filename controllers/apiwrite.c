/*
 * apiwrite.c - typed writes for controllers (apiwrite.h).
 */
#include "controllers/apiwrite.h"

#include <cjson/cJSON.h>

#include "api/codec.h"
#include "api/json_src.h"
#include "api/object.h"
#include "client/path.h"

/* Appends the path of ns/name (name NULL: the collection) of kind k, and sub. */
static void apiwrite__path(struct strbuf *out, const struct k8c_kind *k, const char *ns,
			   const char *name, const char *sub)
{
	struct k8c_resource_path p = {
		.group = k->group,
		.version = k->version,
		.namespace = (k->flags & K8C_KIND_NAMESPACED) ? ns : NULL,
		.resource = k->resource,
		.name = name,
		.subresource = sub,
	};
	k8c_path_append(out, &p);
}

static int apiwrite__send(struct k8c_client *c, const char *method, const char *path,
			  const char *content_type, const struct strbuf *body,
			  struct k8c_response *resp, struct k8c_status_error *err)
{
	struct k8c_request req = {
		.method = method,
		.path = path,
		.content_type = content_type,
		.body = body ? body->buf : NULL,
		.body_len = body ? body->len : 0,
	};
	return k8c_client_do(c, &req, resp, err);
}

/* Moves s (entered into an object) to the member called name; false when there is none. */
static bool apiwrite__member(struct json_src *s, const char *name)
{
	const char *key;
	while (json_src_next(s, &key)) {
		if (!strcmp(key, name))
			return true;
		json_src_skip(s);
	}
	return false;
}

/*
 * Appends metadata.<field> ("name", "resourceVersion") of the object in resp's body, read
 * with a text cursor that stops there (metadata comes early), no tree built. As cJSON's
 * lookup, the first member of a name counts.
 */
static void apiwrite__meta(const struct k8c_response *resp, const char *field, struct strbuf *out)
{
	struct json_text_src t;
	struct json_src *s = &t.src;

	json_text_src_init(&t, resp->body.buf ? resp->body.buf : "", resp->body.len);
	if (json_src_kind(s) == JSON_KIND_OBJECT) {
		json_src_enter(s);
		if (apiwrite__member(s, "metadata") && json_src_kind(s) == JSON_KIND_OBJECT) {
			json_src_enter(s);
			if (apiwrite__member(s, field) && json_src_kind(s) == JSON_KIND_STRING)
				strbuf_addstr(out, json_src_string(s));
		}
	}
	json_text_src_release(&t);
}

/* POSTs body to the collection of kind k in ns: 0 and resp (the caller releases it). */
static int apiwrite__post(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
			  const struct strbuf *body, struct strbuf *ret_name,
			  struct k8c_response *resp, struct k8c_status_error *err)
{
	struct strbuf path = STRBUF_INIT;

	apiwrite__path(&path, k, ns, NULL, NULL);
	int r = apiwrite__send(c, "POST", path.buf, NULL, body, resp, err);
	if (r == 0 && ret_name)
		apiwrite__meta(resp, "name", ret_name);
	strbuf_release(&path);
	return r;
}

int apiwrite_create_json(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
			 const struct strbuf *json, struct strbuf *ret_name,
			 struct k8c_status_error *err)
{
	struct k8c_response resp = K8C_RESPONSE_INIT;
	int r = apiwrite__post(c, k, ns, json, ret_name, &resp, err);

	k8c_response_release(&resp);
	return r;
}

int apiwrite_create(struct k8c_client *c, const struct k8c_kind *k, const void *obj,
		    struct strbuf *ret_name, void *ret_obj, struct k8c_status_error *err)
{
	const struct k8c_object *o = obj;
	struct strbuf body = STRBUF_INIT;
	struct k8c_response resp = K8C_RESPONSE_INIT;

	k8c_encode(k->type, obj, &body);
	int r = apiwrite__post(c, k, o->metadata.namespace, &body, ret_name, &resp, err);
	if (r == 0 && ret_obj) {
		struct field_errors errs = FIELD_ERRORS_INIT;
		if (k8c_decode_text(k->type, resp.body.buf, resp.body.len, ret_obj, 0, &errs) < 0)
			r = -EPROTO;
		field_errors_release(&errs);
	}
	k8c_response_release(&resp);
	strbuf_release(&body);
	return r;
}

int apiwrite_update(struct k8c_client *c, const struct k8c_kind *k, const void *obj,
		    const char *sub, struct strbuf *ret_rv, struct k8c_status_error *err)
{
	const struct k8c_object *o = obj;
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	struct k8c_response resp = K8C_RESPONSE_INIT;

	apiwrite__path(&path, k, o->metadata.namespace, o->metadata.name, sub);
	k8c_encode(k->type, obj, &body);
	int r = apiwrite__send(c, "PUT", path.buf, NULL, &body, &resp, err);
	if (r == 0 && ret_rv)
		apiwrite__meta(&resp, "resourceVersion", ret_rv);
	k8c_response_release(&resp);
	strbuf_release(&body);
	strbuf_release(&path);
	return r;
}

int apiwrite_patch(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
		   const char *name, const char *patch, struct k8c_status_error *err)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;

	apiwrite__path(&path, k, ns, name, NULL);
	strbuf_addstr(&body, patch);
	int r = apiwrite__send(c, "PATCH", path.buf, "application/strategic-merge-patch+json",
			       &body, NULL, err);
	strbuf_release(&body);
	strbuf_release(&path);
	return r;
}

int apiwrite_delete(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
		    const char *name, const char *opts, struct k8c_status_error *err)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;

	apiwrite__path(&path, k, ns, name, NULL);
	if (opts)
		strbuf_addstr(&body, opts);
	int r = apiwrite__send(c, "DELETE", path.buf, NULL, opts ? &body : NULL, NULL, err);
	strbuf_release(&body);
	strbuf_release(&path);
	return r;
}
