/*
 * waitfor.h - waiting until one object satisfies a condition (or is gone), the way
 * kubectl's wait, delete and rollout status wait: GET it, then watch it (a field
 * selector on its name, from the version seen) until the condition holds, the watch
 * being restarted after it closes or expires, until a deadline. Not thread-safe.
 */
#ifndef K8C_KUBECTL_WAITFOR_H
#define K8C_KUBECTL_WAITFOR_H

#include "kubectl/kctl.h"

/*
 * Tells whether the wait is over for obj (its latest state; NULL when it no longer
 * exists): returns 1 when done, 0 to keep waiting, or -1 to give up (the callback
 * printed why).
 */
typedef int (*kwait_fn)(const cJSON *obj, void *userdata);

/*
 * Waits for the named object until fn says done or deadline_ns (time_mono_ns(); 0 =
 * no deadline) passes. Returns 0 when done, -ETIME at the deadline, -ECANCELED when fn
 * gave up, or another negative errno after a failed API call (printed).
 */
int kwait_object(struct kctl *k, const struct k8c_kind *kind, const char *ns, const char *name,
		 int64_t deadline_ns, kwait_fn fn, void *userdata);

/* kwait_fn for deletion: done when obj is NULL or its uid is not userdata's (a string). */
int kwait_deleted(const cJSON *obj, void *uid);

#endif
