/*
 * delay_heap.h - keys waiting until a time (the workqueue's add_after): a binary min-heap
 * ordered by ready time, with an index so that a key waits at most once (adding it again
 * only ever moves it earlier, as client-go's delaying queue does). Not thread-safe: the
 * workqueue holds its lock around every call.
 */
#ifndef K8C_CLIENT_DELAY_HEAP_H
#define K8C_CLIENT_DELAY_HEAP_H

#include "base/hashmap.h"

struct delay_entry {
	char *key; /* owned */
	int64_t ready_ns;
};

struct delay_heap {
	struct delay_entry *items;
	size_t n, alloc;
	struct hashmap index; /* key -> position + 1 */
};

#define DELAY_HEAP_INIT { NULL, 0, 0, HASHMAP_INIT }

/* Frees every waiting key; h is empty and reusable afterwards. */
void delay_heap_release(struct delay_heap *h);

/* Makes key (copied) ready at ready_ns, or earlier if it already waits for a later time. */
void delay_heap_push(struct delay_heap *h, const char *key, int64_t ready_ns);

/* The earliest ready time, or INT64_MAX when nothing waits. */
int64_t delay_heap_next(const struct delay_heap *h);

/* Removes and returns (caller frees) the earliest key if it is ready at now_ns, else NULL. */
char *delay_heap_pop_ready(struct delay_heap *h, int64_t now_ns);

#endif
