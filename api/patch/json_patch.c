/*
 * json_patch.c - RFC 6902 JSON patch with RFC 6901 pointers; see patch.h.
 * Operations run on a deep copy, which replaces the caller's document only
 * when all of them succeed. Messages follow the evanphx/json-patch library
 * the Kubernetes API server uses.
 */
#include "api/patch/patch_internal.h"

#define MAX_OPERATIONS 10000

/* A parsed JSON pointer: "" is the whole document (n == 0). */
struct pointer {
	char **tok;
	size_t n;
};

struct op {
	const char *name, *path, *from;
	const cJSON *value;
	struct strbuf *err;
};

static void pointer_release(struct pointer *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->tok[i]);
	free(p->tok);
	memset(p, 0, sizeof(*p));
}

/* Unescapes one reference token: "~1" is '/', "~0" is '~'; any other '~' is an error. */
static int unescape_token(const char *s, size_t len, char **ret)
{
	char *out = xmalloc(len + 1), *o = out;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '~') {
			*o++ = s[i];
		} else if (i + 1 < len && (s[i + 1] == '0' || s[i + 1] == '1')) {
			*o++ = s[++i] == '0' ? '~' : '/';
		} else {
			free(out);
			return -EBADMSG;
		}
	}
	*o = '\0';
	*ret = out;
	return 0;
}

static int pointer_parse(const char *text, struct pointer *p, struct strbuf *err)
{
	memset(p, 0, sizeof(*p));
	if (*text && *text != '/')
		return patch__fail(err, -EBADMSG,
				   "JSON pointer must be empty or start with a \"/\": %s", text);
	while (*text) {
		const char *start = ++text;
		size_t len = strcspn(start, "/");
		char *tok;
		if (unescape_token(start, len, &tok) < 0) {
			pointer_release(p);
			return patch__fail(err, -EBADMSG, "invalid JSON pointer escape in %s",
					   start);
		}
		p->tok = xrealloc(p->tok, (p->n + 1) * sizeof(*p->tok));
		p->tok[p->n++] = tok;
		text = start + len;
	}
	return 0;
}

/*
 * An array index token: digits without leading zeros, below size (or equal
 * to it, and "-" for size, when append is allowed). -1 when invalid.
 */
static int array_index(const char *tok, int size, bool append)
{
	if (append && strcmp(tok, "-") == 0)
		return size;
	if (!*tok || strspn(tok, "0123456789") != strlen(tok) || (tok[0] == '0' && tok[1]))
		return -1;
	long v = strlen(tok) > 9 ? -1 : strtol(tok, NULL, 10);
	return v < 0 || v > size || (v == size && !append) ? -1 : (int)v;
}

/* The value at the first depth tokens of p, or NULL when the document has none. */
static cJSON *resolve(cJSON *doc, const struct pointer *p, size_t depth)
{
	cJSON *v = doc;
	for (size_t i = 0; v && i < depth; i++) {
		if (cJSON_IsObject(v)) {
			v = cJSON_GetObjectItemCaseSensitive(v, p->tok[i]);
		} else if (cJSON_IsArray(v)) {
			int idx = array_index(p->tok[i], cJSON_GetArraySize(v), false);
			v = idx < 0 ? NULL : cJSON_GetArrayItem(v, idx);
		} else {
			v = NULL;
		}
	}
	return v;
}

/* Puts value (taken) at p: add semantics, or replace semantics (the target must exist). */
static int put(cJSON **doc, const struct pointer *p, cJSON *value, bool replace)
{
	if (p->n == 0) {
		patch__replace_root(doc, value);
		return 0;
	}
	cJSON *parent = resolve(*doc, p, p->n - 1);
	const char *last = p->tok[p->n - 1];
	if (cJSON_IsObject(parent) && (!replace || patch__get(parent, last))) {
		patch__set(parent, last, value);
		return 0;
	}
	int idx = cJSON_IsArray(parent) ? array_index(last, cJSON_GetArraySize(parent), !replace)
					: -1;
	if (idx < 0) {
		cJSON_Delete(value);
		return -EINVAL;
	}
	if (!replace)
		patch__insert(parent, idx, value);
	else if (!cJSON_ReplaceItemInArray(parent, idx, value))
		abort(); /* the index was checked: cannot fail */
	return 0;
}

/* Detaches the value at p (not the root); NULL when there is none. */
static cJSON *take(cJSON *doc, const struct pointer *p)
{
	if (p->n == 0)
		return NULL;
	cJSON *parent = resolve(doc, p, p->n - 1);
	const char *last = p->tok[p->n - 1];
	if (cJSON_IsObject(parent))
		return cJSON_DetachItemFromObjectCaseSensitive(parent, last);
	int idx = cJSON_IsArray(parent) ? array_index(last, cJSON_GetArraySize(parent), false) : -1;
	return idx < 0 ? NULL : cJSON_DetachItemFromArray(parent, idx);
}

