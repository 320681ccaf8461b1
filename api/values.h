/*
 * values.h - the small value types the generated Kubernetes structs are made
 * of, besides plain C scalars: string maps (labels, annotations, resource
 * lists), IntOrString, and string vectors. Not thread-safe; owned by the struct
 * that contains them and freed by its release function.
 */
#ifndef K8C_API_VALUES_H
#define K8C_API_VALUES_H

#include "base/base.h"

/*
 * A map[string]string kept sorted by key (bytewise), so encoding is
 * deterministic and lookups are binary searches. Both keys and values are
 * owned by the map.
 */
struct k8c_strpair {
	char *key;
	char *value;
};

struct k8c_strmap {
	struct k8c_strpair *items;
	size_t n;
	size_t alloc;
};

/* Returns the value for key (borrowed), or NULL when absent. */
const char *k8c_strmap_get(const struct k8c_strmap *m, const char *key);
/* Sets key to a copy of value, replacing any previous value. */
void k8c_strmap_set(struct k8c_strmap *m, const char *key, const char *value);
/* Same, but takes value (malloc'ed) over instead of copying it. */
void k8c_strmap_set_take(struct k8c_strmap *m, const char *key, char *value);
/* Removes key. Returns true if it was present. */
bool k8c_strmap_remove(struct k8c_strmap *m, const char *key);
/* Frees everything; leaves m empty and reusable. */
void k8c_strmap_release(struct k8c_strmap *m);
/* Makes dst (uninitialized) a deep copy of src. */
void k8c_strmap_copy(struct k8c_strmap *dst, const struct k8c_strmap *src);
/* True when both maps hold the same pairs. */
bool k8c_strmap_equal(const struct k8c_strmap *a, const struct k8c_strmap *b);

/* IntOrString (intstr.IntOrString): ports, maxSurge, maxUnavailable... */
enum k8c_intstr_type {
	K8C_INTSTR_UNSET = 0,
	K8C_INTSTR_INT,
	K8C_INTSTR_STRING,
};

struct k8c_intstr {
	enum k8c_intstr_type type;
	int32_t ival;
	char *sval; /* owned; set only when type == K8C_INTSTR_STRING */
};

/*
 * Resolves an IntOrString that is either an integer or a percentage ("25%")
 * against total, rounding up when round_up, else down (as
 * intstr.GetScaledValueFromIntOrPercent). Returns 0 and *ret, or -EINVAL for
 * a string that is not "<int>%".
 */
int k8c_intstr_scaled(const struct k8c_intstr *v, int32_t total, bool round_up, int32_t *ret);

#endif
