/*
 * json.c - the daemon's JSON to owned C values, and the request body writer;
 * see json.h.
 */
#include "kubelet/docker/json.h"

#include "base/timeutil.h"

const cJSON *docker__json_get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

char *docker__json_str(const cJSON *o, const char *key)
{
	const cJSON *v = docker__json_get(o, key);
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return NULL;
	return xstrdup(v->valuestring);
}

int64_t docker__json_int(const cJSON *o, const char *key)
{
	const cJSON *v = docker__json_get(o, key);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

bool docker__json_bool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(docker__json_get(o, key));
}

int64_t docker__json_time(const cJSON *o, const char *key)
{
	const cJSON *v = docker__json_get(o, key);
	int64_t ns = 0;
	if (!cJSON_IsString(v) || str_has_prefix(v->valuestring, "0001-01-01"))
		return 0;
	if (time_parse_rfc3339(v->valuestring, &ns) < 0)
		return 0;
	return ns;
}

char **docker__json_strv(const cJSON *o, const char *key)
{
	const cJSON *arr = docker__json_get(o, key);
	char **v = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*v));
	size_t n = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		if (cJSON_IsString(it))
			v[n++] = xstrdup(it->valuestring);
	return v;
}

void docker__json_labels(const cJSON *o, const char *key, struct docker_labels *out)
{
	const cJSON *obj = docker__json_get(o, key);
	out->items = NULL;
	out->n = 0;
	if (!cJSON_IsObject(obj) || cJSON_GetArraySize(obj) == 0)
		return;
	out->items = xcalloc((size_t)cJSON_GetArraySize(obj), sizeof(*out->items));
	const cJSON *it;
	cJSON_ArrayForEach(it, obj) {
		if (!cJSON_IsString(it))
			continue;
		out->items[out->n].key = xstrdup(it->string);
		out->items[out->n].value = xstrdup(it->valuestring);
		out->n++;
	}
}

static void add_key(struct strbuf *sb, const char *key)
{
	char last = sb->len ? sb->buf[sb->len - 1] : '{';
	if (last != '{' && last != '[' && last != ':')
		strbuf_addch(sb, ',');
	if (key) {
		strbuf_add_json_str(sb, key);
		strbuf_addch(sb, ':');
	}
}

void docker__jw_open(struct strbuf *sb, const char *key, char bracket)
{
	add_key(sb, key);
	strbuf_addch(sb, bracket);
}

void docker__jw_close(struct strbuf *sb, char bracket)
{
	strbuf_addch(sb, bracket == '[' ? ']' : '}');
}

void docker__jw_str(struct strbuf *sb, const char *key, const char *s)
{
	if (!s)
		return;
	add_key(sb, key);
	strbuf_add_json_str(sb, s);
}

void docker__jw_int(struct strbuf *sb, const char *key, int64_t v)
{
	add_key(sb, key);
	strbuf_addi64(sb, v);
}

void docker__jw_bool(struct strbuf *sb, const char *key, bool v)
{
	add_key(sb, key);
	strbuf_addstr(sb, v ? "true" : "false");
}

void docker__jw_strv(struct strbuf *sb, const char *key, const char *const *v)
{
	if (!v)
		return;
	docker__jw_open(sb, key, '[');
	for (size_t i = 0; v[i]; i++)
		docker__jw_str(sb, NULL, v[i]);
	docker__jw_close(sb, '[');
}
