/*
 * cond.h - condition variables on the monotonic clock with relative
 * timeouts, which every waiting thread of the kubelet (pod workers, probes,
 * the heartbeat) uses so that wall-clock jumps neither stall nor hurry them.
 */
#ifndef K8C_KUBELET_COND_H
#define K8C_KUBELET_COND_H

#include <pthread.h>

#include "base/base.h"

/* Initializes c to wait on CLOCK_MONOTONIC. */
void cond_init_mono(pthread_cond_t *c);
/* Waits on c (m locked) for at most ns nanoseconds (<= 0: returns at once). */
void cond_wait_ns(pthread_cond_t *c, pthread_mutex_t *m, int64_t ns);

#endif
