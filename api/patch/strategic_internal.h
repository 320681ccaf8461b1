/*
 * strategic_internal.h - the pieces of the strategic merge patch shared by
 * its files: schema lookups, the merge of objects and lists (used both to
 * apply a patch and, in "patch mode", to merge two patches for the
 * three-way diff), the list ordering rules of $setElementOrder, and a small
 * vector of cJSON items. Internal to api/patch.
 */
#ifndef K8C_API_PATCH_STRATEGIC_INTERNAL_H
#define K8C_API_PATCH_STRATEGIC_INTERNAL_H

#include "api/patch/patch_internal.h"

#define SMP_DIRECTIVE	     "$patch"
#define SMP_RETAIN_KEYS	     "$retainKeys"
#define SMP_SET_ORDER	     "$setElementOrder/"
#define SMP_DELETE_PRIMITIVE "$deleteFromPrimitiveList/"

/*
 * apply: applying a patch to an object (upstream's MergeParallelList and
 * IgnoreUnmatchedNulls: directives are executed, nulls delete). Otherwise
 * two patches are merged: directives and nulls are carried into the result.
 */
struct smp {
	bool apply;
	struct strbuf *err;
};

/* A vector of cJSON items; whether it owns them depends on the use. */
struct jvec {
	cJSON **v;
	size_t n, alloc;
};

void smp__push(struct jvec *v, cJSON *item);
/* Frees the vector's array (not the items). */
void smp__vec_release(struct jvec *v);
/* The elements of array arr, borrowed. */
void smp__vec_borrow(struct jvec *v, const cJSON *arr);
/* Moves every element of arr into v (arr ends empty). */
void smp__vec_detach(struct jvec *v, cJSON *arr);
/* Moves every item of v, in order, into the empty array arr (v ends empty). */
void smp__vec_attach(struct jvec *v, cJSON *arr);

/* The schema field of t for key (NULL without a schema or when t has no such field). */
const struct k8c_field *smp__field(const struct k8c_type *t, const char *key);
/* The type of an object field's values / elements, or NULL. */
const struct k8c_type *smp__sub(const struct k8c_field *f);
/* True for a list merged by strategic patch (patchStrategy "merge"). */
bool smp__is_merge_list(const struct k8c_field *f);

/* Merges patch into the object orig, in place. */
int smp__merge_object(struct smp *s, cJSON *orig, const cJSON *patch, const struct k8c_type *t);
/*
 * Merges the list patch into the array orig, in place, as the list field f
 * says (f NULL: replace). delete_list: patch is a $deleteFromPrimitiveList.
 */
int smp__merge_list(struct smp *s, cJSON *orig, const cJSON *patch, const struct k8c_field *f,
		    bool delete_list);
/*
 * The value to store for a patch value whose member the original lacks (or
 * has with another type): a copy, with directives executed and nulls dropped
 * when applying. NULL when nothing is to be stored ({"$patch":"delete"}).
 */
cJSON *smp__new_value(struct smp *s, const cJSON *pv, const struct k8c_field *f, int *rc);
/* Executes "$setElementOrder/<key>" of patch on orig. */
int smp__set_element_order(struct smp *s, cJSON *orig, const cJSON *patch, const cJSON *directive,
			   const struct k8c_type *t);

/* Position of item in list: by merge key value for maps (mk), by value otherwise; -1 if absent. */
long smp__index(const struct jvec *list, const cJSON *item, const char *mk);
/* "map: {...} does not contain declared merge key: name" (-EBADMSG) unless item has mk. */
int smp__need_merge_key(struct smp *s, const cJSON *item, const char *mk);
/*
 * The common kind of the elements of two arrays (either may be NULL):
 * "object", "scalar", or "" when both are empty. Lists of lists and mixed
 * lists are errors.
 */
int smp__element_kind(struct smp *s, const cJSON *a, const cJSON *b, const char **ret_kind);
/* Splits merged (borrowed) into the items present in by and the others. */
int smp__partition(struct smp *s, const struct jvec *merged, const struct jvec *by, const char *mk,
		   struct jvec *in, struct jvec *out);
/*
 * normalizeElementOrder: patch items sorted by patch_order, server-only items
 * by server_order (delete directives last), then merged so both relative
 * orders hold, server-only items placed by their position in server_order.
 * Appends the result to ret; the input vectors are consumed.
 */
int smp__normalize_order(struct smp *s, struct jvec *patch_items, struct jvec *server_only,
			 const struct jvec *patch_order, const struct jvec *server_order,
			 const char *mk, bool maps, struct jvec *ret);
/* Sorts items (stably) by their position in order (normalizeSliceOrder without deletes). */
void smp__sort_by(struct jvec *items, const struct jvec *order, const char *mk);

#endif
