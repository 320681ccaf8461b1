/*
 * object.h - what every top-level Kubernetes object has in common. The
 * generated struct of every kind starts with kind, apiVersion and metadata
 * (hack/extract-schema.py orders them so), which lets generic code (the API
 * server, informers) treat any object as a struct k8c_object. object.c checks
 * the layout at compile time. Pure functions; thread-safe on distinct objects.
 */
#ifndef K8C_API_OBJECT_H
#define K8C_API_OBJECT_H

#include "api/kinds.h"
#include "api/types.gen.h"

struct k8c_object {
	char *kind;
	char *api_version;
	struct k8c_object_meta metadata;
};

/* The object header of obj, a struct of one of the registered kinds. */
static inline struct k8c_object *k8c_object_of(void *obj)
{
	return obj;
}

/* The field of kind k's type named json ("spec", "status"), or NULL. */
const struct k8c_field *k8c_object_field(const struct k8c_kind *k, const char *json);
/* True when a and b (both of kind k) have equal values of field json (absent = equal). */
bool k8c_object_field_equal(const struct k8c_kind *k, const void *a, const void *b,
			    const char *json);
/* Replaces field json of dst with a deep copy of src's (both of kind k). */
void k8c_object_field_copy(const struct k8c_kind *k, void *dst, const void *src,
			   const char *json);
/* Resets field json of obj to absent/empty. */
void k8c_object_field_clear(const struct k8c_kind *k, void *obj, const char *json);
/* True when meta lists finalizer. */
bool k8c_object_has_finalizer(const struct k8c_object_meta *meta, const char *finalizer);
/* Adds finalizer to meta unless present. */
void k8c_object_add_finalizer(struct k8c_object_meta *meta, const char *finalizer);
/* Removes finalizer from meta. Returns true if it was present. */
bool k8c_object_remove_finalizer(struct k8c_object_meta *meta, const char *finalizer);

#endif
