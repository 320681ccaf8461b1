/*
 * keyorder.c - the order in which go-yaml v2 writes map keys, which is what makes
 * `kubectl get -o yaml` list "a9" before "a10" and "_b" before "A": letters compare by
 * code point, a non-letter sorts before a letter, and runs of digits compare as numbers.
 */
#include "api/yaml/yaml_internal.h"

/* Decodes one UTF-8 code point at *s (invalid bytes count as themselves) and advances. */
static uint32_t next_rune(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = p[0];
	int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	for (int i = 1; i <= extra; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			extra = 0;
			break;
		}
	}
	if (extra)
		c &= 0x3f >> extra;
	for (int i = 1; i <= extra; i++)
		c = (c << 6) | (p[i] & 0x3f);
	*s = p + 1 + extra;
	return c;
}

static bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* unicode.IsLetter for ASCII; every non-ASCII code point counts as a letter here. */
static bool is_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Reads the run of ASCII digits at s as a number added to start; *len gets its length. */
static int64_t digit_run(const unsigned char *s, int64_t start, size_t *len)
{
	size_t i = 0;
	for (; is_digit(s[i]); i++)
		start = start * 10 + (s[i] - '0');
	*len = i;
	return start;
}

/*
 * Compares the digit runs starting at a and b, where the strings first differ. A zero
 * right after non-zero digits of the common prefix counts, as in go-yaml (an and bn
 * start at 1 there), so "10" vs "100" still compares by value.
 */
static int compare_digits(const unsigned char *a0, const unsigned char *a, const unsigned char *b)
{
	int64_t start = 0;
	if (*a == '0' || *b == '0') {
		for (const unsigned char *p = a; p > a0 && is_digit(p[-1]); p--) {
			if (p[-1] != '0') {
				start = 1;
				break;
			}
		}
	}
	size_t alen, blen;
	int64_t an = digit_run(a, start, &alen), bn = digit_run(b, start, &blen);
	if (an != bn)
		return an < bn ? -1 : 1;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return *a < *b ? -1 : 1;
}

bool yaml__key_less(const char *sa, const char *sb)
{
	const unsigned char *a0 = (const unsigned char *)sa;
	const unsigned char *a = a0, *b = (const unsigned char *)sb;
	while (*a && *b) {
		const unsigned char *pa = a, *pb = b;
		uint32_t ca = next_rune(&a), cb = next_rune(&b);
		if (ca == cb)
			continue;
		bool al = is_letter(ca), bl = is_letter(cb);
		if (al && bl)
			return ca < cb;
		if (al || bl)
			return bl;
		return compare_digits(a0, pa, pb) < 0;
	}
	return *a == '\0' && *b != '\0';
}
