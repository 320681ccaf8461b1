/*
 * base.h - the one header every k8c source file includes first: libc basics,
 * cleanup helpers and the banned-function list.
 */
#ifndef K8C_BASE_H
#define K8C_BASE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"

#define K8C_LIKELY(x) __builtin_expect(!!(x), 1)
#define K8C_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define K8C_UNUSED __attribute__((unused))
#define K8C_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Like strdup() but NULL-safe: returns NULL for NULL. Aborts on out-of-memory. */
char *xstrdup(const char *s);
/* strndup() that aborts on out-of-memory. */
char *xstrndup(const char *s, size_t n);
/* malloc/calloc/realloc that abort on out-of-memory (daemons cannot recover). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *array (of *alloc elements of elem_size) to hold at least nr elements. */
void *xgrow(void *array, size_t elem_size, size_t nr, size_t *alloc);
/* True when a and b are both NULL or equal strings. */
bool streq_null(const char *a, const char *b);
/* s, or "" when s is NULL (optional string fields). */
static inline const char *str_or_empty(const char *s)
{
	return s ? s : "";
}
/* True when s starts with prefix. */
bool str_has_prefix(const char *s, const char *prefix);

#define ALLOC_GROW(arr, nr, alloc) ((arr) = xgrow((arr), sizeof(*(arr)), (nr), &(alloc)))

#include "base/banned.h"

#endif
