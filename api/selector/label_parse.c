/*
 * label_parse.c - the label selector text parser (labels.Parse): a lexer
 * that tokenizes the whole input, then a recursive descent over
 *   selector    := requirement ("," requirement)*
 *   requirement := ["!"] KEY [ ("in" | "notin") "(" values ")" | ("=" | "==" | "!=" | ">" | "<")
 * VALUE ] with upstream's error texts, so ?labelSelector= errors read as they do from a Kubernetes
 * API server.
 */
#include "api/selector/labels.h"

#include "api/validation/field_err.h"
#include "api/validation/names.h"

enum tok {
	T_ERROR,
	T_EOS,
	T_CPAREN,
	T_COMMA,
	T_NOT,
	T_DEQ,
	T_EQ,
	T_GT,
	T_ID,
	T_IN,
	T_LT,
	T_NEQ,
	T_NOTIN,
	T_OPAREN,
};

struct token {
	enum tok tok;
	char *lit;
};

struct parser {
	struct token *toks;
	size_t n, alloc, pos;
	struct strbuf *err;
};

/* A growable list of owned strings: the value set of one requirement. */
struct strvec {
	char **v;
	size_t n, alloc;
};

static const struct {
	const char *text;
	enum tok tok;
} tokens[] = {
	{ ")", T_CPAREN }, { ",", T_COMMA },	 { "!", T_NOT },    { "==", T_DEQ },
	{ "=", T_EQ },	   { ">", T_GT },	 { "in", T_IN },    { "<", T_LT },
	{ "!=", T_NEQ },   { "notin", T_NOTIN }, { "(", T_OPAREN },
};

static enum tok token_of(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(tokens); i++)
		if (strlen(tokens[i].text) == len && !memcmp(tokens[i].text, s, len))
			return tokens[i].tok;
	return T_ERROR;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
	return c && strchr("=!(),><", c);
}

static void push(struct parser *p, enum tok tok, const char *s, size_t len)
{
	ALLOC_GROW(p->toks, p->n + 1, p->alloc);
	p->toks[p->n].tok = tok;
	p->toks[p->n].lit = xstrndup(s, len);
	p->n++;
}

/* The longest run of special symbols that is a token (scanSpecialSymbol). */
static const char *scan_special(struct parser *p, const char *s)
{
	size_t len = 0, best = 0;
	enum tok best_tok = T_ERROR;
	while (is_special(s[len])) {
		enum tok t = token_of(s, ++len);
		if (t != T_ERROR) {
			best = len;
			best_tok = t;
		} else if (best) {
			break;
		}
	}
	if (!best) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "error expected: keyword found '%.*s'", (int)len, s);
		push(p, T_ERROR, sb.buf, sb.len);
		strbuf_release(&sb);
		return s + len;
	}
	push(p, best_tok, s, best);
	return s + best;
}

static void lex(struct parser *p, const char *s)
{
	for (;;) {
		while (is_space(*s))
			s++;
		if (!*s) {
			push(p, T_EOS, "", 0);
			return;
		}
		if (is_special(*s)) {
			s = scan_special(p, s);
			continue;
		}
		size_t len = 0;
		while (s[len] && !is_special(s[len]) && !is_space(s[len]))
			len++;
		enum tok t = token_of(s, len);
		push(p, t == T_IN || t == T_NOTIN ? t : T_ID, s, len);
		s += len;
	}
}

/* In the values context the keywords "in" and "notin" are plain identifiers. */
static enum tok lookahead(const struct parser *p, bool values, const char **lit)
{
	const struct token *t = &p->toks[p->pos];
	if (lit)
		*lit = t->lit;
	if (values && (t->tok == T_IN || t->tok == T_NOTIN))
		return T_ID;
	return t->tok;
}

static enum tok consume(struct parser *p, bool values, const char **lit)
{
	enum tok t = lookahead(p, values, lit);
	if (p->pos + 1 < p->n)
		p->pos++;
	return t;
}

