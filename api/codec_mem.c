/*
 * codec_mem.c - freeing and deep-copying the generated Kubernetes structs,
 * driven by their type descriptors (schema.h).
 */
#include "api/codec_internal.h"

size_t k8c_codec_elem_size(const struct k8c_field *f)
{
	switch (f->type) {
	case K8C_FT_OBJECT: return f->sub->size;
	case K8C_FT_INT32:
	case K8C_FT_INT64: return sizeof(int64_t);
	default: return sizeof(char *);
	}
}

/* Frees what field f of obj holds and resets it to absent. */
void k8c_codec_release_field(const struct k8c_field *f, void *obj)
{
	void *p = k8c_field_ptr(obj, f);
	if (f->shape == K8C_FS_MAP) {
		k8c_strmap_release(p);
		return;
	}
	if (f->shape == K8C_FS_LIST) {
		size_t *n = (size_t *)((char *)obj + f->aux);
		char *arr = *(char **)p;
		size_t esz = k8c_codec_elem_size(f);
		for (size_t i = 0; i < *n; i++) {
			if (f->type == K8C_FT_OBJECT)
				k8c_release(f->sub, arr + i * esz);
			else if (f->type != K8C_FT_INT32 && f->type != K8C_FT_INT64)
				free(*(char **)(arr + i * esz));
		}
		free(arr);
		*(void **)p = NULL;
		*n = 0;
		return;
	}
	switch (f->type) {
	case K8C_FT_STRING:
	case K8C_FT_QUANTITY:
		free(*(char **)p);
		*(char **)p = NULL;
		return;
	case K8C_FT_INTSTR:
		free(((struct k8c_intstr *)p)->sval);
		memset(p, 0, sizeof(struct k8c_intstr));
		return;
	case K8C_FT_JSON:
		cJSON_Delete(*(cJSON **)p);
		*(cJSON **)p = NULL;
		return;
	case K8C_FT_OBJECT:
		if (f->flags & K8C_FF_EMBED) {
			k8c_release(f->sub, p);
		} else {
			k8c_free(f->sub, *(void **)p);
			*(void **)p = NULL;
		}
		return;
	case K8C_FT_TIME:
	case K8C_FT_MICROTIME:
		*(int64_t *)p = 0;
		return;
	default: /* BOOL, INT32, INT64 */
		memset(p, 0, f->type == K8C_FT_BOOL ? sizeof(bool) : f->type == K8C_FT_INT32 ? 4 : 8);
		*(bool *)((char *)obj + f->aux) = false;
	}
}

void k8c_release(const struct k8c_type *t, void *obj)
{
	for (size_t i = 0; i < t->n_fields; i++)
		k8c_codec_release_field(&t->fields[i], obj);
}

void k8c_free(const struct k8c_type *t, void *obj)
{
	if (!obj)
		return;
	k8c_release(t, obj);
	free(obj);
}

/* Replaces the shallow copy of field f in dst with a deep copy of src's. */
static void copy_list(const struct k8c_field *f, void *dst, const void *src)
{
	size_t n = *(const size_t *)((const char *)src + f->aux);
	const char *from = *(char *const *)k8c_field_ptr(src, f);
	size_t esz = k8c_codec_elem_size(f);
	char *to = n ? xcalloc(n, esz) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (f->type == K8C_FT_OBJECT)
			k8c_copy(f->sub, to + i * esz, from + i * esz);
		else if (f->type == K8C_FT_INT32 || f->type == K8C_FT_INT64)
			memcpy(to + i * esz, from + i * esz, esz);
		else
			*(char **)(to + i * esz) = xstrdup(*(char *const *)(from + i * esz));
	}
	*(char **)k8c_field_ptr(dst, f) = to;
}

static void copy_field(const struct k8c_field *f, void *dst, const void *src)
{
	void *d = k8c_field_ptr(dst, f);
	const void *s = k8c_field_ptr(src, f);
	if (f->shape == K8C_FS_MAP) {
		k8c_strmap_copy(d, s);
		return;
	}
	if (f->shape == K8C_FS_LIST) {
		copy_list(f, dst, src);
		return;
	}
	switch (f->type) {
	case K8C_FT_STRING:
	case K8C_FT_QUANTITY:
		*(char **)d = xstrdup(*(char *const *)s);
		return;
	case K8C_FT_INTSTR:
		((struct k8c_intstr *)d)->sval = xstrdup(((const struct k8c_intstr *)s)->sval);
		return;
	case K8C_FT_JSON:
		*(cJSON **)d = *(cJSON *const *)s ? cJSON_Duplicate(*(cJSON *const *)s, true) : NULL;
		return;
	case K8C_FT_OBJECT:
		if (f->flags & K8C_FF_EMBED)
			k8c_copy(f->sub, d, s);
		else
			*(void **)d = *(void *const *)s ? k8c_dup(f->sub, *(void *const *)s) : NULL;
		return;
	default: /* plain values, copied with the struct */
		return;
	}
}

void k8c_copy(const struct k8c_type *t, void *dst, const void *src)
{
	memcpy(dst, src, t->size);
	for (size_t i = 0; i < t->n_fields; i++)
		copy_field(&t->fields[i], dst, src);
}

void *k8c_dup(const struct k8c_type *t, const void *src)
{
	void *dst = xmalloc(t->size);
	k8c_copy(t, dst, src);
	return dst;
}

/* Bytes of the member holding field f's value (not counting has_x / n_x). */
static size_t member_size(const struct k8c_field *f)
{
	if (f->shape == K8C_FS_MAP)
		return sizeof(struct k8c_strmap);
	if (f->shape == K8C_FS_LIST)
		return sizeof(void *);
	switch (f->type) {
	case K8C_FT_BOOL: return sizeof(bool);
	case K8C_FT_INT32: return sizeof(int32_t);
	case K8C_FT_INT64:
	case K8C_FT_TIME:
	case K8C_FT_MICROTIME: return sizeof(int64_t);
	case K8C_FT_INTSTR: return sizeof(struct k8c_intstr);
	case K8C_FT_OBJECT: return (f->flags & K8C_FF_EMBED) ? f->sub->size : sizeof(void *);
	default: return sizeof(char *);
	}
}

void k8c_codec_copy_field(const struct k8c_field *f, void *dst, const void *src)
{
	k8c_codec_release_field(f, dst);
	memcpy(k8c_field_ptr(dst, f), k8c_field_ptr(src, f), member_size(f));
	if (f->aux) /* has_x is a bool, n_x a size_t */
		memcpy((char *)dst + f->aux, (const char *)src + f->aux,
		       f->shape == K8C_FS_LIST ? sizeof(size_t) : sizeof(bool));
	copy_field(f, dst, src);
}
