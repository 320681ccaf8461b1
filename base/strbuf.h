/*
 * strbuf.h - a growable, always NUL-terminated byte buffer (after git's strbuf).
 *
 * Lifecycle: STRBUF_INIT or strbuf_init(), any number of strbuf_add*(), then
 * strbuf_release() to free or strbuf_detach() to hand the bytes to the caller.
 * sb.buf is never NULL (it points at a shared empty string until first growth),
 * so a fresh buffer can be printed or compared at once. Allocation failure
 * aborts: none of these functions can fail. Not thread-safe.
 */
#ifndef K8C_STRBUF_H
#define K8C_STRBUF_H

#include <stdarg.h>
#include "base/base.h"

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { .alloc = 0, .len = 0, .buf = strbuf_slopbuf }

/* Initializes sb, optionally reserving hint bytes. */
void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the buffer and leaves sb empty and reusable. */
void strbuf_release(struct strbuf *sb);
/* Returns the bytes (caller frees, never NULL) and leaves sb empty. Length in *len if non-NULL. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Ensures room for extra more bytes plus the NUL. */
void strbuf_grow(struct strbuf *sb, size_t extra);
/* Sets the length to len (must be <= current allocation) and NUL-terminates. */
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Empties sb without freeing its allocation. */
static inline void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

/* Appends len bytes of data. */
static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	if (K8C_UNLIKELY(sb->len + len + 1 > sb->alloc))
		strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}
void strbuf_addstr(struct strbuf *sb, const char *s);
/* Appends one byte. */
static inline void strbuf_addch(struct strbuf *sb, int c)
{
	if (K8C_UNLIKELY(sb->len + 2 > sb->alloc))
		strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) K8C_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends a decimal integer (faster than addf on hot paths). */
void strbuf_addi64(struct strbuf *sb, int64_t v);
/* Appends s as a JSON string literal, quotes included, escaping as RFC 8259 requires. */
void strbuf_add_json_str(struct strbuf *sb, const char *s);
/* Same for len bytes that need not be NUL-terminated. */
void strbuf_add_json_strn(struct strbuf *sb, const char *s, size_t len);
/* Inserts len bytes at position pos (<= sb->len). */
void strbuf_insert(struct strbuf *sb, size_t pos, const void *data, size_t len);
/* Removes trailing whitespace. */
void strbuf_rtrim(struct strbuf *sb);

#endif
