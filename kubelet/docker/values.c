/*
 * values.c - label maps and string vectors of Docker results; see values.h.
 */
#include "kubelet/docker/values.h"

const char *docker_labels_get(const struct docker_labels *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

void docker_labels_release(struct docker_labels *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

size_t docker_strv_len(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void docker_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
