/*
 * table.h - printing the server's meta.k8s.io/v1 Table answers as kubectl's
 * HumanReadablePrinter does: upper-cased headers (printed once per column set, and
 * not at all for an empty table), priority-1 columns only with -o wide, a NAMESPACE
 * column first with -A, "kind/" before names when several types are shown, a LABELS
 * column with --show-labels, label columns with -L, cells cut at the first newline
 * with "...". The text goes through a tabwriter (see tabwriter.h). Not thread-safe.
 */
#ifndef K8C_KUBECTL_TABLE_H
#define K8C_KUBECTL_TABLE_H

#include <cjson/cJSON.h>

#include "api/kinds.h"
#include "kubectl/flags.h"
#include "kubectl/tabwriter.h"

struct ktable_printer {
	bool wide, with_namespace, show_labels, no_headers;
	const struct k8c_kind *kind_prefix; /* prefix names with "kind/"; NULL: no prefix */
	const struct kstrv *label_columns;  /* -L keys, or NULL */
	cJSON *last_columns;		    /* column definitions of the last table (owned) */
	bool printed_headers;
};

/* Frees the printer's remembered state. */
void ktable_printer_release(struct ktable_printer *p);

/*
 * Prints table (a Table object; watch events may carry tables without column
 * definitions: the last ones are used) to tw. Returns the number of rows printed.
 */
size_t ktable_print(struct ktable_printer *p, const cJSON *table, struct tabwriter *tw);

/* Appends a cell value as kubectl prints it (strings cut at a newline, numbers as Go's %v). */
void ktable_cell_text(const cJSON *cell, struct strbuf *out);

/* Appends labels (a JSON object) as labels.FormatLabels: "a=b,c=d" sorted, or "<none>". */
void ktable_format_labels(const cJSON *labels, struct strbuf *out);

#endif
