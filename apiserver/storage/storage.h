/*
 * storage.h - the storage interface of the API server: the small subset of
 * etcd v3 that Kubernetes needs. Every backend (embedded SQLite, etcd over
 * gRPC) implements struct storage_ops and passes test/storage/conformance.c.
 *
 * Model. One linear revision counter per store, starting at 1 on an empty store
 * (the first write gets revision 2, like etcd; 1 means "empty store").
 * Every successful write (create, update, delete) gets exactly the next
 * revision: revisions have no gaps. A key's create_rev is the revision that
 * created it; its mod_rev the revision that last wrote it. Values are opaque
 * byte strings (the API server stores JSON), stored and returned unchanged.
 * The Kubernetes resourceVersion of an object is its mod_rev.
 *
 * Threads. Every function is safe to call from many threads at once. Writes
 * from concurrent callers may be group-committed; each call returns only once
 * its write is durable (survives kill -9 of the process).
 *
 * Errors. Functions return 0 or one of the negative STORAGE_E* codes below; on
 * failure, ret_ parameters are left untouched and nothing needs freeing.
 */
#ifndef K8C_STORAGE_H
#define K8C_STORAGE_H

#include "base/base.h"

enum storage_error {
	STORAGE_ENOTFOUND = -1,    /* key (or key at that revision) does not exist */
	STORAGE_EEXISTS = -2,      /* create: key already exists */
	STORAGE_ECONFLICT = -3,    /* update/delete: key's mod_rev != expected_mod_rev */
	STORAGE_ECOMPACTED = -4,   /* revision requested is older than the compacted revision */
	STORAGE_EUNAVAILABLE = -5, /* backend unreachable (e.g. every etcd member down) */
	STORAGE_ETIMEOUT = -6,     /* deadline passed; a write may or may not have happened */
	STORAGE_ETOOLARGE = -7,    /* value larger than the backend accepts */
	STORAGE_EINVAL = -8,       /* bad arguments (empty key, bad revision...) */
	STORAGE_EINTERNAL = -9,    /* anything else: I/O error, corrupt store */
};

/* A short lowercase description of a STORAGE_E* code ("key not found"...). */
const char *storage_strerror(int err);

/* One key and its value as of some revision. Owned by whoever holds the struct. */
struct storage_kv {
	char *key;
	char *value; /* value_len bytes followed by a NUL (not counted) */
	size_t value_len;
	int64_t create_rev;
	int64_t mod_rev;
};

/* Frees key and value; leaves kv zeroed. NULL-safe. */
void storage_kv_release(struct storage_kv *kv);

struct storage_list_opts {
	const char *prefix;    /* keys starting with this ("" = every key) */
	const char *start_key; /* NULL, or the first key to return (inclusive); must match prefix */
	int64_t rev;           /* 0 = current revision, else read the store as of rev */
	size_t limit;          /* 0 = no limit */
	bool keys_only;        /* values are returned empty ("" with value_len 0) */
};

struct storage_list {
	struct storage_kv *items; /* sorted by key, bytewise */
	size_t n;
	int64_t rev;        /* the revision this list reflects (opts.rev, or the current one) */
	bool more;          /* more keys matched after the last one returned (limit reached) */
	int64_t remaining;  /* how many matched after the last one returned (0 when !more) */
};

/* Frees every item and the array; leaves l zeroed. */
void storage_list_release(struct storage_list *l);

enum storage_event_type {
	STORAGE_EVENT_CREATE,
	STORAGE_EVENT_UPDATE,
	STORAGE_EVENT_DELETE,
};

/*
 * One change. For CREATE and UPDATE, value is the new value. For DELETE, value
 * is the last value the key had before deletion and create_rev its create_rev;
 * mod_rev is always the revision of this event. Pointers are borrowed: valid
 * only during the callback.
 */
struct storage_event {
	enum storage_event_type type;
	const char *key;
	const char *value;
	size_t value_len;
	int64_t create_rev;
	int64_t mod_rev;
};

/*
 * Watch callback. Called with batches of events (n >= 1, err == 0), strictly
 * in revision order, with no gaps and no duplicates among the events matching
 * the watch's prefix, never concurrently for one watch, from a backend thread.
 * It must be quick and must not call back into the storage for writes.
 * A final call with n == 0 and err < 0 ends the watch on an unrecoverable
 * error (STORAGE_ECOMPACTED when the history it needed was compacted); no call
 * follows it. A backend that loses its connection resumes by itself from the
 * last delivered revision when it can.
 */
typedef void (*storage_watch_fn)(void *ctx, const struct storage_event *events, size_t n, int err);

struct storage_watch;
struct storage;

struct storage_ops {
	const char *name; /* "sqlite", "etcd" */

	/* The current value of key (rev == 0), or its value as of revision rev. */
	int (*get)(struct storage *s, const char *key, int64_t rev, struct storage_kv *ret_kv);

	/* Keys under a prefix at one revision; see struct storage_list_opts. */
	int (*list)(struct storage *s, const struct storage_list_opts *opts,
		    struct storage_list *ret_list);

	/* How many keys exist under prefix now. */
	int (*count)(struct storage *s, const char *prefix, int64_t *ret_count);

