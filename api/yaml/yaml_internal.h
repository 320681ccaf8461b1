/*
 * yaml_internal.h - pieces shared by the YAML reader (parse.c) and writer (emit.c):
 * go-yaml v2's plain-scalar resolution, Go's float formatting and go-yaml's map key
 * order. Internal to api/yaml/; pure functions, thread-safe.
 */
#ifndef K8C_API_YAML_INTERNAL_H
#define K8C_API_YAML_INTERNAL_H

#include "base/strbuf.h"

enum yaml__kind {
	YAML__STR = 0,
	YAML__NULL,
	YAML__BOOL,
	YAML__INT,  /* fits int64: .i */
	YAML__UINT, /* above INT64_MAX: .u */
	YAML__FLOAT,
	YAML__TIMESTAMP, /* decoded as a string, but quoted on the way out */
};

struct yaml__value {
	enum yaml__kind kind;
	bool b;
	int64_t i;
	uint64_t u;
	double d;
};

/* Resolves the text of a plain (unquoted) scalar as go-yaml v2's resolve("", s) does. */
void yaml__resolve_plain(const char *s, struct yaml__value *out);

/* True when s looks like a YAML 1.1 base-60 float ("1:20"), which go-yaml quotes. */
bool yaml__is_base60_float(const char *s);

/*
 * Appends v as Go's strconv.FormatFloat(v, 'g', -1, bits) does (bits 32 or 64), with
 * go-yaml's spellings .inf, -.inf and .nan.
 */
void yaml__format_float(struct strbuf *out, double v, int bits);

/* True when d is a whole number in int64's range; sets *ret then. */
bool yaml__double_is_int64(double d, int64_t *ret);

/* True when key a sorts before key b in go-yaml v2's natural order (digit runs numeric). */
bool yaml__key_less(const char *a, const char *b);

#endif
