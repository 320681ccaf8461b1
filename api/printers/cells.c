/*
 * cells.c - the cell writer and the formatters every printer shares: JSON
 * cells with their separators, ages, container lists, label maps, sorted
 * sets of strings; see printers_internal.h.
 */
#include "api/printers/printers_internal.h"

#include "api/printers/duration.h"

/* Starts a new cell: a comma before every cell but the first. */
static void next_cell(struct printers__row *r)
{
	if (r->n++ > 0)
		strbuf_addch(r->out, ',');
}

void printers__cell_str(struct printers__row *r, const char *s)
{
	next_cell(r);
	strbuf_add_json_str(r->out, s ? s : "");
}

void printers__cell_or_none(struct printers__row *r, const char *s)
{
	printers__cell_str(r, s && *s ? s : "<none>");
}

void printers__cell_int(struct printers__row *r, int64_t v)
{
	next_cell(r);
	strbuf_addi64(r->out, v);
}

void printers__cell_age(struct printers__row *r, int64_t ts_ns)
{
	struct strbuf age = STRBUF_INIT;
	k8c_duration_since(&age, ts_ns, r->now_ns);
	printers__cell_str(r, age.buf);
	strbuf_release(&age);
}

void printers__cell_containers(struct printers__row *r, const struct k8c_container *c, size_t n)
{
	struct strbuf names = STRBUF_INIT, images = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			strbuf_addch(&names, ',');
			strbuf_addch(&images, ',');
		}
		strbuf_addstr(&names, c[i].name ? c[i].name : "");
		strbuf_addstr(&images, c[i].image ? c[i].image : "");
	}
	printers__cell_str(r, names.buf);
	printers__cell_str(r, images.buf);
	strbuf_release(&names);
	strbuf_release(&images);
}

void printers__format_labels(struct strbuf *out, const struct k8c_strmap *m)
{
	if (m->n == 0) {
		strbuf_addstr(out, "<none>");
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		if (i > 0)
			strbuf_addch(out, ',');
		strbuf_addf(out, "%s=%s", m->items[i].key, m->items[i].value);
	}
}

/* qsort comparison of two C strings, bytewise like Go's string order. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void printers__add_sorted_set(struct strbuf *out, const char **items, size_t n)
{
	qsort(items, n, sizeof(*items), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !strcmp(items[i], items[i - 1]))
			continue;
		if (i > 0)
			strbuf_addch(out, ',');
		strbuf_addstr(out, items[i]);
	}
}
