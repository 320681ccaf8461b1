/*
 * etcd_test.h - helpers shared by the etcd storage tests: opening the store
 * named by the environment, driving throwaway etcd members through
 * etcd-ctl.sh, unique key prefixes, and a watch recorder that tests wait on
 * with deadlines.
 */
#ifndef K8C_TEST_ETCD_TEST_H
#define K8C_TEST_ETCD_TEST_H

#include <pthread.h>

#include "base/strbuf.h"
#include "apiserver/storage/storage.h"
#include "apiserver/storage/etcd/etcd.h"

/* K8C_TEST_ETCD_ENDPOINTS, or NULL (the test then fails: it must run under etcd-ctl.sh). */
const char *etcd_test_endpoints(void);

/* A fresh prefix "/t/<name>-<random>/" (caller frees). */
char *etcd_test_prefix(const char *name);

/*
 * Runs "etcd-ctl.sh ARGS" (the script path comes from K8C_TEST_ETCD_CTL) and
 * returns its exit status; its first output line goes to out if non-NULL.
 */
int etcd_test_ctl(struct strbuf *out, const char *fmt, ...) K8C_PRINTF(2, 3);

/*
 * Starts an n-member etcd cluster in a fresh temporary folder (etcd-ctl.sh
 * start; it stops by itself if this process dies). Returns 0 and the folder
 * and comma-separated client URLs (caller frees both), or -1.
 */
int etcd_test_cluster_start(int n, char **ret_dir, char **ret_endpoints);
/* Kills every member and removes the folder; frees dir. NULL-safe. */
void etcd_test_cluster_stop(char *dir);

struct etcd_test_rec;

/* A test body: runs against store s of the cluster in dir; leaves its watch (if any) in *w. */
typedef void (*etcd_test_body_fn)(const char *dir, struct storage *s, struct etcd_test_rec *rec,
				  struct storage_watch **w);

/*
 * Starts an n-member cluster, opens a store on all its endpoints, runs body
 * with a fresh recorder, then stops the watch body left, closes the store and
 * stops the cluster, whatever body did. Failures are reported through ktest.
 */
void etcd_test_run_on_cluster(int n, etcd_test_body_fn body);

/* Every event a watch delivered, and its final error; thread-safe. */
struct etcd_test_rec {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct storage_kv *events; /* key, value, create_rev, mod_rev (value_len = type) */
	int *types;
	size_t n, alloc, types_alloc;
	size_t batches;
	int err;     /* final error, 0 while the watch lives */
	bool failed; /* a callback broke the contract (order, duplicates, call after the end) */
};

void etcd_test_rec_init(struct etcd_test_rec *rec);
void etcd_test_rec_release(struct etcd_test_rec *rec);
/* The storage_watch_fn that records into ctx (a struct etcd_test_rec). */
void etcd_test_rec_fn(void *ctx, const struct storage_event *events, size_t n, int err);
/* Waits until rec holds at least n events or an error; false after timeout_ms. */
bool etcd_test_rec_wait(struct etcd_test_rec *rec, size_t n, int64_t timeout_ms);

#endif
