/*
 * parse.c - reads a YAML stream into cJSON trees, one per document, with libyaml's event
 * parser: a stack of open mappings and sequences, plain scalars resolved by scalar.c,
 * anchors kept as private copies that aliases duplicate (with a budget against alias
 * bombs), merge keys applied the way go-yaml v2 applies them.
 */
#include "api/yaml/yaml.h"

#include <yaml.h>

#include "api/yaml/yaml_internal.h"
#include "base/base64.h"
#include "base/hashmap.h"

#define TAG_PREFIX "tag:yaml.org,2002:"
#define MAX_DEPTH  1000
/* Nodes that aliases may copy in one document before it counts as an alias bomb. */
#define ALIAS_BUDGET 1000000

struct frame {
	cJSON *node;  /* the object or array being filled */
	char *anchor; /* registered when the node is complete; owned */
	char *key;    /* object: the key whose value comes next (owned), NULL = a key comes next */
	bool merge;   /* object: the value that comes next is merged ("<<") */
};

struct k8c_yaml_stream {
	char *text;
	yaml_parser_t parser;
	int result; /* 1 while documents may come, then 0 (end) or -EINVAL (error) */
	struct k8c_yaml_error err;
	int next_index;
	struct frame *frames;
	size_t nframes, alloc;
	cJSON *root;
	int root_line;
	struct hashmap anchors; /* name -> cJSON copy (owned) */
	size_t alias_nodes;
};

void k8c_yaml_error_release(struct k8c_yaml_error *e)
{
	strbuf_release(&e->message);
	e->line = e->column = 0;
}

static void free_json(void *p)
{
	cJSON_Delete(p);
}

/* Drops the partly built document: open frames, root and anchors. */
static void reset_document(struct k8c_yaml_stream *s)
{
	for (size_t i = 0; i < s->nframes; i++) {
		cJSON_Delete(s->frames[i].node);
		free(s->frames[i].anchor);
		free(s->frames[i].key);
	}
	s->nframes = 0;
	cJSON_Delete(s->root);
	s->root = NULL;
	s->root_line = 0;
	hashmap_release(&s->anchors, free_json);
	s->alias_nodes = 0;
}

/*
 * Records an error at mark (0-based) and returns -EINVAL. The message reads as go-yaml's
 * (and so kubectl's): "yaml: line N: what" with go-yaml's choice of N (msg_line; 0 = no
 * line), while err.line and err.column always say where the problem is.
 */
static int fail_with_line(struct k8c_yaml_stream *s, yaml_mark_t mark, size_t msg_line,
			  const char *what)
{
	s->err.line = (int)mark.line + 1;
	s->err.column = (int)mark.column + 1;
	strbuf_reset(&s->err.message);
	strbuf_addstr(&s->err.message, "yaml: ");
	if (msg_line)
		strbuf_addf(&s->err.message, "line %zu: ", msg_line);
	strbuf_addstr(&s->err.message, what);
	return -EINVAL;
}

/* A conversion error (bad alias, merge, key or tag): go-yaml names no line for these. */
static int fail_at(struct k8c_yaml_stream *s, yaml_mark_t mark, const char *what)
{
	return fail_with_line(s, mark, 0, what);
}

/* A libyaml error. go-yaml prints the 0-based line of parser errors: so do we. */
static int fail_parser(struct k8c_yaml_stream *s)
{
	const yaml_parser_t *p = &s->parser;
	size_t line = 0;
	if (p->problem_mark.line != 0)
		line = p->problem_mark.line + (p->error == YAML_SCANNER_ERROR);
	else if (p->context_mark.line != 0)
		line = p->context_mark.line;
	return fail_with_line(s, p->problem_mark, line,
			      p->problem ? p->problem : "unknown problem parsing YAML content");
}

static struct frame *top(struct k8c_yaml_stream *s)
{
	return s->nframes ? &s->frames[s->nframes - 1] : NULL;
}

static void set_key(cJSON *obj, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
	else
		cJSON_AddItemToObject(obj, key, v);
}

