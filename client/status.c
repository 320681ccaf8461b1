/*
 * status.c - parsing and classifying Kubernetes Status errors; see status.h.
 */
#include "client/status.h"

#include "base/strbuf.h"

struct generic {
	int code;
	const char *reason;
	const char *message;
};

/* client-go's NewGenericServerResponse wording, for bodies that are not a Status. */
static const struct generic generics[] = {
	{ 400, "BadRequest", "the server rejected our request for an unknown reason" },
	{ 401, "Unauthorized", "the server has asked for the client to provide credentials" },
	{ 403, "Forbidden", "the server does not allow access to the requested resource" },
	{ 404, "NotFound", "the server could not find the requested resource" },
	{ 405, "MethodNotAllowed",
	  "the server does not allow this method on the requested resource" },
	{ 406, "NotAcceptable",
	  "the server was unable to respond with a content type that the client supports" },
	{ 409, "Conflict", "the server reported a conflict" },
	{ 410, "Gone", "the server has asked for the client to provide a newer resource version" },
	{ 413, "RequestEntityTooLarge",
	  "the server has rejected the request because the request body is too large" },
	{ 415, "UnsupportedMediaType",
	  "the server does not support the content type of the request body" },
	{ 422, "Invalid", "the server rejected our request due to an error in our request" },
	{ 429, "TooManyRequests",
	  "the server has received too many requests and has asked us to try again later" },
	{ 500, "InternalError",
	  "an error on the server has prevented the request from succeeding" },
	{ 503, "ServiceUnavailable", "the server is currently unable to handle the request" },
	{ 504, "Timeout",
	  "the server was unable to return a response in the time allotted, "
	  "but may still be processing the request" },
};

void k8c_status_error_release(struct k8c_status_error *e)
{
	free(e->reason);
	free(e->message);
	free(e->name);
	free(e->group);
	free(e->kind);
	cJSON_Delete(e->status);
	memset(e, 0, sizeof(*e));
}

static void set_generic(struct k8c_status_error *e, int code)
{
	e->code = code;
	for (size_t i = 0; i < ARRAY_SIZE(generics); i++) {
		if (generics[i].code != code)
			continue;
		e->reason = xstrdup(generics[i].reason);
		e->message = xstrdup(generics[i].message);
		return;
	}
	struct strbuf m = STRBUF_INIT;
	strbuf_addf(&m,
		    "the server responded with the status code %d but did not return more "
		    "information",
		    code);
	e->reason = xstrdup(code >= 500 ? "InternalError" : "");
	e->message = strbuf_detach(&m, NULL);
}

static char *dup_member(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

int k8c_status_error_from_json(struct k8c_status_error *e, const cJSON *obj, int code)
{
	k8c_status_error_release(e);
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(obj, "kind");
	if (!cJSON_IsObject(obj) || !cJSON_IsString(kind) || strcmp(kind->valuestring, "Status")) {
		set_generic(e, code);
		return -EINVAL;
	}
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, "code");
	e->code = cJSON_IsNumber(c) && c->valueint > 0 ? c->valueint : code;
	e->reason = dup_member(obj, "reason");
	e->message = dup_member(obj, "message");
	const cJSON *details = cJSON_GetObjectItemCaseSensitive(obj, "details");
	e->name = dup_member(details, "name");
	e->group = dup_member(details, "group");
	e->kind = dup_member(details, "kind");
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(details, "retryAfterSeconds");
	e->retry_after_seconds = cJSON_IsNumber(ra) ? ra->valueint : 0;
	e->status = cJSON_Duplicate(obj, true);
	if (!e->reason || !e->message) {
		struct k8c_status_error g = K8C_STATUS_ERROR_INIT;
		set_generic(&g, e->code);
		if (!e->reason)
			e->reason = TAKE_PTR(g.reason);
		if (!e->message)
			e->message = TAKE_PTR(g.message);
		k8c_status_error_release(&g);
	}
	return 0;
}

void k8c_status_error_from_response(struct k8c_status_error *e, int code, const char *body,
				    size_t len)
{
	cJSON *obj = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	k8c_status_error_from_json(e, obj, code);
	cJSON_Delete(obj);
}

void k8c_status_error_set_transport(struct k8c_status_error *e, const char *message)
{
	k8c_status_error_release(e);
	e->reason = xstrdup("");
	e->message = xstrdup(message);
}

bool k8c_status_is(const struct k8c_status_error *e, const char *reason)
{
	return e && e->reason && !strcmp(e->reason, reason);
}

int k8c_status_errno(const struct k8c_status_error *e)
{
	if (k8c_status_is(e, "NotFound") || e->code == 404)
		return -ENOENT;
	if (k8c_status_is(e, "AlreadyExists"))
		return -EEXIST;
	if (k8c_status_is(e, "Conflict") || e->code == 409)
		return -EBUSY;
	if (k8c_status_is(e, "Expired") || e->code == 410)
		return -ETIME;
	if (e->code == 401 || e->code == 403)
		return -EACCES;
	if (e->code == 400 || e->code == 422)
		return -EINVAL;
	if (e->code == 429)
		return -EAGAIN;
	if (e->code == 504 || k8c_status_is(e, "Timeout"))
		return -ETIMEDOUT;
	return -EIO;
}
