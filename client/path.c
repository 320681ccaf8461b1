/*
 * path.c - API paths and query strings; see path.h.
 */
#include "client/path.h"

#include <ctype.h>

/* Percent-encodes everything but RFC 3986's unreserved characters. */
static void add_escaped(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			strbuf_addch(out, *p);
			continue;
		}
		strbuf_addch(out, '%');
		strbuf_addch(out, hex[*p >> 4]);
		strbuf_addch(out, hex[*p & 15]);
	}
}

static bool set(const char *s)
{
	return s && *s;
}

static void add_segment(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '/');
	add_escaped(out, s);
}

void k8c_path_append(struct strbuf *out, const struct k8c_resource_path *p)
{
	if (set(p->group)) {
		strbuf_addstr(out, "/apis");
		add_segment(out, p->group);
	} else {
		strbuf_addstr(out, "/api");
	}
	add_segment(out, set(p->version) ? p->version : "v1");
	if (!set(p->resource))
		return;
	if (set(p->namespace)) {
		strbuf_addstr(out, "/namespaces");
		add_segment(out, p->namespace);
	}
	add_segment(out, p->resource);
	if (set(p->name))
		add_segment(out, p->name);
	if (set(p->name) && set(p->subresource))
		add_segment(out, p->subresource);
}

void k8c_query_add(struct strbuf *out, const char *key, const char *value)
{
	strbuf_addch(out, memchr(out->buf, '?', out->len) ? '&' : '?');
	add_escaped(out, key);
	strbuf_addch(out, '=');
	add_escaped(out, value);
}

void k8c_query_add_int(struct strbuf *out, const char *key, int64_t value)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%lld", (long long)value);
	k8c_query_add(out, key, buf);
}

void k8c_list_options_append(struct strbuf *out, const struct k8c_list_options *o)
{
	if (set(o->label_selector))
		k8c_query_add(out, "labelSelector", o->label_selector);
	if (set(o->field_selector))
		k8c_query_add(out, "fieldSelector", o->field_selector);
	if (set(o->resource_version))
		k8c_query_add(out, "resourceVersion", o->resource_version);
	if (set(o->resource_version_match))
		k8c_query_add(out, "resourceVersionMatch", o->resource_version_match);
	if (set(o->continue_token))
		k8c_query_add(out, "continue", o->continue_token);
	if (o->limit > 0)
		k8c_query_add_int(out, "limit", o->limit);
	if (o->timeout_seconds > 0)
		k8c_query_add_int(out, "timeoutSeconds", o->timeout_seconds);
	if (o->watch)
		k8c_query_add(out, "watch", "true");
	if (o->allow_watch_bookmarks)
		k8c_query_add(out, "allowWatchBookmarks", "true");
}
