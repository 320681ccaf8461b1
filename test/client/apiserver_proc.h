/*
 * apiserver_proc.h - the real k8c-apiserver for client integration tests: started from
 * $K8C_APISERVER on a free port (--port 0 --port-file) with a fresh SQLite data dir in a
 * temporary folder, ready once /readyz answers 200; stopped with SIGTERM and its folder
 * removed. Also pause/resume (SIGSTOP/SIGCONT) to make it unreachable without closing
 * connections. Test code only; not thread-safe.
 */
#ifndef K8C_TEST_CLIENT_APISERVER_PROC_H
#define K8C_TEST_CLIENT_APISERVER_PROC_H

#include <sys/types.h>

#include "client/rest.h"

struct test_apiserver {
	pid_t pid;
	char *dir; /* the temporary folder: data/, apiserver.log, port */
	char *url; /* "http://127.0.0.1:PORT" */
};

/* Starts one and waits (up to 20 s) until it is ready. Returns 0, or -1 after printing why. */
int test_apiserver_start(struct test_apiserver *s);

/*
 * Stops s (SIGTERM, then SIGKILL after 20 s), removes its folder and frees its members.
 * Returns its exit status (non-zero also when a sanitizer reported), or -1 if killed.
 */
int test_apiserver_stop(struct test_apiserver *s);

/* SIGSTOP / SIGCONT. */
void test_apiserver_pause(struct test_apiserver *s);
void test_apiserver_resume(struct test_apiserver *s);

/* A new client for s with qps (< 0: unlimited) and per-request timeout timeout_ms (0: none). */
struct k8c_client *test_apiserver_client(const struct test_apiserver *s, double qps,
					 int64_t timeout_ms);

/* Runs argv (NULL-terminated) with stdout/stderr appended to s's log. Returns the pid or -1. */
pid_t test_apiserver_spawn(const struct test_apiserver *s, char *const argv[]);

#endif