static int fail(struct parser *p, const char *fmt, ...) K8C_PRINTF(2, 3);
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(p->err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void strvec_add(struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return;
	ALLOC_GROW(v->v, v->n + 1, v->alloc);
	v->v[v->n++] = xstrdup(s);
}

static void strvec_release(struct strvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	memset(v, 0, sizeof(*v));
}

static int parse_identifiers(struct parser *p, struct strvec *vals)
{
	const char *lit;
	for (;;) {
		enum tok t = consume(p, true, &lit);
		if (t == T_ID) {
			strvec_add(vals, lit);
			t = lookahead(p, true, &lit);
			if (t == T_CPAREN)
				return 0;
			if (t != T_COMMA)
				return fail(p, "found '%s', expected: ',' or ')'", lit);
		} else if (t == T_COMMA) {
			/* "(," ",," and ",)" stand for empty values */
			if (vals->n == 0)
				strvec_add(vals, "");
			t = lookahead(p, true, NULL);
			if (t == T_CPAREN) {
				strvec_add(vals, "");
				return 0;
			}
			if (t == T_COMMA) {
				consume(p, true, NULL);
				strvec_add(vals, "");
			}
		} else {
			return fail(p, "found '%s', expected: ',', or identifier", lit);
		}
	}
}

static int parse_values(struct parser *p, struct strvec *vals)
{
	const char *lit;
	if (consume(p, true, &lit) != T_OPAREN)
		return fail(p, "found '%s' expected: '('", lit);
	enum tok t = lookahead(p, true, &lit);
	if (t == T_CPAREN) {
		consume(p, true, NULL);
		strvec_add(vals, "");
		return 0;
	}
	if (t != T_ID && t != T_COMMA)
		return fail(p, "found '%s', expected: ',', ')' or identifier", lit);
	int rc = parse_identifiers(p, vals);
	if (rc < 0)
		return rc;
	if (consume(p, true, NULL) != T_CPAREN)
		return fail(p, "found '%s', expected: ')'", lit);
	return 0;
}

static int parse_exact_value(struct parser *p, struct strvec *vals)
{
	const char *lit;
	enum tok t = lookahead(p, true, NULL);
	if (t == T_EOS || t == T_COMMA) {
		strvec_add(vals, "");
		return 0;
	}
	if (consume(p, true, &lit) != T_ID)
		return fail(p, "found '%s', expected: identifier", lit);
	strvec_add(vals, lit);
	return 0;
}

static int parse_operator(struct parser *p, enum label_op *op)
{
	static const struct {
		enum tok tok;
		enum label_op op;
	} ops[] = {
		{ T_IN, LABEL_OP_IN },
		{ T_EQ, LABEL_OP_EQUALS },
		{ T_DEQ, LABEL_OP_DOUBLE_EQUALS },
		{ T_GT, LABEL_OP_GT },
		{ T_LT, LABEL_OP_LT },
		{ T_NOTIN, LABEL_OP_NOT_IN },
		{ T_NEQ, LABEL_OP_NOT_EQUALS },
	};
	const char *lit;
	enum tok t = consume(p, false, &lit);
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (ops[i].tok == t) {
			*op = ops[i].op;
			return 0;
		}
	}
	return fail(p, "found '%s', expected: in, notin, =, ==, !=, gt, lt", lit);
}

/* Key and, when no operator follows, the inferred exists / does-not-exist. */
static int parse_key(struct parser *p, const char **key, enum label_op *op, bool *has_op)
{
	struct k8c_name_msgs m;
	enum tok t = consume(p, true, key);
	*has_op = false;
	if (t == T_NOT) {
		*op = LABEL_OP_DOES_NOT_EXIST;
		*has_op = true;
		t = consume(p, true, key);
	}
	if (t != T_ID)
		return fail(p, "found '%s', expected: identifier", *key);
	if (!k8c_is_qualified_name(*key, &m)) {
		/* upstream validates the key against a nil field path */
		strbuf_addstr(p->err, "<nil>: Invalid value: ");
		field_err_quote(p->err, *key);
		strbuf_addstr(p->err, ": ");
		for (size_t i = 0; i < m.n; i++)
			strbuf_addf(p->err, "%s%s", i ? "; " : "", m.msg[i]);
		return -EINVAL;
	}
	t = lookahead(p, true, NULL);
	if (!*has_op && (t == T_EOS || t == T_COMMA)) {
		*op = LABEL_OP_EXISTS;
		*has_op = true;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int parse_requirement(struct parser *p, struct label_selector *sel)
{
	const char *key;
	enum label_op op = LABEL_OP_EXISTS;
	bool has_op;
	struct strvec vals = { 0 };
	int rc = parse_key(p, &key, &op, &has_op);
	if (rc == 0 && !has_op && (rc = parse_operator(p, &op)) == 0)
		rc = op == LABEL_OP_IN || op == LABEL_OP_NOT_IN ? parse_values(p, &vals)
								: parse_exact_value(p, &vals);
	if (rc == 0) {
		/* a value set: sorted, as sets.String.List() */
		if (vals.n)
			qsort(vals.v, vals.n, sizeof(*vals.v), cmp_str);
		rc = label_selector_add_requirement(sel, key, op, (const char *const *)vals.v,
						    vals.n, p->err);
	}
	strvec_release(&vals);
	return rc;
}

static int parse_all(struct parser *p, struct label_selector *sel)
{
	const char *lit;
	for (;;) {
		enum tok t = lookahead(p, true, &lit);
		if (t == T_EOS)
			return 0;
		if (t != T_ID && t != T_NOT)
			return fail(p, "found '%s', expected: !, identifier, or 'end of string'",
				    lit);
		strbuf_addstr(p->err, "unable to parse requirement: ");
		if (parse_requirement(p, sel) < 0)
			return -EINVAL;
		strbuf_reset(p->err);
		t = consume(p, true, &lit);
		if (t == T_EOS)
			return 0;
		if (t != T_COMMA)
			return fail(p, "found '%s', expected: ',' or 'end of string'", lit);
		t = lookahead(p, true, &lit);
		if (t != T_ID && t != T_NOT)
			return fail(p, "found '%s', expected: identifier after ','", lit);
	}
}

int label_selector_parse(const char *text, struct label_selector *ret, struct strbuf *err)
{
	struct strbuf msg = STRBUF_INIT;
	struct parser p = { .err = &msg };
	struct label_selector sel = LABEL_SELECTOR_INIT;
	lex(&p, text);
	int rc = parse_all(&p, &sel);
	for (size_t i = 0; i < p.n; i++)
		free(p.toks[i].lit);
	free(p.toks);
	if (rc < 0) {
		if (err)
			strbuf_addstr(err, msg.buf);
		label_selector_release(&sel);
	} else {
		*ret = sel;
	}
	strbuf_release(&msg);
	return rc;
}
