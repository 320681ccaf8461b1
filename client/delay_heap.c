/*
 * delay_heap.c - the min-heap of waiting keys; see delay_heap.h.
 */
#include "client/delay_heap.h"

static void place(struct delay_heap *h, size_t i, struct delay_entry e)
{
	h->items[i] = e;
	hashmap_put(&h->index, e.key, (void *)(uintptr_t)(i + 1));
}

static void sift_up(struct delay_heap *h, size_t i)
{
	struct delay_entry e = h->items[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (h->items[parent].ready_ns <= e.ready_ns)
			break;
		place(h, i, h->items[parent]);
		i = parent;
	}
	place(h, i, e);
}

static void sift_down(struct delay_heap *h, size_t i)
{
	struct delay_entry e = h->items[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->items[c + 1].ready_ns < h->items[c].ready_ns)
			c++;
		if (e.ready_ns <= h->items[c].ready_ns)
			break;
		place(h, i, h->items[c]);
		i = c;
	}
	place(h, i, e);
}

void delay_heap_release(struct delay_heap *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->items[i].key);
	free(h->items);
	hashmap_release(&h->index, NULL);
	*h = (struct delay_heap)DELAY_HEAP_INIT;
}

void delay_heap_push(struct delay_heap *h, const char *key, int64_t ready_ns)
{
	uintptr_t pos = (uintptr_t)hashmap_get(&h->index, key);
	if (pos) {
		if (ready_ns < h->items[pos - 1].ready_ns) {
			h->items[pos - 1].ready_ns = ready_ns;
			sift_up(h, pos - 1);
		}
		return;
	}
	ALLOC_GROW(h->items, h->n + 1, h->alloc);
	h->items[h->n] = (struct delay_entry){ xstrdup(key), ready_ns };
	sift_up(h, h->n++);
}

int64_t delay_heap_next(const struct delay_heap *h)
{
	return h->n ? h->items[0].ready_ns : INT64_MAX;
}

char *delay_heap_pop_ready(struct delay_heap *h, int64_t now_ns)
{
	if (!h->n || h->items[0].ready_ns > now_ns)
		return NULL;
	char *key = h->items[0].key;
	hashmap_remove(&h->index, key);
	if (--h->n) {
		h->items[0] = h->items[h->n];
		sift_down(h, 0);
	}
	return key;
}
