/*
 * jsonpath.c - kubectl's JSONPath templates; see jsonpath.h. The template is split
 * into text and actions, actions are evaluated straight from their text over sets of
 * cJSON values (no syntax tree is kept: templates are tiny).
 */
#include "kubectl/jsonpath.h"

#include <ctype.h>
#include <math.h>

#include "kubectl/gojson.h"
#include "kubectl/table.h"

struct jvals {
	const cJSON **v;
	size_t n, alloc;
};

static void jpush(struct jvals *s, const cJSON *v)
{
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n++] = v;
}

enum node_type { N_TEXT, N_EXPR, N_RANGE, N_END };

struct node {
	enum node_type type;
	char *text; /* literal text, or the action's expression */
};

struct tmpl {
	struct node *v;
	size_t n, alloc;
};

static void add_node(struct tmpl *t, enum node_type type, const char *s, size_t len)
{
	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	t->v[t->n++] = (struct node){ type, xstrndup(s, len) };
}

static void tmpl_release(struct tmpl *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
}

/* Classifies one action's content ("range .x", "end", an expression). */
static void add_action(struct tmpl *t, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 3 && !memcmp(s, "end", 3))
		add_node(t, N_END, "", 0);
	else if (len > 5 && !memcmp(s, "range", 5) && !isalnum((unsigned char)s[5])) {
		size_t skip = isspace((unsigned char)s[5]) ? 6 : 5;
		add_node(t, N_RANGE, s + skip, len - skip);
	}
	else
		add_node(t, N_EXPR, s, len);
}

static int parse_template(const char *text, struct tmpl *t, struct strbuf *err)
{
	const char *p = text;
	while (*p) {
		const char *open = strchr(p, '{');
		if (!open) {
			add_node(t, N_TEXT, p, strlen(p));
			break;
		}
		if (open > p)
			add_node(t, N_TEXT, p, (size_t)(open - p));
		const char *q = open + 1;
		char quote = 0;
		for (; *q && (quote || *q != '}'); q++) {
			if (quote && *q == '\\' && q[1])
				q++;
			else if (*q == '"' || *q == '\'')
				quote = quote == *q ? 0 : quote ? quote : *q;
		}
		if (!*q) {
			strbuf_addstr(err, "unclosed action");
			return -EINVAL;
		}
		add_action(t, open + 1, (size_t)(q - open - 1));
		p = q + 1;
	}
	return 0;
}

static void eval(const char *expr, const cJSON *root, const cJSON *cur, struct jvals *out);

/* Decodes a quoted literal at s (quote char included) into out; returns the end. */
static const char *literal(const char *s, struct strbuf *out)
{
	char q = *s++;
	for (; *s && *s != q; s++) {
		if (*s != '\\' || !s[1]) {
			strbuf_addch(out, *s);
			continue;
		}
		s++;
		strbuf_addch(out, *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s);
	}
	return *s ? s + 1 : s;
}

static void field(const cJSON *v, const char *name, struct jvals *out)
{
	if (cJSON_IsObject(v)) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, name);
		if (m)
			jpush(out, m);
	}
}

static void recursive(const cJSON *v, const char *name, struct jvals *out)
{
	if (cJSON_IsObject(v))
		field(v, name, out);
	for (const cJSON *c = v->child; c && (cJSON_IsObject(v) || cJSON_IsArray(v)); c = c->next)
		recursive(c, name, out);
}

static void all_children(const cJSON *v, struct jvals *out)
{
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		for (const cJSON *c = v->child; c; c = c->next)
			jpush(out, c);
}

static void slice(const cJSON *v, const char *spec, struct jvals *out)
{
	if (!cJSON_IsArray(v))
		return;
	long n = cJSON_GetArraySize(v), a = 0, b = n, step = 1;
	const char *c1 = strchr(spec, ':');
	if (!c1) {
		long i = strtol(spec, NULL, 10);
		if (i < 0)
			i += n;
		if (i >= 0 && i < n)
			jpush(out, cJSON_GetArrayItem(v, (int)i));
		return;
	}
	if (c1 != spec)
		a = strtol(spec, NULL, 10);
	if (c1[1] && c1[1] != ':')
		b = strtol(c1 + 1, NULL, 10);
	const char *c2 = strchr(c1 + 1, ':');
	if (c2 && c2[1])
		step = strtol(c2 + 1, NULL, 10);
	a = a < 0 ? a + n : a;
	b = b < 0 ? b + n : b > n ? n : b;
	for (long i = a < 0 ? 0 : a; i < b && step > 0; i += step)
		jpush(out, cJSON_GetArrayItem(v, (int)i));
}

