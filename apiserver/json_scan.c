/*
 * json_scan.c - a strict, allocation-light JSON reader that keeps only the
 * members json_scan.h asks for and skips (while validating) everything else.
 *
 * The reader walks the text once. For each object member it knows the
 * dotted path of the member ("spec.nodeName"); it descends into an object
 * only when some wanted path starts with that path, and skips any other
 * value with a validating skip. Nesting is bounded (MAX_DEPTH) so that a
 * hostile value cannot exhaust the stack.
 */
#include "apiserver/json_scan.h"

#include "base/strbuf.h"

#define MAX_DEPTH 64

struct reader {
	const char *p, *end;
	struct json_scan *s;
	struct strbuf path;  /* dotted path of the current object */
	struct strbuf key;   /* the member name being read */
	struct strbuf value; /* a string value being decoded */
};

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	*out = 0;
	if (end - p < 4)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -EINVAL;
		*out = *out << 4 | (unsigned)d;
	}
	return 0;
}

static void add_utf8(struct strbuf *out, unsigned cp)
{
	if (cp < 0x80) {
		strbuf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(out, (int)(0xc0 | cp >> 6));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(out, (int)(0xe0 | cp >> 12));
		strbuf_addch(out, (int)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(out, (int)(0xf0 | cp >> 18));
		strbuf_addch(out, (int)(0x80 | (cp >> 12 & 0x3f)));
		strbuf_addch(out, (int)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3f)));
	}
}

/* One escape after the backslash at r->p[-1]; decoded into out when out is non-NULL. */
static int read_escape(struct reader *r, struct strbuf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = r->p < r->end ? strchr(from, *r->p) : NULL;
	unsigned cp, lo;

	if (e && *r->p) {
		if (out)
			strbuf_addch(out, to[e - from]);
		r->p++;
		return 0;
	}
	if (r->p >= r->end || *r->p != 'u' || hex4(r->p + 1, r->end, &cp) < 0)
		return -EINVAL;
	r->p += 5;
	if (cp >= 0xd800 && cp < 0xdc00 && r->end - r->p >= 6 && r->p[0] == '\\' &&
	    r->p[1] == 'u' && hex4(r->p + 2, r->end, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		r->p += 6;
	}
	if (out)
		add_utf8(out, cp);
	return 0;
}

/* A string at r->p (the opening quote); decoded into out (reset first) unless out is NULL. */
static int read_string(struct reader *r, struct strbuf *out)
{
	if (r->p >= r->end || *r->p != '"')
		return -EINVAL;
	r->p++;
	if (out)
		strbuf_reset(out);
	while (r->p < r->end) {
		const char *run = r->p;
		r->p += str_json_plain_span(r->p, (size_t)(r->end - r->p));
		if (out)
			strbuf_add(out, run, (size_t)(r->p - run));
		if (r->p >= r->end || (unsigned char)*r->p < 0x20)
			return -EINVAL;
		if (*r->p++ == '"')
			return 0;
		if (read_escape(r, out) < 0)
			return -EINVAL;
	}
	return -EINVAL;
}

static bool is_digit(const struct reader *r)
{
	return r->p < r->end && *r->p >= '0' && *r->p <= '9';
}

static int skip_number(struct reader *r)
{
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (!is_digit(r))
		return -EINVAL;
	if (*r->p++ != '0')
		while (is_digit(r))
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!is_digit(r))
			return -EINVAL;
		while (is_digit(r))
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!is_digit(r))
			return -EINVAL;
		while (is_digit(r))
			r->p++;
	}
	return 0;
}

static int skip_literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return -EINVAL;
	r->p += n;
	return 0;
}

/*
 * Validates and skips any value, iteratively: a value nested at depth d
 * counts as d + 1 levels against MAX_DEPTH, as the recursive reader that
 * descends into wanted members counts them. Skipping is most of a scan (the
 * watch cache wants a few fields of every stored object): one loop over the
 * text instead of a call per value and per member took a third of it off.
 */
static int skip_value(struct reader *r, int depth)
{
	bool in_object[MAX_DEPTH + 2]; /* per open container: object (true) or array */
	int open = 0;
	bool want_key = false;         /* in an object: a member name comes next */

	for (;;) {
		skip_ws(r);
		if (r->p >= r->end)
			return -EINVAL;
		if (want_key) {
			if (read_string(r, NULL) < 0)
				return -EINVAL;
			skip_ws(r);
			if (r->p >= r->end || *r->p++ != ':')
				return -EINVAL;
			want_key = false;
			continue;
		}
		int rc = 0;
		switch (*r->p) {
		case '{':
		case '[':
			if (depth + open > MAX_DEPTH)
				return -EINVAL;
			in_object[open++] = *r->p++ == '{';
			skip_ws(r);
			if (r->p < r->end && *r->p == (in_object[open - 1] ? '}' : ']')) {
				r->p++;
				open--;
				break;
			}
			want_key = in_object[open - 1];
			continue;
		case '"': rc = read_string(r, NULL); break;
		case 't': rc = skip_literal(r, "true"); break;
		case 'f': rc = skip_literal(r, "false"); break;
		case 'n': rc = skip_literal(r, "null"); break;
		default: rc = skip_number(r); break;
		}
		if (rc < 0)
			return -EINVAL;
		/* after a value: close what ends here, then a comma or the end */
		for (;;) {
			if (!open)
				return 0;
			skip_ws(r);
			if (r->p >= r->end)
				return -EINVAL;
			if (*r->p == ',') {
				r->p++;
				want_key = in_object[open - 1];
				break;
			}
			if (*r->p != (in_object[open - 1] ? '}' : ']'))
				return -EINVAL;
			r->p++;
			open--;
		}
	}
}

