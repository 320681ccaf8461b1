/*
 * objects.c - decoding, encoding, validating and answering objects for the
 * REST handlers; see objects.h. The write paths are in objects_write.c.
 */
#include "apiserver/objects.h"

#include <strings.h>

#include "api/codec.h"
#include "apiserver/strategy.h"
#include "apiserver/table.h"

static const char *kind_of_json(const cJSON *json, const char *member)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, member);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* Answers the 400 for decoding errors the way the real API server words them. */
static void respond_decode_errors(struct api_request *r, const struct field_errors *errs)
{
	const struct k8c_kind *k = r->kind;
	struct strbuf msg = STRBUF_INIT;
	bool strict = errs->n && errs->items[0].type == FIELD_ERROR_UNKNOWN;
	for (size_t i = 0; i < errs->n; i++) {
		if ((errs->items[i].type == FIELD_ERROR_UNKNOWN) != strict)
			continue;
		strbuf_addstr(&msg, msg.len ? ", " : "");
		strbuf_addstr(&msg, errs->items[i].detail);
	}
	if (strict)
		status_bad_request(r->http, "strict decoding error: %s", msg.buf);
	else
		status_bad_request(r->http, "%s in version \"%s\" cannot be handled as a %s: json: %s",
				   k->kind, k->version, k->kind, msg.buf);
	strbuf_release(&msg);
}

void *api_decode_json(struct api_request *r, const cJSON *json)
{
	const struct k8c_kind *k = r->kind;
	if (!cJSON_IsObject(json)) {
		status_bad_request(r->http, "%s in version \"%s\" cannot be handled as a %s: the "
				   "body is not a JSON object", k->kind, k->version, k->kind);
		return NULL;
	}
	const char *api_version = kind_of_json(json, "apiVersion");
	const char *kind = kind_of_json(json, "kind");
	if (api_version && strcmp(api_version, k->group_version)) {
		status_bad_request(r->http, "the API version in the data (%s) does not match the "
				   "expected API version (%s)", api_version, k->group_version);
		return NULL;
	}
	if (kind && strcmp(kind, k->kind)) {
		status_bad_request(r->http, "the kind in the data (%s) does not match the expected "
				   "kind (%s)", kind, k->kind);
		return NULL;
	}
	const char *fv = http_query(r->http, "fieldValidation");
	unsigned flags = fv && !strcmp(fv, "Strict") ? K8C_DECODE_STRICT : 0;
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, k->type->size);
	if (k8c_decode(k->type, json, obj, flags, "", &errs) < 0) {
		respond_decode_errors(r, &errs);
		field_errors_release(&errs);
		k8c_free(k->type, obj);
		return NULL;
	}
	struct k8c_object *o = k8c_object_of(obj);
	if (!o->kind)
		o->kind = xstrdup(k->kind);
	if (!o->api_version)
		o->api_version = xstrdup(k->group_version);
	return obj;
}

static bool json_content_type(const char *ct)
{
	if (!ct || !*ct || !strncasecmp(ct, "*/*", 3))
		return true;
	size_t n = strcspn(ct, "; ");
	return n == strlen("application/json") && !strncasecmp(ct, "application/json", n);
}

void *api_decode_body(struct api_request *r)
{
	if (!json_content_type(http_header(r->http, "Content-Type"))) {
		status_respond(r->http, 415, "UnsupportedMediaType", NULL,
			       "the body of the request was in an unknown format - accepted media "
			       "types include: application/json");
		return NULL;
	}
	const char *end = NULL;
	cJSON *json = cJSON_ParseWithLengthOpts(r->http->body.buf, r->http->body.len, &end, false);
	if (!json) {
		size_t at = end ? (size_t)(end - r->http->body.buf) : 0;
		status_bad_request(r->http, "couldn't get version/kind; json parse error: invalid "
				   "JSON at offset %zu", at);
		return NULL;
	}
	void *obj = api_decode_json(r, json);
	cJSON_Delete(json);
	return obj;
}

void *api_decode_cached(struct api_request *r, const struct cache_obj *o)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, o->kind->type->size);
	int rc = k8c_decode_text(o->kind->type, o->json, o->len, obj, 0, &errs);
	field_errors_release(&errs);
	if (rc < 0) {
		k8c_free(o->kind->type, obj);
		status_respond(r->http, 500, "InternalError", NULL,
			       "Internal error occurred: stored object %s cannot be decoded", o->key);
		return NULL;
	}
	return obj;
}

void api_encode_stored(const struct k8c_kind *k, void *obj, struct strbuf *out)
{
	struct k8c_object_meta *m = &k8c_object_of(obj)->metadata;
	char *rv = m->resource_version, *link = m->self_link;
	m->resource_version = m->self_link = NULL;
	k8c_encode(k->type, obj, out);
	m->resource_version = rv;
	m->self_link = link;
}

int api_validate(struct api_request *r, void *obj, const void *old)
{
	const struct k8c_kind *k = r->kind;
	if (k->defaults)
		k->defaults(obj);
	struct field_errors errs = FIELD_ERRORS_INIT;
	strategy_validate(r, obj, old, &errs);
	if (!errs.n)
		return 0;
	status_invalid(r->http, k, k8c_object_of(obj)->metadata.name, &errs);
	field_errors_release(&errs);
	return -1;
}

static void respond_json(struct api_request *r, int code, const char *json, size_t len)
{
	if (r->respond_object)
		r->respond_object(r, code, json, len);
	else
		http_respond(r->http, code, "application/json", xstrndup(json, len), len);
}

void api_respond_stored(struct api_request *r, int code, const char *bytes, size_t len,
			int64_t rev)
{
	struct strbuf out = STRBUF_INIT;
	cache_splice_rv(&out, bytes, len, rev, NULL, NULL);
	respond_json(r, code, out.buf, out.len);
	strbuf_release(&out);
}

void api_respond_cached(struct api_request *r, int code, const struct cache_obj *o)
{
	if (r->as_table) {
		struct strbuf out = STRBUF_INIT;
		struct table_writer tw;
		table_begin(&tw, r, &out, o->mod_rev, NULL, 0);
		table_add(&tw, o);
		table_end(&tw);
		http_respond_buf(r->http, code, "application/json", &out);
		return;
	}
	respond_json(r, code, o->json, o->len);
}
