/*
 * watch.h - one watch stream at a time over a REST client: GET path?watch=true with
 * resourceVersion, timeoutSeconds and allowWatchBookmarks, events decoded as they arrive
 * and handed to a callback, until the stream ends.
 *
 * How it ends (k8c_watch_run's result):
 *   K8C_WATCH_CLOSED     the server ended the stream (timeoutSeconds, or a clean close):
 *                        watch again from the last resourceVersion seen;
 *   K8C_WATCH_STOPPED    the callback returned non-zero;
 *   K8C_WATCH_CANCELLED  k8c_watch_cancel() was called (from any thread; returns within
 *                        milliseconds, the connection is dropped);
 *   -ETIME               the resourceVersion is too old (an ERROR event or an HTTP status
 *                        with code 410 "Expired"/"Gone"): relist, then watch again;
 *   other < 0            an ERROR event or HTTP error (errno as in rest.h, Status in
 *                        *err), a transport failure, or -EPROTO for a malformed stream.
 * ERROR events are not passed to the callback: they end the watch with their Status.
 *
 * A k8c_watch runs one stream at a time and may be run again after it returns (an informer
 * keeps one per resource); k8c_watch_cancel() is sticky: every later run returns
 * K8C_WATCH_CANCELLED at once.
 */
#ifndef K8C_CLIENT_WATCH_H
#define K8C_CLIENT_WATCH_H

#include "client/rest.h"
#include "client/watch_decoder.h"

enum {
	K8C_WATCH_CLOSED = 0,
	K8C_WATCH_STOPPED = 1,
	K8C_WATCH_CANCELLED = 2,
};

/*
 * Receives one event (ADDED, MODIFIED, DELETED or BOOKMARK) on the thread that runs the
 * watch. The event's object is freed after the call unless taken. Return 0 to go on,
 * non-zero to stop the watch (K8C_WATCH_STOPPED).
 */
typedef int (*k8c_watch_fn)(struct k8c_watch_event *ev, void *userdata);

/*
 * A transform (client-go's TransformFunc): trims obj, an object just decoded
 * and not seen by anyone yet (not packed, not shared), in place, before it is
 * packed: it may k8c_release() and reset any member it drops. Pure; runs on
 * the decoding thread. See k8c_informer_set_transform for what dropping means.
 */
typedef void (*k8c_transform_fn)(void *obj);

struct k8c_watch_options {
	const char
		*path; /* collection path, may carry a query: "/api/v1/pods?labelSelector=a%3Db" */
	const char *resource_version; /* NULL: start with the current state (synthetic ADDEDs) */
	int64_t timeout_seconds;      /* asked of the server; 0 = its default */
	bool allow_bookmarks;
	const char *accept; /* NULL = "application/json" */
	/*
	 * NULL, or the kind of the objects watched: each event then comes decoded
	 * (ev->typed, see k8c_watch_event), straight from the text when the line has the
	 * usual layout, and an object that is not JSON ends the watch with -EPROTO.
	 */
	const struct k8c_kind *kind;
	k8c_transform_fn transform; /* NULL, or applied to each decoded object (with kind) */
	k8c_watch_fn fn;
	void *userdata;
};

struct k8c_watch;
struct k8c_kind;

/* Creates a watch that streams through c (borrowed: it must outlive the watch). */
struct k8c_watch *k8c_watch_new(struct k8c_client *c);

/* Frees w. It must not be running. NULL-safe. */
void k8c_watch_free(struct k8c_watch *w);

/*
 * Runs one stream as o describes, calling o->fn for each event, and returns how it ended
 * (see above); err (may be NULL) gets the Status of a failure. One thread at a time.
 */
int k8c_watch_run(struct k8c_watch *w, const struct k8c_watch_options *o,
		  struct k8c_status_error *err);

/* Ends the running stream (if any) and every later one. Thread-safe, never blocks. */
void k8c_watch_cancel(struct k8c_watch *w);

/* Appends o->path with the watch query parameters to out (exposed for tests). */
void k8c_watch_path(struct strbuf *out, const struct k8c_watch_options *o);

#endif
