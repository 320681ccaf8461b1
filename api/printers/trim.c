/*
 * trim.c - strings.TrimSpace for event messages: Go trims every Unicode
 * white space rune (unicode.IsSpace), not only ASCII, so a message padded
 * with U+00A0 or U+3000 prints as it does on a real cluster.
 */
#include "api/printers/printers_internal.h"

/* The UTF-8 encodings of the non-ASCII runes unicode.IsSpace accepts. */
static const char *const unicode_spaces[] = {
	"\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
	"\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
	"\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8",
	"\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80",
};

/* The length of the white space rune at s, or 0 when s does not start with one. */
static size_t space_at(const char *s)
{
	if (strchr(" \t\n\v\f\r", *s) && *s)
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(unicode_spaces); i++)
		if (str_has_prefix(s, unicode_spaces[i]))
			return strlen(unicode_spaces[i]);
	return 0;
}

const char *printers__trim_space(const char *s, size_t *len)
{
	const char *start = NULL, *end = NULL;
	if (!s)
		s = "";
	while (*s) {
		size_t w = space_at(s);
		if (w == 0) {
			if (!start)
				start = s;
			w = 1;
			end = s + w;
		}
		s += w;
	}
	*len = start ? (size_t)(end - start) : 0;
	return start ? start : s;
}
