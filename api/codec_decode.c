/*
 * codec_decode.c - JSON decoding of the generated Kubernetes structs, driven
 * by their type descriptors (schema.h). Error texts follow Go's encoding/json,
 * which is what Kubernetes clients see from the real API server.
 */
#include "api/codec_internal.h"

#include <math.h>

#include "api/json_src.h"

#include "api/types.gen.h"
#include "base/timeutil.h"

struct decoder {
	unsigned flags;
	struct field_errors *errs;
	struct strbuf path; /* JSON path of the value being decoded, "spec.replicas" */
	struct json_src *src;
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

/* The JSON type Go's error messages name. */
static const char *kind_name(enum json_kind k)
{
	switch (k) {
	case JSON_KIND_STRING: return "string";
	case JSON_KIND_NUMBER: return "number";
	case JSON_KIND_FALSE:
	case JSON_KIND_TRUE: return "bool";
	case JSON_KIND_ARRAY: return "array";
	default: return "object";
	}
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
		       enum json_kind k)
{
	field_errors_add(d->errs, FIELD_ERROR_TYPE, d->path.buf,
			 "cannot unmarshal %s into Go struct field %s.%s of type %s%s%s",
			 kind_name(k), owner->name, d->path.buf,
			 f->shape == K8C_FS_LIST ? "[]" : f->shape == K8C_FS_MAP ? "map[string]" : "",
			 f->type == K8C_FT_OBJECT ? "v1." : "",
			 f->type == K8C_FT_OBJECT ? f->sub->name : go_type(f));
}

static int decode_object(struct decoder *d, const struct k8c_type *t, void *out);

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

/*
 * The decode_* functions below consume the value the cursor stands before
 * (of kind k, which the caller looked at) whatever it holds, and return
 * -EINVAL when it is not of the field's type; the caller reports that.
 */

static int mismatch(struct decoder *d)
{
	json_src_skip(d->src);
	return -EINVAL;
}

/* A string, or for quantities also a number (written as text). */
static int decode_text(struct decoder *d, const struct k8c_field *f, enum json_kind k, char **out)
{
	if (k == JSON_KIND_STRING)
		*out = xstrdup(json_src_string(d->src));
	else if (k == JSON_KIND_NUMBER && f->type == K8C_FT_QUANTITY)
		*out = number_text(json_src_number(d->src));
	else
		return mismatch(d);
	return 0;
}

static int decode_integer(struct decoder *d, enum json_kind k, double lo, double hi, double *v)
{
	if (k != JSON_KIND_NUMBER)
		return mismatch(d);
	*v = json_src_number(d->src);
	return integral_in(*v, lo, hi) ? 0 : -EINVAL;
}

static int decode_time(struct decoder *d, enum json_kind k, int64_t *out)
{
	if (k != JSON_KIND_STRING)
		return mismatch(d);
	const char *s = json_src_string(d->src);
	if (!*s || !strcmp(s, "0001-01-01T00:00:00Z")) { /* Go's zero time, and "" for it */
		*out = 0;
		return 0;
	}
	return time_parse_rfc3339(s, out);
}

static int decode_intstr(struct decoder *d, enum json_kind k, struct k8c_intstr *out)
{
	double v;
	if (k == JSON_KIND_NUMBER) {
		if (decode_integer(d, k, INT32_MIN, INT32_MAX, &v) < 0)
			return -EINVAL;
		out->type = K8C_INTSTR_INT;
		out->ival = (int32_t)v;
		return 0;
	}
	if (k != JSON_KIND_STRING)
		return mismatch(d);
	out->type = K8C_INTSTR_STRING;
	out->sval = xstrdup(json_src_string(d->src));
	return 0;
}

/* Decodes one scalar value of field f's type into *slot (and *has). */
static int decode_scalar(struct decoder *d, const struct k8c_field *f, enum json_kind k,
			 void *slot, bool *has)
{
	double v;
	switch (f->type) {
	case K8C_FT_STRING:
	case K8C_FT_QUANTITY:
		return decode_text(d, f, k, slot);
	case K8C_FT_BOOL:
		if (k != JSON_KIND_TRUE && k != JSON_KIND_FALSE)
			return mismatch(d);
		json_src_skip(d->src);
		*(bool *)slot = k == JSON_KIND_TRUE;
		break;
	case K8C_FT_INT32:
		if (decode_integer(d, k, INT32_MIN, INT32_MAX, &v) < 0)
			return -EINVAL;
		*(int32_t *)slot = (int32_t)v;
		break;
	case K8C_FT_INT64:
		if (decode_integer(d, k, -9.2233720368547758e18, 9.2233720368547758e18, &v) < 0)
			return -EINVAL;
		*(int64_t *)slot = (int64_t)v;
		break;
	case K8C_FT_TIME:
	case K8C_FT_MICROTIME:
		return decode_time(d, k, slot);
	case K8C_FT_INTSTR:
		return decode_intstr(d, k, slot);
	case K8C_FT_JSON:
		*(cJSON **)slot = json_src_dup(d->src);
		return 0;
	case K8C_FT_OBJECT:
		if (k != JSON_KIND_OBJECT)
			return mismatch(d);
		return decode_object(d, f->sub, slot);
	}
	if (has)
		*has = true;
	return 0;
}

/* Makes room for element n of an array of esz-byte elements, new ones zeroed. */
static char *grow_zeroed(char *arr, size_t esz, size_t n, size_t *alloc)
{
	if (n < *alloc)
		return arr;
	size_t more = *alloc ? *alloc : 4;
	arr = xrealloc(arr, (*alloc + more) * esz);
	memset(arr + *alloc * esz, 0, more * esz);
	*alloc += more;
	return arr;
}

static int decode_list(struct decoder *d, const struct k8c_type *owner, const struct k8c_field *f,
		       enum json_kind k, void *out)
{
	if (k != JSON_KIND_ARRAY)
		return mismatch(d);
	size_t n = 0, alloc = 0, esz = k8c_codec_elem_size(f), base = d->path.len;
	char *arr = NULL;
	const struct k8c_field elem = { .json = f->json, .type = f->type == K8C_FT_INT32 ?
		K8C_FT_INT64 : f->type, .sub = f->sub };
	json_src_enter(d->src);
	for (; json_src_next(d->src, NULL); n++) {
		arr = grow_zeroed(arr, esz, n, &alloc);
		enum json_kind ek = json_src_kind(d->src);
		if (ek == JSON_KIND_NULL) { /* Go leaves the element its zero value: "" for strings */
			json_src_skip(d->src);
			if (f->type == K8C_FT_STRING || f->type == K8C_FT_QUANTITY)
				*(char **)(arr + n * esz) = xstrdup("");
			continue;
		}
		strbuf_addch(&d->path, '[');
		strbuf_addi64(&d->path, (int64_t)n);
		strbuf_addch(&d->path, ']');
		if (decode_scalar(d, &elem, ek, arr + n * esz, NULL) < 0)
			type_error(d, owner, f, ek);
		strbuf_setlen(&d->path, base);
	}
	if (alloc > n) /* exactly n, as before the one-pass decoder: informers keep these */
		arr = xrealloc(arr, n * esz);
	*(void **)k8c_field_ptr(out, f) = arr;
	*(size_t *)((char *)out + f->aux) = n;
	return 0;
}

static int decode_map(struct decoder *d, const struct k8c_field *f, enum json_kind k, void *out)
{
	if (k != JSON_KIND_OBJECT)
		return mismatch(d);
	struct k8c_strmap *m = k8c_field_ptr(out, f);
	const char *key;
	int r = 0;
	json_src_enter(d->src);
	while (json_src_next(d->src, &key)) {
		enum json_kind ek = json_src_kind(d->src);
		char *v = NULL;
		if (r < 0 || ek == JSON_KIND_NULL) /* after a bad entry the rest is skipped */
			json_src_skip(d->src);
		else if ((r = decode_text(d, f, ek, &v)) == 0)
			k8c_strmap_set_take(m, key, v);
	}
	return r;
}

static void decode_field(struct decoder *d, const struct k8c_type *t, const struct k8c_field *f,
			 void *out)
{
	enum json_kind k = json_src_kind(d->src);
	int r;
	if (f->shape == K8C_FS_LIST) {
		r = decode_list(d, t, f, k, out);
	} else if (f->shape == K8C_FS_MAP) {
		r = decode_map(d, f, k, out);
	} else if (f->type == K8C_FT_OBJECT && !(f->flags & K8C_FF_EMBED)) {
		if (k != JSON_KIND_OBJECT) {
			r = mismatch(d);
		} else {
			void *sub = xcalloc(1, f->sub->size);
			*(void **)k8c_field_ptr(out, f) = sub;
			r = decode_object(d, f->sub, sub);
		}
	} else {
		bool *has = f->aux ? (bool *)((char *)out + f->aux) : NULL;
		r = decode_scalar(d, f, k, k8c_field_ptr(out, f), has);
	}
	if (r == -EINVAL)
		type_error(d, t, f, k);
}

/* How many fields after the last one found find_field() tries before searching. */
#define FIND_AHEAD 8

/*
 * The field named key. What k8c stored, and most of what clients send, lists
 * fields in declaration order with the absent ones left out, so the few
 * fields from *hint (the one after the last found) on are tried first, by
 * their first letter before strcmp; the binary search (a handful of strcmp
 * calls) was a tenth of decoding a pod when only *hint itself was tried.
 */
static const struct k8c_field *find_field(const struct k8c_type *t, const char *key, size_t *hint)
{
	const struct k8c_field *f = NULL;
	size_t stop = *hint + FIND_AHEAD < t->n_fields ? *hint + FIND_AHEAD : t->n_fields;
	for (size_t i = *hint; i < stop && !f; i++)
		if (t->fields[i].json[0] == key[0] && !strcmp(t->fields[i].json, key))
			f = &t->fields[i];
	if (!f)
		f = k8c_type_field(t, key);
	if (f)
		*hint = (size_t)(f - t->fields) + 1;
	return f;
}

/* True when field f of out may hold a value already: out starts zeroed, so only when its
 * key came before in this object (a duplicate key). */
static bool seen_before(const struct k8c_type *t, const struct k8c_field *f, uint64_t *seen)
{
	size_t i = (size_t)(f - t->fields);
	if (i >= 64)
		return true;
	bool was = *seen & (UINT64_C(1) << i);
	*seen |= UINT64_C(1) << i;
	return was;
}

static int decode_object(struct decoder *d, const struct k8c_type *t, void *out)
{
	size_t base = d->path.len, hint = 0;
	uint64_t seen = 0;
	const char *key;
	json_src_enter(d->src);
	while (json_src_next(d->src, &key)) {
		if (base)
			strbuf_addch(&d->path, '.');
		strbuf_addstr(&d->path, key);
		const struct k8c_field *f = find_field(t, key, &hint);
		if (!f) {
			if (d->flags & K8C_DECODE_STRICT)
				field_errors_add(d->errs, FIELD_ERROR_UNKNOWN, d->path.buf,
						 "unknown field \"%s\"", d->path.buf);
			json_src_skip(d->src);
		} else if (json_src_kind(d->src) == JSON_KIND_NULL) {
			json_src_skip(d->src);
		} else {
			if (seen_before(t, f, &seen)) /* a duplicate key: the last one wins, as in Go */
				k8c_codec_release_field(f, out);
			decode_field(d, t, f, out);
		}
		strbuf_setlen(&d->path, base);
	}
	return 0;
}

/* Decodes the value src stands before; -ENOMSG (and an error) when it is not an object. */
static int decode_src(const struct k8c_type *t, struct json_src *src, void *out, unsigned flags,
		      const char *path_prefix, struct field_errors *errs)
{
	struct decoder d = { .flags = flags, .errs = errs, .path = STRBUF_INIT, .src = src };
	size_t before = errs->n;
	int r = 0;
	strbuf_addstr(&d.path, path_prefix ? path_prefix : "");
	enum json_kind k = json_src_kind(src);
	if (k != JSON_KIND_OBJECT) {
		json_src_skip(src);
		field_errors_add(errs, FIELD_ERROR_TYPE, d.path.buf,
				 "cannot unmarshal %s into Go value of type %s", kind_name(k),
				 t->name);
		r = -ENOMSG;
	} else {
		decode_object(&d, t, out);
	}
	strbuf_release(&d.path);
	return r ? r : errs->n > before ? -EINVAL : 0;
}

int k8c_decode(const struct k8c_type *t, const cJSON *json, void *out, unsigned flags,
	       const char *path_prefix, struct field_errors *errs)
{
	struct json_tree_src src;
	json_tree_src_init(&src, json);
	int r = decode_src(t, &src.src, out, flags, path_prefix, errs);
	json_tree_src_release(&src);
	return r < 0 ? -EINVAL : 0;
}

int k8c_decode_json(const struct k8c_type *t, const char *text, size_t len, void *out,
		    unsigned flags, struct field_errors *errs, size_t *ret_offset)
{
	struct json_text_src src;
	size_t before = errs->n, at = 0;
	json_text_src_init(&src, text, len);
	int r = decode_src(t, &src.src, out, flags, "", errs);
	if (json_text_src_failed(&src, &at)) {
		/* what was decoded before the text went wrong does not count */
		field_errors_truncate(errs, before);
		k8c_release(t, out);
		field_errors_add(errs, FIELD_ERROR_TYPE, "",
				 "invalid character at offset %zu: malformed JSON", at);
		if (ret_offset)
			*ret_offset = at;
		r = -EBADMSG;
	}
	json_text_src_release(&src);
	return r;
}

int k8c_decode_text(const struct k8c_type *t, const char *text, size_t len, void *out,
		    unsigned flags, struct field_errors *errs)
{
	return k8c_decode_json(t, text, len, out, flags, errs, NULL) < 0 ? -EINVAL : 0;
}
