/*
 * trim.c - keeping part of a decoded object; see trim.h.
 */
#include "client/trim.h"

#include "api/codec.h"

void k8c_trim_keep(const struct k8c_type *t, void *obj, const void *keep)
{
	k8c_release(t, obj);
	memcpy(obj, keep, t->size);
}

void k8c_trim_list(const struct k8c_type *t, void *list, size_t *n,
		   bool (*keep)(const void *elem))
{
	char **items = list;
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++) {
		char *e = *items + i * t->size;
		if (!keep(e)) {
			k8c_release(t, e);
			continue;
		}
		if (kept != i)
			memcpy(*items + kept * t->size, e, t->size);
		kept++;
	}
	*n = kept;
	if (!kept) {
		free(*items);
		*items = NULL;
	}
}
