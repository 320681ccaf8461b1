/*
 * labels.c - label selector requirements: building with upstream's
 * NewRequirement validation, matching, canonical text and metav1
 * validation; see labels.h. The text parser lives in label_parse.c.
 */
#include "api/selector/labels.h"

#include "api/validation/field_err.h"
#include "api/validation/names.h"

static const char *const op_text[] = {
	[LABEL_OP_IN] = " in ",		 [LABEL_OP_NOT_IN] = " notin ", [LABEL_OP_EQUALS] = "=",
	[LABEL_OP_DOUBLE_EQUALS] = "==", [LABEL_OP_NOT_EQUALS] = "!=",	[LABEL_OP_EXISTS] = "",
	[LABEL_OP_DOES_NOT_EXIST] = "",	 [LABEL_OP_GT] = ">",		[LABEL_OP_LT] = "<",
};

void label_selector_init_nothing(struct label_selector *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->nothing = true;
}

static void requirement_release(struct label_requirement *r)
{
	free(r->key);
	for (size_t i = 0; i < r->n_values; i++)
		free(r->values[i]);
	free(r->values);
}

void label_selector_release(struct label_selector *sel)
{
	for (size_t i = 0; i < sel->n; i++)
		requirement_release(&sel->reqs[i]);
	free(sel->reqs);
	memset(sel, 0, sizeof(*sel));
}

/* Go's strconv.ParseInt(s, 10, 64). */
static bool parse_int64(const char *s, int64_t *ret)
{
	char *end;
	if (!*s || !(*s == '-' || *s == '+' || (*s >= '0' && *s <= '9')))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

static void join_msgs(const struct k8c_name_msgs *m, struct strbuf *out)
{
	for (size_t i = 0; i < m->n; i++) {
		if (i)
			strbuf_addstr(out, "; ");
		strbuf_addstr(out, m->msg[i]);
	}
}

/* The values as newer apimachinery renders a []string bad value: JSON, null when empty. */
static void values_json(const char *const *values, size_t n, struct strbuf *out)
{
	if (!n) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_add_json_str(out, values[i]);
	}
	strbuf_addch(out, ']');
}

/* The value-count rule of op, or NULL when n satisfies it. */
static const char *count_error(enum label_op op, size_t n)
{
	switch (op) {
	case LABEL_OP_IN:
	case LABEL_OP_NOT_IN:
		return n ? NULL : "for 'in', 'notin' operators, values set can't be empty";
	case LABEL_OP_EQUALS:
	case LABEL_OP_DOUBLE_EQUALS:
	case LABEL_OP_NOT_EQUALS:
		return n == 1 ? NULL : "exact-match compatibility requires one single value";
	case LABEL_OP_EXISTS:
	case LABEL_OP_DOES_NOT_EXIST:
		return n ? "values set must be empty for exists and does not exist" : NULL;
	case LABEL_OP_GT:
	case LABEL_OP_LT:
		return n == 1 ? NULL : "for 'Gt', 'Lt' operators, exactly one value is required";
	}
	return NULL;
}

static void check_values(const char *key, enum label_op op, const char *const *values, size_t n,
			 struct field_errors *errs)
{
	struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;
	struct k8c_name_msgs m;
	int64_t dummy;
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "values[%zu]", i);
		if ((op == LABEL_OP_GT || op == LABEL_OP_LT) && !parse_int64(values[i], &dummy))
			field_err_invalid(errs, path.buf, values[i],
					  "for 'Gt', 'Lt' operators, the value must be an integer");
	}
	for (size_t i = 0; i < n; i++) {
		if (k8c_is_label_value(values[i], &m))
			continue;
		strbuf_reset(&path);
		strbuf_reset(&msg);
		strbuf_addf(&path, "values[%zu][%s]", i, key);
		join_msgs(&m, &msg);
		field_err_invalid(errs, path.buf, values[i], msg.buf);
	}
	strbuf_release(&path);
	strbuf_release(&msg);
}