static void merge_object(cJSON *dst, const cJSON *src)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, src) {
		set_key(dst, it->string, cJSON_Duplicate(it, true));
	}
}

/* Applies "<<: v": a mapping, or a sequence of mappings where earlier ones win. */
static int merge_value(struct k8c_yaml_stream *s, cJSON *dst, const cJSON *v, yaml_mark_t mark)
{
	static const char bad[] = "map merge requires map or sequence of maps as the value";
	if (cJSON_IsObject(v)) {
		merge_object(dst, v);
		return 0;
	}
	if (!cJSON_IsArray(v))
		return fail_at(s, mark, bad);
	const cJSON *it;
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsObject(it))
			return fail_at(s, mark, bad);
	}
	for (int i = cJSON_GetArraySize(v) - 1; i >= 0; i--)
		merge_object(dst, cJSON_GetArrayItem(v, i));
	return 0;
}

/* Puts a finished value (owned) where it belongs: root, array element or object value. */
static int add_value(struct k8c_yaml_stream *s, cJSON *v, yaml_mark_t mark)
{
	struct frame *f = top(s);
	int r = 0;
	if (!f) {
		s->root = v;
		if (!s->root_line)
			s->root_line = (int)mark.line + 1;
	} else if (cJSON_IsArray(f->node)) {
		cJSON_AddItemToArray(f->node, v);
	} else if (f->merge) {
		r = merge_value(s, f->node, v, mark);
		cJSON_Delete(v);
		f->merge = false;
	} else {
		set_key(f->node, f->key, v);
		free(f->key);
		f->key = NULL;
	}
	return r;
}

static bool expecting_key(struct k8c_yaml_stream *s)
{
	struct frame *f = top(s);
	return f && cJSON_IsObject(f->node) && !f->key && !f->merge;
}

static void register_anchor(struct k8c_yaml_stream *s, const yaml_char_t *anchor, const cJSON *v)
{
	if (anchor)
		cJSON_Delete(
			hashmap_put(&s->anchors, (const char *)anchor, cJSON_Duplicate(v, true)));
}

static size_t count_nodes(const cJSON *v)
{
	size_t n = 1;
	const cJSON *it;
	cJSON_ArrayForEach(it, v) {
		n += count_nodes(it);
	}
	return n;
}

/* The text a non-string key stands for, as sigs.k8s.io/yaml writes it. */
static int key_from_json(struct k8c_yaml_stream *s, const cJSON *v, yaml_mark_t mark)
{
	struct frame *f = top(s);
	struct strbuf key = STRBUF_INIT;
	int64_t i;
	if (cJSON_IsString(v))
		strbuf_addstr(&key, v->valuestring);
	else if (cJSON_IsBool(v))
		strbuf_addstr(&key, cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNumber(v) && yaml__double_is_int64(v->valuedouble, &i))
		strbuf_addi64(&key, i);
	else if (cJSON_IsNumber(v))
		yaml__format_float(&key, v->valuedouble, 32);
	else
		return fail_at(s, mark, "invalid map key: not a scalar");
	f->key = strbuf_detach(&key, NULL);
	return 0;
}

static int on_alias(struct k8c_yaml_stream *s, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const cJSON *target = hashmap_get(&s->anchors, name);
	if (!target) {
		struct strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "unknown anchor '%s' referenced", name);
		int r = fail_at(s, ev->start_mark, msg.buf);
		strbuf_release(&msg);
		return r;
	}
	s->alias_nodes += count_nodes(target);
	if (s->alias_nodes > ALIAS_BUDGET)
		return fail_at(s, ev->start_mark, "document contains excessive aliasing");
	if (expecting_key(s))
		return key_from_json(s, target, ev->start_mark);
	return add_value(s, cJSON_Duplicate(target, true), ev->start_mark);
}

