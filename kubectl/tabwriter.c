/*
 * tabwriter.c - the elastic tabstop algorithm of Go's text/tabwriter (format() is a
 * recursion over column blocks), with liggitt/tabwriter's remembered widths; see
 * tabwriter.h.
 */
#include "kubectl/tabwriter.h"

#include <stdarg.h>

void tabwriter_init(struct tabwriter *tw, struct strbuf *out, int minwidth, int padding,
		    bool remember_widths)
{
	memset(tw, 0, sizeof(*tw));
	tw->out = out;
	tw->minwidth = minwidth;
	tw->padding = padding;
	tw->remember_widths = remember_widths;
	strbuf_init(&tw->buf, 0);
	ALLOC_GROW(tw->lines, 1, tw->lines_alloc);
	tw->lines[0] = (struct tabwriter_line){ 0 };
	tw->nlines = 1;
}

void tabwriter_init_table(struct tabwriter *tw, struct strbuf *out)
{
	tabwriter_init(tw, out, 6, 3, true);
}

void tabwriter_init_describe(struct tabwriter *tw, struct strbuf *out)
{
	tabwriter_init(tw, out, 0, 2, false);
}

void tabwriter_release(struct tabwriter *tw)
{
	for (size_t i = 0; i < tw->lines_alloc && i < tw->nlines; i++)
		free(tw->lines[i].cells);
	free(tw->lines);
	free(tw->widths);
	free(tw->maxwidths);
	strbuf_release(&tw->buf);
	memset(tw, 0, sizeof(*tw));
}

static void add_line(struct tabwriter *tw)
{
	ALLOC_GROW(tw->lines, tw->nlines + 1, tw->lines_alloc);
	tw->lines[tw->nlines++] = (struct tabwriter_line){ 0 };
}

/* Go's reset(): empty buffer, one empty line, no widths on the stack. */
static void reset(struct tabwriter *tw)
{
	strbuf_reset(&tw->buf);
	tw->pos = 0;
	tw->cell = (struct tabwriter_cell){ 0 };
	for (size_t i = 0; i < tw->nlines; i++)
		free(tw->lines[i].cells);
	tw->nlines = 0;
	tw->nwidths = 0;
	add_line(tw);
}

static int utf8_count(const char *s, size_t len)
{
	int n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static void update_width(struct tabwriter *tw)
{
	tw->cell.width += utf8_count(tw->buf.buf + tw->pos, tw->buf.len - tw->pos);
	tw->pos = tw->buf.len;
}

/* Ends the current cell; returns the number of cells of the current line. */
static size_t terminate_cell(struct tabwriter *tw, bool htab)
{
	tw->cell.htab = htab;
	struct tabwriter_line *l = &tw->lines[tw->nlines - 1];
	ALLOC_GROW(l->cells, l->n + 1, l->alloc);
	l->cells[l->n++] = tw->cell;
	tw->cell = (struct tabwriter_cell){ 0 };
	return l->n;
}

static void pad(struct tabwriter *tw, int textw, int cellw)
{
	for (int i = textw; i < cellw; i++)
		strbuf_addch(tw->out, ' ');
}

static size_t write_lines(struct tabwriter *tw, size_t pos, size_t line0, size_t line1)
{
	for (size_t i = line0; i < line1; i++) {
		const struct tabwriter_line *l = &tw->lines[i];
		for (size_t j = 0; j < l->n; j++) {
			const struct tabwriter_cell *c = &l->cells[j];
			if (c->size > 0) {
				strbuf_add(tw->out, tw->buf.buf + pos, c->size);
				pos += c->size;
			}
			if (j < tw->nwidths)
				pad(tw, c->width, tw->widths[j]);
		}
		if (i + 1 == tw->nlines) {
			strbuf_add(tw->out, tw->buf.buf + pos, tw->cell.size);
			pos += tw->cell.size;
		} else {
			strbuf_addch(tw->out, '\n');
		}
	}
	return pos;
}

/* liggitt/tabwriter: a column never gets narrower than it was in an earlier flush. */
static int remembered(struct tabwriter *tw, int width)
{
	if (!tw->remember_widths)
		return width;
	size_t col = tw->nwidths;
	while (tw->nmax < col) {
		ALLOC_GROW(tw->maxwidths, tw->nmax + 1, tw->max_alloc);
		tw->maxwidths[tw->nmax] = tw->widths[tw->nmax];
		tw->nmax++;
	}
	if (tw->nmax == col) {
		ALLOC_GROW(tw->maxwidths, tw->nmax + 1, tw->max_alloc);
		tw->maxwidths[tw->nmax++] = width;
	} else if (tw->maxwidths[col] > width) {
		width = tw->maxwidths[col];
	} else {
		tw->maxwidths[col] = width;
	}
	return width;
}

static size_t format(struct tabwriter *tw, size_t pos, size_t line0, size_t line1)
{
	size_t column = tw->nwidths;
	for (size_t this = line0; this < line1; this++) {
		if (column + 1 >= tw->lines[this].n)
			continue;
		pos = write_lines(tw, pos, line0, this);
		line0 = this;
		int width = tw->minwidth;
		for (; this < line1; this++) {
			const struct tabwriter_line *l = &tw->lines[this];
			if (column + 1 >= l->n)
				break;
			int w = l->cells[column].width + tw->padding;
			if (w > width)
				width = w;
		}
		width = remembered(tw, width);
		ALLOC_GROW(tw->widths, tw->nwidths + 1, tw->widths_alloc);
		tw->widths[tw->nwidths++] = width;
		pos = format(tw, pos, line0, this);
		tw->nwidths--;
		line0 = this;
	}
	return write_lines(tw, pos, line0, line1);
}

void tabwriter_flush(struct tabwriter *tw)
{
	if (tw->cell.size > 0)
		terminate_cell(tw, false);
	format(tw, 0, 0, tw->nlines);
	reset(tw);
}

void tabwriter_forget_widths(struct tabwriter *tw)
{
	tw->nmax = 0;
}

void tabwriter_write(struct tabwriter *tw, const char *text, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = text[i];
		if (ch != '\t' && ch != '\v' && ch != '\n' && ch != '\f')
			continue;
		strbuf_add(&tw->buf, text + n, i - n);
		tw->cell.size += i - n;
		update_width(tw);
		n = i + 1;
		size_t ncells = terminate_cell(tw, ch == '\t');
		if (ch == '\n' || ch == '\f') {
			add_line(tw);
			if (ch == '\f' || ncells == 1)
				tabwriter_flush(tw);
		}
	}
	strbuf_add(&tw->buf, text + n, len - n);
	tw->cell.size += len - n;
}

void tabwriter_puts(struct tabwriter *tw, const char *s)
{
	tabwriter_write(tw, s, strlen(s));
}

void tabwriter_printf(struct tabwriter *tw, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	tabwriter_write(tw, sb.buf, sb.len);
	strbuf_release(&sb);
}
