/*
 * gojson.c - Go encoding/json output of cJSON trees; see gojson.h.
 */
#include "kubectl/gojson.h"

#include <math.h>

#include "api/resource/quantity.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len;
	unsigned c = s[0], min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0)
		len = 2, c &= 0x1F, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		len = 3, c &= 0x0F, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		len = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

void gojson_string(const char *s, struct strbuf *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	strbuf_addch(out, '"');
	for (size_t i = 0; i < n;) {
		unsigned c = p[i], cp;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' &&
		    c != '&') {
			strbuf_addch(out, (int)c);
			i++;
			continue;
		}
		if (c < 0x80) {
			if (c == '"' || c == '\\')
				strbuf_addch(out, '\\'), strbuf_addch(out, (int)c);
			else if (c == '\n')
				strbuf_addstr(out, "\\n");
			else if (c == '\r')
				strbuf_addstr(out, "\\r");
			else if (c == '\t')
				strbuf_addstr(out, "\\t");
			else
				strbuf_addf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			i++;
			continue;
		}
		size_t len = utf8_seq(p + i, n - i, &cp);
		if (!len) {
			strbuf_addstr(out, "\\ufffd");
			i++;
		} else if (cp == 0x2028 || cp == 0x2029) {
			strbuf_addf(out, "\\u202%c", hex[cp & 15]);
			i += len;
		} else {
			strbuf_add(out, p + i, len);
			i += len;
		}
	}
	strbuf_addch(out, '"');
}

static void number(double d, struct strbuf *out)
{
	if (d == floor(d) && fabs(d) < 9.2e18) {
		strbuf_addi64(out, (int64_t)d);
		return;
	}
	if (quantity_text_from_double(d, out) < 0)
		strbuf_addstr(out, "null");
}

static int key_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string, y->string);
}

static void newline(struct strbuf *out, const char *indent, int depth)
{
	if (!indent)
		return;
	strbuf_addch(out, '\n');
	for (int i = 0; i < depth; i++)
		strbuf_addstr(out, indent);
}

static void value(const cJSON *v, const char *indent, int depth, struct strbuf *out);

static void object(const cJSON *v, const char *indent, int depth, struct strbuf *out)
{
	size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
	if (!n) {
		strbuf_addstr(out, "{}");
		return;
	}
	const cJSON **items = xmalloc(n * sizeof(*items));
	for (const cJSON *c = v->child; c; c = c->next)
		items[i++] = c;
	qsort(items, n, sizeof(*items), key_cmp);
	strbuf_addch(out, '{');
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		newline(out, indent, depth + 1);
		gojson_string(items[i]->string, out);
		strbuf_addstr(out, indent ? ": " : ":");
		value(items[i], indent, depth + 1, out);
	}
	newline(out, indent, depth);
	strbuf_addch(out, '}');
	free(items);
}

static void array(const cJSON *v, const char *indent, int depth, struct strbuf *out)
{
	if (!v->child) {
		strbuf_addstr(out, "[]");
		return;
	}
	strbuf_addch(out, '[');
	for (const cJSON *c = v->child; c; c = c->next) {
		if (c != v->child)
			strbuf_addch(out, ',');
		newline(out, indent, depth + 1);
		value(c, indent, depth + 1, out);
	}
	newline(out, indent, depth);
	strbuf_addch(out, ']');
}

static void value(const cJSON *v, const char *indent, int depth, struct strbuf *out)
{
	if (cJSON_IsObject(v))
		object(v, indent, depth, out);
	else if (cJSON_IsArray(v))
		array(v, indent, depth, out);
	else if (cJSON_IsString(v))
		gojson_string(v->valuestring, out);
	else if (cJSON_IsNumber(v))
		number(v->valuedouble, out);
	else if (cJSON_IsTrue(v))
		strbuf_addstr(out, "true");
	else if (cJSON_IsFalse(v))
		strbuf_addstr(out, "false");
	else
		strbuf_addstr(out, "null");
}

void gojson_marshal(const cJSON *v, struct strbuf *out)
{
	value(v, NULL, 0, out);
}

void gojson_marshal_indent(const cJSON *v, const char *indent, struct strbuf *out)
{
	value(v, indent, 0, out);
}
