/*
 * watch_stream.h - the watching side of the watch fan-out benchmark
 * (k8c-bench-watch): many watch streams on one epoll loop with plain
 * non-blocking sockets. Each stream's chunked body is split into events and
 * only the head of each event is kept, enough to read its type and
 * resourceVersion; the receipt time of an event (when its last byte
 * arrived) is matched against the write's acknowledgement in the ack table.
 * The streams are spread over a few threads, each with its own epoll, so
 * that the watching side keeps up even on a loaded machine. The functions
 * run on the thread that made the set.
 */
#ifndef K8C_BENCH_WATCH_STREAM_H
#define K8C_BENCH_WATCH_STREAM_H

#include "bench/watch_writer.h"

struct watch_set;

/*
 * A set for streams to srv, read by `threads` threads; acks is read for every
 * event received, and updates bounds the update indexes it holds. Never fails.
 */
struct watch_set *watch_set_new(const struct bench_server *srv, const struct ack_table *acks,
				size_t updates, size_t threads);
/* Stops the threads, closes every stream and frees s. NULL-safe. */
void watch_set_free(struct watch_set *s);

/*
 * Opens a watch stream on path ("/api/v1/...?watch=true&..."); returns its
 * index or -errno. Only before watch_set_start().
 */
int watch_set_add(struct watch_set *s, const char *path);
/* Starts the threads that read the streams. */
void watch_set_start(struct watch_set *s);
/* Stops and joins them (no-op when not running). */
void watch_set_stop(struct watch_set *s);

/* How many streams have their 200 answer's headers (the counters: any time). */
size_t watch_set_ready(const struct watch_set *s);
/* How many streams failed (refused, not 200, closed, an ERROR event, a malformed event). */
size_t watch_set_failed(const struct watch_set *s);
/* Events received in order so far, over every stream (those not yet matched included). */
size_t watch_set_received(const struct watch_set *s);

/* What a finished run measured. */
struct watch_totals {
	struct lat_rec each;  /* per (update, stream): ack -> receipt; before the ack counts 0 */
	struct lat_rec every; /* per update: ack -> receipt at the last stream that got it */
	size_t received;      /* events matched to an update */
	size_t before_ack;    /* of those, received before the writer had read the answer */
	size_t unexpected;    /* events that match no update */
	size_t out_of_order;  /* events at or below the stream's previous revision */
	size_t failed;        /* streams that failed */
	size_t bytes;         /* body bytes received */
};

/* The received count of stream i (matched events only; valid after watch_set_finish()). */
size_t watch_set_stream_received(const struct watch_set *s, size_t i);

/*
 * Stops the threads, matches the events that arrived before their ack was
 * published and fills t (which the caller releases with lat_rec_release on
 * each and every). upd holds the writes (for their ack times). Call once,
 * after the writers ended.
 */
void watch_set_finish(struct watch_set *s, const struct update_rec *upd, struct watch_totals *t);

#endif