static int push_frame(struct k8c_yaml_stream *s, cJSON *node, const yaml_char_t *anchor,
		      yaml_mark_t mark)
{
	if (expecting_key(s)) {
		cJSON_Delete(node);
		return fail_at(s, mark, "invalid map key: a mapping or sequence");
	}
	if (s->nframes >= MAX_DEPTH) {
		cJSON_Delete(node);
		return fail_at(s, mark, "exceeded max depth of 1000");
	}
	if (s->nframes == 0)
		s->root_line = (int)mark.line + 1;
	ALLOC_GROW(s->frames, s->nframes + 1, s->alloc);
	s->frames[s->nframes++] =
		(struct frame){ .node = node, .anchor = xstrdup((const char *)anchor) };
	return 0;
}

static int pop_frame(struct k8c_yaml_stream *s, yaml_mark_t mark)
{
	struct frame f = s->frames[--s->nframes];
	free(f.key);
	if (f.anchor)
		register_anchor(s, (const yaml_char_t *)f.anchor, f.node);
	free(f.anchor);
	return add_value(s, f.node, mark);
}

/* The cJSON value of a resolved plain scalar. */
static cJSON *json_from_value(const struct yaml__value *v, const char *text)
{
	switch (v->kind) {
	case YAML__NULL:
		return cJSON_CreateNull();
	case YAML__BOOL:
		return cJSON_CreateBool(v->b);
	case YAML__INT:
		return cJSON_CreateNumber((double)v->i);
	case YAML__UINT:
		return cJSON_CreateNumber((double)v->u);
	case YAML__FLOAT:
		return cJSON_CreateNumber(v->d);
	default:
		return cJSON_CreateString(text);
	}
}

static const char *short_kind(enum yaml__kind k)
{
	static const char *const names[] = { "!!str", "!!null",	 "!!bool",     "!!int",
					     "!!int", "!!float", "!!timestamp" };
	return names[k];
}

/* A scalar with an explicit core tag (!!int "5"): resolve, then check it fits the tag. */
static int tagged_scalar(struct k8c_yaml_stream *s, const yaml_event_t *ev, const char *tag,
			 cJSON **ret)
{
	const char *text = (const char *)ev->data.scalar.value;
	struct yaml__value v;
	yaml__resolve_plain(text, &v);
	if (!strcmp(tag, "float") && (v.kind == YAML__INT || v.kind == YAML__UINT)) {
		v.d = v.kind == YAML__INT ? (double)v.i : (double)v.u;
		v.kind = YAML__FLOAT;
	}
	const char *want = !strcmp(tag, "null")	  ? "!!null"
			   : !strcmp(tag, "bool") ? "!!bool"
			   : !strcmp(tag, "int")  ? "!!int"
						  : "!!float";
	if (strcmp(short_kind(v.kind), want) != 0) {
		struct strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "cannot decode %s `%s` as a %s", short_kind(v.kind), text, want);
		int r = fail_at(s, ev->start_mark, msg.buf);
		strbuf_release(&msg);
		return r;
	}
	*ret = json_from_value(&v, text);
	return 0;
}

static cJSON *binary_scalar(const char *text)
{
	struct strbuf raw = STRBUF_INIT;
	cJSON *v = cJSON_CreateString(base64_decode(&raw, text) == 0 ? raw.buf : text);
	strbuf_release(&raw);
	return v;
}

/* The value of a scalar event: go-yaml resolves only plain, untagged scalars. */
static int scalar_value(struct k8c_yaml_stream *s, const yaml_event_t *ev, cJSON **ret)
{
	const char *text = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	if (tag && str_has_prefix(tag, TAG_PREFIX)) {
		const char *t = tag + strlen(TAG_PREFIX);
		if (!strcmp(t, "null") || !strcmp(t, "bool") || !strcmp(t, "int") ||
		    !strcmp(t, "float"))
			return tagged_scalar(s, ev, t, ret);
		*ret = !strcmp(t, "binary") ? binary_scalar(text) : cJSON_CreateString(text);
		return 0;
	}
	if (tag || !ev->data.scalar.plain_implicit) {
		*ret = cJSON_CreateString(text);
		return 0;
	}
	struct yaml__value v;
	yaml__resolve_plain(text, &v);
	*ret = json_from_value(&v, text);
	return 0;
}