static int missing(const struct op *o, const char *what, const char *where)
{
	return patch__fail(o->err, -EINVAL, "%s operation does not apply: doc is missing %s: %s",
			   o->name, what, where);
}

/* move and copy */
static int run_from(cJSON **doc, const struct op *o, const struct pointer *path)
{
	struct pointer from;
	int rc = pointer_parse(o->from, &from, o->err);
	if (rc < 0)
		return rc;
	bool move = strcmp(o->name, "move") == 0;
	const cJSON *src = resolve(*doc, &from, from.n);
	size_t flen = strlen(o->from);
	if (!src) {
		rc = missing(o, "from path", o->from);
	} else if (move && strcmp(o->from, o->path) == 0) {
		rc = 0; /* moving a value onto itself changes nothing */
	} else if (move && !strncmp(o->path, o->from, flen) && o->path[flen] == '/') {
		rc = patch__fail(
			o->err, -EINVAL,
			"move operation does not apply: \"from\" %s is a parent of \"path\" %s",
			o->from, o->path);
	} else {
		cJSON *v = move ? take(*doc, &from) : patch__dup(src);
		if (put(doc, path, v, false) < 0)
			rc = missing(o, "path", o->path);
	}
	pointer_release(&from);
	return rc;
}

static int run_one(cJSON **doc, const struct op *o, const struct pointer *path)
{
	const char *n = o->name;
	if (!strcmp(n, "add") || !strcmp(n, "replace")) {
		bool replace = n[0] == 'r';
		if (put(doc, path, patch__dup(o->value), replace) < 0)
			return missing(o, replace ? "key" : "path", o->path);
		return 0;
	}
	if (!strcmp(n, "remove")) {
		cJSON *v = take(*doc, path);
		if (!v)
			return missing(o, "path", o->path);
		cJSON_Delete(v);
		return 0;
	}
	if (!strcmp(n, "test")) {
		const cJSON *v = resolve(*doc, path, path->n);
		if (!v || !patch__equal(v, o->value))
			return patch__fail(o->err, -EINVAL, "testing value %s failed: test failed",
					   o->path);
		return 0;
	}
	return run_from(doc, o, path);
}

/* Reads and checks the members of one operation object. */
static int read_op(const cJSON *item, size_t i, struct op *o)
{
	static const char *const ops[] = { "add", "remove", "replace", "move", "copy", "test" };
	const cJSON *op = patch__get(item, "op"), *path = patch__get(item, "path");
	const cJSON *from = patch__get(item, "from");
	o->value = patch__get(item, "value");
	if (!cJSON_IsString(op) || !cJSON_IsString(path))
		return patch__fail(o->err, -EBADMSG,
				   "invalid JSON patch operation %zu: \"op\" and "
				   "\"path\" must be strings",
				   i);
	o->name = op->valuestring;
	o->path = path->valuestring;
	o->from = cJSON_IsString(from) ? from->valuestring : NULL;
	size_t k = 0;
	while (k < ARRAY_SIZE(ops) && strcmp(ops[k], o->name))
		k++;
	if (k == ARRAY_SIZE(ops))
		return patch__fail(o->err, -EBADMSG, "Unexpected kind: %s", o->name);
	if ((k == 0 || k == 2 || k == 5) && !o->value)
		return patch__fail(o->err, -EBADMSG, "%s operation %zu has no \"value\"", o->name,
				   i);
	if ((k == 3 || k == 4) && !o->from)
		return patch__fail(o->err, -EBADMSG, "%s operation %zu has no \"from\"", o->name,
				   i);
	return 0;
}

int json_patch_apply(cJSON **doc, const cJSON *patch, struct strbuf *err)
{
	if (!cJSON_IsArray(patch))
		return patch__fail(err, -EBADMSG, "a JSON patch must be an array of operations");
	int n = cJSON_GetArraySize(patch);
	if (n > MAX_OPERATIONS)
		return patch__fail(err, -EBADMSG,
				   "The allowed maximum operations in a JSON patch is "
				   "%d, got %d",
				   MAX_OPERATIONS, n);
	cJSON *work = patch__dup(*doc);
	int rc = 0;
	size_t i = 0;
	for (const cJSON *item = patch->child; item && rc == 0; item = item->next, i++) {
		struct op o = { .err = err };
		struct pointer path;
		if ((rc = read_op(item, i, &o)) < 0 || (rc = pointer_parse(o.path, &path, err)) < 0)
			break;
		rc = run_one(&work, &o, &path);
		pointer_release(&path);
	}
	if (rc < 0) {
		cJSON_Delete(work);
		return rc;
	}
	patch__replace_root(doc, work);
	return 0;
}
