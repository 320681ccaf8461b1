/*
 * jsonutil.c - dotted-path access to cJSON objects; see jsonutil.h.
 */
#include "kubectl/jsonutil.h"

cJSON *kj_get(const cJSON *obj, const char *path)
{
	const cJSON *cur = obj;
	const char *p = path;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (!cJSON_IsObject(cur))
			return NULL;
		const cJSON *next = NULL;
		for (const cJSON *c = cur->child; c; c = c->next)
			if (c->string && strlen(c->string) == len && !memcmp(c->string, p, len)) {
				next = c;
				break;
			}
		cur = next;
		p += len + (dot ? 1 : 0);
	}
	return (cJSON *)cur;
}

const char *kj_str(const cJSON *obj, const char *path)
{
	const cJSON *v = kj_get(obj, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *kj_str_or(const cJSON *obj, const char *path, const char *def)
{
	const char *s = kj_str(obj, path);
	return s ? s : def;
}

int64_t kj_int(const cJSON *obj, const char *path, int64_t def)
{
	const cJSON *v = kj_get(obj, path);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : def;
}

bool kj_true(const cJSON *obj, const char *path)
{
	return cJSON_IsTrue(kj_get(obj, path));
}

void kj_set(cJSON *obj, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
	else
		cJSON_AddItemToObject(obj, key, v);
}

cJSON *kj_ensure(cJSON *obj, const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	cJSON *cur = obj;
	for (char *seg = strtok_r(copy, ".", &save); seg; seg = strtok_r(NULL, ".", &save)) {
		cJSON *next = cJSON_GetObjectItemCaseSensitive(cur, seg);
		if (!cJSON_IsObject(next)) {
			next = cJSON_CreateObject();
			kj_set(cur, seg, next);
		}
		cur = next;
	}
	return cur;
}

/* Splits path into its parent object (created) and last segment. */
static cJSON *parent_of(cJSON *obj, const char *path, const char **last, bool create)
{
	const char *dot = strrchr(path, '.');
	*last = dot ? dot + 1 : path;
	if (!dot)
		return obj;
	_cleanup_free_ char *parent = xstrndup(path, (size_t)(dot - path));
	return create ? kj_ensure(obj, parent) : kj_get(obj, parent);
}

void kj_set_str(cJSON *obj, const char *path, const char *value)
{
	const char *last;
	cJSON *parent = parent_of(obj, path, &last, true);
	kj_set(parent, last, cJSON_CreateString(value));
}

void kj_remove(cJSON *obj, const char *path)
{
	const char *last;
	cJSON *parent = parent_of(obj, path, &last, false);
	if (cJSON_IsObject(parent))
		cJSON_DeleteItemFromObjectCaseSensitive(parent, last);
}

const char *kj_map_str(const cJSON *obj, const char *path, const char *key)
{
	const cJSON *m = path && *path ? kj_get(obj, path) : obj;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

const cJSON **kj_sorted(const cJSON *container, int (*cmp)(const void *, const void *),
			size_t *n)
{
	bool ok = cJSON_IsObject(container) || cJSON_IsArray(container);
	size_t count = ok ? (size_t)cJSON_GetArraySize(container) : 0, i = 0;
	const cJSON **v = xcalloc(count + 1, sizeof(*v));
	for (const cJSON *c = ok ? container->child : NULL; c; c = c->next)
		v[i++] = c;
	qsort(v, count, sizeof(*v), cmp ? cmp : by_name);
	*n = count;
	return v;
}
