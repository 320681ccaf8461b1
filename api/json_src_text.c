/*
 * json_src_text.c - the text cursor of json_src.h: reads JSON text in one
 * pass, building nothing, with exactly cJSON's grammar (cJSON_Parse* is what
 * the tree cursor's trees come from, and both cursors must agree on what is
 * valid JSON and what it means).
 */
#include "api/json_src.h"

#include <locale.h>

#define NESTING_LIMIT 1000 /* CJSON_NESTING_LIMIT */

static void fail(struct json_text_src *s)
{
	if (!s->failed)
		s->fail_at = (size_t)(s->p - s->text);
	s->failed = true;
}

static void skip_ws(struct json_text_src *s)
{
	while (s->p < s->end && (unsigned char)*s->p <= 32)
		s->p++;
}

static bool has(const struct json_text_src *s, const char *word, size_t n)
{
	return (size_t)(s->end - s->p) >= n && !memcmp(s->p, word, n);
}

static enum json_kind text_kind(struct json_src *src)
{
	struct json_text_src *s = (struct json_text_src *)src;
	if (s->failed || s->p >= s->end) {
		fail(s);
		return JSON_KIND_BAD;
	}
	switch (*s->p) {
	case 'n': if (has(s, "null", 4)) return JSON_KIND_NULL; break;
	case 'f': if (has(s, "false", 5)) return JSON_KIND_FALSE; break;
	case 't': if (has(s, "true", 4)) return JSON_KIND_TRUE; break;
	case '"': return JSON_KIND_STRING;
	case '[': return JSON_KIND_ARRAY;
	case '{': return JSON_KIND_OBJECT;
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return JSON_KIND_NUMBER;
	}
	fail(s);
	return JSON_KIND_BAD;
}

/* cJSON's parse_hex4: an invalid digit makes the whole code 0. */
static unsigned hex4(const char *p)
{
	unsigned h = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= '0' && c <= '9')
			h = h * 16 + (c - '0');
		else if (c >= 'A' && c <= 'F')
			h = h * 16 + 10 + (c - 'A');
		else if (c >= 'a' && c <= 'f')
			h = h * 16 + 10 + (c - 'a');
		else
			return 0;
	}
	return h;
}

/* Appends the UTF-8 of the \uXXXX (or surrogate pair) at p; returns its length, 0 if invalid. */
static size_t utf16_escape(const char *p, const char *end, struct strbuf *out)
{
	if (end - p < 6)
		return 0;
	unsigned long cp = hex4(p + 2);
	size_t len = 6;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return 0;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (end - (p + 6) < 6 || p[6] != '\\' || p[7] != 'u')
			return 0;
		unsigned lo = hex4(p + 8);
		if (lo < 0xDC00 || lo > 0xDFFF)
			return 0;
		cp = 0x10000 + (((cp & 0x3FF) << 10) | (lo & 0x3FF));
		len = 12;
	}
	char u[4];
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char mark[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
	for (size_t i = n - 1; i > 0; i--) {
		u[i] = (char)((cp | 0x80) & 0xBF);
		cp >>= 6;
	}
	u[0] = (char)(n > 1 ? (cp | mark[n]) & 0xFF : cp & 0x7F);
	strbuf_add(out, u, n);
	return len;
}

/* Unescapes the string body [p, end) into out; false on a bad escape. */
static bool unescape(const char *p, const char *end, struct strbuf *out)
{
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		if (!bs) {
			strbuf_add(out, p, (size_t)(end - p));
			return true;
		}
		strbuf_add(out, p, (size_t)(bs - p));
		size_t n = 2;
		switch (bs[1]) {
		case 'b': strbuf_addch(out, '\b'); break;
		case 'f': strbuf_addch(out, '\f'); break;
		case 'n': strbuf_addch(out, '\n'); break;
		case 'r': strbuf_addch(out, '\r'); break;
		case 't': strbuf_addch(out, '\t'); break;
		case '"':
		case '\\':
		case '/': strbuf_addch(out, bs[1]); break;
		case 'u':
			if (!(n = utf16_escape(bs, end, out)))
				return false;
			break;
		default: return false;
		}
		p = bs + n;
	}
	return true;
}

/* The closing quote of the string opening at p, or NULL; *escaped when it holds a backslash. */
static const char *string_end(const char *p, const char *end, bool *escaped)
{
	const char *q = p + 1;
	while (q < end) {
		q += str_json_plain_span(q, (size_t)(end - q));
		if (q >= end)
			break;
		if (*q == '"')
			return q;
		if (*q == '\\') { /* cJSON takes raw control characters: only escapes count */
			if (q + 1 >= end)
				return NULL;
			*escaped = true;
			q++;
		}
		q++;
	}
	return NULL;
}

/* Reads the string at s->p into out (reset first). */
static bool read_string(struct json_text_src *s, struct strbuf *out)
{
	strbuf_reset(out);
	if (s->failed || s->p >= s->end || *s->p != '"') {
		fail(s);
		return false;
	}
	bool escaped = false;
	const char *q = string_end(s->p, s->end, &escaped);
	if (!q) {
		s->p++;
		fail(s);
		return false;
	}
	if (!escaped)
		strbuf_add(out, s->p + 1, (size_t)(q - s->p - 1));
	else if (!unescape(s->p + 1, q, out)) {
		fail(s);
		return false;
	}
	s->p = q + 1;
	return true;
}

