/*
 * jsonutil.h - reading and writing members of unstructured objects (cJSON) by
 * dotted paths ("metadata.name", "spec.template.spec"), as kubectl's
 * unstructured.Nested* helpers do. Path segments cannot contain dots: use
 * cJSON_GetObjectItemCaseSensitive() for label and annotation keys. Pure.
 */
#ifndef K8C_KUBECTL_JSONUTIL_H
#define K8C_KUBECTL_JSONUTIL_H

#include <cjson/cJSON.h>

#include "base/base.h"

/* The member at path (borrowed), or NULL when a segment is missing or not an object. */
cJSON *kj_get(const cJSON *obj, const char *path);

/* The string at path (borrowed), or NULL when absent or not a string. */
const char *kj_str(const cJSON *obj, const char *path);

/* The string at path, or def when absent. */
const char *kj_str_or(const cJSON *obj, const char *path, const char *def);

/* The number at path as an integer, or def when absent or not a number. */
int64_t kj_int(const cJSON *obj, const char *path, int64_t def);

/* True when path holds true. */
bool kj_true(const cJSON *obj, const char *path);

/* The object at path, created (with every missing parent) when absent or not an object. */
cJSON *kj_ensure(cJSON *obj, const char *path);

/* Sets member key of obj to v (taking it), replacing any old value. */
void kj_set(cJSON *obj, const char *key, cJSON *v);

/* Sets the string at path (parents created). */
void kj_set_str(cJSON *obj, const char *path, const char *value);

/* Removes the member at path if present. */
void kj_remove(cJSON *obj, const char *path);

/*
 * The members of an object or the items of a list, sorted by cmp (a qsort comparator
 * over const cJSON *const *; NULL = by member name): a new array of *n borrowed
 * pointers plus a NULL, to free(). A missing or scalar container gives none.
 */
const cJSON **kj_sorted(const cJSON *container, int (*cmp)(const void *, const void *),
			size_t *n);

/* The string member key of the object at path (for keys with dots), or NULL. */
const char *kj_map_str(const cJSON *obj, const char *path, const char *key);

#endif
