/*
 * watch_decoder.c - splitting a watch stream into lines and lines into events; see
 * watch_decoder.h.
 */
#include "client/watch_decoder.h"

#include <ctype.h>

static const char *const type_names[] = { "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR" };

const char *k8c_watch_event_type_name(enum k8c_watch_event_type type)
{
	return (size_t)type < ARRAY_SIZE(type_names) ? type_names[type] : "UNKNOWN";
}

int k8c_watch_event_parse(const char *line, size_t len, struct k8c_watch_event *ret)
{
	cJSON *ev = cJSON_ParseWithLength(line, len);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(ev, "type");
	cJSON *obj = cJSON_GetObjectItemCaseSensitive(ev, "object");
	int r = -EPROTO;
	for (size_t i = 0;
	     cJSON_IsString(type) && cJSON_IsObject(obj) && i < ARRAY_SIZE(type_names); i++) {
		if (strcmp(type->valuestring, type_names[i]) != 0)
			continue;
		ret->type = (enum k8c_watch_event_type)i;
		ret->object = cJSON_DetachItemViaPointer(ev, obj);
		r = 0;
		break;
	}
	cJSON_Delete(ev);
	return r;
}

int k8c_watch_event_split(const char *line, size_t len, enum k8c_watch_event_type *type,
			  const char **obj, size_t *obj_len)
{
	static const char head[] = "{\"type\":\"", mid[] = "\",\"object\":";
	while (len && (unsigned char)line[len - 1] <= ' ')
		len--; /* cJSON skips any byte <= 32 as whitespace */
	if (len < sizeof(head) - 1 || memcmp(line, head, sizeof(head) - 1) || line[len - 1] != '}')
		return -ENOENT;
	const char *p = line + sizeof(head) - 1, *end = line + len - 1;
	for (size_t i = 0; i < ARRAY_SIZE(type_names) - 1; i++) { /* not ERROR */
		size_t n = strlen(type_names[i]);
		if ((size_t)(end - p) <= n + sizeof(mid) - 1 || memcmp(p, type_names[i], n) ||
		    memcmp(p + n, mid, sizeof(mid) - 1))
			continue;
		*type = (enum k8c_watch_event_type)i;
		*obj = p + n + sizeof(mid) - 1;
		*obj_len = (size_t)(end - *obj);
		return 0;
	}
	return -ENOENT;
}

void k8c_watch_decoder_init(struct k8c_watch_decoder *d, size_t max_line)
{
	strbuf_init(&d->pending, 0);
	d->scanned = 0;
	d->max_line = max_line ? max_line : (size_t)128 << 20;
}

void k8c_watch_decoder_release(struct k8c_watch_decoder *d)
{
	strbuf_release(&d->pending);
	d->scanned = 0;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!isspace((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Calls fn for each complete line of pending; keeps the unfinished tail. */
static int emit_lines(struct k8c_watch_decoder *d, k8c_watch_line_fn fn, void *userdata)
{
	size_t start = 0, i = d->scanned;
	int r = 0;
	for (; i < d->pending.len && r == 0; i++) {
		if (d->pending.buf[i] != '\n')
			continue;
		const char *line = d->pending.buf + start;
		size_t len = i - start;
		if (!blank(line, len))
			r = fn(line, len, userdata);
		start = i + 1;
	}
	if (start > 0) { /* only consumed lines move the tail: linear work for long lines */
		memmove(d->pending.buf, d->pending.buf + start, d->pending.len - start);
		strbuf_setlen(&d->pending, d->pending.len - start);
	}
	d->scanned = i - start;
	return r;
}

int k8c_watch_decoder_feed(struct k8c_watch_decoder *d, const char *data, size_t len,
			   k8c_watch_line_fn fn, void *userdata)
{
	strbuf_add(&d->pending, data, len);
	int r = emit_lines(d, fn, userdata);
	if (r == 0 && d->pending.len > d->max_line)
		return -EMSGSIZE;
	return r;
}

bool k8c_watch_decoder_has_partial(const struct k8c_watch_decoder *d)
{
	return !blank(d->pending.buf, d->pending.len);
}
