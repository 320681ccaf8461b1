/*
 * etcd_private.h - the etcd backend's handle, shared by its files: etcd.c
 * (open/close, the ops table), etcd_kv.c (reads, compaction), etcd_txn.c
 * (writes), etcd_watch.c and etcd_stream.c (watches over one Watch stream).
 * Not for use outside apiserver/storage/etcd/.
 */
#ifndef K8C_STORAGE_ETCD_PRIVATE_H
#define K8C_STORAGE_ETCD_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>

#include "apiserver/storage/storage.h"
#include "apiserver/storage/etcd/etcd_conn.h"

struct etcd_stream;

struct etcd_storage {
	struct storage base;
	struct etcd_conn *conn;
	_Atomic int64_t compacted; /* highest compacted revision known, 0 if none */

	pthread_mutex_t stream_lock; /* guards stream creation */
	struct etcd_stream *stream;  /* started by the first watch */
};

static inline struct etcd_storage *etcd_storage_of(struct storage *s)
{
	return (struct etcd_storage *)s;
}

/* Raises the known compacted revision to rev (if higher). Thread-safe. */
void etcd_note_compacted(struct etcd_storage *es, int64_t rev);

/*
 * Finds the compacted revision by bisecting [lo, hi] with Range requests at
 * a revision (etcd answers "compacted" below it) and records it. Returns 0 or
 * a STORAGE_E* code. Thread-safe.
 */
int etcd_discover_compacted(struct etcd_storage *es, int64_t lo, int64_t hi);

/*
 * 0 when etcd still holds revision rev; STORAGE_ECOMPACTED (after learning
 * the compacted revision) when it is gone; another STORAGE_E* code when
 * etcd could not tell (EINVAL: rev is in the future). Thread-safe.
 */
int etcd_check_rev(struct etcd_storage *es, int64_t rev);

/* storage_ops members implemented in etcd_kv.c and etcd_txn.c. */
int etcd_get(struct storage *s, const char *key, int64_t rev, struct storage_kv *ret_kv);
int etcd_list(struct storage *s, const struct storage_list_opts *opts,
	      struct storage_list *ret_list);
int etcd_count(struct storage *s, const char *prefix, int64_t *ret_count);
int etcd_create(struct storage *s, const char *key, const void *value, size_t len,
		int64_t *ret_rev);
int etcd_update(struct storage *s, const char *key, const void *value, size_t len,
		int64_t expected_mod_rev, int64_t *ret_rev, struct storage_kv *ret_current);
int etcd_delete(struct storage *s, const char *key, int64_t expected_mod_rev, int64_t *ret_rev,
		struct storage_kv *ret_prev);
int etcd_compact(struct storage *s, int64_t rev);
int etcd_current_rev(struct storage *s, int64_t *ret_rev);
int etcd_compacted_rev(struct storage *s, int64_t *ret_rev);

/* storage_ops members implemented in etcd_watch.c, and the stream's teardown. */
int etcd_watch(struct storage *s, const char *prefix, int64_t after_rev, storage_watch_fn fn,
	       void *ctx, struct storage_watch **ret_watch);
void etcd_watch_stop(struct storage_watch *w);
/* Stops the stream thread and frees every watch still open. NULL-safe. */
void etcd_stream_free(struct etcd_stream *st);

/*
 * The end of the key range holding every key that starts with prefix, as
 * etcd wants it: prefix with its last byte below 0xff incremented and the rest
 * dropped; "\0" (all keys after key) when there is no such byte. Writes into
 * out (prefix_len + 1 bytes at most) and returns the length.
 */
size_t etcd_prefix_end(const char *prefix, size_t prefix_len, char *out);

#endif