/* labels.NewRequirement's checks, as a field error list. */
static void requirement_errors(const char *key, enum label_op op, const char *const *values,
			       size_t n, struct field_errors *errs)
{
	static const char *const ops[] = {
		"in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"
	};
	struct k8c_name_msgs m;
	struct strbuf sb = STRBUF_INIT;
	if (!k8c_is_qualified_name(key, &m)) {
		join_msgs(&m, &sb);
		field_err_invalid(errs, "key", key, sb.buf);
	}
	if ((unsigned)op > LABEL_OP_LT) {
		field_err_not_supported(errs, "operator", "", ops, ARRAY_SIZE(ops));
	} else if (count_error(op, n)) {
		strbuf_reset(&sb);
		values_json(values, n, &sb);
		field_err_invalid_json(errs, "values", sb.buf, count_error(op, n));
	}
	check_values(key, op, values, n, errs);
	strbuf_release(&sb);
}

static void insert_sorted(struct label_selector *sel, struct label_requirement *r)
{
	size_t at = sel->n;
	while (at > 0 && strcmp(sel->reqs[at - 1].key, r->key) > 0)
		at--;
	ALLOC_GROW(sel->reqs, sel->n + 1, sel->alloc);
	memmove(&sel->reqs[at + 1], &sel->reqs[at], (sel->n - at) * sizeof(*sel->reqs));
	sel->reqs[at] = *r;
	sel->n++;
}

int label_selector_add_requirement(struct label_selector *sel, const char *key, enum label_op op,
				   const char *const *values, size_t n, struct strbuf *err)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	requirement_errors(key, op, values, n, &errs);
	if (errs.n) {
		if (err)
			field_errors_format(&errs, err);
		field_errors_release(&errs);
		return -EINVAL;
	}
	if (sel->nothing)
		return 0;
	struct label_requirement r = { .key = xstrdup(key), .op = op, .n_values = n };
	r.values = xcalloc(n ? n : 1, sizeof(*r.values));
	for (size_t i = 0; i < n; i++)
		r.values[i] = xstrdup(values[i]);
	insert_sorted(sel, &r);
	return 0;
}

int label_selector_add(struct label_selector *sel, const char *key, const char *op,
		       const char *const *values, size_t n, struct strbuf *err)
{
	static const struct {
		const char *name;
		enum label_op op;
	} ops[] = {
		{ "In", LABEL_OP_IN },
		{ "NotIn", LABEL_OP_NOT_IN },
		{ "Exists", LABEL_OP_EXISTS },
		{ "DoesNotExist", LABEL_OP_DOES_NOT_EXIST },
	};
	for (size_t i = 0; op && i < ARRAY_SIZE(ops); i++)
		if (strcmp(op, ops[i].name) == 0)
			return label_selector_add_requirement(sel, key, ops[i].op, values, n, err);
	if (err) {
		field_err_quote(err, op ? op : "");
		strbuf_addstr(err, " is not a valid label selector operator");
	}
	return -EINVAL;
}

int label_selector_add_match_label(struct label_selector *sel, const char *key, const char *value,
				   struct strbuf *err)
{
	return label_selector_add_requirement(sel, key, LABEL_OP_EQUALS, &value, 1, err);
}

static bool has_value(const struct label_requirement *r, const char *v)
{
	for (size_t i = 0; i < r->n_values; i++)
		if (strcmp(r->values[i], v) == 0)
			return true;
	return false;
}

static bool compare_int(const struct label_requirement *r, const char *v)
{
	int64_t have, want;
	if (!v || r->n_values != 1 || !parse_int64(v, &have) || !parse_int64(r->values[0], &want))
		return false;
	return r->op == LABEL_OP_GT ? have > want : have < want;
}

