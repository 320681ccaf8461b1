/*
 * sqlite_index.h - the in-memory key index of the SQLite store, after etcd's
 * treeIndex: for every key that exists, or was deleted and whose tombstone
 * is not compacted away yet, the revisions of its latest write. The log
 * table on disk then only ever appends (no b-tree keyed by key to rewrite on
 * every write); reads find a key's state at any revision from its latest
 * revision by following the log rows' prev_rev links.
 *
 * A skip list ordered by key, bytewise (strcmp), for prefix ranges. Rebuilt
 * from the log when the store opens.
 *
 * Not thread-safe: the store guards it with a rwlock (the writer thread
 * changes it under the write lock; readers copy ranges out under the read
 * lock; the writer, its only mutator, reads it without locking).
 */
#ifndef K8C_STORAGE_SQLITE_INDEX_H
#define K8C_STORAGE_SQLITE_INDEX_H

#include "base/base.h"

/* What the index knows about one key. */
struct sqlite_index_entry {
	int64_t create_rev;
	int64_t mod_rev; /* the revision of the key's latest log row */
	bool deleted;	 /* that row is a tombstone */
};

/* A copy of one entry and its key, as range queries return them. */
struct sqlite_index_item {
	char *key; /* owned by the array that holds the item */
	struct sqlite_index_entry e;
};

struct sqlite_index;

/* A new empty index. Never fails (aborts on out-of-memory). */
struct sqlite_index *sqlite__index_new(void);
/* Frees the index and every key in it. NULL-safe. */
void sqlite__index_free(struct sqlite_index *ix);
/* Copies key's entry into *ret_e and returns true, or returns false if absent. */
bool sqlite__index_get(const struct sqlite_index *ix, const char *key,
		       struct sqlite_index_entry *ret_e);
/* Sets key's entry, inserting key (copied) if new. */
void sqlite__index_put(struct sqlite_index *ix, const char *key,
		       const struct sqlite_index_entry *e);
/* Removes key; false if it was absent. */
bool sqlite__index_remove(struct sqlite_index *ix, const char *key);
/*
 * Copies up to max items, in key order, whose key starts with prefix and is
 * >= from (> from if exclusive) into out; returns how many. The caller frees
 * each out[i].key.
 */
size_t sqlite__index_range(const struct sqlite_index *ix, const char *from, bool exclusive,
			   const char *prefix, struct sqlite_index_item *out, size_t max);
/* How many keys under prefix are not deleted. */
int64_t sqlite__index_count(const struct sqlite_index *ix, const char *prefix);

#endif
