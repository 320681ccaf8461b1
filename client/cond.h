/*
 * cond.h - condition variables on the monotonic clock, for the background threads of
 * client/ (leader elector, event recorder) that sleep until a deadline or a signal.
 * Internal to client/.
 */
#ifndef K8C_CLIENT_COND_H
#define K8C_CLIENT_COND_H

#include <pthread.h>
#include <time.h>

#include "base/timeutil.h"

/* Initializes c to time its waits on CLOCK_MONOTONIC (time_mono_ns()). */
static inline void k8c_cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

/*
 * Waits on c (m locked by the caller) until signalled or the monotonic time deadline_ns
 * passes; spurious wake-ups return too, so callers loop on their condition.
 */
static inline void k8c_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, int64_t deadline_ns)
{
	if (deadline_ns <= 0)
		deadline_ns = 0;
	struct timespec ts = { .tv_sec = deadline_ns / K8C_NSEC_PER_SEC,
			       .tv_nsec = deadline_ns % K8C_NSEC_PER_SEC };
	pthread_cond_timedwait(c, m, &ts);
}

/*
 * Sleeps up to ns on c unless *stop (read under m, which the caller does NOT hold) is or
 * becomes true; whoever sets *stop broadcasts c. Returns *stop.
 */
static inline bool k8c_cond_sleep_unless(pthread_cond_t *c, pthread_mutex_t *m, const bool *stop,
					 int64_t ns)
{
	int64_t deadline = time_mono_ns() + ns;
	pthread_mutex_lock(m);
	while (!*stop && time_mono_ns() < deadline)
		k8c_cond_wait_until(c, m, deadline);
	bool stopping = *stop;
	pthread_mutex_unlock(m);
	return stopping;
}

#endif
