/*
 * object.c - generic access to top-level objects by field name; see object.h.
 */
#include "api/object.h"

#include "api/codec_internal.h"

#define CHECK_LAYOUT(T)                                                                             \
	_Static_assert(offsetof(struct T, kind) == offsetof(struct k8c_object, kind) &&            \
			       offsetof(struct T, api_version) ==                                  \
				       offsetof(struct k8c_object, api_version) &&                 \
			       offsetof(struct T, metadata) == offsetof(struct k8c_object, metadata), \
		       #T " does not start with kind, apiVersion, metadata")
CHECK_LAYOUT(k8c_pod);
CHECK_LAYOUT(k8c_service);
CHECK_LAYOUT(k8c_endpoints);
CHECK_LAYOUT(k8c_node);
CHECK_LAYOUT(k8c_namespace);
CHECK_LAYOUT(k8c_event);
CHECK_LAYOUT(k8c_config_map);
CHECK_LAYOUT(k8c_secret);
CHECK_LAYOUT(k8c_deployment);
CHECK_LAYOUT(k8c_replica_set);
CHECK_LAYOUT(k8c_lease);
CHECK_LAYOUT(k8c_scale);

const struct k8c_field *k8c_object_field(const struct k8c_kind *k, const char *json)
{
	return k8c_type_field(k->type, json);
}

bool k8c_object_field_equal(const struct k8c_kind *k, const void *a, const void *b,
			    const char *json)
{
	const struct k8c_field *f = k8c_object_field(k, json);
	if (!f)
		return true;
	struct k8c_type one = { .name = k->type->name, .size = k->type->size, .fields = f,
				.n_fields = 1 };
	return k8c_equal(&one, a, b);
}

void k8c_object_field_copy(const struct k8c_kind *k, void *dst, const void *src,
			   const char *json)
{
	const struct k8c_field *f = k8c_object_field(k, json);
	if (f)
		k8c_codec_copy_field(f, dst, src);
}

void k8c_object_field_clear(const struct k8c_kind *k, void *obj, const char *json)
{
	const struct k8c_field *f = k8c_object_field(k, json);
	if (f)
		k8c_codec_release_field(f, obj);
}

bool k8c_object_has_finalizer(const struct k8c_object_meta *meta, const char *finalizer)
{
	for (size_t i = 0; i < meta->n_finalizers; i++)
		if (!strcmp(meta->finalizers[i], finalizer))
			return true;
	return false;
}

void k8c_object_add_finalizer(struct k8c_object_meta *meta, const char *finalizer)
{
	if (k8c_object_has_finalizer(meta, finalizer))
		return;
	meta->finalizers = xrealloc(meta->finalizers, (meta->n_finalizers + 1) * sizeof(char *));
	meta->finalizers[meta->n_finalizers++] = xstrdup(finalizer);
}

bool k8c_object_remove_finalizer(struct k8c_object_meta *meta, const char *finalizer)
{
	for (size_t i = 0; i < meta->n_finalizers; i++) {
		if (strcmp(meta->finalizers[i], finalizer))
			continue;
		free(meta->finalizers[i]);
		memmove(&meta->finalizers[i], &meta->finalizers[i + 1],
			(meta->n_finalizers - i - 1) * sizeof(char *));
		meta->n_finalizers--;
		return true;
	}
	return false;
}
