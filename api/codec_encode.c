/*
 * codec_encode.c - JSON encoding of the generated Kubernetes structs, driven
 * by their type descriptors (schema.h): compact JSON, fields in declaration
 * order, absent fields omitted (Go's omitempty), required ones always written.
 */
#include "api/codec_internal.h"

#include "base/timeutil.h"

static void encode_value(const struct k8c_field *f, const void *p, struct strbuf *out);

bool k8c_codec_present(const struct k8c_field *f, const void *obj)
{
	const void *p = k8c_field_ptr(obj, f);
	if (f->shape == K8C_FS_MAP)
		return ((const struct k8c_strmap *)p)->n > 0;
	if (f->shape == K8C_FS_LIST)
		return *(const size_t *)((const char *)obj + f->aux) > 0;
	switch (f->type) {
	case K8C_FT_BOOL:
	case K8C_FT_INT32:
	case K8C_FT_INT64:
		return *(const bool *)((const char *)obj + f->aux);
	case K8C_FT_TIME:
	case K8C_FT_MICROTIME:
		return *(const int64_t *)p != 0;
	case K8C_FT_INTSTR:
		return ((const struct k8c_intstr *)p)->type != K8C_INTSTR_UNSET;
	case K8C_FT_OBJECT:
		return (f->flags & K8C_FF_EMBED) || *(void *const *)p;
	default: /* STRING, QUANTITY, JSON: pointers */
		return *(void *const *)p != NULL;
	}
}

/* The zero value written for a required field that is absent. */
static void encode_zero(const struct k8c_field *f, struct strbuf *out)
{
	if (f->shape == K8C_FS_LIST) {
		strbuf_addstr(out, "[]");
		return;
	}
	if (f->shape == K8C_FS_MAP || f->type == K8C_FT_OBJECT) {
		strbuf_addstr(out, "{}");
		return;
	}
	switch (f->type) {
	case K8C_FT_STRING:
	case K8C_FT_QUANTITY:
		strbuf_addstr(out, "\"\"");
		return;
	case K8C_FT_BOOL:
		strbuf_addstr(out, "false");
		return;
	case K8C_FT_INT32:
	case K8C_FT_INT64:
	case K8C_FT_INTSTR:
		strbuf_addch(out, '0');
		return;
	default:
		strbuf_addstr(out, "null");
	}
}

static void encode_map(const struct k8c_strmap *m, struct strbuf *out)
{
	strbuf_addch(out, '{');
	for (size_t i = 0; i < m->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_add_json_str(out, m->items[i].key);
		strbuf_addch(out, ':');
		strbuf_add_json_str(out, m->items[i].value);
	}
	strbuf_addch(out, '}');
}

static void encode_list(const struct k8c_field *f, const void *obj, struct strbuf *out)
{
	size_t n = *(const size_t *)((const char *)obj + f->aux);
	const char *arr = *(char *const *)k8c_field_ptr(obj, f);
	size_t esz = k8c_codec_elem_size(f);
	const struct k8c_field elem = { .type = f->type == K8C_FT_INT32 ? K8C_FT_INT64 : f->type,
					.flags = K8C_FF_EMBED, .sub = f->sub };
	strbuf_addch(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		encode_value(&elem, arr + i * esz, out);
	}
	strbuf_addch(out, ']');
}

/* Writes the value at p (the member itself, or a list element) for field f. */
static void encode_value(const struct k8c_field *f, const void *p, struct strbuf *out)
{
	switch (f->type) {
	case K8C_FT_STRING:
	case K8C_FT_QUANTITY: /* NULL only in a list built in code: written as Go's zero value */
		strbuf_add_json_str(out, *(char *const *)p ? *(char *const *)p : "");
		return;
	case K8C_FT_BOOL:
		strbuf_addstr(out, *(const bool *)p ? "true" : "false");
		return;
	case K8C_FT_INT32:
		strbuf_addi64(out, *(const int32_t *)p);
		return;
	case K8C_FT_INT64:
		strbuf_addi64(out, *(const int64_t *)p);
		return;
	case K8C_FT_TIME:
	case K8C_FT_MICROTIME:
		strbuf_addch(out, '"');
		if (f->type == K8C_FT_TIME)
			time_format_rfc3339(out, *(const int64_t *)p);
		else
			time_format_rfc3339_micro(out, *(const int64_t *)p);
		strbuf_addch(out, '"');
		return;
	case K8C_FT_INTSTR: {
		const struct k8c_intstr *v = p;
		if (v->type == K8C_INTSTR_INT)
			strbuf_addi64(out, v->ival);
		else
			strbuf_add_json_str(out, v->sval ? v->sval : "");
		return;
	}
	case K8C_FT_JSON: {
		char *s = cJSON_PrintUnformatted(*(cJSON *const *)p);
		strbuf_addstr(out, s ? s : "null");
		free(s);
		return;
	}
	case K8C_FT_OBJECT:
		k8c_encode(f->sub, (f->flags & K8C_FF_EMBED) ? p : *(void *const *)p, out);
		return;
	}
}

/* Writes [,]"name": (JSON names of the schema need no escaping). */
static void add_key(struct strbuf *out, const char *name, bool comma)
{
	size_t n = strlen(name);
	strbuf_grow(out, n + 4);
	char *p = out->buf + out->len;
	if (comma)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, name, n);
	p += n;
	*p++ = '"';
	*p++ = ':';
	*p = '\0';
	out->len = (size_t)(p - out->buf);
}

void k8c_encode(const struct k8c_type *t, const void *obj, struct strbuf *out)
{
	bool first = true;
	strbuf_addch(out, '{');
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct k8c_field *f = &t->fields[i];
		bool has = k8c_codec_present(f, obj);
		if (!has && !(f->flags & K8C_FF_REQUIRED))
			continue;
		add_key(out, f->json, !first);
		first = false;
		if (!has)
			encode_zero(f, out);
		else if (f->shape == K8C_FS_MAP)
			encode_map(k8c_field_ptr(obj, f), out);
		else if (f->shape == K8C_FS_LIST)
			encode_list(f, obj, out);
		else
			encode_value(f, k8c_field_ptr(obj, f), out);
	}
	strbuf_addch(out, '}');
}
