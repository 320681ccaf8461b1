/*
 * object_meta.c - generic ObjectMeta and value validations with Kubernetes'
 * messages; see object_meta.h.
 */
#include "api/validation/object_meta.h"

#include <ctype.h>

#include "api/validation/field_err.h"

enum k8c_name_rule k8c_name_rule_for_kind(const char *kind)
{
	if (kind && strcmp(kind, "Namespace") == 0)
		return K8C_NAME_DNS1123_LABEL;
	if (kind && strcmp(kind, "Service") == 0)
		return K8C_NAME_DNS1035_LABEL;
	return K8C_NAME_DNS1123_SUBDOMAIN;
}

bool k8c_check_name(enum k8c_name_rule rule, const char *name, bool prefix,
		    struct k8c_name_msgs *out)
{
	_cleanup_free_ char *masked = NULL;
	size_t len = strlen(name);
	/* upstream's maskTrailingDash replaces the last two bytes by "a" */
	if (prefix && len > 1 && name[len - 1] == '-') {
		masked = xmalloc(len);
		memcpy(masked, name, len - 2);
		memcpy(masked + len - 2, "a", 2);
		name = masked;
	}
	switch (rule) {
	case K8C_NAME_DNS1123_LABEL:
		return k8c_is_dns1123_label(name, out);
	case K8C_NAME_DNS1035_LABEL:
		return k8c_is_dns1035_label(name, out);
	case K8C_NAME_PATH_SEGMENT:
		return k8c_is_path_segment_name(name, out);
	case K8C_NAME_DNS1123_SUBDOMAIN:
		break;
	}
	return k8c_is_dns1123_subdomain(name, out);
}

static void add_msgs(struct field_errors *errs, const char *path, const char *value,
		     const struct k8c_name_msgs *msgs)
{
	for (size_t i = 0; i < msgs->n; i++)
		field_err_invalid(errs, path, value, msgs->msg[i]);
}

void k8c_validate_object_name(enum k8c_name_rule rule, const char *name, const char *path,
			      struct field_errors *errs)
{
	struct k8c_name_msgs msgs;
	if (!name || !*name) {
		field_err_required(errs, path, "name or generateName is required");
		return;
	}
	if (!k8c_check_name(rule, name, false, &msgs))
		add_msgs(errs, path, name, &msgs);
}

void k8c_validate_generate_name(enum k8c_name_rule rule, const char *generate_name,
				const char *path, struct field_errors *errs)
{
	struct k8c_name_msgs msgs;
	if (generate_name && *generate_name && !k8c_check_name(rule, generate_name, true, &msgs))
		add_msgs(errs, path, generate_name, &msgs);
}

void k8c_validate_namespace(const char *ns, bool namespaced, const char *path,
			    struct field_errors *errs)
{
	struct k8c_name_msgs msgs;
	bool empty = !ns || !*ns;
	if (!namespaced) {
		if (!empty)
			field_err_forbidden(errs, path, "not allowed on this type");
		return;
	}
	if (empty)
		field_err_required(errs, path, "");
	else if (!k8c_is_dns1123_label(ns, &msgs))
		add_msgs(errs, path, ns, &msgs);
}

void k8c_validate_labels(const struct k8c_strmap *labels, const char *path,
			 struct field_errors *errs)
{
	struct k8c_name_msgs msgs;
	for (size_t i = 0; labels && i < labels->n; i++) {
		const struct k8c_strpair *p = &labels->items[i];
		if (!k8c_is_qualified_name(p->key, &msgs))
			add_msgs(errs, path, p->key, &msgs);
		if (!k8c_is_label_value(p->value, &msgs))
			add_msgs(errs, path, p->value, &msgs);
	}
}

void k8c_validate_annotations(const struct k8c_strmap *annotations, const char *path,
			      struct field_errors *errs)
{
	struct k8c_name_msgs msgs;
	uint64_t total = 0;
	for (size_t i = 0; annotations && i < annotations->n; i++) {
		const struct k8c_strpair *p = &annotations->items[i];
		_cleanup_free_ char *lower = xstrdup(p->key);
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!k8c_is_qualified_name(lower, &msgs))
			add_msgs(errs, path, p->key, &msgs);
		total += strlen(p->key) + strlen(p->value);
	}
	if (total > K8C_ANNOTATIONS_MAX_BYTES)
		field_err_too_long(errs, path, K8C_ANNOTATIONS_MAX_BYTES);
}

void k8c_validate_nonnegative(int64_t value, const char *path, struct field_errors *errs)
{
	if (value < 0)
		field_err_invalid_int(errs, path, value, "must be greater than or equal to 0");
}

void k8c_validate_int_or_percent(const struct k8c_intstr *value, const char *path,
				 struct field_errors *errs)
{
	struct k8c_name_msgs msgs;
	switch (value->type) {
	case K8C_INTSTR_INT:
		k8c_validate_nonnegative(value->ival, path, errs);
		return;
	case K8C_INTSTR_STRING:
		if (!k8c_is_percent(value->sval ? value->sval : "", &msgs))
			add_msgs(errs, path, value->sval ? value->sval : "", &msgs);
		return;
	case K8C_INTSTR_UNSET:
		break;
	}
	field_err_invalid(errs, path, "", "must be an integer or percentage (e.g '5%')");
}
