/*
 * codec_pack.c - a generated struct's strings, lists, maps and sub-structs
 * copied into one arena right after it: a cached object is then one malloc
 * chunk instead of one per piece (malloc's header and rounding on each of a
 * pod's many strings and arrays: at 10,000 pods, 13 to 15 MiB less RSS in the
 * scheduler and in the controller manager, whose informers hold every pod).
 *
 * The same walk runs twice: once counting (pack.base NULL: sizes only, src
 * read-only) and once copying, taking the same pieces with the same
 * alignment in the same order, so the count is exact.
 */
#include "api/codec_internal.h"

struct pack {
	char *base;  /* the arena, or NULL while counting */
	size_t used; /* bytes taken so far */
};

/* Structs and arrays of pointers or int64s; strings need none. */
#define PACK_ALIGN 8

/* n bytes of the arena aligned to align; NULL while counting. */
static void *take(struct pack *p, size_t n, size_t align)
{
	p->used = (p->used + align - 1) & ~(align - 1);
	void *r = p->base ? p->base + p->used : NULL;
	p->used += n;
	return r;
}

static char *pack_str(struct pack *p, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = take(p, n, 1);
	if (d)
		memcpy(d, s, n);
	return d;
}

static void pack_fields(const struct k8c_type *t, void *dst, void *src, struct pack *p);

static void pack_map(struct pack *p, struct k8c_strmap *d, const struct k8c_strmap *s)
{
	struct k8c_strpair *items = s->n ? take(p, s->n * sizeof(*items), PACK_ALIGN) : NULL;
	for (size_t i = 0; i < s->n; i++) {
		char *k = pack_str(p, s->items[i].key), *v = pack_str(p, s->items[i].value);
		if (items)
			items[i] = (struct k8c_strpair){ k, v };
	}
	if (d)
		*d = (struct k8c_strmap){ .items = items, .n = s->n, .alloc = s->n };
}

static void pack_list(const struct k8c_field *f, void *dst, void *src, struct pack *p)
{
	size_t n = *(const size_t *)((const char *)src + f->aux);
	char *from = *(char **)k8c_field_ptr(src, f);
	size_t esz = k8c_codec_elem_size(f);
	char *to = n ? take(p, n * esz, PACK_ALIGN) : NULL;
	if (to)
		memcpy(to, from, n * esz);
	for (size_t i = 0; i < n; i++) {
		if (f->type == K8C_FT_OBJECT) {
			pack_fields(f->sub, to ? to + i * esz : NULL, from + i * esz, p);
		} else if (f->type != K8C_FT_INT32 && f->type != K8C_FT_INT64) {
			char *s = pack_str(p, *(char **)(from + i * esz));
			if (to)
				*(char **)(to + i * esz) = s;
		}
	}
	if (dst)
		*(char **)k8c_field_ptr(dst, f) = to;
}

/* A sub-struct behind a pointer: copied into the arena, then its own fields. */
static void pack_pointer(const struct k8c_field *f, void *d, void *s, struct pack *p)
{
	void *from = *(void **)s;
	void *to = from ? take(p, f->sub->size, PACK_ALIGN) : NULL;
	if (to)
		memcpy(to, from, f->sub->size);
	if (from)
		pack_fields(f->sub, to, from, p);
	if (d)
		*(void **)d = to;
}

static void pack_field(const struct k8c_field *f, void *dst, void *src, struct pack *p)
{
	void *d = dst ? k8c_field_ptr(dst, f) : NULL;
	void *s = k8c_field_ptr(src, f);
	if (f->shape == K8C_FS_MAP) {
		pack_map(p, d, s);
		return;
	}
	if (f->shape == K8C_FS_LIST) {
		pack_list(f, dst, src, p);
		return;
	}
	switch (f->type) {
	case K8C_FT_STRING:
	case K8C_FT_QUANTITY: {
		char *c = pack_str(p, *(char **)s);
		if (d)
			*(char **)d = c;
		return;
	}
	case K8C_FT_INTSTR: {
		char *c = pack_str(p, ((struct k8c_intstr *)s)->sval);
		if (d)
			((struct k8c_intstr *)d)->sval = c;
		return;
	}
	case K8C_FT_JSON: /* stays a tree of its own: moved over */
		if (d)
			*(cJSON **)s = NULL;
		return;
	case K8C_FT_OBJECT:
		if (f->flags & K8C_FF_EMBED)
			pack_fields(f->sub, d, s, p);
		else
			pack_pointer(f, d, s, p);
		return;
	default: /* plain values, copied with the struct */
		return;
	}
}

/* dst (NULL while counting) already holds src's bytes: points its members into the arena. */
static void pack_fields(const struct k8c_type *t, void *dst, void *src, struct pack *p)
{
	for (size_t i = 0; i < t->n_fields; i++)
		pack_field(&t->fields[i], dst, src, p);
}

size_t k8c_pack_size(const struct k8c_type *t, const void *obj)
{
	struct pack p = { 0 };
	pack_fields(t, NULL, (void *)obj, &p);
	return p.used;
}

void k8c_pack(const struct k8c_type *t, void *dst, void *src, void *arena)
{
	struct pack p = { .base = arena };
	memcpy(dst, src, t->size);
	pack_fields(t, dst, src, &p);
}

void k8c_release_packed(const struct k8c_type *t, void *obj)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct k8c_field *f = &t->fields[i];
		void *m = k8c_field_ptr(obj, f);
		if (f->type == K8C_FT_JSON && f->shape == K8C_FS_ONE) {
			cJSON_Delete(*(cJSON **)m);
		} else if (f->type == K8C_FT_OBJECT && f->shape == K8C_FS_LIST) {
			size_t n = *(const size_t *)((const char *)obj + f->aux);
			for (size_t j = 0; j < n; j++)
				k8c_release_packed(f->sub, *(char **)m + j * f->sub->size);
		} else if (f->type == K8C_FT_OBJECT && (f->flags & K8C_FF_EMBED)) {
			k8c_release_packed(f->sub, m);
		} else if (f->type == K8C_FT_OBJECT && *(void **)m) {
			k8c_release_packed(f->sub, *(void **)m);
		}
	}
}
