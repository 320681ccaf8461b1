/*
 * codec_decode.c - JSON decoding of the generated Kubernetes structs, driven
 * by their type descriptors (schema.h). Error texts follow Go's encoding/json,
 * which is what Kubernetes clients see from the real API server.
 */
#include "api/codec_internal.h"

#include <math.h>

#include "api/types.gen.h"
#include "base/timeutil.h"

struct decoder {
	unsigned flags;
	struct field_errors *errs;
	struct strbuf path; /* JSON path of the value being decoded, "spec.replicas" */
};

const struct k8c_field *k8c_type_field(const struct k8c_type *t, const char *json)
{
	size_t lo = 0, hi = t->n_fields;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct k8c_field *f = &t->fields[t->by_json[mid]];
		int c = strcmp(f->json, json);
		if (c == 0)
			return f;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const char *json_kind(const cJSON *j)
{
	if (cJSON_IsString(j))
		return "string";
	if (cJSON_IsNumber(j))
		return "number";
	if (cJSON_IsBool(j))
		return "bool";
	if (cJSON_IsArray(j))
		return "array";
	return "object";
}

static const char *go_type(const struct k8c_field *f)
{
	static const char *names[] = {
		[K8C_FT_STRING] = "string",           [K8C_FT_BOOL] = "bool",
		[K8C_FT_INT32] = "int32",             [K8C_FT_INT64] = "int64",
		[K8C_FT_TIME] = "v1.Time",            [K8C_FT_MICROTIME] = "v1.MicroTime",
		[K8C_FT_QUANTITY] = "resource.Quantity", [K8C_FT_INTSTR] = "intstr.IntOrString",
		[K8C_FT_JSON] = "v1.FieldsV1",        [K8C_FT_OBJECT] = "struct",
	};
	return names[f->type];
}

static void type_error(struct decoder *d, const struct k8c_type *owner, const struct k8c_field *f,
		       const cJSON *j)
{
	field_errors_add(d->errs, FIELD_ERROR_TYPE, d->path.buf,
			 "cannot unmarshal %s into Go struct field %s.%s of type %s%s%s",
			 json_kind(j), owner->name, d->path.buf,
			 f->shape == K8C_FS_LIST ? "[]" : f->shape == K8C_FS_MAP ? "map[string]" : "",
			 f->type == K8C_FT_OBJECT ? "v1." : "",
			 f->type == K8C_FT_OBJECT ? f->sub->name : go_type(f));
}

static int decode_object(struct decoder *d, const struct k8c_type *t, const cJSON *j, void *out);

static bool integral_in(double v, double lo, double hi)
{
	return v == floor(v) && v >= lo && v <= hi;
}

/* Formats a JSON number as quantity text: integers exactly, others shortest round-trip. */
static char *number_text(double v)
{
	struct strbuf sb = STRBUF_INIT;
	if (integral_in(v, -9007199254740992.0, 9007199254740992.0))
		strbuf_addi64(&sb, (int64_t)v);
	else
		strbuf_addf(&sb, "%.15g", v);
	return strbuf_detach(&sb, NULL);
}

static int decode_time(const cJSON *j, int64_t *out)
{
	if (!cJSON_IsString(j))
		return -EINVAL;
	if (!*j->valuestring) { /* Go accepts "" as the zero time */
		*out = 0;
		return 0;
	}
	return time_parse_rfc3339(j->valuestring, out);
}

static int decode_intstr(const cJSON *j, struct k8c_intstr *out)
{
	if (cJSON_IsNumber(j) && integral_in(j->valuedouble, INT32_MIN, INT32_MAX)) {
		out->type = K8C_INTSTR_INT;
		out->ival = (int32_t)j->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(j))
		return -EINVAL;
	out->type = K8C_INTSTR_STRING;
	out->sval = xstrdup(j->valuestring);
	return 0;
}

/* Decodes one scalar value of field f's type into *slot (and *has). */
static int decode_scalar(struct decoder *d, const struct k8c_field *f, const cJSON *j,
			 void *slot, bool *has)
{
	switch (f->type) {
	case K8C_FT_STRING:
		if (!cJSON_IsString(j))
			return -EINVAL;
		*(char **)slot = xstrdup(j->valuestring);
		return 0;
	case K8C_FT_QUANTITY:
		if (cJSON_IsNumber(j)) {
			*(char **)slot = number_text(j->valuedouble);
			return 0;
		}
		if (!cJSON_IsString(j))
			return -EINVAL;
		*(char **)slot = xstrdup(j->valuestring);
		return 0;
	case K8C_FT_BOOL:
		if (!cJSON_IsBool(j))
			return -EINVAL;
		*(bool *)slot = cJSON_IsTrue(j);
		break;
	case K8C_FT_INT32:
		if (!cJSON_IsNumber(j) || !integral_in(j->valuedouble, INT32_MIN, INT32_MAX))
			return -EINVAL;
		*(int32_t *)slot = (int32_t)j->valuedouble;
		break;
	case K8C_FT_INT64:
		if (!cJSON_IsNumber(j) || !integral_in(j->valuedouble, -9.2233720368547758e18,
						       9.2233720368547758e18))
			return -EINVAL;
		*(int64_t *)slot = (int64_t)j->valuedouble;
		break;
	case K8C_FT_TIME:
	case K8C_FT_MICROTIME:
		return decode_time(j, slot);
	case K8C_FT_INTSTR:
		return decode_intstr(j, slot);
	case K8C_FT_JSON:
		*(cJSON **)slot = cJSON_Duplicate(j, true);
		return 0;
	case K8C_FT_OBJECT:
		if (!cJSON_IsObject(j))
			return -EINVAL;
		return decode_object(d, f->sub, j, slot);
	}
	if (has)
		*has = true;
	return 0;
}

static int decode_list(struct decoder *d, const struct k8c_type *owner, const struct k8c_field *f,
		       const cJSON *j, void *out)
{
	if (!cJSON_IsArray(j))
		return -EINVAL;
	size_t n = (size_t)cJSON_GetArraySize(j), esz = k8c_codec_elem_size(f), i = 0;
	char *arr = n ? xcalloc(n, esz) : NULL;
	*(void **)k8c_field_ptr(out, f) = arr;
	*(size_t *)((char *)out + f->aux) = n;
	size_t base = d->path.len;
	const struct k8c_field elem = { .json = f->json, .type = f->type == K8C_FT_INT32 ?
		K8C_FT_INT64 : f->type, .sub = f->sub };
	for (const cJSON *e = j->child; e; e = e->next, i++) {
		strbuf_addf(&d->path, "[%zu]", i);
		if (!cJSON_IsNull(e) && decode_scalar(d, &elem, e, arr + i * esz, NULL) < 0)
			type_error(d, owner, f, e);
		strbuf_setlen(&d->path, base);
	}
	return 0;
}

static int decode_map(struct decoder *d, const struct k8c_field *f, const cJSON *j, void *out)
{
	if (!cJSON_IsObject(j))
		return -EINVAL;
	struct k8c_strmap *m = k8c_field_ptr(out, f);
	for (const cJSON *e = j->child; e; e = e->next) {
		if (cJSON_IsNull(e))
			continue;
		_cleanup_free_ char *v = NULL;
		if (cJSON_IsString(e))
			v = xstrdup(e->valuestring);
		else if (f->type == K8C_FT_QUANTITY && cJSON_IsNumber(e))
			v = number_text(e->valuedouble);
		else
			return -EINVAL;
		k8c_strmap_set(m, e->string, v);
	}
	return 0;
}

static void decode_field(struct decoder *d, const struct k8c_type *t, const struct k8c_field *f,
			 const cJSON *j, void *out)
{
	int r;
	if (f->shape == K8C_FS_LIST) {
		r = decode_list(d, t, f, j, out);
	} else if (f->shape == K8C_FS_MAP) {
		r = decode_map(d, f, j, out);
	} else if (f->type == K8C_FT_OBJECT && !(f->flags & K8C_FF_EMBED)) {
		if (!cJSON_IsObject(j)) {
			r = -EINVAL;
		} else {
			void *sub = xcalloc(1, f->sub->size);
			*(void **)k8c_field_ptr(out, f) = sub;
			r = decode_object(d, f->sub, j, sub);
		}
	} else {
		bool *has = f->aux ? (bool *)((char *)out + f->aux) : NULL;
		r = decode_scalar(d, f, j, k8c_field_ptr(out, f), has);
	}
	if (r == -EINVAL)
		type_error(d, t, f, j);
}

static int decode_object(struct decoder *d, const struct k8c_type *t, const cJSON *j, void *out)
{
	size_t base = d->path.len;
	for (const cJSON *m = j->child; m; m = m->next) {
		if (base)
			strbuf_addch(&d->path, '.');
		strbuf_addstr(&d->path, m->string);
		const struct k8c_field *f = k8c_type_field(t, m->string);
		if (!f) {
			if (d->flags & K8C_DECODE_STRICT)
				field_errors_add(d->errs, FIELD_ERROR_UNKNOWN, d->path.buf,
						 "unknown field \"%s\"", d->path.buf);
		} else if (!cJSON_IsNull(m)) {
			k8c_codec_release_field(f, out); /* a duplicate key: the last one wins, as in Go */
			decode_field(d, t, f, m, out);
		}
		strbuf_setlen(&d->path, base);
	}
	return 0;
}

int k8c_decode(const struct k8c_type *t, const cJSON *json, void *out, unsigned flags,
	       const char *path_prefix, struct field_errors *errs)
{
	struct decoder d = { .flags = flags, .errs = errs, .path = STRBUF_INIT };
	size_t before = errs->n;
	strbuf_addstr(&d.path, path_prefix ? path_prefix : "");
	if (!cJSON_IsObject(json)) {
		field_errors_add(errs, FIELD_ERROR_TYPE, d.path.buf,
				 "cannot unmarshal %s into Go value of type %s", json_kind(json),
				 t->name);
	} else {
		decode_object(&d, t, json, out);
	}
	strbuf_release(&d.path);
	return errs->n > before ? -EINVAL : 0;
}

int k8c_decode_text(const struct k8c_type *t, const char *text, size_t len, void *out,
		    unsigned flags, struct field_errors *errs)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!j) {
		field_errors_add(errs, FIELD_ERROR_TYPE, "",
				 "invalid character at offset %zu: malformed JSON",
				 end ? (size_t)(end - text) : 0);
		return -EINVAL;
	}
	int r = k8c_decode(t, j, out, flags, "", errs);
	cJSON_Delete(j);
	return r;
}

