/*
 * http_out.c - what a pushed stream writes next (http.h, http_push.h): copied
 * text with references to shared bytes spliced in, seen as a sequence of
 * pieces (text before reference 0, reference 0, text before reference 1, ...,
 * the text after the last reference) and sent from a cursor over them.
 */
#include "apiserver/http_push.h"

#define KEEP_REFS 16
#define KEEP_TEXT 4096

void http_out_init(struct http_out *o)
{
	memset(o, 0, sizeof(*o));
	strbuf_init(&o->text, 0);
}

void http_out_reset(struct http_out *o)
{
	for (size_t i = 0; i < o->n_refs; i++)
		o->refs[i].unref(o->refs[i].owner);
	o->n_refs = 0;
	strbuf_reset(&o->text);
	o->piece = o->off = 0;
	/* a burst's buffers go: a thousand idle streams must not each keep one */
	if (o->alloc_refs > KEEP_REFS) {
		free(o->refs);
		o->refs = NULL;
		o->alloc_refs = 0;
	}
	if (o->text.alloc > KEEP_TEXT)
		strbuf_release(&o->text);
}

void http_out_release(struct http_out *o)
{
	http_out_reset(o);
	free(o->refs);
	strbuf_release(&o->text);
	memset(o, 0, sizeof(*o));
}

struct strbuf *http_out_text(struct http_out *o)
{
	return &o->text;
}

void http_out_add_ref(struct http_out *o, const void *data, size_t len, void (*unref)(void *),
		      void *owner)
{
	ALLOC_GROW(o->refs, o->n_refs + 1, o->alloc_refs);
	o->refs[o->n_refs++] = (struct http_out_ref){ o->text.len, data, len, unref, owner };
}

size_t http_out_len(const struct http_out *o)
{
	size_t n = o->text.len;

	for (size_t i = 0; i < o->n_refs; i++)
		n += o->refs[i].len;
	return n;
}

bool http_out_empty(const struct http_out *o)
{
	return http_out_len(o) == 0;
}

/* Piece i of o; false past the last one. */
static bool piece(const struct http_out *o, size_t i, const char **ret_data, size_t *ret_len)
{
	size_t j = i / 2;

	if (j > o->n_refs || (i % 2 && j == o->n_refs))
		return false;
	if (i % 2) {
		*ret_data = o->refs[j].data;
		*ret_len = o->refs[j].len;
		return true;
	}
	size_t start = j ? o->refs[j - 1].at : 0, end = j < o->n_refs ? o->refs[j].at : o->text.len;
	*ret_data = o->text.buf + start;
	*ret_len = end - start;
	return true;
}

int http_out_iov(const struct http_out *o, struct iovec *iov, int max)
{
	const char *data;
	size_t len, off = o->off;
	int n = 0;

	for (size_t i = o->piece; n < max && piece(o, i, &data, &len); i++, off = 0) {
		if (len > off)
			iov[n++] = (struct iovec){ (char *)data + off, len - off };
	}
	return n;
}

bool http_out_advance(struct http_out *o, size_t n)
{
	const char *data;
	size_t len;

	while (piece(o, o->piece, &data, &len)) {
		if (o->off + n < len) {
			o->off += n;
			return false;
		}
		n -= len - o->off;
		o->piece++;
		o->off = 0;
	}
	return true;
}

void http_out_frame_chunk(struct http_out *o)
{
	char head[24];
	int n = snprintf(head, sizeof(head), "%zx\r\n", http_out_len(o));

	strbuf_insert(&o->text, 0, head, (size_t)n);
	for (size_t i = 0; i < o->n_refs; i++)
		o->refs[i].at += (size_t)n;
	strbuf_addstr(&o->text, "\r\n");
}