/*
 * The members of the object at r->p ('{'), each handed to member(r, depth)
 * with its name in r->key, positioned at its value.
 */
static int each_member(struct reader *r, int depth, int (*member)(struct reader *, int))
{
	if (depth > MAX_DEPTH)
		return -EINVAL;
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		skip_ws(r);
		if (read_string(r, &r->key) < 0)
			return -EINVAL;
		skip_ws(r);
		if (r->p >= r->end || *r->p++ != ':')
			return -EINVAL;
		skip_ws(r);
		if (member(r, depth + 1) < 0)
			return -EINVAL;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return 0;
		}
		return -EINVAL;
	}
}

/* A member of the labels object: string values are labels, anything else is skipped. */
static int label_member(struct reader *r, int depth)
{
	if (r->p >= r->end || *r->p != '"')
		return skip_value(r, depth);
	if (read_string(r, &r->value) < 0)
		return -EINVAL;
	if (r->s->on_label)
		r->s->on_label(r->s->ctx, r->key.buf, r->value.buf);
	return 0;
}

/* The index of the wanted field at the current path, or -1. */
static int wanted_field(const struct reader *r)
{
	for (size_t i = 0; i < r->s->n_fields; i++)
		if (!strcmp(r->s->fields[i], r->path.buf))
			return (int)i;
	return -1;
}

/* True when a wanted path (a field or the labels) lies strictly below the current path. */
static bool wanted_below(const struct reader *r)
{
	size_t n = r->path.len;
	const char *lp = r->s->labels_path;

	if (lp && !strncmp(lp, r->path.buf, n) && lp[n] == '.')
		return true;
	for (size_t i = 0; i < r->s->n_fields; i++)
		if (!strncmp(r->s->fields[i], r->path.buf, n) && r->s->fields[i][n] == '.')
			return true;
	return false;
}

/* A wanted field's scalar value: strings decoded, booleans as "true"/"false", else skipped. */
static int read_field(struct reader *r, int depth, int f)
{
	const char *word = NULL;

	if (r->p < r->end && *r->p == '"') {
		if (read_string(r, &r->value) < 0)
			return -EINVAL;
		if (!r->s->values[f])
			r->s->values[f] = xstrndup(r->value.buf, r->value.len);
		return 0;
	}
	if (r->p < r->end && (*r->p == 't' || *r->p == 'f'))
		word = *r->p == 't' ? "true" : "false";
	if (!word)
		return skip_value(r, depth);
	if (skip_literal(r, word) < 0)
		return -EINVAL;
	if (!r->s->values[f])
		r->s->values[f] = xstrdup(word);
	return 0;
}

static int path_member(struct reader *r, int depth);

/* A member whose dotted path is r->path: the labels, a field, an object to descend or a skip. */
static int read_member(struct reader *r, int depth)
{
	const char *lp = r->s->labels_path;
	int f;

	if (r->p < r->end && *r->p == '{' && lp && !strcmp(lp, r->path.buf))
		return each_member(r, depth, label_member);
	if ((f = wanted_field(r)) >= 0)
		return read_field(r, depth, f);
	if (r->p < r->end && *r->p == '{' && wanted_below(r))
		return each_member(r, depth, path_member);
	return skip_value(r, depth);
}

/* A member of an object being descended: extends r->path by its name for read_member. */
static int path_member(struct reader *r, int depth)
{
	size_t len = r->path.len;
	int ret;

	if (len)
		strbuf_addch(&r->path, '.');
	strbuf_add(&r->path, r->key.buf, r->key.len);
	ret = read_member(r, depth);
	strbuf_setlen(&r->path, len);
	return ret;
}

int json_scan(const char *text, size_t len, struct json_scan *s)
{
	struct reader r = { .p = text, .end = text + len, .s = s };
	int ret;

	strbuf_init(&r.path, 64);
	strbuf_init(&r.key, 64);
	strbuf_init(&r.value, 64);
	skip_ws(&r);
	ret = r.p < r.end && *r.p == '{' ? each_member(&r, 0, path_member) : -EINVAL;
	skip_ws(&r);
	if (ret == 0 && r.p != r.end)
		ret = -EINVAL;
	strbuf_release(&r.path);
	strbuf_release(&r.key);
	strbuf_release(&r.value);
	return ret;
}
