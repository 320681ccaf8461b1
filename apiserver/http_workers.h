/*
 * http_workers.h - the threads that run the HTTP handlers that may block
 * (writes waiting for their commit, reads waiting for the store), so that
 * the event threads, which serve every connection from epoll, never wait.
 * Internal to the HTTP layer (http.c).
 */
#ifndef K8C_APISERVER_HTTP_WORKERS_H
#define K8C_APISERVER_HTTP_WORKERS_H

#include <stddef.h>

struct http_workers;

/*
 * A pool that starts threads as work arrives, while none is idle, up to max;
 * threads stay once started (a busy moment's pool serves the next one).
 */
struct http_workers *http_workers_new(size_t max);
/* Runs fn(arg) on a pool thread, at once if one is idle, else once one is. Any thread. */
void http_workers_submit(struct http_workers *w, void (*fn)(void *arg), void *arg);
/* Waits until nothing is queued or running. */
void http_workers_drain(struct http_workers *w);
/* Drains, stops and joins every thread, frees w. NULL-safe. */
void http_workers_free(struct http_workers *w);

#endif
