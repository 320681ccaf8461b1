/*
 * cond.c - monotonic condition variable waits; see cond.h.
 */
#include "kubelet/cond.h"

#include <time.h>

#include "base/timeutil.h"

void cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

void cond_wait_ns(pthread_cond_t *c, pthread_mutex_t *m, int64_t ns)
{
	if (ns <= 0)
		return;
	int64_t t = time_mono_ns() + ns;
	struct timespec ts = { .tv_sec = t / K8C_NSEC_PER_SEC, .tv_nsec = t % K8C_NSEC_PER_SEC };
	pthread_cond_timedwait(c, m, &ts);
}