static int on_scalar(struct k8c_yaml_stream *s, const yaml_event_t *ev)
{
	bool plain = ev->data.scalar.plain_implicit && !ev->data.scalar.tag;
	const char *tag = (const char *)ev->data.scalar.tag;
	if (expecting_key(s) && ((plain && !strcmp((const char *)ev->data.scalar.value, "<<")) ||
				 (tag && !strcmp(tag, TAG_PREFIX "merge")))) {
		top(s)->merge = true;
		return 0;
	}
	cJSON *v = NULL;
	int r = scalar_value(s, ev, &v);
	if (r < 0)
		return r;
	register_anchor(s, ev->data.scalar.anchor, v);
	if (expecting_key(s)) {
		if (cJSON_IsNull(v))
			r = fail_at(s, ev->start_mark, "invalid map key: null");
		else
			r = key_from_json(s, v, ev->start_mark);
		cJSON_Delete(v);
		return r;
	}
	return add_value(s, v, ev->start_mark);
}

/* Handles one event inside a document. Returns 0, 1 at the document's end, or -EINVAL. */
static int on_event(struct k8c_yaml_stream *s, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return on_scalar(s, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(s, ev);
	case YAML_MAPPING_START_EVENT:
		return push_frame(s, cJSON_CreateObject(), ev->data.mapping_start.anchor,
				  ev->start_mark);
	case YAML_SEQUENCE_START_EVENT:
		return push_frame(s, cJSON_CreateArray(), ev->data.sequence_start.anchor,
				  ev->start_mark);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return pop_frame(s, ev->start_mark);
	case YAML_DOCUMENT_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

/* Reads events up to the end of the next document or stream: 1 document, 0 end, <0 error. */
static int read_document(struct k8c_yaml_stream *s)
{
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&s->parser, &ev))
			return fail_parser(s);
		int r = ev.type == YAML_STREAM_END_EVENT ? 0 : on_event(s, &ev);
		bool end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (r < 0 || r == 1 || end)
			return r;
	}
}

struct k8c_yaml_stream *k8c_yaml_stream_new(const char *text, size_t len)
{
	struct k8c_yaml_stream *s = xcalloc(1, sizeof(*s));
	s->text = xmalloc(len + 1);
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	if (!yaml_parser_initialize(&s->parser))
		abort();
	yaml_parser_set_input_string(&s->parser, (const unsigned char *)s->text, len);
	s->result = 1;
	strbuf_init(&s->err.message, 0);
	return s;
}

static void copy_error(const struct k8c_yaml_error *from, struct k8c_yaml_error *to)
{
	if (!to)
		return;
	to->line = from->line;
	to->column = from->column;
	strbuf_reset(&to->message);
	strbuf_add(&to->message, from->message.buf, from->message.len);
}

int k8c_yaml_stream_next(struct k8c_yaml_stream *s, struct k8c_yaml_doc *ret_doc,
			 struct k8c_yaml_error *err)
{
	while (s->result == 1) {
		reset_document(s);
		int r = read_document(s);
		if (r <= 0) {
			s->result = r;
			reset_document(s);
			break;
		}
		int index = s->next_index++;
		if (!s->root || cJSON_IsNull(s->root))
			continue;
		ret_doc->json = TAKE_PTR(s->root);
		ret_doc->index = index;
		ret_doc->line = s->root_line;
		return 1;
	}
	if (s->result < 0)
		copy_error(&s->err, err);
	return s->result;
}

void k8c_yaml_stream_free(struct k8c_yaml_stream *s)
{
	if (!s)
		return;
	reset_document(s);
	free(s->frames);
	yaml_parser_delete(&s->parser);
	strbuf_release(&s->err.message);
	free(s->text);
	free(s);
}

int k8c_yaml_to_json(const char *text, size_t len, cJSON **ret_json, struct k8c_yaml_error *err)
{
	struct k8c_yaml_stream *s = k8c_yaml_stream_new(text, len);
	struct k8c_yaml_doc doc;
	int r = k8c_yaml_stream_next(s, &doc, err);
	k8c_yaml_stream_free(s);
	if (r < 0)
		return r;
	*ret_json = r == 1 ? doc.json : cJSON_CreateNull();
	return 0;
}