static const char *text_string(struct json_src *src)
{
	struct json_text_src *s = (struct json_text_src *)src;
	return read_string(s, &s->str) ? s->str.buf : "";
}

static bool number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.';
}

/*
 * An optional '-' and at most 15 digits, the whole run of number characters:
 * the value exactly (below 2^53), as strtod() reads it, in *v and its length
 * in *len; false for anything else. Most numbers of an object are such
 * integers (ports, counts, seconds), and copying each for strtod() cost
 * five hundred instructions a number.
 */
static bool plain_integer(const char *p, const char *end, double *v, size_t *len)
{
	const char *q = p + (p < end && *p == '-');
	const char *digits = q;
	uint64_t n = 0;
	while (q < end && q - digits < 15 && *q >= '0' && *q <= '9')
		n = n * 10 + (uint64_t)(*q++ - '0');
	if (q == digits || (q < end && number_char(*q)))
		return false;
	*v = *p == '-' ? -(double)n : (double)n;
	*len = (size_t)(q - p);
	return true;
}

/* cJSON's parse_number: the run of [0-9+-eE.] characters as strtod() reads them. */
static double text_number(struct json_src *src)
{
	struct json_text_src *s = (struct json_text_src *)src;
	size_t n = 0;
	double fast;
	if (s->failed)
		return 0;
	if (plain_integer(s->p, s->end, &fast, &n)) {
		s->p += n;
		return fast;
	}
	n = 0;
	strbuf_reset(&s->str);
	for (; s->p + n < s->end; n++) {
		char c = s->p[n];
		if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E')
			strbuf_addch(&s->str, c);
		else if (c == '.')
			strbuf_addch(&s->str, localeconv()->decimal_point[0]);
		else
			break;
	}
	char *after = NULL;
	double v = strtod(s->str.buf, &after);
	if (after == s->str.buf) {
		fail(s);
		return 0;
	}
	s->p += after - s->str.buf;
	return v;
}

static void text_enter(struct json_src *src)
{
	struct json_text_src *s = (struct json_text_src *)src;
	if (s->failed || s->depth >= NESTING_LIMIT || s->p >= s->end ||
	    (*s->p != '{' && *s->p != '[')) {
		fail(s);
		return;
	}
	s->depth++;
	s->p++;
	s->first = true;
}

/* Closes the container when at its closing character; false (and no move) otherwise. */
static bool at_close(struct json_text_src *s, char close)
{
	if (s->p >= s->end || *s->p != close)
		return false;
	s->p++;
	s->depth--;
	return true;
}

static bool text_next(struct json_src *src, const char **key)
{
	struct json_text_src *s = (struct json_text_src *)src;
	char close = key ? '}' : ']';
	if (s->failed)
		return false;
	skip_ws(s);
	if (at_close(s, close)) {
		s->first = false;
		return false;
	}
	if (!s->first) {
		if (s->p >= s->end || *s->p != ',') {
			fail(s);
			return false;
		}
		s->p++;
		skip_ws(s);
	}
	s->first = false;
	if (key) {
		if (!read_string(s, &s->key))
			return false;
		*key = s->key.buf;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':') {
			fail(s);
			return false;
		}
		s->p++;
		skip_ws(s);
	}
	return true;
}

static void skip_container(struct json_text_src *s, bool object)
{
	const char *key;
	text_enter(&s->src);
	while (text_next(&s->src, object ? &key : NULL))
		s->src.ops->skip(&s->src);
}

static void text_skip(struct json_src *src)
{
	struct json_text_src *s = (struct json_text_src *)src;
	switch (text_kind(src)) {
	case JSON_KIND_NULL:
	case JSON_KIND_TRUE: s->p += 4; return;
	case JSON_KIND_FALSE: s->p += 5; return;
	case JSON_KIND_NUMBER: text_number(src); return;
	case JSON_KIND_STRING: read_string(s, &s->str); return;
	case JSON_KIND_ARRAY: skip_container(s, false); return;
	case JSON_KIND_OBJECT: skip_container(s, true); return;
	case JSON_KIND_BAD: return;
	}
}

static cJSON *text_dup(struct json_src *src)
{
	struct json_text_src *s = (struct json_text_src *)src;
	const char *start = s->p;
	text_skip(src);
	return s->failed ? NULL : cJSON_ParseWithLength(start, (size_t)(s->p - start));
}

static const struct json_src_ops text_ops = {
	.kind = text_kind, .string = text_string, .number = text_number, .skip = text_skip,
	.dup = text_dup, .enter = text_enter, .next = text_next,
};

void json_text_src_init(struct json_text_src *s, const char *text, size_t len)
{
	*s = (struct json_text_src){ .src.ops = &text_ops, .text = text, .p = text,
				     .end = text + len, .str = STRBUF_INIT, .key = STRBUF_INIT };
	if (len > 4 && !memcmp(text, "\xEF\xBB\xBF", 3))
		s->p += 3;
	skip_ws(s);
	if (s->p >= s->end)
		fail(s);
}

void json_text_src_release(struct json_text_src *s)
{
	strbuf_release(&s->str);
	strbuf_release(&s->key);
}

bool json_text_src_failed(const struct json_text_src *s, size_t *at)
{
	if (s->failed && at)
		*at = s->fail_at;
	return s->failed;
}
