/*
 * hashmap.c - string-keyed open-addressing hash map; see hashmap.h.
 */
#include "base/hashmap.h"

static char tombstone_key[1];
#define TOMBSTONE tombstone_key

uint32_t hashmap_hash(const char *key)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h;
}

void hashmap_release(struct hashmap *m, void (*free_value)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		struct hashmap_entry *e = &m->slots[i];
		if (!e->key || e->key == TOMBSTONE)
			continue;
		if (free_value)
			free_value(e->value);
		free(e->key);
	}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct hashmap_entry *find(const struct hashmap *m, const char *key, uint32_t h)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct hashmap_entry *e = &m->slots[i];
		if (!e->key)
			return NULL;
		if (e->key != TOMBSTONE && e->hash == h && strcmp(e->key, key) == 0)
			return e;
	}
}

void *hashmap_get(const struct hashmap *m, const char *key)
{
	struct hashmap_entry *e = find(m, key, hashmap_hash(key));
	return e ? e->value : NULL;
}

bool hashmap_contains(const struct hashmap *m, const char *key)
{
	return find(m, key, hashmap_hash(key)) != NULL;
}

static void rehash(struct hashmap *m, size_t cap)
{
	struct hashmap_entry *old = m->slots;
	size_t oldcap = m->cap;
	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	m->used = m->count;
	size_t mask = cap - 1;
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].key || old[i].key == TOMBSTONE)
			continue;
		size_t j = old[i].hash & mask;
		while (m->slots[j].key)
			j = (j + 1) & mask;
		m->slots[j] = old[i];
	}
	free(old);
}

void *hashmap_put(struct hashmap *m, const char *key, void *value)
{
	uint32_t h = hashmap_hash(key);
	struct hashmap_entry *e = find(m, key, h);
	if (e) {
		void *prev = e->value;
		e->value = value;
		return prev;
	}
	if ((m->used + 1) * 4 >= m->cap * 3) {
		size_t cap = m->cap ? m->cap : 16;
		while ((m->count + 1) * 2 >= cap)
			cap *= 2;
		rehash(m, cap);
	}
	size_t mask = m->cap - 1;
	size_t i = h & mask;
	while (m->slots[i].key && m->slots[i].key != TOMBSTONE)
		i = (i + 1) & mask;
	if (!m->slots[i].key)
		m->used++;
	m->slots[i].key = xstrdup(key);
	m->slots[i].hash = h;
	m->slots[i].value = value;
	m->count++;
	return NULL;
}

void *hashmap_remove(struct hashmap *m, const char *key)
{
	struct hashmap_entry *e = find(m, key, hashmap_hash(key));
	if (!e)
		return NULL;
	void *v = e->value;
	free(e->key);
	e->key = TOMBSTONE;
	e->value = NULL;
	m->count--;
	return v;
}

struct hashmap_entry *hashmap_next(const struct hashmap *m, size_t *pos)
{
	while (*pos < m->cap) {
		struct hashmap_entry *e = &m->slots[(*pos)++];
		if (e->key && e->key != TOMBSTONE)
			return e;
	}
	return NULL;
}
