/*
 * backoff.c - exponential back-off; see backoff.h.
 */
#include "client/backoff.h"

#include "base/random.h"

int64_t k8c_backoff_exp_ns(int64_t base_ns, int64_t cap_ns, unsigned attempt)
{
	int64_t d = base_ns;
	for (unsigned i = 0; i < attempt && d < cap_ns; i++)
		d = d > INT64_MAX / 2 ? INT64_MAX : d * 2;
	return d < cap_ns ? d : cap_ns;
}

int64_t k8c_backoff_jitter_ns(int64_t d)
{
	if (d <= 1)
		return d;
	return d - d / 2 + (int64_t)random_below((uint64_t)(d / 2) + 1);
}
