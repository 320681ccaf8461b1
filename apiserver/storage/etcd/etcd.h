/*
 * etcd.h - what the etcd storage backend offers beyond storage.h: periodic
 * compaction and the call deadline. storage_etcd_open() itself is declared in
 * apiserver/storage/storage.h.
 */
#ifndef K8C_STORAGE_ETCD_H
#define K8C_STORAGE_ETCD_H

#include "apiserver/storage/storage.h"

/* The deadline of one storage call (fail-over included) unless changed. */
#define STORAGE_ETCD_DEFAULT_TIMEOUT_MS 5000

/*
 * Compacts away history older than the newest keep revisions (keep >= 1):
 * compacts at current revision - keep + 1 when that is above the compacted
 * revision, else does nothing (also when another client compacted further
 * meanwhile: no STORAGE_ECOMPACTED). Meant for a timer of the API server (etcd's
 * quota fills up without compaction). s must be an etcd store. Returns 0 or
 * a STORAGE_E* code. Thread-safe.
 */
int storage_etcd_compact_window(struct storage *s, int64_t keep);

/*
 * Sets the deadline of later calls of s (an etcd store) to timeout_ms (> 0).
 * A call that runs out of time fails with STORAGE_ETIMEOUT; a write may then
 * still have been applied. Thread-safe.
 */
void storage_etcd_set_timeout(struct storage *s, int64_t timeout_ms);

#endif
