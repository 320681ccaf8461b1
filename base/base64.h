/*
 * base64.h - standard base64 (RFC 4648, with padding), as Kubernetes uses for
 * Secret data and continue tokens. Pure functions, thread-safe.
 */
#ifndef K8C_BASE64_H
#define K8C_BASE64_H

#include "base/strbuf.h"

/* Appends the base64 encoding of len bytes of data to out. */
void base64_encode(struct strbuf *out, const void *data, size_t len);
/*
 * Appends the decoding of the NUL-terminated base64 text s to out. Returns 0,
 * or -EINVAL when s is not valid padded base64 (out may then hold a prefix).
 */
int base64_decode(struct strbuf *out, const char *s);

#endif
