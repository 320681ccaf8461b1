/*
 * status.c - building and answering Kubernetes Status objects; see status.h.
 */
#include "apiserver/status.h"

#include <stdarg.h>

#include "apiserver/storage/storage.h"

static void encode_causes(struct strbuf *out, const struct field_errors *errs)
{
	strbuf_addstr(out, "\"causes\":[");
	for (size_t i = 0; i < errs->n; i++) {
		const struct field_error *e = &errs->items[i];
		strbuf_addstr(out, i ? ",{\"reason\":" : "{\"reason\":");
		strbuf_add_json_str(out, field_error_reason(e->type));
		strbuf_addstr(out, ",\"message\":");
		strbuf_add_json_str(out, e->detail);
		strbuf_addstr(out, ",\"field\":");
		strbuf_add_json_str(out, e->field);
		strbuf_addch(out, '}');
	}
	strbuf_addch(out, ']');
}

static void add_member(struct strbuf *out, const char **sep, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	strbuf_addf(out, "%s\"%s\":", *sep, name);
	strbuf_add_json_str(out, value);
	*sep = ",";
}

static void encode_details(struct strbuf *out, const struct status_details *d)
{
	const char *sep = "";
	strbuf_addstr(out, ",\"details\":{");
	add_member(out, &sep, "name", d->name);
	add_member(out, &sep, "group", d->group);
	add_member(out, &sep, "kind", d->kind);
	if (d->causes && d->causes->n) {
		strbuf_addstr(out, sep);
		encode_causes(out, d->causes);
		sep = ",";
	}
	if (d->retry_after_seconds)
		strbuf_addf(out, "%s\"retryAfterSeconds\":%d", sep, d->retry_after_seconds);
	strbuf_addch(out, '}');
}

void status_encode(struct strbuf *out, int code, const char *reason, const char *message,
		   const struct status_details *d)
{
	bool ok = code < 300;
	strbuf_addstr(out, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":");
	strbuf_addstr(out, ok ? "\"Success\"" : "\"Failure\"");
	if (message) {
		strbuf_addstr(out, ",\"message\":");
		strbuf_add_json_str(out, message);
	}
	if (reason && *reason) {
		strbuf_addstr(out, ",\"reason\":");
		strbuf_add_json_str(out, reason);
	}
	if (d)
		encode_details(out, d);
	strbuf_addf(out, ",\"code\":%d}", code);
}

static void respond_v(struct http_request *r, int code, const char *reason,
		      const struct status_details *d, const char *fmt, va_list ap)
{
	struct strbuf msg = STRBUF_INIT, out = STRBUF_INIT;
	strbuf_vaddf(&msg, fmt, ap);
	status_encode(&out, code, reason, msg.buf, d);
	strbuf_release(&msg);
	http_respond_buf(r, code, "application/json", &out);
}

void status_respond(struct http_request *r, int code, const char *reason,
		    const struct status_details *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	respond_v(r, code, reason, d, fmt, ap);
	va_end(ap);
}

void status_respond_success(struct http_request *r, const struct status_details *d)
{
	struct strbuf out = STRBUF_INIT;
	status_encode(&out, 200, NULL, NULL, d);
	http_respond_buf(r, 200, "application/json", &out);
}

void status_qualified_resource(const struct k8c_kind *k, struct strbuf *out)
{
	strbuf_addstr(out, k->resource);
	if (*k->group)
		strbuf_addf(out, ".%s", k->group);
}

void status_not_found(struct http_request *r, const struct k8c_kind *k, const char *name)
{
	struct strbuf q = STRBUF_INIT;
	status_qualified_resource(k, &q);
	struct status_details d = { .name = name, .group = k->group, .kind = k->resource };
	status_respond(r, 404, "NotFound", &d, "%s \"%s\" not found", q.buf, name);
	strbuf_release(&q);
}

void status_already_exists(struct http_request *r, const struct k8c_kind *k, const char *name)
{
	struct strbuf q = STRBUF_INIT;
	status_qualified_resource(k, &q);
	struct status_details d = { .name = name, .group = k->group, .kind = k->resource };
	status_respond(r, 409, "AlreadyExists", &d, "%s \"%s\" already exists", q.buf, name);
	strbuf_release(&q);
}

void status_conflict(struct http_request *r, const struct k8c_kind *k, const char *name,
		     const char *why)
{
	struct strbuf q = STRBUF_INIT;
	status_qualified_resource(k, &q);
	struct status_details d = { .name = name, .group = k->group, .kind = k->resource };
	status_respond(r, 409, "Conflict", &d, "Operation cannot be fulfilled on %s \"%s\": %s",
		       q.buf, name, why);
	strbuf_release(&q);
}

void status_invalid(struct http_request *r, const struct k8c_kind *k, const char *name,
		    const struct field_errors *errs)
{
	struct strbuf msg = STRBUF_INIT;
	field_errors_format(errs, &msg);
	struct status_details d = { .name = name, .group = k->group, .kind = k->kind,
				    .causes = errs };
	status_respond(r, 422, "Invalid", &d, "%s%s%s \"%s\" is invalid: %s", k->kind,
		       *k->group ? "." : "", k->group, name ? name : "", msg.buf);
	strbuf_release(&msg);
}

void status_bad_request(struct http_request *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	respond_v(r, 400, "BadRequest", NULL, fmt, ap);
	va_end(ap);
}

void status_storage_error(struct http_request *r, const struct k8c_kind *k, const char *name,
			  int err)
{
	struct status_details d = { .name = name, .group = k ? k->group : NULL,
				    .kind = k ? k->resource : NULL, .retry_after_seconds = 1 };
	switch (err) {
	case STORAGE_ETIMEOUT:
		status_respond(r, 504, "Timeout", &d,
			       "Timeout: request did not complete within the storage deadline");
		return;
	case STORAGE_ETOOLARGE:
		status_respond(r, 413, "RequestEntityTooLarge", NULL,
			       "Request entity too large: the object is larger than the storage accepts");
		return;
	case STORAGE_EUNAVAILABLE:
		status_respond(r, 503, "ServiceUnavailable", &d,
			       "the storage backend is unavailable: %s", storage_strerror(err));
		return;
	default:
		status_respond(r, 500, "InternalError", &d, "Internal error occurred: %s",
			       storage_strerror(err));
	}
}
