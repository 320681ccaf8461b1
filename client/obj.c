/*
 * obj.c - shared, reference-counted typed objects (see informer.h): a small
 * header holding the count and the type sits just before the struct the
 * caller sees, so an object is one allocation and k8c_obj_unref() knows how
 * to free it without being told its kind. Decoded objects (the informers'
 * caches) are packed: struct and contents in that one allocation too.
 */
#include <stdatomic.h>

#include <cjson/cJSON.h>

#include "api/codec.h"
#include "client/informer.h"

struct obj_header {
	/* max_align_t alignment keeps the object after the header aligned for any member */
	_Alignas(max_align_t) atomic_long refs;
	const struct k8c_type *type;
	bool packed; /* k8c_pack()ed into the allocation after the struct */
};

/* Where a packed object's arena starts after its struct. */
static size_t arena_offset(const struct k8c_type *t)
{
	return (t->size + 7) & ~(size_t)7;
}

static struct obj_header *header_of(const void *obj)
{
	return (struct obj_header *)((char *)obj - sizeof(struct obj_header));
}

void *k8c_obj_new(const struct k8c_type *t)
{
	struct obj_header *h = xcalloc(1, sizeof(*h) + t->size);
	atomic_init(&h->refs, 1);
	h->type = t;
	return h + 1;
}

void *k8c_obj_ref(const void *obj)
{
	if (obj)
		atomic_fetch_add_explicit(&header_of(obj)->refs, 1, memory_order_relaxed);
	return (void *)obj;
}

void k8c_obj_unref(const void *obj)
{
	if (!obj)
		return;
	struct obj_header *h = header_of(obj);
	if (atomic_fetch_sub_explicit(&h->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (h->packed)
		k8c_release_packed(h->type, h + 1);
	else
		k8c_release(h->type, h + 1);
	free(h);
}

const struct k8c_type *k8c_obj_type(const void *obj)
{
	return header_of(obj)->type;
}

void k8c_obj_unref_array(void **objs, size_t n)
{
	if (!objs)
		return;
	for (size_t i = 0; i < n; i++)
		k8c_obj_unref(objs[i]);
	free(objs);
}

void k8c_obj_key(const void *obj, struct strbuf *out)
{
	const struct k8c_object *o = obj;
	if (o->metadata.namespace && *o->metadata.namespace) {
		strbuf_addstr(out, o->metadata.namespace);
		strbuf_addch(out, '/');
	}
	strbuf_addstr(out, o->metadata.name ? o->metadata.name : "");
}

/* A packed copy of o (an unshared object of k8c_obj_new), which is released. */
static void *pack(void *o)
{
	const struct k8c_type *t = header_of(o)->type;
	size_t at = arena_offset(t);
	struct obj_header *h = xmalloc(sizeof(*h) + at + k8c_pack_size(t, o));
	atomic_init(&h->refs, 1);
	h->type = t;
	h->packed = true;
	k8c_pack(t, h + 1, o, (char *)(h + 1) + at);
	k8c_obj_unref(o);
	return h + 1;
}

/*
 * list items carry no kind/apiVersion; every cached object should, as in an
 * event. Then the transform, then the packing.
 */
static void *finish(const struct k8c_kind *k, struct k8c_object *o, int r,
		    k8c_transform_fn transform, bool *ret_partial)
{
	if (!o->kind)
		o->kind = xstrdup(k->kind);
	if (!o->api_version)
		o->api_version = xstrdup(k->group_version);
	if (ret_partial)
		*ret_partial = r < 0;
	if (transform)
		transform(o);
	return pack(o);
}

void *k8c_obj_decode_with(const struct k8c_kind *k, const cJSON *json,
			  k8c_transform_fn transform, bool *ret_partial)
{
	struct k8c_object *o = k8c_obj_new(k->type);
	struct field_errors errs = FIELD_ERRORS_INIT;
	int r = k8c_decode(k->type, json, o, 0, "", &errs);
	field_errors_release(&errs);
	return finish(k, o, r, transform, ret_partial);
}

void *k8c_obj_decode_text_with(const struct k8c_kind *k, const char *text, size_t len,
			       k8c_transform_fn transform, bool *ret_partial)
{
	struct k8c_object *o = k8c_obj_new(k->type);
	struct field_errors errs = FIELD_ERRORS_INIT;
	int r = k8c_decode_json(k->type, text, len, o, 0, &errs, NULL);
	field_errors_release(&errs);
	if (r == -EBADMSG || r == -ENOMSG) {
		k8c_obj_unref(o);
		return NULL;
	}
	return finish(k, o, r, transform, ret_partial);
}

void *k8c_obj_decode(const struct k8c_kind *k, const cJSON *json, bool *ret_partial)
{
	return k8c_obj_decode_with(k, json, NULL, ret_partial);
}

void *k8c_obj_decode_text(const struct k8c_kind *k, const char *text, size_t len,
			  bool *ret_partial)
{
	return k8c_obj_decode_text_with(k, text, len, NULL, ret_partial);
}
