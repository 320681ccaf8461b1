/*
 * patch_internal.h - cJSON helpers shared by the patch implementations:
 * constructors that abort on out-of-memory (cJSON itself returns NULL),
 * member replacement that keeps the member's position, key sorting, and
 * value printing for error messages. Internal to api/patch.
 */
#ifndef K8C_API_PATCH_PATCH_INTERNAL_H
#define K8C_API_PATCH_PATCH_INTERNAL_H

#include "api/patch/patch.h"

/* Deep copy of v. */
cJSON *patch__dup(const cJSON *v);
/* New empty object / array / null / string. */
cJSON *patch__object(void);
cJSON *patch__array(void);
cJSON *patch__null(void);
cJSON *patch__string(const char *s);

/* Sets obj[key] = val (taking val): replaces an existing member in place, else appends. */
void patch__set(cJSON *obj, const char *key, cJSON *val);
/* Appends val (taken) to array arr. */
void patch__append(cJSON *arr, cJSON *val);
/*
 * Inserts val (taken) at index idx (0..size) of array arr. (Debian's cJSON
 * 1.7.15 cJSON_InsertItemInArray refuses to insert before an existing item.)
 */
void patch__insert(cJSON *arr, int idx, cJSON *val);
/* Deletes every child of an object or array. */
void patch__clear(cJSON *v);
/* Replaces *doc by result (taken), freeing the old document. */
void patch__replace_root(cJSON **doc, cJSON *result);
/* obj[key] for an object (case-sensitive), NULL when absent or obj is not an object. */
cJSON *patch__get(const cJSON *obj, const char *key);

/* Sorts the members of every object in v by key (bytewise, stable), as Go marshals maps. */
void patch__sort_keys(cJSON *v);

/* Appends v as compact JSON (for error messages). */
void patch__print(const cJSON *v, struct strbuf *out);

/* The JSON kind of v: "object", "array", "string", "number", "bool" or "null". */
const char *patch__kind(const cJSON *v);

/* Deep equality (cJSON_Compare, case-sensitive keys); both NULL are equal. */
bool patch__equal(const cJSON *a, const cJSON *b);

/* Appends a printf-formatted message to err (which may be NULL) and returns rc. */
int patch__fail(struct strbuf *err, int rc, const char *fmt, ...) K8C_PRINTF(3, 4);

#endif
