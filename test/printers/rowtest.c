/*
 * rowtest.c - decode, print and compare rows for the printer tests; see
 * rowtest.h.
 */
#include "test/printers/rowtest.h"

#include <cjson/cJSON.h>

#include "api/codec.h"
#include "api/kinds.h"
#include "base/timeutil.h"

/* Returns a copy of s with every ' turned into " (caller frees). */
static char *unquote(const char *s)
{
	char *t = xstrdup(s);
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static const struct k8c_kind *kind_of(const char *resource)
{
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++)
		if (!strcmp(k->resource, resource))
			return k;
	return NULL;
}

/* Prints the row of obj (decoded as k) at ROWTEST_NOW into out. */
static void print_row(const struct k8c_kind *k, const void *obj, struct strbuf *out)
{
	int64_t now = 0;
	time_parse_rfc3339(ROWTEST_NOW, &now);
	strbuf_addch(out, '[');
	k->row(obj, now, out);
	strbuf_addch(out, ']');
}

char *rowtest_row(const char *file, int line, const char *resource, const char *json)
{
	const struct k8c_kind *k = kind_of(resource);
	if (!k || !k->row) {
		ktest_fail(file, line, "no row function for '%s'", resource);
		return NULL;
	}
	_cleanup_free_ char *text = unquote(json);
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, k->type->size);
	struct strbuf out = STRBUF_INIT;
	int r = k8c_decode_text(k->type, text, strlen(text), obj, K8C_DECODE_STRICT, &errs);
	if (r == 0)
		print_row(k, obj, &out);
	else
		ktest_fail(file, line, "cannot decode %s: %s", resource, errs.n ? errs.items[0].detail : "?");
	field_errors_release(&errs);
	k8c_free(k->type, obj);
	cJSON *cells = cJSON_Parse(out.buf);
	if (r == 0 && cJSON_GetArraySize(cells) != (int)k->n_columns) {
		ktest_fail(file, line, "%s row %s: want %zu cells", resource, out.buf, k->n_columns);
		r = -EINVAL;
	}
	cJSON_Delete(cells);
	if (r == 0)
		return strbuf_detach(&out, NULL);
	strbuf_release(&out);
	return NULL;
}

void rowtest_check_row(const char *file, int line, const char *resource, const char *json,
		       const char *expected)
{
	_cleanup_free_ char *row = rowtest_row(file, line, resource, json);
	struct strbuf want = STRBUF_INIT;
	_cleanup_free_ char *cells = unquote(expected);
	strbuf_addf(&want, "[%s]", cells);
	if (row && strcmp(row, want.buf))
		ktest_fail(file, line, "%s row\n  got  %s\n  want %s", resource, row, want.buf);
	strbuf_release(&want);
}

void rowtest_check_cell(const char *file, int line, const char *resource, const char *json,
			size_t index, const char *expected)
{
	_cleanup_free_ char *row = rowtest_row(file, line, resource, json);
	_cleanup_free_ char *want = unquote(expected);
	cJSON *cells = row ? cJSON_Parse(row) : NULL;
	char *got = cells ? cJSON_PrintUnformatted(cJSON_GetArrayItem(cells, (int)index)) : NULL;
	if (row && (!got || strcmp(got, want)))
		ktest_fail(file, line, "%s cell %zu: got %s, want %s", resource, index,
			   got ? got : "(none)", want);
	free(got);
	cJSON_Delete(cells);
}