/* One side of a filter comparison: a path (first result) or a literal. */
static const cJSON *operand(const char *s, const cJSON *root, const cJSON *el, cJSON **tmp)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '@' || *s == '$') {
		struct jvals r = { 0 };
		eval(s, root, el, &r);
		const cJSON *v = r.n ? r.v[0] : NULL;
		free(r.v);
		return v;
	}
	struct strbuf lit = STRBUF_INIT;
	if (*s == '"' || *s == '\'') {
		literal(s, &lit);
		*tmp = cJSON_CreateString(lit.buf);
	} else {
		strbuf_addstr(&lit, s);
		strbuf_rtrim(&lit);
		*tmp = cJSON_ParseWithLength(lit.buf, lit.len);
		if (!*tmp)
			*tmp = cJSON_CreateString(lit.buf);
	}
	strbuf_release(&lit);
	return *tmp;
}

static int compare(const cJSON *a, const cJSON *b)
{
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return a->valuedouble < b->valuedouble ? -1 : a->valuedouble > b->valuedouble;
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	ktable_cell_text(a, &x);
	ktable_cell_text(b, &y);
	int r = strcmp(x.buf, y.buf);
	strbuf_release(&x);
	strbuf_release(&y);
	return r;
}

static bool filter_match(const char *cond, const cJSON *root, const cJSON *el)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">" };
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		const char *op = strstr(cond, ops[i]);
		if (!op)
			continue;
		_cleanup_free_ char *left = xstrndup(cond, (size_t)(op - cond));
		cJSON *t1 = NULL, *t2 = NULL;
		const cJSON *a = operand(left, root, el, &t1);
		const cJSON *b = operand(op + strlen(ops[i]), root, el, &t2);
		int c = a && b ? compare(a, b) : 2;
		cJSON_Delete(t1);
		cJSON_Delete(t2);
		if (c == 2)
			return i == 1;
		return (i == 0 && c == 0) || (i == 1 && c != 0) || (i == 2 && c <= 0) ||
		       (i == 3 && c >= 0) || (i == 4 && c < 0) || (i == 5 && c > 0);
	}
	cJSON *tmp = NULL;
	const cJSON *v = operand(cond, root, el, &tmp);
	bool ok = v && !cJSON_IsNull(v) && !cJSON_IsFalse(v);
	cJSON_Delete(tmp);
	return ok;
}

static void filter(const cJSON *v, const char *cond, const cJSON *root, struct jvals *out)
{
	struct jvals els = { 0 };
	if (cJSON_IsArray(v))
		all_children(v, &els);
	else
		jpush(&els, v);
	for (size_t i = 0; i < els.n; i++)
		if (filter_match(cond, root, els.v[i]))
			jpush(out, els.v[i]);
	free(els.v);
}

/* The end of the bracket that starts at s ('['), honouring quotes and parentheses. */
static const char *bracket_end(const char *s)
{
	int depth = 0;
	char quote = 0;
	for (; *s; s++) {
		if (quote) {
			quote = *s == quote ? 0 : quote;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '[' || *s == '(') {
			depth++;
		} else if ((*s == ']' || *s == ')') && --depth == 0) {
			return s;
		}
	}
	return s;
}

/* Applies one bracket step ("[...]" content in spec) to every value of in. */
static void bracket(const char *spec, const cJSON *root, const struct jvals *in, struct jvals *out)
{
	for (size_t i = 0; i < in->n; i++) {
		if (*spec == '\'' || *spec == '"') {
			struct strbuf k = STRBUF_INIT;
			literal(spec, &k);
			field(in->v[i], k.buf, out);
			strbuf_release(&k);
		} else if (!strcmp(spec, "*")) {
			all_children(in->v[i], out);
		} else if (spec[0] == '?' && spec[1] == '(') {
			_cleanup_free_ char *cond = xstrndup(spec + 2, strlen(spec + 2) - 1);
			filter(in->v[i], cond, root, out);
		} else {
			slice(in->v[i], spec, out);
		}
	}
}

/* A field name after '.', with backslash escapes; returns the end. */
static const char *field_name(const char *s, struct strbuf *name)
{
	for (; *s && *s != '.' && *s != '[' && *s != ' ' && *s != ')'; s++) {
		if (*s == '\\' && s[1])
			s++;
		strbuf_addch(name, *s);
	}
	return s;
}

