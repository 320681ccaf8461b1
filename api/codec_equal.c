/*
 * codec_equal.c - equality of generated structs: true exactly when both
 * encode to the same JSON (codec_encode.c), found by walking the two structs
 * side by side instead of encoding both (updates compare whole objects and
 * specs several times per request).
 */
#include "api/codec_internal.h"

#include "base/timeutil.h"

/* The second (TIME) or microsecond (MICROTIME) that encoding writes for ns. */
static int64_t time_unit(int64_t ns, int64_t unit)
{
	return ns / unit - (ns % unit < 0);
}

static bool json_equal(const cJSON *a, const cJSON *b)
{
	char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
	bool eq = streq_null(x, y);
	free(x);
	free(y);
	return eq;
}

/* Values at pa and pb (members, or list elements) of field f's type. */
static bool value_equal(const struct k8c_field *f, bool embed, const void *pa, const void *pb)
{
	switch (f->type) {
	case K8C_FT_STRING:
	case K8C_FT_QUANTITY: { /* NULL only in lists built in code: encoded as "" */
		const char *a = *(char *const *)pa, *b = *(char *const *)pb;
		return !strcmp(a ? a : "", b ? b : "");
	}
	case K8C_FT_BOOL: return *(const bool *)pa == *(const bool *)pb;
	case K8C_FT_INT32: return *(const int32_t *)pa == *(const int32_t *)pb;
	case K8C_FT_INT64: return *(const int64_t *)pa == *(const int64_t *)pb;
	case K8C_FT_TIME:
		return time_unit(*(const int64_t *)pa, K8C_NSEC_PER_SEC) ==
		       time_unit(*(const int64_t *)pb, K8C_NSEC_PER_SEC);
	case K8C_FT_MICROTIME:
		return time_unit(*(const int64_t *)pa, 1000) == time_unit(*(const int64_t *)pb, 1000);
	case K8C_FT_INTSTR: {
		const struct k8c_intstr *a = pa, *b = pb;
		if ((a->type == K8C_INTSTR_INT) != (b->type == K8C_INTSTR_INT))
			return false;
		return a->type == K8C_INTSTR_INT ? a->ival == b->ival
						 : !strcmp(a->sval ? a->sval : "", b->sval ? b->sval : "");
	}
	case K8C_FT_JSON: return json_equal(*(cJSON *const *)pa, *(cJSON *const *)pb);
	case K8C_FT_OBJECT:
		return embed ? k8c_equal(f->sub, pa, pb)
			     : k8c_equal(f->sub, *(void *const *)pa, *(void *const *)pb);
	}
	return false;
}

static bool list_equal(const struct k8c_field *f, const void *a, const void *b)
{
	size_t n = *(const size_t *)((const char *)a + f->aux);
	if (n != *(const size_t *)((const char *)b + f->aux))
		return false;
	const char *xa = *(char *const *)k8c_field_ptr(a, f), *xb = *(char *const *)k8c_field_ptr(b, f);
	size_t esz = k8c_codec_elem_size(f);
	const struct k8c_field elem = { .type = f->type == K8C_FT_INT32 ? K8C_FT_INT64 : f->type,
					.sub = f->sub };
	for (size_t i = 0; i < n; i++)
		if (!value_equal(&elem, true, xa + i * esz, xb + i * esz))
			return false;
	return true;
}

/* A REQUIRED field set on one side only: equal when its zero encoding matches the value's. */
static bool encoded_field_equal(const struct k8c_type *t, const struct k8c_field *f,
				const void *a, const void *b)
{
	const struct k8c_type one = { .name = t->name, .size = t->size, .fields = f, .n_fields = 1 };
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	k8c_encode(&one, a, &x);
	k8c_encode(&one, b, &y);
	bool eq = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	strbuf_release(&x);
	strbuf_release(&y);
	return eq;
}

static bool field_equal(const struct k8c_type *t, const struct k8c_field *f, const void *a,
			const void *b)
{
	bool ha = k8c_codec_present(f, a), hb = k8c_codec_present(f, b);
	if (ha != hb)
		return (f->flags & K8C_FF_REQUIRED) && encoded_field_equal(t, f, a, b);
	if (!ha)
		return true;
	if (f->shape == K8C_FS_MAP)
		return k8c_strmap_equal(k8c_field_ptr(a, f), k8c_field_ptr(b, f));
	if (f->shape == K8C_FS_LIST)
		return list_equal(f, a, b);
	return value_equal(f, f->flags & K8C_FF_EMBED, k8c_field_ptr(a, f), k8c_field_ptr(b, f));
}

bool k8c_equal(const struct k8c_type *t, const void *a, const void *b)
{
	if (a == b)
		return true;
	for (size_t i = 0; i < t->n_fields; i++)
		if (!field_equal(t, &t->fields[i], a, b))
			return false;
	return true;
}
