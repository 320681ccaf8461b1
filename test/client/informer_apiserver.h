/*
 * informer_apiserver.h - the real k8c-apiserver as a child process of a C test:
 * started on a SQLite data dir (--port 0 --port-file F, or a given port for
 * a restart on the same address), ready once /readyz answers, stopped with
 * SIGTERM or killed with SIGKILL. The binary comes from $K8C_APISERVER (meson
 * passes apiserver_exe's full path). Not thread-safe; start servers from the
 * test's main thread (the child dies with the thread that started it).
 */
#ifndef K8C_TEST_INFORMER_APISERVER_H
#define K8C_TEST_INFORMER_APISERVER_H

#include <sys/types.h>

#include "client/rest.h"

struct apiserver_proc {
	pid_t pid;	/* 0 when not running */
	int port;	/* the port it listens on (kept across restarts) */
	char *dir;	/* scratch dir: port file, log */
	char *data_dir; /* the SQLite store */
	char *url;	/* "http://127.0.0.1:PORT" */
	char **extra;	/* extra flags, NULL-terminated, owned */
};

/* Makes a scratch dir under $TMPDIR with a data dir; extra flags (NULL-terminated, may be NULL). */
void apiserver_proc_init(struct apiserver_proc *p, const char *const *extra);

/*
 * Starts the server on p->data_dir: on a free port the first time, on
 * p->port afterwards (port_override > 0: on that port instead, or -1 for a
 * free one, leaving p->port alone, for a second server on the same store).
 * Waits up to 20 s for /readyz. Returns 0, or -1 (the reason on stderr).
 */
int apiserver_proc_start(struct apiserver_proc *p, int port_override, int *ret_port);

/* Sends sig (SIGTERM, SIGKILL) and reaps the process. Returns its wait status. */
int apiserver_proc_signal(struct apiserver_proc *p, int sig);

/* Stops the server if running, prints its log when it failed, removes the scratch dir. */
void apiserver_proc_release(struct apiserver_proc *p);

/* A REST client for url, unthrottled. Aborts on failure. */
struct k8c_client *apiserver_proc_client(const char *url);

#endif
