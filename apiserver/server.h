/*
 * server.h - the API server: its state, the per-request context handed to
 * the REST handlers, and the handlers themselves (one file each: rest_get.c,
 * rest_list.c, rest_watch.c, rest_create.c, rest_update.c, rest_patch.c,
 * rest_delete.c, rest_subresources.c), plus discovery.c, health.c.
 */
#ifndef K8C_APISERVER_SERVER_H
#define K8C_APISERVER_SERVER_H

#include <stdatomic.h>

#include "apiserver/http.h"
#include "apiserver/metrics.h"
#include "apiserver/router.h"
#include "apiserver/status.h"
#include "apiserver/storage/storage.h"
#include "apiserver/watchcache.h"

struct apiserver_config {
	const char *bind_address;
	int port;
	const char *data_dir;      /* SQLite store in <data_dir>/k8c.db */
	const char *etcd_servers;  /* non-NULL: use etcd instead */
	int64_t etcd_timeout_ms;   /* deadline of one etcd call; 0 = the backend's default */
	size_t watch_cache_size;   /* events kept per kind */
	int64_t compaction_interval_ms; /* 0 = never */
	int64_t compaction_keep;   /* revisions kept by periodic compaction */
	/* DefaultTolerationSeconds for new pods (admission.h); < 0: add none */
	int64_t default_not_ready_toleration_seconds;
	int64_t default_unreachable_toleration_seconds;
};

struct apiserver {
	struct apiserver_config cfg;
	struct storage *storage;
	struct watch_cache *cache;
	struct http_server *http;
	struct metrics metrics;
	bool shared_store; /* etcd: other API servers may write; reads confirm the store revision */
	atomic_bool stopping;
};

/* Opens the store, fills the watch cache, creates the system namespaces and starts serving. */
int apiserver_start(const struct apiserver_config *cfg, struct apiserver **ret_server);
/* Ends watches, stops serving, closes the store, frees s. NULL-safe. */
void apiserver_stop(struct apiserver *s);

enum api_verb {
	VERB_GET,
	VERB_LIST,
	VERB_WATCH,
	VERB_CREATE,
	VERB_UPDATE,
	VERB_PATCH,
	VERB_DELETE,
	VERB_DELETECOLLECTION,
	VERB_OTHER,
	VERB_COUNT,
};

/* Everything a handler needs about one request. */
struct api_request {
	struct apiserver *s;
	struct http_request *http;
	struct route route;
	const struct k8c_kind *kind; /* == route.kind, never NULL in resource handlers */
	enum api_verb verb;
	bool as_table;               /* Accept asks for a meta.k8s.io/v1 Table */
	/*
	 * How a successful write answers; NULL = with the object. Subresources
	 * (scale, binding) set it to answer with their own shape. json is the
	 * written object with its resourceVersion.
	 */
	void (*respond_object)(struct api_request *r, int code, const char *json, size_t len);
};

/* The storage key of an object: "/registry/<resource>/[<ns>/]<name>". */
void api_object_key(const struct k8c_kind *k, const char *ns, const char *name,
		    struct strbuf *out);
/*
 * Makes the cache reflect every write acknowledged before this call (on a
 * shared store, asks the store for its revision and waits for the cache).
 * Returns 0, or answers r with an error Status and returns -1.
 */
int api_consistent_read(struct api_request *r);
/* Parses a resourceVersion query value: 0 and the number, or -EINVAL. */
int api_parse_rv(const char *s, int64_t *ret);
/* True for the Go-style booleans Kubernetes accepts in queries: true, True, 1. */
bool api_query_bool(const char *v);

void rest_get(struct api_request *r);
void rest_list(struct api_request *r);
void rest_watch(struct api_request *r);
void rest_create(struct api_request *r);
void rest_update(struct api_request *r);
void rest_patch(struct api_request *r);
void rest_delete(struct api_request *r);
void rest_delete_collection(struct api_request *r);
/* pods/binding; deployments/scale and replicasets/scale */
void rest_binding(struct api_request *r);
void rest_scale(struct api_request *r);
/* pods/log: streamed from the kubelet of the pod's node (rest_pod_log.c) */
void rest_pod_log(struct api_request *r);

/* Discovery and non-resource endpoints. */
void discovery_serve(struct api_request *r);
void health_serve(struct api_request *r);

#endif