	/* Creates key; STORAGE_EEXISTS if it exists. *ret_rev = the new revision. */
	int (*create)(struct storage *s, const char *key, const void *value, size_t len,
		      int64_t *ret_rev);

	/*
	 * Replaces key's value if its mod_rev equals expected_mod_rev (compare and
	 * swap). STORAGE_ENOTFOUND if absent, STORAGE_ECONFLICT on a mismatch; then,
	 * if ret_current is non-NULL and the key exists, it receives the current kv.
	 */
	int (*update)(struct storage *s, const char *key, const void *value, size_t len,
		      int64_t expected_mod_rev, int64_t *ret_rev, struct storage_kv *ret_current);

	/*
	 * Deletes key if its mod_rev equals expected_mod_rev (0 = unconditionally).
	 * On success *ret_rev is the revision of the delete and, if ret_prev is
	 * non-NULL, it receives the deleted kv. Errors as for update.
	 */
	int (*delete)(struct storage *s, const char *key, int64_t expected_mod_rev,
		      int64_t *ret_rev, struct storage_kv *ret_prev);

	/*
	 * Watches keys under prefix, delivering every change with mod_rev >
	 * after_rev to fn(ctx, ...). after_rev must be >= compacted revision - 1,
	 * else STORAGE_ECOMPACTED is returned at once. The first callback may come
	 * before this function returns. Returns the handle in *ret_watch.
	 */
	int (*watch)(struct storage *s, const char *prefix, int64_t after_rev, storage_watch_fn fn,
		     void *ctx, struct storage_watch **ret_watch);

	/* Stops a watch; when it returns no callback runs or will run. NULL-safe. */
	void (*watch_stop)(struct storage_watch *w);

	/*
	 * Discards history older than rev: afterwards get/list at a revision < rev
	 * and watches needing events <= rev - 1 fail with STORAGE_ECOMPACTED. The
	 * current value of every key is kept. rev <= current revision.
	 */
	int (*compact)(struct storage *s, int64_t rev);

	/* The current revision (the mod_rev of the latest write, or 1 when empty). */
	int (*current_rev)(struct storage *s, int64_t *ret_rev);

	/* The compacted revision (0 if never compacted). */
	int (*compacted_rev)(struct storage *s, int64_t *ret_rev);

	/* Stops every watch and background thread, frees s. NULL-safe. */
	void (*close)(struct storage *s);
};

/* Every backend's handle starts with this header. */
struct storage {
	const struct storage_ops *ops;
};

/*
 * Opens (creating if needed) the SQLite store in the file at path. The store
 * is single-process: a second open of the same file fails with
 * STORAGE_EUNAVAILABLE while the first is open.
 */
int storage_sqlite_open(const char *path, struct storage **ret_storage);

/*
 * Connects to etcd at endpoints: a comma-separated list of "http://host:port"
 * or "host:port". Fails with STORAGE_EUNAVAILABLE if no endpoint answers.
 */
int storage_etcd_open(const char *endpoints, struct storage **ret_storage);

/* Convenience wrappers, so callers read storage_get(s, ...) rather than s->ops->get(s, ...). */
static inline int storage_get(struct storage *s, const char *key, int64_t rev,
			      struct storage_kv *ret_kv)
{
	return s->ops->get(s, key, rev, ret_kv);
}
static inline int storage_list(struct storage *s, const struct storage_list_opts *opts,
			       struct storage_list *ret_list)
{
	return s->ops->list(s, opts, ret_list);
}
static inline int storage_count(struct storage *s, const char *prefix, int64_t *ret_count)
{
	return s->ops->count(s, prefix, ret_count);
}
static inline int storage_create(struct storage *s, const char *key, const void *value,
				 size_t len, int64_t *ret_rev)
{
	return s->ops->create(s, key, value, len, ret_rev);
}
static inline int storage_update(struct storage *s, const char *key, const void *value,
				 size_t len, int64_t expected_mod_rev, int64_t *ret_rev,
				 struct storage_kv *ret_current)
{
	return s->ops->update(s, key, value, len, expected_mod_rev, ret_rev, ret_current);
}
static inline int storage_delete(struct storage *s, const char *key, int64_t expected_mod_rev,
				 int64_t *ret_rev, struct storage_kv *ret_prev)
{
	return s->ops->delete(s, key, expected_mod_rev, ret_rev, ret_prev);
}
static inline int storage_watch(struct storage *s, const char *prefix, int64_t after_rev,
				storage_watch_fn fn, void *ctx, struct storage_watch **ret_watch)
{
	return s->ops->watch(s, prefix, after_rev, fn, ctx, ret_watch);
}
static inline void storage_watch_stop(struct storage *s, struct storage_watch *w)
{
	s->ops->watch_stop(w);
}
static inline int storage_compact(struct storage *s, int64_t rev)
{
	return s->ops->compact(s, rev);
}
static inline int storage_current_rev(struct storage *s, int64_t *ret_rev)
{
	return s->ops->current_rev(s, ret_rev);
}
static inline int storage_compacted_rev(struct storage *s, int64_t *ret_rev)
{
	return s->ops->compacted_rev(s, ret_rev);
}
static inline void storage_close(struct storage *s)
{
	if (s)
		s->ops->close(s);
}

#endif
