/*
 * values.h - the small value types the Docker client's requests and results
 * are made of: borrowed key/value pairs for inputs, owned label maps and
 * NULL-terminated string vectors for outputs. Not thread-safe; a result owns
 * its values and its release function frees them.
 */
#ifndef K8C_KUBELET_DOCKER_VALUES_H
#define K8C_KUBELET_DOCKER_VALUES_H

#include "base/base.h"

/* A borrowed pair, for inputs (labels, label filters). */
struct docker_kv {
	const char *key;
	const char *value;
};

/* An owned pair of a result. */
struct docker_label {
	char *key;
	char *value;
};

/* Owned labels of a result, in the daemon's order (keys are unique). */
struct docker_labels {
	struct docker_label *items;
	size_t n;
};

/* Returns the value of key (borrowed from l), or NULL when l has no such label. */
const char *docker_labels_get(const struct docker_labels *l, const char *key);
/* Frees every pair and leaves l empty. */
void docker_labels_release(struct docker_labels *l);

/* Number of strings in the NULL-terminated vector v (0 for NULL). */
size_t docker_strv_len(const char *const *v);
/* Frees the NULL-terminated vector v and its strings; NULL is a no-op. */
void docker_strv_free(char **v);

#endif
