/*
 * etcd_stream.h - the one long-lived bidirectional Watch call of an etcd
 * storage handle: its thread, completion queue, send queue and reconnection.
 * etcd_watch.c multiplexes every storage_watch() over it.
 *
 * Locking: st->lock guards everything below marked (L); the stream thread
 * alone touches the rest. Internal to the etcd backend.
 */
#ifndef K8C_STORAGE_ETCD_STREAM_H
#define K8C_STORAGE_ETCD_STREAM_H

#include "apiserver/storage/etcd/etcd_private.h"

#include "base/hashmap.h"
#include "apiserver/storage/etcd/rpc.pb-c.h"

struct etcd_stream {
	struct etcd_storage *es;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop; /* (L) close() asked the thread to end */

	/* Watches (etcd_watch.c). */
	struct hashmap watches;		  /* (L) decimal watch id -> struct storage_watch */
	int64_t next_id;		  /* (L) */
	struct storage_watch *delivering; /* (L) whose callback runs now, or NULL */

	/* The call. */
	grpc_completion_queue *cq; /* next-type, lives as long as the stream */
	grpc_call *call;	   /* (L) NULL between connections */
	bool connected;		   /* (L) sends may be started on call */
	int outstanding;	   /* (L) batches started and not yet completed */
	size_t endpoint;	   /* index of the endpoint in use */

	/* Sending: one SEND_MESSAGE at a time, the rest wait in a FIFO. */
	grpc_slice *queue; /* (L) packed WatchRequests */
	size_t queue_n, queue_alloc;
	grpc_byte_buffer *send_buf; /* (L) in flight, or NULL */

	/* Receiving. */
	grpc_byte_buffer *recv_buf;
	grpc_metadata_array initial_md, trailing_md;
	grpc_metadata hasleader;
	grpc_status_code status;
	grpc_slice details;
};

/*
 * Creates the stream of es and starts its thread, which connects and
 * reconnects on its own until etcd_stream_free(). Never fails (aborts when
 * no thread can be created).
 */
struct etcd_stream *etcd_stream_new(struct etcd_storage *es);

/* Queues msg (a WatchRequest) for sending on the current call. Lock held; drops it when down. */
void etcd_stream_send_locked(struct etcd_stream *st, const Etcdserverpb__WatchRequest *msg);

/* True when the caller runs on the stream's thread (inside a watch callback). */
bool etcd_stream_on_thread(const struct etcd_stream *st);

/* Provided by etcd_watch.c. */
/* A new call is up: queue a create for every live watch. Lock held. */
void etcd_watch_resume_locked(struct etcd_stream *st);
/* One WatchResponse arrived (stream thread, lock not held). */
void etcd_watch_on_response(struct etcd_stream *st, const Etcdserverpb__WatchResponse *resp);
/* Frees every watch handle left (at close, thread stopped). */
void etcd_watch_free_all(struct etcd_stream *st);

#endif
