/*
 * printers_internal.h - what the row functions of api/printers/ share: a cell
 * writer that puts the commas between JSON cells, and the small formatters
 * printers.go uses for many kinds (labels, label selectors, container lists).
 * Internal to api/printers/; not thread-safe per writer.
 */
#ifndef K8C_API_PRINTERS_INTERNAL_H
#define K8C_API_PRINTERS_INTERNAL_H

#include "api/types.gen.h"
#include "base/strbuf.h"

/* Appends cells to out, separated by commas. */
struct printers__row {
	struct strbuf *out;
	int64_t now_ns;
	size_t n; /* cells written so far */
};

#define PRINTERS__ROW(cells, now) { .out = (cells), .now_ns = (now), .n = 0 }

/* A JSON string cell; NULL is written as "" (Go's zero string). */
void printers__cell_str(struct printers__row *r, const char *s);
/* A JSON string cell of "<none>" when s is NULL or empty, else s. */
void printers__cell_or_none(struct printers__row *r, const char *s);
/* A JSON number cell. */
void printers__cell_int(struct printers__row *r, int64_t v);
/* A JSON string cell: the age of ts_ns at r->now_ns ("5m", "<unknown>"). */
void printers__cell_age(struct printers__row *r, int64_t ts_ns);
/* Two cells, as layoutContainerCells: the names and the images, comma-joined. */
void printers__cell_containers(struct printers__row *r, const struct k8c_container *c, size_t n);

/* Sorts items (n strings) and appends each distinct one, comma-joined, as
 * strings.Join(sets.NewString(items...).List(), ",") does. */
void printers__add_sorted_set(struct strbuf *out, const char **items, size_t n);

/* Appends m as labels.FormatLabels does: "a=b,c=d" in key order, "<none>" when empty. */
void printers__format_labels(struct strbuf *out, const struct k8c_strmap *m);

/*
 * Appends sel as metav1.LabelSelectorAsSelector(sel).String() does (through
 * api/selector/): requirements sorted by key, "a=b", "k in (x,y)",
 * "k notin (x)", "k", "!k"; "" for a NULL or empty selector. Returns 0, or
 * -EINVAL (out unchanged) when the selector is invalid (unknown operator,
 * bad key or value, wrong number of values), where callers print
 * "<invalid>" or "<error>".
 */
int printers__format_selector(struct strbuf *out, const struct k8c_label_selector *sel);

/*
 * Returns the part of s (NULL is "") without leading and trailing white
 * space as Go's strings.TrimSpace sees it (ASCII and Unicode spaces in
 * UTF-8); the length is stored in *len.
 */
const char *printers__trim_space(const char *s, size_t *len);

#endif
