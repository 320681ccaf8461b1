/*
 * lru.h - a map from string keys to owned values holding at most `cap` entries: putting
 * one more evicts the least recently used (as groupcache's lru.Cache, which client-go's
 * event correlator uses). Keys are copied; values are freed with the free_value given at
 * init when replaced, evicted or released. Not thread-safe: callers lock.
 */
#ifndef K8C_CLIENT_LRU_H
#define K8C_CLIENT_LRU_H

#include "base/hashmap.h"

struct lru_node {
	struct lru_node *prev, *next; /* most recently used first */
	char *key;
	void *value;
};

struct lru {
	struct hashmap map;   /* key -> struct lru_node */
	struct lru_node head; /* sentinel of the recency list */
	size_t cap;
	void (*free_value)(void *value);
};

/* Sets c up empty for at most cap (>= 1) entries; free_value may be NULL. */
void lru_init(struct lru *c, size_t cap, void (*free_value)(void *value));
/* Frees every entry and the map; c is empty and reusable after lru_init(). */
void lru_release(struct lru *c);
/* The value of key (borrowed; marks it most recently used), or NULL when absent. */
void *lru_get(struct lru *c, const char *key);
/* Sets key to value (owned by c from now on), freeing a previous different value. */
void lru_put(struct lru *c, const char *key, void *value);
/* How many entries c holds. */
size_t lru_len(const struct lru *c);

#endif
