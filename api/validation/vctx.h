/*
 * vctx.h - the validation context the per-kind validators of api/validation
 * share: the error list being filled and the field path of the value under
 * inspection, grown and shrunk as validators descend ("spec" ->
 * "spec.containers[0]" -> "spec.containers[0].image"), plus error helpers that
 * report at that path or at one child of it, with apimachinery's texts
 * (field_err.h). Paths print as field.Path does: ".child", "[3]", "[key]".
 * Internal to api/; not thread-safe on one context.
 */
#ifndef K8C_API_VALIDATION_VCTX_H
#define K8C_API_VALIDATION_VCTX_H

#include "api/field_errors.h"
#include "api/validation/names.h"
#include "base/strbuf.h"

struct vctx {
	struct field_errors *errs; /* borrowed */
	struct strbuf path;
};

/* Starts a context appending to errs at path root ("" for the top). */
void vctx_init(struct vctx *v, struct field_errors *errs, const char *root);
/* Frees the path buffer. */
void vctx_release(struct vctx *v);

/*
 * Descends into a member ("name"), a list element (i) or a map entry (key).
 * Each returns a mark to hand to vctx_pop() to come back up.
 */
size_t vctx_child(struct vctx *v, const char *name);
size_t vctx_index(struct vctx *v, size_t i);
size_t vctx_key(struct vctx *v, const char *key);
void vctx_pop(struct vctx *v, size_t mark);

/*
 * Error helpers: each reports at <path>.<child>, or at <path> itself when
 * child is NULL. Values are quoted as Go's %q; *_go variants take a value
 * already rendered as Go prints it (govalue.h), e.g. `map[string]string{}`.
 */
void vctx_required(struct vctx *v, const char *child, const char *detail);
void vctx_forbidden(struct vctx *v, const char *child, const char *detail);
void vctx_invalid(struct vctx *v, const char *child, const char *value, const char *detail);
void vctx_invalid_int(struct vctx *v, const char *child, int64_t value, const char *detail);
void vctx_invalid_go(struct vctx *v, const char *child, const char *rendered, const char *detail);
void vctx_not_supported(struct vctx *v, const char *child, const char *value,
			const char *const *supported, size_t n);
/* field.NotSupported whose value is already rendered as Go prints it (a struct, a number). */
void vctx_not_supported_go(struct vctx *v, const char *child, const char *rendered,
			   const char *const *supported, size_t n);
void vctx_duplicate(struct vctx *v, const char *child, const char *value);
void vctx_duplicate_int(struct vctx *v, const char *child, int64_t value);
/* field.Duplicate whose Detail was overwritten (`Duplicate value: <rendered>: <detail>`). */
void vctx_duplicate_go(struct vctx *v, const char *child, const char *rendered,
		       const char *detail);
/* field.NotFound: `Not found: "<value>"`. */
void vctx_not_found(struct vctx *v, const char *child, const char *value);

/* One Invalid error per message of a failed name check (names.h). */
void vctx_msgs(struct vctx *v, const char *child, const char *value,
	       const struct k8c_name_msgs *msgs);
/* ValidateDNS1123Label / ValidateDNS1123Subdomain / ValidateQualifiedName. Return true if valid. */
bool vctx_dns1123_label(struct vctx *v, const char *child, const char *value);
bool vctx_dns1123_subdomain(struct vctx *v, const char *child, const char *value);
bool vctx_qualified_name(struct vctx *v, const char *child, const char *value);
/* IsValidLabelValue, reported as one Invalid error per message. */
void vctx_label_value(struct vctx *v, const char *child, const char *value);
/* IsValidIP (apimachinery's legacy wording). Returns true if valid. */
bool vctx_ip(struct vctx *v, const char *child, const char *value);
/* ValidateNonnegativeField: "must be greater than or equal to 0". */
void vctx_nonnegative(struct vctx *v, const char *child, int64_t value);
/* InclusiveRangeError: Invalid "must be between lo and hi, inclusive" when value is outside. */
void vctx_int_range(struct vctx *v, const char *child, int64_t value, int64_t lo, int64_t hi);
/* True when value is one of the n strings of set (NULL counts as ""). */
bool vctx_one_of(const char *value, const char *const *set, size_t n);
/*
 * A value that must be one of set: Required (empty detail) when empty and
 * required, else NotSupported listing set. Returns true when valid.
 */
bool vctx_enum(struct vctx *v, const char *child, const char *value, const char *const *set,
	       size_t n, bool required);

/* Returns s, or "" when s is NULL (absent strings of the generated structs). */
static inline const char *vstr(const char *s)
{
	return s ? s : "";
}

/* True when s is NULL or empty. */
static inline bool vempty(const char *s)
{
	return !s || !*s;
}

/* True when s is a non-NULL string equal to lit. */
static inline bool vis(const char *s, const char *lit)
{
	return s && strcmp(s, lit) == 0;
}

#endif
