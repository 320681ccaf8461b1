/*
 * tstore.h - fixtures of the storage conformance suite: a fresh store per
 * test case on the backend the environment chooses, keys under a unique
 * prefix, a thread-safe record of watch callbacks and one of writes, so
 * cases can compare what a watch saw with what was written.
 *
 * Environment: K8C_TEST_STORAGE=sqlite (default: a new temporary file per
 * case, removed afterwards) or etcd (with K8C_TEST_ETCD_ENDPOINTS; the store
 * is shared, so cases use only their own prefix and assert on revisions
 * relative to the current one).
 */
#ifndef K8C_TEST_STORAGE_TSTORE_H
#define K8C_TEST_STORAGE_TSTORE_H

#include "base/base.h"

#include <pthread.h>

#include "apiserver/storage/storage.h"

/* How long a case waits for a watch to deliver before it fails. */
#define TSTORE_WAIT_MS 10000

struct tstore {
	struct storage *s;
	char *prefix; /* "/t-<random>/": every key of the case lives under it */
	char *dir;    /* sqlite: the temporary folder of the database, else NULL */
	char *path;   /* sqlite: the database file, else NULL */
	char **strs;  /* strings handed out by tkey(), freed by tstore_close() */
	size_t n_strs, alloc_strs;
};

/* True when the suite runs against the SQLite backend. */
bool tstore_is_sqlite(void);
/* Opens a fresh store (or connects) for one case. 0 or a STORAGE_E* code. */
int tstore_open(struct tstore *t);
/* Removes the files of the SQLite store at path (database, WAL, shared memory, lock). */
void tstore_remove_files(const char *path);
/* Closes the store and removes the sqlite files. NULL-safe for t->s. */
void tstore_close(struct tstore *t);
/* sqlite: closes and reopens the same file. 0 or a STORAGE_E* code. */
int tstore_reopen(struct tstore *t);
/* prefix + the formatted name; the string belongs to t (freed at close). */
const char *tkey(struct tstore *t, const char *fmt, ...) K8C_PRINTF(2, 3);
/* The current revision, or -1 on error. */
int64_t tstore_rev(struct tstore *t);

/* One event as a watch delivered it (owned copies). */
struct trec_event {
	enum storage_event_type type;
	char *key;
	char *value;
	size_t value_len;
	int64_t create_rev;
	int64_t mod_rev;
};

/* Records every callback of a watch; pass trec_cb and the trec as ctx. */
struct trec {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct trec_event *ev;
	size_t n, alloc;
	int calls;
	int err;      /* the final error, 0 while the watch lives */
	bool misuse;  /* overlapping callbacks, a call after the final one, or n == 0 && err == 0 */
	int in_cb;    /* callbacks running now */
	int delay_ms; /* each callback sleeps this long (to widen races) */
	bool entered; /* a callback has started */
};

#define TREC_INIT                                                                                  \
	{                                                                                          \
		.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER                \
	}
void trec_init(struct trec *r);
/* Frees the recorded events. Declare a trec before the store, so the store closes (and stops its
 * watches) first. */
void trec_release(struct trec *r);
/* The storage_watch_fn that records into ctx (a struct trec). */
void trec_cb(void *ctx, const struct storage_event *ev, size_t n, int err);
/* Waits until at least n events were recorded. False on timeout. */
bool trec_wait(struct trec *r, size_t n);
/* Waits until the final error call. False on timeout. */
bool trec_wait_err(struct trec *r);
/* Waits until a callback has started. False on timeout. */
bool trec_wait_entered(struct trec *r);
/* A snapshot of the count. */
size_t trec_count(struct trec *r);

/* One acknowledged write, as the writer saw it. */
struct twrite {
	enum storage_event_type type;
	char *key;
	char *value;
	size_t value_len;
	int64_t create_rev;
	int64_t rev;
};

/* A thread-safe list of acknowledged writes. */
struct tlog {
	pthread_mutex_t lock;
	struct twrite *w;
	size_t n, alloc;
};

#define TLOG_INIT                                                                                  \
	{                                                                                          \
		.lock = PTHREAD_MUTEX_INITIALIZER                                                  \
	}
void tlog_init(struct tlog *l);
void tlog_release(struct tlog *l);
void tlog_add(struct tlog *l, enum storage_event_type type, const char *key, const char *value,
	      int64_t create_rev, int64_t rev);
/* Sorts the log by revision (concurrent writers record out of order). */
void tlog_sort(struct tlog *l);
/*
 * Checks that the recorded events are exactly the logged writes with rev >
 * after under prefix, in order. Reports each mismatch through ktest_fail()
 * (at file:line) and returns false on the first one.
 */
bool tlog_matches(struct tlog *l, struct trec *r, const char *prefix, int64_t after,
		  const char *file, int line);
#define CHECK_WATCH(log, rec, prefix, after)                                                       \
	CHECK(tlog_matches((log), (rec), (prefix), (after), __FILE__, __LINE__))

/* Writes that record themselves into log (when non-NULL); they return the STORAGE_E* result. */
int tcreate(struct tstore *t, struct tlog *log, const char *key, const char *value,
	    int64_t *ret_rev);
int tupdate(struct tstore *t, struct tlog *log, const char *key, const char *value,
	    int64_t expected, int64_t *ret_rev);
int tdelete(struct tstore *t, struct tlog *log, const char *key, int64_t expected,
	    int64_t *ret_rev);

/* A monotonic deadline helper: now + ms, and whether it passed. */
int64_t tdeadline(int ms);
bool tpassed(int64_t deadline);

#endif
