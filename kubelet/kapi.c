/*
 * kapi.c - typed GETs and writes for the kubelet; see kapi.h.
 */
#include "kubelet/kapi.h"

#include "api/codec.h"
#include "api/types.gen.h"
#include "client/path.h"

static int decode(const struct k8c_type *t, const struct strbuf *body, void *out,
		  struct strbuf *why)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	int r = k8c_decode_text(t, body->buf, body->len, out, 0, &errs);
	if (r < 0 && why)
		strbuf_addf(why, "cannot decode the %s the server sent: %s", t->name,
			    errs.n ? errs.items[0].detail : "malformed JSON");
	field_errors_release(&errs);
	return r < 0 ? -EPROTO : 0;
}

int kapi_send(struct k8c_client *c, const char *method, const char *path, const char *content_type,
	      const char *body, const struct k8c_type *t, void *out, struct strbuf *why)
{
	struct k8c_request req = {
		.method = method,
		.path = path,
		.content_type = content_type,
		.body = body,
		.body_len = body ? strlen(body) : 0,
	};
	struct k8c_response resp = K8C_RESPONSE_INIT;
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = k8c_client_do(c, &req, &resp, &err);
	if (r < 0 && why)
		strbuf_addstr(why, err.message ? err.message : "request failed");
	if (r == 0 && t && out)
		r = decode(t, &resp.body, out, why);
	k8c_status_error_release(&err);
	k8c_response_release(&resp);
	return r;
}

int kapi_get(struct k8c_client *c, const char *path, const struct k8c_type *t, void *out,
	     struct strbuf *why)
{
	return kapi_send(c, "GET", path, NULL, NULL, t, out, why);
}

void kapi_core_path(struct strbuf *out, const char *ns, const char *resource, const char *name,
		    const char *sub)
{
	struct k8c_resource_path p = {
		.namespace = ns,
		.resource = resource,
		.name = name,
		.subresource = sub,
	};
	k8c_path_append(out, &p);
}

int kapi_delete_pod_final(struct k8c_client *c, const struct k8c_pod *pod, struct strbuf *why)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	kapi_core_path(&path, pod->metadata.namespace, "pods", pod->metadata.name, NULL);
	strbuf_addstr(&body, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
			     "\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":");
	strbuf_add_json_str(&body, pod->metadata.uid);
	strbuf_addstr(&body, "}}");
	int r = kapi_send(c, "DELETE", path.buf, NULL, body.buf, NULL, NULL, why);
	strbuf_release(&path);
	strbuf_release(&body);
	/* gone already, or the name is another pod's now (the uid precondition failed) */
	return r == -ENOENT || r == -EBUSY ? 0 : r;
}
