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

/*
 * The length of the leading run of s[0, n) holding no '"', no '\\' and no
 * control character (< 0x20): the bytes a JSON string must escape, so the
 * run a JSON reader or writer copies or skips as is. Eight bytes a step
 * (a byte-at-a-time loop was a tenth of decoding and encoding an object).
 * Pure; any thread.
 */
static inline size_t str_json_plain_span(const char *s, size_t n)
{
	size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	for (; i + 8 <= n; i += 8) {
		uint64_t w, q, b;
		memcpy(&w, s + i, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		/* per term, the lowest flagged byte is exact (borrows only run upwards) */
		uint64_t hit = (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) &
			       highs;
		if (hit)
			return i + (size_t)__builtin_ctzll(hit) / 8;
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\')
			return i;
	}
	return n;
}

#define ALLOC_GROW(arr, nr, alloc) ((arr) = xgrow((arr), sizeof(*(arr)), (nr), &(alloc)))

#include "base/banned.h"

#endif
