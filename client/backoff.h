/*
 * backoff.h - exponential back-off delays with jitter, for retries (REST client) and
 * re-queues. Pure functions apart from the randomness; thread-safe.
 */
#ifndef K8C_CLIENT_BACKOFF_H
#define K8C_CLIENT_BACKOFF_H

#include "base/base.h"

/* base_ns * 2^attempt, capped at cap_ns (no overflow for any attempt). */
int64_t k8c_backoff_exp_ns(int64_t base_ns, int64_t cap_ns, unsigned attempt);

/* A random delay in [d/2, d] ("equal jitter"), so that retrying clients spread out. */
int64_t k8c_backoff_jitter_ns(int64_t d);

#endif
