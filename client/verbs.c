/*
 * verbs.c - JSON verbs over k8c_client_do(); see verbs.h.
 */
#include "client/verbs.h"

const char *k8c_patch_content_type(enum k8c_patch_type type)
{
	switch (type) {
	case K8C_PATCH_JSON:
		return "application/json-patch+json";
	case K8C_PATCH_MERGE:
		return "application/merge-patch+json";
	case K8C_PATCH_STRATEGIC:
		return "application/strategic-merge-patch+json";
	default:
		return "application/apply-patch+yaml";
	}
}

/* Sends method path with body (a JSON tree, or NULL) and parses the answer into ret_obj. */
static int call(struct k8c_client *c, const char *method, const char *path,
		const char *content_type, const cJSON *body, cJSON **ret_obj,
		struct k8c_status_error *err)
{
	char *text = body ? cJSON_PrintUnformatted(body) : NULL;
	if (body && !text)
		abort();
	struct k8c_request req = {
		.method = method,
		.path = path,
		.content_type = content_type,
		.body = text,
		.body_len = text ? strlen(text) : 0,
	};
	struct k8c_response resp = K8C_RESPONSE_INIT;
	int r = k8c_client_do(c, &req, &resp, err);
	free(text);
	if (r == 0 && ret_obj) {
		cJSON *obj = cJSON_ParseWithLength(resp.body.buf, resp.body.len);
		if (!obj) {
			if (err)
				k8c_status_error_set_transport(err, "the server answered with "
								    "something that is not JSON");
			r = -EPROTO;
		}
		*ret_obj = obj ? obj : *ret_obj;
	}
	k8c_response_release(&resp);
	return r;
}

int k8c_get(struct k8c_client *c, const char *path, cJSON **ret_obj, struct k8c_status_error *err)
{
	return call(c, "GET", path, NULL, NULL, ret_obj, err);
}

int k8c_list(struct k8c_client *c, const char *path, const struct k8c_list_options *o,
	     cJSON **ret_list, struct k8c_status_error *err)
{
	struct strbuf p = STRBUF_INIT;
	strbuf_addstr(&p, path);
	if (o)
		k8c_list_options_append(&p, o);
	int r = call(c, "GET", p.buf, NULL, NULL, ret_list, err);
	strbuf_release(&p);
	return r;
}

int k8c_create(struct k8c_client *c, const char *path, const cJSON *obj, cJSON **ret_obj,
	       struct k8c_status_error *err)
{
	return call(c, "POST", path, NULL, obj, ret_obj, err);
}

int k8c_update(struct k8c_client *c, const char *path, const cJSON *obj, cJSON **ret_obj,
	       struct k8c_status_error *err)
{
	return call(c, "PUT", path, NULL, obj, ret_obj, err);
}

int k8c_patch(struct k8c_client *c, const char *path, enum k8c_patch_type type, const cJSON *patch,
	      cJSON **ret_obj, struct k8c_status_error *err)
{
	return call(c, "PATCH", path, k8c_patch_content_type(type), patch, ret_obj, err);
}

int k8c_delete(struct k8c_client *c, const char *path, const cJSON *opts, cJSON **ret_obj,
	       struct k8c_status_error *err)
{
	return call(c, "DELETE", path, NULL, opts, ret_obj, err);
}