static void eval(const char *expr, const cJSON *root, const cJSON *cur, struct jvals *out)
{
	struct jvals set = { 0 }, next = { 0 };
	const char *p = expr;
	jpush(&set, *p == '$' ? root : cur);
	if (*p == '$' || *p == '@')
		p++;
	while (*p && *p != ' ' && *p != ')' && set.n) {
		next.n = 0;
		struct strbuf name = STRBUF_INIT;
		if (p[0] == '.' && p[1] == '.') {
			p = field_name(p + 2, &name);
			for (size_t i = 0; i < set.n; i++)
				recursive(set.v[i], name.buf, &next);
		} else if (*p == '.') {
			p = field_name(p + 1, &name);
			for (size_t i = 0; i < set.n && name.len; i++)
				field(set.v[i], name.buf, &next);
			if (!name.len)
				for (size_t i = 0; i < set.n; i++)
					jpush(&next, set.v[i]);
		} else if (*p == '[') {
			const char *e = bracket_end(p);
			_cleanup_free_ char *spec = xstrndup(p + 1, (size_t)(e - p - 1));
			bracket(spec, root, &set, &next);
			p = *e ? e + 1 : e;
		} else {
			p = field_name(p, &name);
			for (size_t i = 0; i < set.n; i++)
				field(set.v[i], name.buf, &next);
		}
		strbuf_release(&name);
		struct jvals t = set;
		set = next;
		next = t;
	}
	for (size_t i = 0; i < set.n; i++)
		jpush(out, set.v[i]);
	free(set.v);
	free(next.v);
}

static void print_value(const cJSON *v, struct strbuf *out)
{
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		gojson_marshal(v, out);
	else if (cJSON_IsString(v))
		strbuf_addstr(out, v->valuestring);
	else if (cJSON_IsNull(v))
		strbuf_addstr(out, "null");
	else
		ktable_cell_text(v, out);
}

/* Evaluates a comma-separated union of expressions or literals. */
static void action(const char *expr, const cJSON *root, const cJSON *cur, struct jvals *vals,
		   struct strbuf *lits)
{
	if (*expr == '"' || *expr == '\'') {
		literal(expr, lits);
		return;
	}
	eval(expr, root, cur, vals);
}

static int run(const struct tmpl *t, size_t from, size_t to, const cJSON *root, const cJSON *cur,
	       struct strbuf *out, struct strbuf *err);

/* The index of the {end} closing the range at i, or t->n when there is none. */
static size_t range_end(const struct tmpl *t, size_t i)
{
	int depth = 0;
	for (size_t j = i + 1; j < t->n; j++) {
		if (t->v[j].type == N_RANGE)
			depth++;
		else if (t->v[j].type == N_END && depth-- == 0)
			return j;
	}
	return t->n;
}

static int run_node(const struct tmpl *t, size_t *i, const cJSON *root, const cJSON *cur,
		    struct strbuf *out, struct strbuf *err)
{
	const struct node *n = &t->v[*i];
	struct jvals vals = { 0 };
	int r = 0;
	if (n->type == N_TEXT) {
		strbuf_addstr(out, n->text);
	} else if (n->type == N_END) {
		strbuf_addstr(err, "not in range, nothing to end");
		r = -EINVAL;
	} else if (n->type == N_EXPR) {
		struct strbuf lits = STRBUF_INIT;
		action(n->text, root, cur, &vals, &lits);
		strbuf_addstr(out, lits.buf);
		for (size_t j = 0; j < vals.n; j++) {
			if (j)
				strbuf_addch(out, ' ');
			print_value(vals.v[j], out);
		}
		strbuf_release(&lits);
	} else {
		size_t end = range_end(t, *i);
		eval(n->text, root, cur, &vals);
		const cJSON *only = vals.n == 1 && cJSON_IsArray(vals.v[0]) ? vals.v[0] : NULL;
		struct jvals items = { 0 };
		if (only)
			all_children(only, &items);
		const struct jvals *loop = only ? &items : &vals;
		for (size_t j = 0; j < loop->n && r == 0; j++)
			r = run(t, *i + 1, end, root, loop->v[j], out, err);
		free(items.v);
		*i = end;
	}
	free(vals.v);
	return r;
}

static int run(const struct tmpl *t, size_t from, size_t to, const cJSON *root, const cJSON *cur,
	       struct strbuf *out, struct strbuf *err)
{
	for (size_t i = from; i < to && i < t->n; i++) {
		int r = run_node(t, &i, root, cur, out, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int jsonpath_execute(const char *template_text, const cJSON *data, struct strbuf *out,
		     struct strbuf *err)
{
	struct tmpl t = { 0 };
	int r = parse_template(template_text, &t, err);
	if (r == 0)
		r = run(&t, 0, t.n, data, data, out, err);
	tmpl_release(&t);
	return r;
}
