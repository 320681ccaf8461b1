/*
 * lru.c - a hash map plus a doubly linked recency list; see lru.h.
 */
#include "client/lru.h"

static void unlink_node(struct lru_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

static void push_front(struct lru *c, struct lru_node *n)
{
	n->prev = &c->head;
	n->next = c->head.next;
	c->head.next->prev = n;
	c->head.next = n;
}

static void node_free(struct lru *c, struct lru_node *n)
{
	if (c->free_value)
		c->free_value(n->value);
	free(n->key);
	free(n);
}

void lru_init(struct lru *c, size_t cap, void (*free_value)(void *value))
{
	*c = (struct lru){ .map = HASHMAP_INIT, .cap = cap ? cap : 1, .free_value = free_value };
	c->head.prev = c->head.next = &c->head;
}

void lru_release(struct lru *c)
{
	while (c->head.next != &c->head) {
		struct lru_node *n = c->head.next;
		unlink_node(n);
		node_free(c, n);
	}
	hashmap_release(&c->map, NULL);
}

void *lru_get(struct lru *c, const char *key)
{
	struct lru_node *n = hashmap_get(&c->map, key);
	if (!n)
		return NULL;
	unlink_node(n);
	push_front(c, n);
	return n->value;
}

void lru_put(struct lru *c, const char *key, void *value)
{
	struct lru_node *n = hashmap_get(&c->map, key);
	if (n) {
		if (n->value != value && c->free_value)
			c->free_value(n->value);
		n->value = value;
		unlink_node(n);
		push_front(c, n);
		return;
	}
	n = xcalloc(1, sizeof(*n));
	n->key = xstrdup(key);
	n->value = value;
	hashmap_put(&c->map, key, n);
	push_front(c, n);
	if (c->map.count > c->cap) {
		struct lru_node *old = c->head.prev;
		unlink_node(old);
		hashmap_remove(&c->map, old->key);
		node_free(c, old);
	}
}

size_t lru_len(const struct lru *c)
{
	return c->map.count;
}
