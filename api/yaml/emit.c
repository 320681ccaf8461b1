/*
 * emit.c - writes a cJSON tree as YAML the way `kubectl get -o yaml` does. kubectl's
 * go-yaml v2 is a port of libyaml's emitter, so this drives libyaml's own emitter and only
 * makes the choices go-yaml makes before it: key order, how numbers are spelt, and which
 * scalar style each string asks for (libyaml then falls back exactly as go-yaml does).
 */
#include "api/yaml/yaml.h"

#include <yaml.h>

#include "api/yaml/yaml_internal.h"
#include "base/base64.h"

#define TAG_BINARY "tag:yaml.org,2002:binary"

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	strbuf_add(data, buffer, size);
	return 1;
}

/* Go's utf8.ValidString: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s;
		int n = c < 0x80		? 0
			: c >= 0xc2 && c < 0xe0 ? 1
			: c >= 0xe0 && c < 0xf0 ? 2
			: c >= 0xf0 && c < 0xf5 ? 3
						: -1;
		if (n < 0)
			return false;
		uint32_t cp = n ? c & (0x3f >> n) : c;
		for (int i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		s += n + 1;
	}
	return true;
}

static int emit(yaml_emitter_t *e, yaml_event_t *ev, int ok)
{
	if (!ok || !yaml_emitter_emit(e, ev))
		return -EINVAL;
	return 0;
}

static int emit_plain(yaml_emitter_t *e, const char *text)
{
	yaml_event_t ev;
	int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, -1, 1, 1,
					      YAML_PLAIN_SCALAR_STYLE);
	return emit(e, &ev, ok);
}

/* Like go-yaml's encodeBase64: lines of 70 characters once the text is that long. */
static void base64_lines(struct strbuf *out, const char *s)
{
	struct strbuf b64 = STRBUF_INIT;
	base64_encode(&b64, s, strlen(s));
	bool multi = b64.len >= 70;
	for (size_t i = 0; i < b64.len; i += 70) {
		strbuf_add(out, b64.buf + i, b64.len - i < 70 ? b64.len - i : 70);
		if (multi)
			strbuf_addch(out, '\n');
	}
	strbuf_release(&b64);
}

/* Bytes that are not UTF-8 go out as !!binary base64, as go-yaml writes them. */
static int emit_binary(yaml_emitter_t *e, const char *s)
{
	struct strbuf text = STRBUF_INIT;
	base64_lines(&text, s);
	yaml_event_t ev;
	yaml_scalar_style_t style =
		strchr(text.buf, '\n') ? YAML_LITERAL_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE;
	int ok = yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)TAG_BINARY,
					      (yaml_char_t *)text.buf, (int)text.len, 0, 0, style);
	int r = emit(e, &ev, ok);
	strbuf_release(&text);
	return r;
}

/* go-yaml's stringv(): plain unless the text would read back as something else. */
static int emit_string(yaml_emitter_t *e, const char *s)
{
	if (!valid_utf8((const unsigned char *)s))
		return emit_binary(e, s);
	struct yaml__value v;
	yaml__resolve_plain(s, &v);
	bool can_plain = v.kind == YAML__STR && !yaml__is_base60_float(s);
	yaml_scalar_style_t style = strchr(s, '\n') ? YAML_LITERAL_SCALAR_STYLE
				    : can_plain	    ? YAML_PLAIN_SCALAR_STYLE
						    : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	yaml_event_t ev;
	int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, -1, 1, 1, style);
	return emit(e, &ev, ok);
}

static int emit_number(yaml_emitter_t *e, double d)
{
	struct strbuf text = STRBUF_INIT;
	int64_t i;
	if (yaml__double_is_int64(d, &i))
		strbuf_addi64(&text, i);
	else
		yaml__format_float(&text, d, 64);
	int r = emit_plain(e, text.buf);
	strbuf_release(&text);
	return r;
}

static int emit_node(yaml_emitter_t *e, const cJSON *v);

static int compare_keys(const void *pa, const void *pb)
{
	const char *a = (*(const cJSON *const *)pa)->string;
	const char *b = (*(const cJSON *const *)pb)->string;
	return yaml__key_less(a, b) ? -1 : yaml__key_less(b, a) ? 1 : 0;
}

static int emit_members(yaml_emitter_t *e, const cJSON *obj)
{
	size_t n = (size_t)cJSON_GetArraySize(obj), i = 0;
	const cJSON **items = xcalloc(n ? n : 1, sizeof(*items));
	const cJSON *it;
	cJSON_ArrayForEach(it, obj) {
		items[i++] = it;
	}
	qsort(items, n, sizeof(*items), compare_keys);
	int r = 0;
	for (i = 0; i < n && r == 0; i++) {
		r = emit_string(e, items[i]->string ? items[i]->string : "");
		if (r == 0)
			r = emit_node(e, items[i]);
	}
	free(items);
	return r;
}

static int emit_mapping(yaml_emitter_t *e, const cJSON *obj)
{
	yaml_event_t ev;
	int r = emit(
		e, &ev,
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
	if (r == 0)
		r = emit_members(e, obj);
	if (r == 0)
		r = emit(e, &ev, yaml_mapping_end_event_initialize(&ev));
	return r;
}

static int emit_sequence(yaml_emitter_t *e, const cJSON *arr)
{
	yaml_event_t ev;
	int r = emit(e, &ev,
		     yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  YAML_BLOCK_SEQUENCE_STYLE));
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		if (r == 0)
			r = emit_node(e, it);
	}
	if (r == 0)
		r = emit(e, &ev, yaml_sequence_end_event_initialize(&ev));
	return r;
}

static int emit_node(yaml_emitter_t *e, const cJSON *v)
{
	if (!v)
		return -EINVAL;
	switch (v->type & 0xff) {
	case cJSON_Object:
		return emit_mapping(e, v);
	case cJSON_Array:
		return emit_sequence(e, v);
	case cJSON_String:
		return emit_string(e, v->valuestring);
	case cJSON_Number:
		return emit_number(e, v->valuedouble);
	case cJSON_True:
		return emit_plain(e, "true");
	case cJSON_False:
		return emit_plain(e, "false");
	case cJSON_NULL:
		return emit_plain(e, "null");
	case cJSON_Raw:
		return emit_plain(e, v->valuestring);
	default:
		return -EINVAL;
	}
}

static int emit_document(yaml_emitter_t *e, const cJSON *json)
{
	yaml_event_t ev;
	int r = emit(e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	if (r == 0)
		r = emit(e, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	if (r == 0)
		r = emit_node(e, json);
	if (r == 0)
		r = emit(e, &ev, yaml_document_end_event_initialize(&ev, 1));
	if (r == 0)
		r = emit(e, &ev, yaml_stream_end_event_initialize(&ev));
	return r;
}

int k8c_yaml_from_json(const cJSON *json, struct strbuf *out)
{
	yaml_emitter_t e;
	if (!yaml_emitter_initialize(&e))
		abort();
	yaml_emitter_set_output(&e, write_handler, out);
	yaml_emitter_set_unicode(&e, 1);
	int r = emit_document(&e, json);
	yaml_emitter_delete(&e);
	return r;
}
