/*
 * vctx.c - validation context: the field path under construction and error
 * helpers at that path; see vctx.h.
 */
#include "api/validation/vctx.h"

#include "api/validation/field_err.h"

void vctx_init(struct vctx *v, struct field_errors *errs, const char *root)
{
	v->errs = errs;
	strbuf_init(&v->path, 64);
	strbuf_addstr(&v->path, root);
}

void vctx_release(struct vctx *v)
{
	strbuf_release(&v->path);
}

size_t vctx_child(struct vctx *v, const char *name)
{
	size_t mark = v->path.len;
	if (v->path.len)
		strbuf_addch(&v->path, '.');
	strbuf_addstr(&v->path, name);
	return mark;
}

size_t vctx_index(struct vctx *v, size_t i)
{
	size_t mark = v->path.len;
	strbuf_addf(&v->path, "[%zu]", i);
	return mark;
}

size_t vctx_key(struct vctx *v, const char *key)
{
	size_t mark = v->path.len;
	strbuf_addf(&v->path, "[%s]", key);
	return mark;
}

void vctx_pop(struct vctx *v, size_t mark)
{
	strbuf_setlen(&v->path, mark);
}

/* Descends into child (if any) and returns the path to report at. */
static const char *at(struct vctx *v, const char *child, size_t *mark)
{
	*mark = v->path.len;
	if (child)
		vctx_child(v, child);
	return v->path.buf;
}

void vctx_required(struct vctx *v, const char *child, const char *detail)
{
	size_t m;
	field_err_required(v->errs, at(v, child, &m), detail);
	vctx_pop(v, m);
}

void vctx_forbidden(struct vctx *v, const char *child, const char *detail)
{
	size_t m;
	field_err_forbidden(v->errs, at(v, child, &m), detail);
	vctx_pop(v, m);
}

void vctx_invalid(struct vctx *v, const char *child, const char *value, const char *detail)
{
	size_t m;
	field_err_invalid(v->errs, at(v, child, &m), vstr(value), detail);
	vctx_pop(v, m);
}

void vctx_invalid_int(struct vctx *v, const char *child, int64_t value, const char *detail)
{
	size_t m;
	field_err_invalid_int(v->errs, at(v, child, &m), value, detail);
	vctx_pop(v, m);
}

void vctx_invalid_go(struct vctx *v, const char *child, const char *rendered, const char *detail)
{
	size_t m;
	field_err_invalid_json(v->errs, at(v, child, &m), rendered, detail);
	vctx_pop(v, m);
}

void vctx_not_supported(struct vctx *v, const char *child, const char *value,
			const char *const *supported, size_t n)
{
	size_t m;
	field_err_not_supported(v->errs, at(v, child, &m), vstr(value), supported, n);
	vctx_pop(v, m);
}

void vctx_not_supported_go(struct vctx *v, const char *child, const char *rendered,
			   const char *const *supported, size_t n)
{
	size_t m;
	struct strbuf d = STRBUF_INIT;
	const char *path = at(v, child, &m);
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(&d, i ? ", " : "supported values: ");
		field_err_quote(&d, supported[i]);
	}
	if (d.len)
		field_errors_add(v->errs, FIELD_ERROR_NOT_SUPPORTED, path,
				 "Unsupported value: %s: %s", rendered, d.buf);
	else
		field_errors_add(v->errs, FIELD_ERROR_NOT_SUPPORTED, path, "Unsupported value: %s",
				 rendered);
	strbuf_release(&d);
	vctx_pop(v, m);
}

void vctx_duplicate(struct vctx *v, const char *child, const char *value)
{
	size_t m;
	field_err_duplicate(v->errs, at(v, child, &m), vstr(value));
	vctx_pop(v, m);
}

void vctx_duplicate_int(struct vctx *v, const char *child, int64_t value)
{
	size_t m;
	const char *path = at(v, child, &m);
	field_errors_add(v->errs, FIELD_ERROR_DUPLICATE, path, "Duplicate value: %lld",
			 (long long)value);
	vctx_pop(v, m);
}

void vctx_duplicate_go(struct vctx *v, const char *child, const char *rendered,
		       const char *detail)
{
	size_t m;
	const char *path = at(v, child, &m);
	if (detail && *detail)
		field_errors_add(v->errs, FIELD_ERROR_DUPLICATE, path, "Duplicate value: %s: %s",
				 rendered, detail);
	else
		field_errors_add(v->errs, FIELD_ERROR_DUPLICATE, path, "Duplicate value: %s",
				 rendered);
	vctx_pop(v, m);
}

void vctx_not_found(struct vctx *v, const char *child, const char *value)
{
	size_t m;
	field_err_not_found(v->errs, at(v, child, &m), vstr(value));
	vctx_pop(v, m);
}

void vctx_msgs(struct vctx *v, const char *child, const char *value,
	       const struct k8c_name_msgs *msgs)
{
	for (size_t i = 0; i < msgs->n; i++)
		vctx_invalid(v, child, value, msgs->msg[i]);
}

bool vctx_dns1123_label(struct vctx *v, const char *child, const char *value)
{
	struct k8c_name_msgs msgs;
	if (k8c_is_dns1123_label(vstr(value), &msgs))
		return true;
	vctx_msgs(v, child, value, &msgs);
	return false;
}

bool vctx_dns1123_subdomain(struct vctx *v, const char *child, const char *value)
{
	struct k8c_name_msgs msgs;
	if (k8c_is_dns1123_subdomain(vstr(value), &msgs))
		return true;
	vctx_msgs(v, child, value, &msgs);
	return false;
}

bool vctx_qualified_name(struct vctx *v, const char *child, const char *value)
{
	struct k8c_name_msgs msgs;
	if (k8c_is_qualified_name(vstr(value), &msgs))
		return true;
	vctx_msgs(v, child, value, &msgs);
	return false;
}

void vctx_label_value(struct vctx *v, const char *child, const char *value)
{
	struct k8c_name_msgs msgs;
	if (!k8c_is_label_value(vstr(value), &msgs))
		vctx_msgs(v, child, value, &msgs);
}

bool vctx_ip(struct vctx *v, const char *child, const char *value)
{
	struct k8c_name_msgs msgs;
	if (k8c_is_valid_ip(vstr(value), &msgs))
		return true;
	vctx_msgs(v, child, value, &msgs);
	return false;
}

void vctx_nonnegative(struct vctx *v, const char *child, int64_t value)
{
	if (value < 0)
		vctx_invalid_int(v, child, value, "must be greater than or equal to 0");
}

void vctx_int_range(struct vctx *v, const char *child, int64_t value, int64_t lo, int64_t hi)
{
	if (value >= lo && value <= hi)
		return;
	struct strbuf d = STRBUF_INIT;
	strbuf_addf(&d, "must be between %lld and %lld, inclusive", (long long)lo, (long long)hi);
	vctx_invalid_int(v, child, value, d.buf);
	strbuf_release(&d);
}

bool vctx_one_of(const char *value, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(vstr(value), set[i]))
			return true;
	return false;
}

bool vctx_enum(struct vctx *v, const char *child, const char *value, const char *const *set,
	       size_t n, bool required)
{
	if (vctx_one_of(value, set, n))
		return true;
	if (vempty(value) && required)
		vctx_required(v, child, "");
	else
		vctx_not_supported(v, child, value, set, n);
	return false;
}
