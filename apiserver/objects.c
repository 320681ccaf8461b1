/*
 * objects.c - decoding, encoding, validating and answering objects for the
 * REST handlers; see objects.h. The write paths are in objects_write.c.
 */
#include "apiserver/objects.h"

#include <strings.h>

#include "api/codec.h"
#include "apiserver/strategy.h"
#include "apiserver/table.h"

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

static void respond_not_object(struct api_request *r)
{
	const struct k8c_kind *k = r->kind;
	status_bad_request(r->http, "%s in version \"%s\" cannot be handled as a %s: the body is not "
			   "a JSON object", k->kind, k->version, k->kind);
}

static unsigned decode_flags(struct api_request *r)
{
	const char *fv = http_query(r->http, "fieldValidation");
	return fv && !strcmp(fv, "Strict") ? K8C_DECODE_STRICT : 0;
}

/*
 * Checks a decoded body's kind and apiVersion (an empty one counts as absent),
 * then the decoding errors; answers 400 and returns -1 on the first problem,
 * else fills in a missing kind/apiVersion.
 */
static int check_decoded(struct api_request *r, void *obj, const struct field_errors *errs)
{
	const struct k8c_kind *k = r->kind;
	struct k8c_object *o = k8c_object_of(obj);
	if (o->api_version && *o->api_version && strcmp(o->api_version, k->group_version)) {
		status_bad_request(r->http, "the API version in the data (%s) does not match the "
				   "expected API version (%s)", o->api_version, k->group_version);
		return -1;
	}
	if (o->kind && *o->kind && strcmp(o->kind, k->kind)) {
		status_bad_request(r->http, "the kind in the data (%s) does not match the expected "
				   "kind (%s)", o->kind, k->kind);
		return -1;
	}
	if (errs->n) {
		respond_decode_errors(r, errs);
		return -1;
	}
	if (!o->kind)
		o->kind = xstrdup(k->kind);
	if (!o->api_version)
		o->api_version = xstrdup(k->group_version);
	return 0;
}

void *api_decode_json(struct api_request *r, const cJSON *json)
{
	const struct k8c_kind *k = r->kind;
	if (!cJSON_IsObject(json)) {
		respond_not_object(r);
		return NULL;
	}
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, k->type->size);
	k8c_decode(k->type, json, obj, decode_flags(r), "", &errs);
	int rc = check_decoded(r, obj, &errs);
	field_errors_release(&errs);
	if (rc < 0) {
		k8c_free(k->type, obj);
		return NULL;
	}
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
	const struct k8c_kind *k = r->kind;
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, k->type->size);
	size_t at = 0;
	int rc = k8c_decode_json(k->type, r->http->body.buf, r->http->body.len, obj,
				 decode_flags(r), &errs, &at);
	if (rc == -EBADMSG)
		status_bad_request(r->http, "couldn't get version/kind; json parse error: invalid "
				   "JSON at offset %zu", at);
	else if (rc == -ENOMSG)
		respond_not_object(r);
	else
		rc = check_decoded(r, obj, &errs);
	field_errors_release(&errs);
	if (rc < 0) {
		k8c_free(k->type, obj);
		return NULL;
	}
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

int api_validate(struct api_request *r, void *obj, void *old)
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
	if (r->respond_object) {
		r->respond_object(r, code, out.buf, out.len);
		strbuf_release(&out);
	} else { /* the spliced copy is the answer: no second copy */
		http_respond_buf(r->http, code, "application/json", &out);
	}
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
