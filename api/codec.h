/*
 * codec.h - the generic JSON codec: turns JSON text or cJSON trees into the
 * generated C structs and structs into JSON text, driven by the type descriptors of
 * schema.h. Also deep copy, release and equality of any generated struct.
 * Pure functions; thread-safe on distinct objects.
 */
#ifndef K8C_API_CODEC_H
#define K8C_API_CODEC_H

#include <cjson/cJSON.h>

#include "api/field_errors.h"
#include "api/schema.h"
#include "base/strbuf.h"

enum k8c_decode_flags {
	/* fieldValidation=Strict: unknown fields are FIELD_ERROR_UNKNOWN errors (else dropped) */
	K8C_DECODE_STRICT = 1 << 0,
};

/*
 * Decodes json (a JSON object) into out, a zeroed struct of type t. JSON null
 * anywhere means "absent". Type mismatches (a string where an integer belongs,
 * an int32 out of range, a bad timestamp...) add FIELD_ERROR_TYPE errors, and
 * unknown fields FIELD_ERROR_UNKNOWN errors when K8C_DECODE_STRICT; the path
 * of each error starts with path_prefix ("" at the top). Returns 0, or -EINVAL
 * when errors were added; either way out holds what could be decoded and must
 * be released with k8c_release().
 */
int k8c_decode(const struct k8c_type *t, const cJSON *json, void *out, unsigned flags,
	       const char *path_prefix, struct field_errors *errs);

/*
 * Decodes text (len bytes of JSON) as k8c_decode() decodes its tree, in one
 * pass without building one (the text is read as cJSON_Parse* reads it, so
 * both accept the same texts and decode them alike). Returns 0; -EINVAL when
 * field errors were added; -ENOMSG when the text is JSON but not an object (a
 * FIELD_ERROR_TYPE error at path "" added); -EBADMSG when it is not JSON: a
 * FIELD_ERROR_TYPE error at path "" is added, the errors of the partial
 * decode are dropped, out is released (zeroed) and *ret_offset (if non-NULL)
 * gets the offset where reading stopped. Either way out must be released.
 */
int k8c_decode_json(const struct k8c_type *t, const char *text, size_t len, void *out,
		    unsigned flags, struct field_errors *errs, size_t *ret_offset);

/* k8c_decode_json() with every failure returned as -EINVAL. */
int k8c_decode_text(const struct k8c_type *t, const char *text, size_t len, void *out,
		    unsigned flags, struct field_errors *errs);

/* Appends obj (a struct of type t) to out as compact JSON, fields in declaration order. */
void k8c_encode(const struct k8c_type *t, const void *obj, struct strbuf *out);

/* Frees every member of obj (not obj itself) and zeroes it. */
void k8c_release(const struct k8c_type *t, void *obj);

/* Frees every member of obj and obj itself. NULL-safe. */
void k8c_free(const struct k8c_type *t, void *obj);

/* Makes dst (uninitialized memory of t->size bytes) a deep copy of src. */
void k8c_copy(const struct k8c_type *t, void *dst, const void *src);

/* Returns a newly allocated deep copy of src. */
void *k8c_dup(const struct k8c_type *t, const void *src);

/*
 * Packing (codec_pack.c): a read-only copy of an object whose strings, lists,
 * maps and sub-structs all live in one arena, for caches that hold many.
 * k8c_pack_size() is the arena's size for obj (a struct of type t).
 * k8c_pack() copies src into dst (t->size bytes) with every member pointing
 * into arena (k8c_pack_size bytes, 8-byte aligned); free-form JSON trees are
 * moved, not copied (src's are set NULL), so src is then released as usual.
 * A packed object must never be changed or given to k8c_release(): release
 * it with k8c_release_packed(), which frees the moved JSON trees, then free
 * the memory of dst and arena. Pure; thread-safe on distinct objects.
 */
size_t k8c_pack_size(const struct k8c_type *t, const void *obj);
void k8c_pack(const struct k8c_type *t, void *dst, void *src, void *arena);
void k8c_release_packed(const struct k8c_type *t, void *obj);

/* True when a and b encode to the same JSON. */
bool k8c_equal(const struct k8c_type *t, const void *a, const void *b);

#endif
