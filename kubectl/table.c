/*
 * table.c - decorating and printing server Tables as kubectl does; see table.h.
 */
#include "kubectl/table.h"

#include <ctype.h>
#include <math.h>

#include "api/resource/quantity.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"

void ktable_printer_release(struct ktable_printer *p)
{
	cJSON_Delete(p->last_columns);
	p->last_columns = NULL;
}

void ktable_cell_text(const cJSON *cell, struct strbuf *out)
{
	if (cJSON_IsString(cell)) {
		const char *s = cell->valuestring, *nl = strchr(s, '\n');
		strbuf_add(out, s, nl ? (size_t)(nl - s) : strlen(s));
		if (nl)
			strbuf_addstr(out, "...");
	} else if (cJSON_IsNumber(cell)) {
		double d = cell->valuedouble;
		if (d == floor(d) && fabs(d) < 9.2e18)
			strbuf_addi64(out, (int64_t)d);
		else
			quantity_text_from_double(d, out);
	} else if (cJSON_IsBool(cell)) {
		strbuf_addstr(out, cJSON_IsTrue(cell) ? "true" : "false");
	} else if (cJSON_IsObject(cell) || cJSON_IsArray(cell)) {
		char *s = cJSON_PrintUnformatted(cell);
		strbuf_addstr(out, s);
		free(s);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void ktable_format_labels(const cJSON *labels, struct strbuf *out)
{
	size_t n = (size_t)cJSON_GetArraySize(labels), i = 0;
	if (!cJSON_IsObject(labels) || !n) {
		strbuf_addstr(out, "<none>");
		return;
	}
	const char **keys = xmalloc(n * sizeof(*keys));
	for (const cJSON *c = labels->child; c; c = c->next)
		keys[i++] = c->string;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, keys[i]);
		strbuf_addf(out, "%s%s=%s", i ? "," : "", keys[i],
			    cJSON_IsString(v) ? v->valuestring : "");
	}
	free(keys);
}

static bool visible(const struct ktable_printer *p, const cJSON *col)
{
	return p->wide || kj_int(col, "priority", 0) == 0;
}

static void upper(struct strbuf *out, const char *s)
{
	for (; *s; s++)
		strbuf_addch(out, toupper((unsigned char)*s));
}

/* The label column header for -L key: the part after the last '/', upper-cased. */
static void label_header(struct strbuf *out, const char *key)
{
	const char *slash = strrchr(key, '/');
	upper(out, slash ? slash + 1 : key);
}

static void print_header(const struct ktable_printer *p, const cJSON *cols, struct strbuf *line)
{
	bool first = true;
	if (p->with_namespace) {
		strbuf_addstr(line, "NAMESPACE");
		first = false;
	}
	const cJSON *c;
	cJSON_ArrayForEach(c, cols) {
		if (!visible(p, c))
			continue;
		if (!first)
			strbuf_addch(line, '\t');
		first = false;
		upper(line, kj_str_or(c, "name", ""));
	}
	for (size_t i = 0; p->label_columns && i < p->label_columns->n; i++) {
		strbuf_addch(line, '\t');
		label_header(line, p->label_columns->v[i]);
	}
	if (p->show_labels)
		strbuf_addstr(line, "\tLABELS");
	strbuf_addch(line, '\n');
}

static bool is_name_column(const cJSON *col)
{
	return !strcmp(kj_str_or(col, "format", ""), "name") &&
	       !strcmp(kj_str_or(col, "type", ""), "string");
}

static void print_row(const struct ktable_printer *p, const cJSON *cols, const cJSON *row,
		      struct strbuf *line)
{
	const cJSON *meta = kj_get(row, "object.metadata");
	bool first = true;
	if (p->with_namespace) {
		strbuf_addstr(line, kj_str_or(meta, "namespace", ""));
		first = false;
	}
	const cJSON *cell = kj_get(row, "cells") ? kj_get(row, "cells")->child : NULL;
	for (const cJSON *c = cols ? cols->child : NULL; c && cell; c = c->next, cell = cell->next) {
		if (!visible(p, c))
			continue;
		if (!first)
			strbuf_addch(line, '\t');
		first = false;
		if (p->kind_prefix && is_name_column(c)) {
			kres_kind_name(line, p->kind_prefix);
			strbuf_addch(line, '/');
		}
		ktable_cell_text(cell, line);
	}
	const cJSON *labels = kj_get(meta, "labels");
	for (size_t i = 0; p->label_columns && i < p->label_columns->n; i++) {
		strbuf_addch(line, '\t');
		strbuf_addstr(line, kj_map_str(labels, NULL, p->label_columns->v[i]) ?: "");
	}
	if (p->show_labels) {
		strbuf_addch(line, '\t');
		ktable_format_labels(labels, line);
	}
	strbuf_addch(line, '\n');
}

size_t ktable_print(struct ktable_printer *p, const cJSON *table, struct tabwriter *tw)
{
	const cJSON *cols = kj_get(table, "columnDefinitions");
	const cJSON *rows = kj_get(table, "rows");
	bool no_headers = p->no_headers;
	bool have_cols = cJSON_IsArray(cols) && cJSON_GetArraySize(cols) > 0;
	if (p->printed_headers && (!have_cols || cJSON_Compare(cols, p->last_columns, true)))
		no_headers = true;
	if (!have_cols) {
		cols = p->last_columns;
	} else if (!cJSON_Compare(cols, p->last_columns, true)) {
		cJSON_Delete(p->last_columns);
		p->last_columns = cJSON_Duplicate(cols, true);
		cols = p->last_columns;
		p->printed_headers = false;
	}
	size_t n = cJSON_IsArray(rows) ? (size_t)cJSON_GetArraySize(rows) : 0;
	if (!n)
		return 0;
	p->printed_headers = true;
	struct strbuf line = STRBUF_INIT;
	if (!no_headers)
		print_header(p, cols, &line);
	const cJSON *row;
	cJSON_ArrayForEach(row, rows) {
		print_row(p, cols, row, &line);
		tabwriter_write(tw, line.buf, line.len);
		strbuf_reset(&line);
	}
	strbuf_release(&line);
	return n;
}
