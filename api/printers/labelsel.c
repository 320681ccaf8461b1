/*
 * labelsel.c - label selectors as the printers show them, the way
 * metav1.LabelSelectorAsSelector(sel).String() renders them: each
 * matchLabels pair and matchExpression becomes a requirement, invalid ones
 * (bad key or value, unknown operator, wrong number of values) make the
 * whole selector invalid, requirements are sorted by key (stably, labels
 * before expressions) and In/NotIn values are sorted. A local formatter:
 * replace it with api/selector/'s once that lands.
 */
#include "api/printers/printers_internal.h"

#include <ctype.h>

enum req_op { REQ_EQUALS, REQ_IN, REQ_NOT_IN, REQ_EXISTS, REQ_NOT_EXISTS };

struct req {
	const char *key;
	enum req_op op;
	char *const *values;
	size_t n_values;
};

/* [A-Za-z0-9] at both ends, [-A-Za-z0-9_.] between, at most 63 bytes (the empty string too). */
static bool valid_name_chars(const char *s, size_t n)
{
	if (n > 63)
		return false;
	if (n == 0)
		return true;
	if (!isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

/* IsDNS1123Subdomain: lowercase alphanumeric labels with inner '-', joined by '.'. */
static bool valid_subdomain(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool edge = i == 0 || i == n - 1 || s[i - 1] == '.' || s[i + 1] == '.';
		bool alnum = islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]);
		if (!alnum && (edge || (s[i] != '-' && s[i] != '.')))
			return false;
	}
	return true;
}

/* IsQualifiedName: [dns-subdomain "/"] name, the name 1 to 63 bytes. */
static bool valid_key(const char *key)
{
	const char *slash = strchr(key, '/');
	const char *name = slash ? slash + 1 : key;
	if (slash && (strchr(name, '/') || !valid_subdomain(key, (size_t)(slash - key))))
		return false;
	return *name && valid_name_chars(name, strlen(name));
}

static bool valid_values(char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!values[i] || !valid_name_chars(values[i], strlen(values[i])))
			return false;
	return true;
}

/* Fills r from a matchExpression; false when Kubernetes would reject it. */
static bool req_from_expression(struct req *r, const struct k8c_label_selector_requirement *e)
{
	static const struct {
		const char *name;
		enum req_op op;
	} ops[] = { { "In", REQ_IN },
		    { "NotIn", REQ_NOT_IN },
		    { "Exists", REQ_EXISTS },
		    { "DoesNotExist", REQ_NOT_EXISTS } };
	size_t i = 0;
	while (i < ARRAY_SIZE(ops) && !streq_null(ops[i].name, e->operator))
		i++;
	if (i == ARRAY_SIZE(ops) || !e->key || !valid_key(e->key))
		return false;
	*r = (struct req){ e->key, ops[i].op, e->values, e->n_values };
	if (r->op == REQ_IN || r->op == REQ_NOT_IN)
		return r->n_values > 0 && valid_values(r->values, r->n_values);
	return r->n_values == 0;
}

/* Appends one requirement as Requirement.String() does. */
static void add_req(struct strbuf *out, const struct req *r)
{
	static const char *const op_text[] = { "=", " in (", " notin (", "", "" };
	if (r->op == REQ_NOT_EXISTS)
		strbuf_addch(out, '!');
	strbuf_addstr(out, r->key);
	strbuf_addstr(out, op_text[r->op]);
	if (r->op == REQ_EXISTS || r->op == REQ_NOT_EXISTS)
		return;
	char **sorted = xmalloc(r->n_values * sizeof(*sorted));
	memcpy(sorted, r->values, r->n_values * sizeof(*sorted));
	qsort(sorted, r->n_values, sizeof(*sorted), printers__cmp_str);
	for (size_t i = 0; i < r->n_values; i++) {
		if (i > 0)
			strbuf_addch(out, ',');
		strbuf_addstr(out, sorted[i]);
	}
	free(sorted);
	if (r->op != REQ_EQUALS)
		strbuf_addch(out, ')');
}

/* Collects the requirements of sel into reqs; false when one is invalid. */
static bool collect(struct req *reqs, const struct k8c_label_selector *sel)
{
	const struct k8c_strmap *labels = &sel->match_labels;
	for (size_t i = 0; i < labels->n; i++) {
		struct k8c_strpair *p = &labels->items[i];
		if (!valid_key(p->key) || !valid_values(&p->value, 1))
			return false;
		reqs[i] = (struct req){ p->key, REQ_EQUALS, &p->value, 1 };
	}
	for (size_t i = 0; i < sel->n_match_expressions; i++)
		if (!req_from_expression(&reqs[labels->n + i], &sel->match_expressions[i]))
			return false;
	return true;
}

int printers__format_selector(struct strbuf *out, const struct k8c_label_selector *sel)
{
	size_t n = sel ? sel->match_labels.n + sel->n_match_expressions : 0;
	if (n == 0)
		return 0;
	_cleanup_free_ struct req *reqs = xcalloc(n, sizeof(*reqs));
	if (!collect(reqs, sel))
		return -EINVAL;
	for (size_t i = 1; i < n; i++) { /* insertion sort: stable, like Go's for short lists */
		struct req r = reqs[i];
		size_t j = i;
		for (; j > 0 && strcmp(reqs[j - 1].key, r.key) > 0; j--)
			reqs[j] = reqs[j - 1];
		reqs[j] = r;
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addch(out, ',');
		add_req(out, &reqs[i]);
	}
	return 0;
}
