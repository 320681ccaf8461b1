/*
 * informer_fixture.h - what the informer tests share: a real k8c-apiserver
 * with clients, pod writes through the REST API, a recorder of handler
 * calls, and waiting on a condition with a deadline.
 */
#ifndef K8C_TEST_INFORMER_FIXTURE_H
#define K8C_TEST_INFORMER_FIXTURE_H

#include <pthread.h>
#include <stdatomic.h>

#include "base/timeutil.h"
#include "client/informer.h"
#include "test/client/informer_apiserver.h"

/* Evaluates expr every 5 ms until true or timeout_ms passes; yields its last value. */
#define WAIT_FOR(expr, timeout_ms)                                                                 \
	({                                                                                         \
		int64_t wait_end_ = time_mono_ns() + (int64_t)(timeout_ms) * K8C_NSEC_PER_MSEC;    \
		bool wait_ok_;                                                                     \
		while (!(wait_ok_ = (expr)) && time_mono_ns() < wait_end_)                         \
			time_sleep_ms(5);                                                          \
		wait_ok_;                                                                          \
	})

struct fixture {
	struct apiserver_proc srv;
	struct k8c_client *c;  /* for the test's own writes */
	struct k8c_client *ic; /* for informers */
};

/* Starts an API server (extra flags NULL-terminated, may be NULL). Aborts when it cannot. */
void fixture_start(struct fixture *f, const char *const *extra);
/* Stops the server, frees the clients, removes the data. */
void fixture_stop(struct fixture *f);

/*
 * Creates pod ns/name (node: spec.nodeName or NULL; owner: the uid of a
 * controller ownerReference or NULL; label v=1). *ret_rv (may be NULL) gets
 * its resourceVersion (owned). Returns 0 or the client's negative errno.
 */
int pod_create(struct k8c_client *c, const char *ns, const char *name, const char *node,
	       const char *owner, char **ret_rv);
/* Sets label v of pod ns/name to value (merge patch). */
int pod_set_label(struct k8c_client *c, const char *ns, const char *name, const char *value,
		  char **ret_rv);
/* Replaces the ownerReferences of pod ns/name with one controller reference to uid. */
int pod_set_owner(struct k8c_client *c, const char *ns, const char *name, const char *uid);
/* Deletes pod ns/name at once (grace period 0). */
int pod_delete(struct k8c_client *c, const char *ns, const char *name);
/* Binds pod ns/name to node (pods/binding, as the scheduler does). */
int pod_bind(struct k8c_client *c, const char *ns, const char *name, const char *node);
/* Creates node name. */
int node_create(struct k8c_client *c, const char *name);
/* Creates namespace name. */
int namespace_create(struct k8c_client *c, const char *name);
/* The value of a Prometheus sample of /metrics ("name{labels}"), or -1. */
long long metric_value(struct k8c_client *c, const char *sample);

/* Records every handler call as a line: "add KEY v=1", "update KEY v=1>v=2", "delete KEY v=2". */
struct recorder {
	pthread_mutex_t lock;
	struct strbuf log;
	atomic_int adds, updates, deletes;
	atomic_int resyncs; /* updates with old == new */
	bool other_thread;	 /* every call came from a thread other than the test's */
	pthread_t test_thread;
};

void recorder_init(struct recorder *r);
void recorder_release(struct recorder *r);
/* Handlers that record into r. */
struct k8c_informer_handlers recorder_handlers(struct recorder *r);
/* True when the log holds line (a whole line). */
bool recorder_has(struct recorder *r, const char *line);
/* Position of line in the log, or -1. */
long recorder_pos(struct recorder *r, const char *line);
/* Total calls so far. */
int recorder_calls(struct recorder *r);

/* A pod informer over f->ic (selector may be NULL), not started. */
struct k8c_informer *pod_informer(struct fixture *f, const char *field_selector,
				  int64_t page_size, int64_t resync_ms);
/*
 * A started pod informer (see pod_informer) whose one handler records into
 * rec, which this initializes. NULL when it did not sync within 10 s.
 */
struct k8c_informer *recorded_informer(struct fixture *f, struct recorder *rec,
				       const char *field_selector, int64_t resync_ms);
/* The label v of a cached pod ns/name, or NULL (owned). */
char *cached_label(struct k8c_informer *inf, const char *key);
/* True when objs are in strictly ascending key order. */
bool objs_sorted(void **objs, size_t n);
/* A custom index of pods by spec.nodeName (a k8c_index_fn). */
void pod_index_by_node(const void *obj, char ***values, size_t *n, size_t *alloc);

#endif
