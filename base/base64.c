/*
 * base64.c - RFC 4648 base64; see base64.h.
 */
#include "base/base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(struct strbuf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	strbuf_grow(out, (len + 2) / 3 * 4);
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		char q[4] = { alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63],
			      alphabet[v & 63] };
		strbuf_add(out, q, 4);
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
		char q[4] = { alphabet[v >> 18], alphabet[(v >> 12) & 63],
			      i + 1 < len ? alphabet[(v >> 6) & 63] : '=', '=' };
		strbuf_add(out, q, 4);
	}
}

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int base64_decode(struct strbuf *out, const char *s)
{
	size_t len = strlen(s);
	if (len % 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i += 4) {
		int a = value_of(s[i]), b = value_of(s[i + 1]);
		bool last = i + 4 == len;
		int c = (last && s[i + 2] == '=') ? -2 : value_of(s[i + 2]);
		int d = (last && s[i + 3] == '=') ? -2 : value_of(s[i + 3]);
		if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2))
			return -EINVAL;
		strbuf_addch(out, (a << 2) | (b >> 4));
		if (c >= 0)
			strbuf_addch(out, ((b & 15) << 4) | (c >> 2));
		if (d >= 0)
			strbuf_addch(out, ((c & 3) << 6) | d);
	}
	return 0;
}
