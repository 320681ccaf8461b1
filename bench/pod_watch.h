/*
 * pod_watch.h - an observer of one namespace's pods for the density
 * benchmark: a WATCH stream read on its own thread, and for each pod the
 * moments (on this process's monotonic clock, when the event arrived) it was
 * first seen, first bound (spec.nodeName set) and first Running
 * (status.phase). A watch event arrives within milliseconds of its write, so
 * these moments stand for the writes themselves, at nanosecond resolution;
 * the server's own timestamps (creationTimestamp, RFC 3339 seconds) are too
 * coarse for a run that lasts seconds.
 */
#ifndef K8C_BENCH_POD_WATCH_H
#define K8C_BENCH_POD_WATCH_H

#include "base/base.h"

struct pod_moments {
	int64_t seen, bound, running; /* CLOCK_MONOTONIC ns; 0 = not (yet) */
};

struct pod_watch;

/*
 * Opens a watch on the pods of namespace ns at base ("http://127.0.0.1:6443")
 * and returns once the server answered 200, so that nothing written
 * afterwards can be missed. The watch ends by itself when `expect` pods are
 * Running, or at deadline_ns (CLOCK_MONOTONIC). Returns 0 and *ret (free with
 * pod_watch_free), or a negative errno (-EIO: the watch did not open).
 */
int pod_watch_start(const char *base, const char *ns, size_t expect, int64_t deadline_ns,
		    struct pod_watch **ret);

/*
 * Waits until the watch ended; returns the number of pods seen Running
 * (fewer than expected: the deadline passed or the stream broke, which
 * *ret_why (borrowed, may be NULL) says).
 */
size_t pod_watch_wait(struct pod_watch *w, const char **ret_why);

/* The moments of the n pods seen (borrowed from w; valid after pod_watch_wait). */
const struct pod_moments *pod_watch_moments(const struct pod_watch *w, size_t *ret_n);

/* Stops the watch if it is still open and frees w. NULL-safe. */
void pod_watch_free(struct pod_watch *w);

#endif
