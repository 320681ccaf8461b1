/*
 * base.c - allocation wrappers that abort on out-of-memory and tiny string
 * helpers shared by every layer.
 */
#include "base/base.h"

static void die_oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *r = strdup(s);
	if (!r)
		die_oom(strlen(s));
	return r;
}

char *xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);
	if (!r)
		die_oom(n);
	return r;
}

void *xgrow(void *array, size_t elem_size, size_t nr, size_t *alloc)
{
	if (nr <= *alloc)
		return array;
	size_t n = *alloc ? *alloc : 4;
	while (n < nr)
		n = n * 3 / 2 + 1;
	*alloc = n;
	return xrealloc(array, n * elem_size);
}

bool streq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
