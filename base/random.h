/*
 * random.h - randomness from the kernel (getrandom) for identifiers: object
 * uids, generateName suffixes, jitter. Thread-safe; never fails (aborts if
 * the kernel cannot supply entropy).
 */
#ifndef K8C_RANDOM_H
#define K8C_RANDOM_H

#include "base/base.h"

/* Fills buf with n random bytes. */
void random_bytes(void *buf, size_t n);
/* A uniformly random 64-bit value. */
uint64_t random_u64(void);
/* A uniformly random value in [0, bound) (bound > 0). */
uint64_t random_below(uint64_t bound);
/* Writes a lowercase RFC 4122 version 4 UUID and a NUL into out[37]. */
void random_uuid(char out[37]);
/*
 * Writes n characters drawn from Kubernetes' alphabet for generated names
 * ("bcdfghjklmnpqrstvwxz2456789", no vowels) plus a NUL into out[n + 1].
 */
void random_name_suffix(char *out, size_t n);

#endif
