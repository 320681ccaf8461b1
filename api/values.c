/*
 * values.c - sorted string maps and IntOrString; see values.h.
 */
#include "api/values.h"

#include <ctype.h>

/* Index of key, or -(insertion point + 1) when absent. */
static ptrdiff_t find(const struct k8c_strmap *m, const char *key)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->items[mid].key, key);
		if (c == 0)
			return (ptrdiff_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(ptrdiff_t)lo - 1;
}

const char *k8c_strmap_get(const struct k8c_strmap *m, const char *key)
{
	ptrdiff_t i = find(m, key);
	return i >= 0 ? m->items[i].value : NULL;
}

void k8c_strmap_set_take(struct k8c_strmap *m, const char *key, char *value)
{
	/* decoding sorted JSON (what k8c writes) appends: no search */
	ptrdiff_t i = m->n && strcmp(m->items[m->n - 1].key, key) < 0 ? -(ptrdiff_t)m->n - 1
								      : find(m, key);
	if (i >= 0) {
		free(m->items[i].value);
		m->items[i].value = value;
		return;
	}
	size_t at = (size_t)(-i - 1);
	ALLOC_GROW(m->items, m->n + 1, m->alloc);
	memmove(&m->items[at + 1], &m->items[at], (m->n - at) * sizeof(*m->items));
	m->items[at].key = xstrdup(key);
	m->items[at].value = value;
	m->n++;
}

void k8c_strmap_set(struct k8c_strmap *m, const char *key, const char *value)
{
	k8c_strmap_set_take(m, key, xstrdup(value));
}

bool k8c_strmap_remove(struct k8c_strmap *m, const char *key)
{
	ptrdiff_t i = find(m, key);
	if (i < 0)
		return false;
	free(m->items[i].key);
	free(m->items[i].value);
	memmove(&m->items[i], &m->items[i + 1], (m->n - (size_t)i - 1) * sizeof(*m->items));
	m->n--;
	return true;
}

void k8c_strmap_release(struct k8c_strmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->items[i].key);
		free(m->items[i].value);
	}
	free(m->items);
	memset(m, 0, sizeof(*m));
}

void k8c_strmap_copy(struct k8c_strmap *dst, const struct k8c_strmap *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return;
	dst->items = xcalloc(src->n, sizeof(*dst->items));
	dst->alloc = dst->n = src->n;
	for (size_t i = 0; i < src->n; i++) {
		dst->items[i].key = xstrdup(src->items[i].key);
		dst->items[i].value = xstrdup(src->items[i].value);
	}
}

bool k8c_strmap_equal(const struct k8c_strmap *a, const struct k8c_strmap *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].key, b->items[i].key) ||
		    strcmp(a->items[i].value, b->items[i].value))
			return false;
	return true;
}

int k8c_intstr_scaled(const struct k8c_intstr *v, int32_t total, bool round_up, int32_t *ret)
{
	if (v->type == K8C_INTSTR_INT) {
		*ret = v->ival;
		return 0;
	}
	if (v->type != K8C_INTSTR_STRING || !v->sval)
		return -EINVAL;
	const char *s = v->sval;
	size_t len = strlen(s);
	if (len < 2 || s[len - 1] != '%')
		return -EINVAL;
	int64_t pct = 0;
	for (size_t i = 0; i + 1 < len; i++) {
		if (!isdigit((unsigned char)s[i]) || pct > 100000000)
			return -EINVAL;
		pct = pct * 10 + (s[i] - '0');
	}
	int64_t num = pct * total;
	*ret = (int32_t)(round_up ? (num + 99) / 100 : num / 100);
	return 0;
}
