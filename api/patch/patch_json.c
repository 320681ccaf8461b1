/*
 * patch_json.c - cJSON helpers for the patch implementations; see
 * patch_internal.h.
 */
#include "api/patch/patch_internal.h"

#include <stdarg.h>

static cJSON *check(cJSON *v)
{
	if (!v) {
		fprintf(stderr, "fatal: out of memory in cJSON\n");
		abort();
	}
	return v;
}

cJSON *patch__dup(const cJSON *v)
{
	return check(cJSON_Duplicate(v, true));
}

cJSON *patch__object(void)
{
	return check(cJSON_CreateObject());
}

cJSON *patch__array(void)
{
	return check(cJSON_CreateArray());
}

cJSON *patch__null(void)
{
	return check(cJSON_CreateNull());
}

cJSON *patch__string(const char *s)
{
	return check(cJSON_CreateString(s));
}

cJSON *patch__get(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

void patch__set(cJSON *obj, const char *key, cJSON *val)
{
	/* both copy key before touching the object, so key may point into a member */
	bool ok = cJSON_GetObjectItemCaseSensitive(obj, key)
			  ? cJSON_ReplaceItemInObjectCaseSensitive(obj, key, val)
			  : cJSON_AddItemToObject(obj, key, val);
	if (!ok)
		check(NULL);
}

void patch__append(cJSON *arr, cJSON *val)
{
	if (!cJSON_AddItemToArray(arr, val))
		check(NULL);
}

void patch__insert(cJSON *arr, int idx, cJSON *val)
{
	cJSON *rest = patch__array();
	/* move the tail out, append val, move the tail back */
	for (cJSON *at = cJSON_GetArrayItem(arr, idx); at;) {
		cJSON *next = at->next;
		patch__append(rest, cJSON_DetachItemViaPointer(arr, at));
		at = next;
	}
	patch__append(arr, val);
	while (rest->child)
		patch__append(arr, cJSON_DetachItemViaPointer(rest, rest->child));
	cJSON_Delete(rest);
}

void patch__clear(cJSON *v)
{
	cJSON_Delete(v->child);
	v->child = NULL;
}

void patch__replace_root(cJSON **doc, cJSON *result)
{
	cJSON_Delete(*doc);
	*doc = result;
}

static int cmp_member(const cJSON *a, const cJSON *b)
{
	return strcmp(a->string ? a->string : "", b->string ? b->string : "");
}

/* Stable insertion sort of an object's member list by key. */
static void sort_members(cJSON *obj)
{
	cJSON *sorted = NULL, *next;
	for (cJSON *item = obj->child; item; item = next) {
		next = item->next;
		cJSON **pos = &sorted;
		while (*pos && cmp_member(*pos, item) <= 0)
			pos = &(*pos)->next;
		item->next = *pos;
		*pos = item;
	}
	/* rebuild the prev links: cJSON keeps the last item in child->prev */
	cJSON *prev = NULL;
	for (cJSON *item = sorted; item; item = item->next) {
		item->prev = prev;
		prev = item;
	}
	if (sorted)
		sorted->prev = prev;
	obj->child = sorted;
}

void patch__sort_keys(cJSON *v)
{
	if (cJSON_IsObject(v))
		sort_members(v);
	for (cJSON *c = (cJSON_IsObject(v) || cJSON_IsArray(v)) ? v->child : NULL; c; c = c->next)
		patch__sort_keys(c);
}

void patch__print(const cJSON *v, struct strbuf *out)
{
	char *text = v ? cJSON_PrintUnformatted(v) : NULL;
	strbuf_addstr(out, text ? text : "null");
	cJSON_free(text);
}

const char *patch__kind(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "object";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "bool";
	return "null";
}

bool patch__equal(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return a == b;
	return cJSON_Compare(a, b, true);
}

int patch__fail(struct strbuf *err, int rc, const char *fmt, ...)
{
	va_list ap;
	if (err) {
		va_start(ap, fmt);
		strbuf_vaddf(err, fmt, ap);
		va_end(ap);
	}
	return rc;
}
