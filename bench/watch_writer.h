/*
 * watch_writer.h - the writing side of the watch fan-out benchmark
 * (k8c-bench-watch): a blocking HTTP/1.1 client, the pods it writes, the
 * writer threads that PATCH them at a steady rate, and the table that maps
 * each write's resourceVersion to the moment its answer arrived, which the
 * watcher side (watch_stream.h) reads while the writers fill it.
 */
#ifndef K8C_BENCH_WATCH_WRITER_H
#define K8C_BENCH_WATCH_WRITER_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>

#include "bench/latency.h"

/* The server: its IPv4 address and the "host:port" for the Host header. */
struct bench_server {
	struct sockaddr_in addr;
	char host[64];
};

/* Parses "http://A.B.C.D:PORT" (or without the scheme); -EINVAL if it is not that. */
int bench_server_parse(const char *url, struct bench_server *ret_server);

/* One kept-alive blocking connection. */
struct http_conn {
	const struct bench_server *srv;
	int fd; /* -1 until connected */
	struct strbuf in;
};

/* Sets up c for srv (connects on first use). */
void http_conn_init(struct http_conn *c, const struct bench_server *srv);
/* Closes and frees c. */
void http_conn_release(struct http_conn *c);
/*
 * Sends one request (body with content_type, or none when body is NULL) and
 * waits for its whole answer, which must carry a Content-Length. Returns the
 * HTTP status with the body in *ret_body (borrowed from c, valid until the
 * next request), or a negative errno for a transport or framing error (the
 * connection is then closed; the next request reconnects).
 */
int http_conn_request(struct http_conn *c, const char *method, const char *path,
		      const char *content_type, const char *body, const char **ret_body);

/*
 * The pods the benchmark writes: pod i is "<prefix><i>" with the benchmark
 * manifest (pod_manifest.h) plus the label shard=<i % POD_SHARDS> and
 * spec.nodeName node-<i % POD_NODES>, for the selector mix.
 */
#define POD_SHARDS 10
#define POD_NODES 20
void bench_pod_name(size_t i, struct strbuf *out);
void bench_pod_manifest(const char *ns, size_t i, struct strbuf *out);
/* The value of the first "resourceVersion" in json, or -1. */
int64_t bench_json_rv(const char *json);

/* rv -> (update, ack time), filled by the writers while the watcher side reads it. */
struct ack_slot {
	atomic_llong rv; /* 0: empty, or claimed and not yet published */
	atomic_bool claimed;
	uint32_t update;
	int64_t ack_ns;
};
struct ack_table {
	struct ack_slot *slots;
	size_t mask;
};
/* Room for n entries. */
void ack_table_init(struct ack_table *t, size_t n);
void ack_table_release(struct ack_table *t);
/* Publishes rv (> 0, each once); any thread, lock-free. */
void ack_table_put(struct ack_table *t, int64_t rv, uint32_t update, int64_t ack_ns);
/*
 * The entry of rv, or NULL when it is not (yet) published; any thread. A NULL
 * may also mean a write racing on the same slot: callers retry later.
 */
const struct ack_slot *ack_table_get(const struct ack_table *t, int64_t rv);

/* One update: which pod, and its answer. */
struct update_rec {
	uint32_t pod;
	int64_t rv;     /* -1 when the write failed, 0 when it was never sent */
	int64_t ack_ns; /* CLOCK_MONOTONIC when its answer was complete */
};

/* The writer threads: `updates` PATCHes of the pods in turn, the i-th due at t0 + i / rate. */
struct writer_run {
	const struct bench_server *srv;
	const char *ns;
	size_t pods, updates, threads;
	double rate; /* updates per second */
	int64_t max_ns; /* no update is started later than this after t0 */
	struct ack_table *acks;
	struct update_rec *upd; /* updates entries, filled as answers arrive */
	int64_t t0, t_end;
	atomic_size_t next;
	atomic_size_t running;
	pthread_mutex_t lock; /* lat */
	struct lat_rec lat;   /* the PATCH latencies; errors = failed writes */
	pthread_t *tids;
};

/* Starts r->threads writer threads (the fields above `t0` set by the caller). */
void writer_start(struct writer_run *r);
/* True once every update has been answered (or failed). */
bool writer_done(struct writer_run *r);
/* Joins the threads; r->t_end is when the last one ended. Frees what writer_start made. */
void writer_join(struct writer_run *r);

#endif
