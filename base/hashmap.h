/*
 * hashmap.h - a map from NUL-terminated string keys to opaque pointers
 * (open addressing, linear probing, power-of-two capacity).
 *
 * The map copies keys it stores and frees them itself; values are borrowed:
 * the map never frees a value (hashmap_release takes an optional callback).
 * Iteration order is unspecified and invalidated by any insert or remove.
 * Not thread-safe: callers lock.
 */
#ifndef K8C_HASHMAP_H
#define K8C_HASHMAP_H

#include "base/base.h"

struct hashmap_entry {
	char *key;       /* NULL = empty slot, HASHMAP_TOMBSTONE = removed */
	uint32_t hash;
	void *value;
};

struct hashmap {
	struct hashmap_entry *slots;
	size_t cap;   /* 0 or a power of two */
	size_t count; /* live entries */
	size_t used;  /* live entries + tombstones */
};

#define HASHMAP_INIT { 0 }

/* FNV-1a over the key bytes; exposed for callers that shard by hash. */
uint32_t hashmap_hash(const char *key);
/* Frees slots and keys; calls free_value(value) on each value if non-NULL. */
void hashmap_release(struct hashmap *m, void (*free_value)(void *));
/* Returns the value for key, or NULL when absent. */
void *hashmap_get(const struct hashmap *m, const char *key);
/* True when key is present (its value may be NULL). */
bool hashmap_contains(const struct hashmap *m, const char *key);
/* Sets key to value. Returns the previous value (NULL if the key was new). */
void *hashmap_put(struct hashmap *m, const char *key, void *value);
/* Removes key. Returns its value, or NULL when absent. */
void *hashmap_remove(struct hashmap *m, const char *key);
/*
 * Iterates: start with *pos = 0; returns the next live entry or NULL at the end.
 * The map must not change during iteration.
 */
struct hashmap_entry *hashmap_next(const struct hashmap *m, size_t *pos);

#endif
