/*
 * json_src_tree.c - the tree cursor of json_src.h: walks a cJSON tree that
 * is already parsed (a patch result, a watch event's object, ...).
 */
#include "api/json_src.h"

static enum json_kind tree_kind(struct json_src *src)
{
	const cJSON *j = ((struct json_tree_src *)src)->cur;
	if (cJSON_IsNull(j))
		return JSON_KIND_NULL;
	if (cJSON_IsFalse(j))
		return JSON_KIND_FALSE;
	if (cJSON_IsTrue(j))
		return JSON_KIND_TRUE;
	if (cJSON_IsNumber(j))
		return JSON_KIND_NUMBER;
	if (cJSON_IsString(j))
		return JSON_KIND_STRING;
	if (cJSON_IsArray(j))
		return JSON_KIND_ARRAY;
	if (cJSON_IsObject(j))
		return JSON_KIND_OBJECT;
	return JSON_KIND_BAD; /* raw or invalid nodes, which no parse makes */
}

/* Consumes the current value, returning it. */
static const cJSON *take(struct json_src *src)
{
	struct json_tree_src *s = (struct json_tree_src *)src;
	const cJSON *j = s->cur;
	s->cur = NULL;
	return j;
}

static const char *tree_string(struct json_src *src)
{
	const cJSON *j = take(src);
	return cJSON_IsString(j) && j->valuestring ? j->valuestring : "";
}

static double tree_number(struct json_src *src)
{
	const cJSON *j = take(src);
	return cJSON_IsNumber(j) ? j->valuedouble : 0;
}

static void tree_skip(struct json_src *src)
{
	take(src);
}

static cJSON *tree_dup(struct json_src *src)
{
	const cJSON *j = take(src);
	return j ? cJSON_Duplicate(j, true) : NULL;
}

static void tree_enter(struct json_src *src)
{
	struct json_tree_src *s = (struct json_tree_src *)src;
	const cJSON *j = take(src);
	ALLOC_GROW(s->frames, s->n_frames + 1, s->alloc);
	s->frames[s->n_frames++].next = j ? j->child : NULL;
}

static bool tree_next(struct json_src *src, const char **key)
{
	struct json_tree_src *s = (struct json_tree_src *)src;
	if (!s->n_frames)
		return false;
	struct json_tree_frame *f = &s->frames[s->n_frames - 1];
	if (!f->next) {
		s->n_frames--;
		return false;
	}
	s->cur = f->next;
	f->next = f->next->next;
	if (key)
		*key = s->cur->string ? s->cur->string : "";
	return true;
}

static const struct json_src_ops tree_ops = {
	.kind = tree_kind, .string = tree_string, .number = tree_number, .skip = tree_skip,
	.dup = tree_dup, .enter = tree_enter, .next = tree_next,
};

void json_tree_src_init(struct json_tree_src *s, const cJSON *root)
{
	*s = (struct json_tree_src){ .src.ops = &tree_ops, .cur = root };
}

void json_tree_src_release(struct json_tree_src *s)
{
	free(s->frames);
	s->frames = NULL;
	s->n_frames = s->alloc = 0;
}
