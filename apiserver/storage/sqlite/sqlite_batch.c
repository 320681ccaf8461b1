/*
 * sqlite_batch.c - the events of one commit, copied once into a single
 * reference-counted allocation that every watch's queue shares. The writer
 * builds it from the batch's requests (whose memory belongs to callers that
 * are about to be woken); each watch thread drops its reference once it has
 * delivered the events.
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

static bool is_event(const struct sqlite_op *op)
{
	return op->err == 0 && op->kind != SQLITE_OP_COMPACT;
}

/* The value an op's event carries: the new one, or for a delete the last one. */
static const char *event_value(const struct sqlite_op *op, size_t *ret_len)
{
	if (op->kind == SQLITE_OP_DELETE) {
		*ret_len = op->kv.value_len;
		return op->kv.value;
	}
	*ret_len = op->len;
	return op->value;
}

static const enum storage_event_type event_types[] = {
	[SQLITE_OP_CREATE] = STORAGE_EVENT_CREATE,
	[SQLITE_OP_UPDATE] = STORAGE_EVENT_UPDATE,
	[SQLITE_OP_DELETE] = STORAGE_EVENT_DELETE,
};

/* Copies n bytes to *p followed by a NUL, advances *p, returns the copy. */
static const char *copy_out(char **p, const void *src, size_t n)
{
	char *dst = *p;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
	*p = dst + n + 1;
	return dst;
}

struct sqlite_batch *sqlite__batch_new(const struct sqlite_op *ops)
{
	size_t n = 0, data = 0, len;
	for (const struct sqlite_op *op = ops; op; op = op->next) {
		if (!is_event(op))
			continue;
		event_value(op, &len);
		data += strlen(op->key) + 1 + len + 1;
		n++;
	}
	if (!n)
		return NULL;
	size_t head = sizeof(struct sqlite_batch) + n * sizeof(struct storage_event);
	struct sqlite_batch *b = xmalloc(head + data);
	char *p = (char *)b + head;
	size_t i = 0;
	for (const struct sqlite_op *op = ops; op; op = op->next) {
		if (!is_event(op))
			continue;
		const char *value = event_value(op, &len);
		struct storage_event *ev = &b->ev[i++];
		ev->type = event_types[op->kind];
		ev->key = copy_out(&p, op->key, strlen(op->key));
		ev->value = copy_out(&p, value, len);
		ev->value_len = len;
		ev->create_rev = op->create_rev;
		ev->mod_rev = op->rev;
	}
	atomic_init(&b->refs, 1);
	b->n = n;
	b->bytes = head + data;
	return b;
}

struct sqlite_batch *sqlite__batch_ref(struct sqlite_batch *b)
{
	atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
	return b;
}

void sqlite__batch_unref(struct sqlite_batch *b)
{
	if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
		free(b);
}