static bool requirement_matches(const struct label_requirement *r, const struct k8c_strmap *labels)
{
	const char *v = labels ? k8c_strmap_get(labels, r->key) : NULL;
	switch (r->op) {
	case LABEL_OP_IN:
	case LABEL_OP_EQUALS:
	case LABEL_OP_DOUBLE_EQUALS:
		return v && has_value(r, v);
	case LABEL_OP_NOT_IN:
	case LABEL_OP_NOT_EQUALS:
		return !v || !has_value(r, v);
	case LABEL_OP_EXISTS:
		return v != NULL;
	case LABEL_OP_DOES_NOT_EXIST:
		return v == NULL;
	case LABEL_OP_GT:
	case LABEL_OP_LT:
		return compare_int(r, v);
	}
	return false;
}

bool label_selector_matches(const struct label_selector *sel, const struct k8c_strmap *labels)
{
	if (sel->nothing)
		return false;
	for (size_t i = 0; i < sel->n; i++)
		if (!requirement_matches(&sel->reqs[i], labels))
			return false;
	return true;
}

bool label_selector_is_everything(const struct label_selector *sel)
{
	return !sel->nothing && sel->n == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void format_requirement(const struct label_requirement *r, struct strbuf *out)
{
	bool set = r->op == LABEL_OP_IN || r->op == LABEL_OP_NOT_IN;
	if (r->op == LABEL_OP_DOES_NOT_EXIST)
		strbuf_addch(out, '!');
	strbuf_addstr(out, r->key);
	if (r->op == LABEL_OP_EXISTS || r->op == LABEL_OP_DOES_NOT_EXIST)
		return;
	strbuf_addstr(out, op_text[r->op]);
	if (set)
		strbuf_addch(out, '(');
	char **sorted = xcalloc(r->n_values ? r->n_values : 1, sizeof(*sorted));
	memcpy(sorted, r->values, r->n_values * sizeof(*sorted));
	qsort(sorted, r->n_values, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < r->n_values; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addstr(out, sorted[i]);
	}
	free(sorted);
	if (set)
		strbuf_addch(out, ')');
}

void label_selector_format(const struct label_selector *sel, struct strbuf *out)
{
	if (sel->nothing)
		return;
	for (size_t i = 0; i < sel->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		format_requirement(&sel->reqs[i], out);
	}
}

bool label_selector_exact_match(const struct label_selector *sel, const char *key,
				const char **ret_value)
{
	for (size_t i = 0; !sel->nothing && i < sel->n; i++) {
		const struct label_requirement *r = &sel->reqs[i];
		if (strcmp(r->key, key) != 0)
			continue;
		bool exact = r->op == LABEL_OP_EQUALS || r->op == LABEL_OP_DOUBLE_EQUALS ||
			     r->op == LABEL_OP_IN;
		if (!exact || r->n_values != 1)
			return false;
		*ret_value = r->values[0];
		return true;
	}
	return false;
}

/* Invalid errors at path for each message of a failed name check. */
static void add_invalid(struct field_errors *errs, const char *path, const char *value,
			const struct k8c_name_msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		field_err_invalid(errs, path, value, m->msg[i]);
}

void label_selector_validate_requirement(const char *key, const char *op, const char *const *values,
					 size_t n, const char *path, struct field_errors *errs)
{
	struct strbuf p = STRBUF_INIT;
	struct k8c_name_msgs m;
	op = op ? op : "";
	strbuf_addf(&p, "%s.values", path);
	if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
		if (!n)
			field_err_required(errs, p.buf,
					   "must be specified when `operator` is 'In' or 'NotIn'");
	} else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
		if (n)
			field_err_forbidden(errs, p.buf,
					    "may not be specified when `operator` is "
					    "'Exists' or 'DoesNotExist'");
	} else {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s.operator", path);
		field_err_invalid(errs, p.buf, op, "not a valid selector operator");
	}
	strbuf_reset(&p);
	strbuf_addf(&p, "%s.key", path);
	if (!k8c_is_qualified_name(key ? key : "", &m))
		add_invalid(errs, p.buf, key ? key : "", &m);
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s.values[%zu]", path, i);
		if (!k8c_is_label_value(values[i], &m))
			add_invalid(errs, p.buf, values[i], &m);
	}
	strbuf_release(&p);
}
