/*
 * tabwriter.h - Go's text/tabwriter (and kubectl's fork github.com/liggitt/tabwriter
 * with RememberWidths), so tables and describe output line up byte for byte as
 * kubectl's: text is split into cells at '\t', lines at '\n'; a column block is a run
 * of consecutive lines that have a tab-terminated cell in that column; each cell of a
 * block is padded with spaces to max(minwidth, widest cell + padding); the last cell
 * of a line is not part of any column. A line with a single cell flushes, as in Go.
 * With remember_widths, column widths never shrink across flushes (kubectl get -w).
 * Widths count UTF-8 code points. Only left alignment with ' ' padding (all kubectl uses).
 * Not thread-safe.
 */
#ifndef K8C_KUBECTL_TABWRITER_H
#define K8C_KUBECTL_TABWRITER_H

#include "base/strbuf.h"

struct tabwriter_cell {
	size_t size;  /* bytes */
	int width;    /* code points */
	bool htab;    /* terminated by a tab */
};

struct tabwriter_line {
	struct tabwriter_cell *cells;
	size_t n, alloc;
};

struct tabwriter {
	struct strbuf *out; /* where formatted text goes (borrowed) */
	int minwidth, padding;
	bool remember_widths;
	struct strbuf buf; /* text of the buffered cells */
	struct tabwriter_line *lines;
	size_t nlines, lines_alloc;
	struct tabwriter_cell cell; /* the cell being collected */
	size_t pos;		    /* bytes of buf already counted into cell.width */
	int *widths;
	size_t nwidths, widths_alloc;
	int *maxwidths;
	size_t nmax, max_alloc;
};

/* kubectl get's writer: minwidth 6, padding 3, remembered widths. */
void tabwriter_init_table(struct tabwriter *tw, struct strbuf *out);

/* kubectl describe's writer: minwidth 0, padding 2. */
void tabwriter_init_describe(struct tabwriter *tw, struct strbuf *out);

/* Any other geometry. */
void tabwriter_init(struct tabwriter *tw, struct strbuf *out, int minwidth, int padding,
		    bool remember_widths);

/* Adds len bytes of text (may flush part of the buffered text to out). */
void tabwriter_write(struct tabwriter *tw, const char *text, size_t len);

/* Adds a NUL-terminated string. */
void tabwriter_puts(struct tabwriter *tw, const char *s);

/* printf into the writer. */
void tabwriter_printf(struct tabwriter *tw, const char *fmt, ...) K8C_PRINTF(2, 3);

/* Formats everything buffered to out. The remembered widths stay. */
void tabwriter_flush(struct tabwriter *tw);

/* Forgets the remembered widths (kubectl does so between resource types). */
void tabwriter_forget_widths(struct tabwriter *tw);

/* Frees everything (without flushing). */
void tabwriter_release(struct tabwriter *tw);

#endif
