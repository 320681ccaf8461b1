/*
 * expectations.h - what a controller is waiting to see from its informers,
 * as Kubernetes' UIDTrackingControllerExpectations: after asking for n pod
 * creations (or the deletion of named pods) a controller records that it
 * expects them, lowers the count as the watch delivers each one, and does
 * not act on the controller's key again until all were seen (or five
 * minutes passed, in case an event was lost). This is what keeps a slow
 * watch from causing extra pods: an informer that has not yet delivered the
 * pods just created would otherwise make the next sync create them again.
 *
 * Keys are controller keys ("ns/name"); deletions are tracked by the key of
 * each pod, so that a pod's deletion seen twice (an update with
 * deletionTimestamp, then the delete) counts once. Thread-safe.
 */
#ifndef K8C_CONTROLLERS_EXPECTATIONS_H
#define K8C_CONTROLLERS_EXPECTATIONS_H

#include "base/base.h"

#define EXPECTATIONS_TIMEOUT_NS (5 * 60 * 1000000000LL)

struct expectations;

/* A new, empty set. Never fails. */
struct expectations *expectations_new(void);
/* Frees e. NULL-safe. */
void expectations_free(struct expectations *e);

/*
 * True when key has nothing outstanding: no record, every expected event
 * seen, or the record is older than EXPECTATIONS_TIMEOUT_NS (at now_ns).
 */
bool expectations_satisfied(struct expectations *e, const char *key, int64_t now_ns);

/* Expects n creations for key (replacing any earlier record), stamped now_ns. */
void expectations_expect_creations(struct expectations *e, const char *key, int n, int64_t now_ns);

/* Expects the deletion of the n objects named by obj_keys (copied), stamped now_ns. */
void expectations_expect_deletions(struct expectations *e, const char *key,
				   const char *const *obj_keys, size_t n, int64_t now_ns);

/* One creation for key was seen (or will never happen: a failed create). */
void expectations_creation_observed(struct expectations *e, const char *key);

/* The deletion of obj_key for key was seen (ignored unless it was expected). */
void expectations_deletion_observed(struct expectations *e, const char *key, const char *obj_key);

/* Forgets key (its controller was deleted). */
void expectations_delete(struct expectations *e, const char *key);

/* Outstanding counts of key (0, 0 without a record), for tests and logs. */
void expectations_get(struct expectations *e, const char *key, int *ret_add, int *ret_del);

#endif
