/*
 * recorder.h - an event recorder, as client-go's EventRecorder with its
 * correlator: components record what happened to an object ("Scheduled",
 * "FailedScheduling", "SuccessfulCreate", "Pulled", "BackOff"...) and the
 * recorder writes core/v1 Event objects in the background. Repeats of the
 * same event (same object, type, reason, message and source) within ten
 * minutes update the existing Event's count and lastTimestamp instead of
 * creating a new one, as Kubernetes aggregates them. Recording never blocks
 * on the network; events beyond a bounded backlog are dropped (counted).
 */
#ifndef K8C_CLIENT_RECORDER_H
#define K8C_CLIENT_RECORDER_H

#include "base/base.h"
#include "client/rest.h"

struct k8c_recorder;

/*
 * Starts a recorder writing through client (borrowed; it must outlive the
 * recorder) as source component ("default-scheduler", "kubelet",
 * "replicaset-controller") on host (may be NULL). Returns NULL on failure.
 */
struct k8c_recorder *k8c_recorder_new(struct k8c_client *client, const char *component,
				      const char *host);

/*
 * Records an event about obj, a typed object of a registered kind (kind,
 * apiVersion and metadata are read from it, see api/object.h); type is
 * "Normal" or "Warning". Thread-safe, non-blocking.
 */
void k8c_recorder_eventf(struct k8c_recorder *r, const void *obj, const char *type,
			 const char *reason, const char *fmt, ...) K8C_PRINTF(5, 6);

/* Waits up to timeout_ms for the backlog to be written (tests, clean shutdown). */
bool k8c_recorder_flush(struct k8c_recorder *r, int64_t timeout_ms);

/*
 * Events not written because the backlog was full (or the recorder stopping), or because
 * obj had no kind, apiVersion or name or type was neither "Normal" nor "Warning".
 * Thread-safe.
 */
uint64_t k8c_recorder_dropped(struct k8c_recorder *r);

/*
 * Writes what is pending (waiting up to a second, plus the one request that may be in
 * flight, at most 10 s), drops the rest, stops the thread and frees r. NULL-safe.
 */
void k8c_recorder_free(struct k8c_recorder *r);

#endif
