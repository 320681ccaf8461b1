/*
 * patch.c - PATCH bodies applied to documents; see patch.h.
 */
#include "apiserver/patch.h"

#include "api/codec.h"
#include "api/patch/patch.h"
#include "apiserver/objects.h"

static int check_type(struct api_request *r, enum patch_type *ret)
{
	enum patch_type t = patch_type_from_media_type(http_header(r->http, "Content-Type"));
	if (t == PATCH_TYPE_APPLY) {
		status_respond(r->http, 415, "UnsupportedMediaType", NULL,
			       "server-side apply (application/apply-patch+yaml) is not supported "
			       "by k8c yet: use client-side apply (kubectl apply without "
			       "--server-side)");
		return -1;
	}
	if (t == PATCH_TYPE_UNKNOWN) {
		status_respond(r->http, 415, "UnsupportedMediaType", NULL,
			       "the body of the request was in an unknown format - accepted media "
			       "types include: application/json-patch+json, "
			       "application/merge-patch+json, application/strategic-merge-patch+json");
		return -1;
	}
	*ret = t;
	return 0;
}

/* Applies patch to *doc; answers and returns -1 on failure. */
static int apply(struct api_request *r, enum patch_type type, cJSON **doc, const cJSON *patch,
		 const struct k8c_type *t)
{
	struct strbuf err = STRBUF_INIT;
	int rc = 0;
	if (type == PATCH_TYPE_MERGE)
		merge_patch_apply(doc, patch);
	else if (type == PATCH_TYPE_JSON)
		rc = json_patch_apply(doc, patch, &err);
	else
		rc = strategic_patch_apply(doc, patch, t, &err);
	if (rc == -EBADMSG)
		status_bad_request(r->http, "%s", err.buf);
	else if (rc < 0)
		status_respond(r->http, 422, "Invalid", NULL, "%s", err.buf);
	strbuf_release(&err);
	return rc < 0 ? -1 : 0;
}

static int decode(struct api_request *r, const struct k8c_type *t, const cJSON *doc, void *out)
{
	if (t == r->kind->type) {
		void *obj = api_decode_json(r, doc);
		if (!obj)
			return -1;
		memcpy(out, obj, t->size); /* hand the members over */
		free(obj);
		return 0;
	}
	struct field_errors errs = FIELD_ERRORS_INIT;
	int rc = k8c_decode(t, doc, out, 0, "", &errs);
	if (rc < 0)
		status_bad_request(r->http, "%s cannot be handled: %s", t->name, errs.items[0].detail);
	field_errors_release(&errs);
	return rc;
}

int api_patch_decode(struct api_request *r, const struct k8c_type *t, const char *json,
		     size_t len, void *out)
{
	enum patch_type type;
	if (check_type(r, &type) < 0)
		return -1;
	cJSON *patch = cJSON_ParseWithLength(r->http->body.buf, r->http->body.len);
	if (!patch) {
		status_bad_request(r->http, "error decoding patch: invalid JSON");
		return -1;
	}
	cJSON *doc = cJSON_ParseWithLength(json, len);
	int rc = doc && apply(r, type, &doc, patch, t) == 0 ? decode(r, t, doc, out) : -1;
	if (!doc)
		status_respond(r->http, 500, "InternalError", NULL, "stored object is not JSON");
	cJSON_Delete(doc);
	cJSON_Delete(patch);
	return rc;
}
