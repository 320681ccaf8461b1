/*
 * etcd_stream.c - the Watch call's life: connect to an endpoint, keep one
 * RECV_MESSAGE and at most one SEND_MESSAGE batch in flight, hand every
 * reply to etcd_watch.c, and when the call ends (member killed, connection
 * lost, "no leader") drain it and connect again, to the next endpoint, with
 * a back-off of 100 ms doubling to 1 s. The thread is the only consumer of
 * the completion queue; other threads only start SEND batches (under the
 * lock) and cancel the call.
 *
 * etcd ignores a half-close on Watch, so the call is ended by
 * grpc_call_cancel() and then drained until every batch has completed.
 */
#include "apiserver/storage/etcd/etcd_stream.h"

#include "base/timeutil.h"
#include "apiserver/storage/etcd/etcd_wire.h"

enum stream_tag {
	TAG_START = 1, /* SEND_INITIAL_METADATA */
	TAG_STATUS,    /* RECV_STATUS_ON_CLIENT */
	TAG_RECV,      /* RECV_MESSAGE (first time with RECV_INITIAL_METADATA) */
	TAG_SEND,      /* SEND_MESSAGE */
};

#define TAG(t) ((void *)(uintptr_t)(t))
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 1000

bool etcd_stream_on_thread(const struct etcd_stream *st)
{
	return pthread_equal(pthread_self(), st->thread);
}

/* Starts one batch on the call; counts it as outstanding. Lock held. */
static bool start_locked(struct etcd_stream *st, grpc_op *ops, size_t n, enum stream_tag tag)
{
	if (!st->call || grpc_call_start_batch(st->call, ops, n, TAG(tag), NULL) != GRPC_CALL_OK)
		return false;
	st->outstanding++;
	return true;
}

/* Starts the next queued send if none is in flight. Lock held. */
static void pump_locked(struct etcd_stream *st)
{
	grpc_op op;

	if (!st->connected || st->send_buf || !st->queue_n)
		return;
	st->send_buf = grpc_raw_byte_buffer_create(&st->queue[0], 1);
	grpc_slice_unref(st->queue[0]);
	memmove(st->queue, st->queue + 1, --st->queue_n * sizeof(*st->queue));
	memset(&op, 0, sizeof(op));
	op.op = GRPC_OP_SEND_MESSAGE;
	op.data.send_message.send_message = st->send_buf;
	if (!start_locked(st, &op, 1, TAG_SEND)) {
		grpc_byte_buffer_destroy(st->send_buf);
		st->send_buf = NULL;
	}
}

void etcd_stream_send_locked(struct etcd_stream *st, const Etcdserverpb__WatchRequest *msg)
{
	if (!st->connected)
		return;
	ALLOC_GROW(st->queue, st->queue_n + 1, st->queue_alloc);
	st->queue[st->queue_n++] = etcd_wire_pack(&msg->base);
	pump_locked(st);
}

static void arm_recv_locked(struct etcd_stream *st, bool with_metadata)
{
	grpc_op ops[2];
	size_t n = 0;

	memset(ops, 0, sizeof(ops));
	if (with_metadata) {
		ops[n].op = GRPC_OP_RECV_INITIAL_METADATA;
		ops[n++].data.recv_initial_metadata.recv_initial_metadata = &st->initial_md;
	}
	ops[n].op = GRPC_OP_RECV_MESSAGE;
	ops[n++].data.recv_message.recv_message = &st->recv_buf;
	start_locked(st, ops, n, TAG_RECV);
}

/* Opens the call on the current endpoint and starts its first batches. Lock held. */
static void connect_locked(struct etcd_stream *st)
{
	grpc_channel *ch = etcd_conn_channel(st->es->conn, st->endpoint);
	grpc_op ops[1];

	st->call =
		grpc_channel_create_call(ch, NULL, GRPC_PROPAGATE_DEFAULTS, st->cq,
					 grpc_slice_from_static_string("/etcdserverpb.Watch/Watch"),
					 NULL, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
	st->hasleader.key = grpc_slice_from_static_string("hasleader");
	st->hasleader.value = grpc_slice_from_static_string("true");
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[0].data.send_initial_metadata.count = 1;
	ops[0].data.send_initial_metadata.metadata = &st->hasleader;
	start_locked(st, ops, 1, TAG_START);

	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[0].data.recv_status_on_client.trailing_metadata = &st->trailing_md;
	ops[0].data.recv_status_on_client.status = &st->status;
	ops[0].data.recv_status_on_client.status_details = &st->details;
	start_locked(st, ops, 1, TAG_STATUS);
	arm_recv_locked(st, true);

	st->connected = true;
	etcd_watch_resume_locked(st);
	if (st->stop)
		grpc_call_cancel(st->call, NULL);
}

/* Handles a received message; false when the call is over. Stream thread. */
static bool on_recv(struct etcd_stream *st, bool ok, bool *got_message)
{
	Etcdserverpb__WatchResponse *resp;
	grpc_byte_buffer *bb = st->recv_buf;

	st->recv_buf = NULL;
	if (!ok || !bb) {
		grpc_byte_buffer_destroy(bb);
		return false;
	}
	resp = (Etcdserverpb__WatchResponse *)etcd_wire_unpack(
		bb, &etcdserverpb__watch_response__descriptor);
	grpc_byte_buffer_destroy(bb);
	if (!resp)
		return false;
	*got_message = true;
	etcd_watch_on_response(st, resp);
	etcd_wire_free(resp);
	pthread_mutex_lock(&st->lock);
	arm_recv_locked(st, false);
	pthread_mutex_unlock(&st->lock);
	return true;
}

/* One completion. Stream thread. */
static void on_event(struct etcd_stream *st, grpc_event ev, bool *got_message)
{
	bool alive = ev.success;

	if (ev.tag == TAG(TAG_RECV))
		alive = on_recv(st, ev.success, got_message);
	pthread_mutex_lock(&st->lock);
	st->outstanding--;
	if (ev.tag == TAG(TAG_SEND)) {
		grpc_byte_buffer_destroy(st->send_buf);
		st->send_buf = NULL;
		pump_locked(st);
	}
	if (ev.tag == TAG(TAG_STATUS))
		alive = false;
	if (!alive) {
		st->connected = false;
		grpc_call_cancel(st->call, NULL);
	}
	pthread_mutex_unlock(&st->lock);
}

/* Runs one call until every batch has completed; true if any reply came. Stream thread. */
static int outstanding(struct etcd_stream *st)
{
	int n;

	pthread_mutex_lock(&st->lock);
	n = st->outstanding;
	pthread_mutex_unlock(&st->lock);
	return n;
}

static bool run_call(struct etcd_stream *st)
{
	bool got_message = false;

	while (outstanding(st) > 0) {
		grpc_event ev = grpc_completion_queue_next(
			st->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);

		if (ev.type != GRPC_OP_COMPLETE)
			break;
		on_event(st, ev, &got_message);
	}
	return got_message;
}

/* Frees what the finished call left behind. Stream thread. */
static void teardown(struct etcd_stream *st)
{
	grpc_call *call;

	pthread_mutex_lock(&st->lock);
	call = st->call;
	st->call = NULL;
	st->connected = false;
	for (size_t i = 0; i < st->queue_n; i++)
		grpc_slice_unref(st->queue[i]);
	st->queue_n = 0;
	pthread_mutex_unlock(&st->lock);
	grpc_call_unref(call);
	grpc_metadata_array_destroy(&st->initial_md);
	grpc_metadata_array_destroy(&st->trailing_md);
	grpc_metadata_array_init(&st->initial_md);
	grpc_metadata_array_init(&st->trailing_md);
	grpc_slice_unref(st->details);
	st->details = grpc_empty_slice();
}

/* Waits up to ms for close(); false when the thread must end. */
static bool backoff(struct etcd_stream *st, int64_t ms)
{
	struct timespec until;
	bool go_on;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * K8C_NSEC_PER_MSEC;
	if (until.tv_nsec >= K8C_NSEC_PER_SEC) {
		until.tv_sec++;
		until.tv_nsec -= K8C_NSEC_PER_SEC;
	}
	pthread_mutex_lock(&st->lock);
	while (!st->stop && pthread_cond_timedwait(&st->cond, &st->lock, &until) == 0)
		;
	go_on = !st->stop;
	pthread_mutex_unlock(&st->lock);
	return go_on;
}

static void *stream_main(void *arg)
{
	struct etcd_stream *st = arg;
	size_t n = etcd_conn_endpoints(st->es->conn);
	int64_t delay = BACKOFF_MIN_MS;
	bool running = true;

	st->endpoint = etcd_conn_preferred(st->es->conn);
	while (running) {
		pthread_mutex_lock(&st->lock);
		running = !st->stop;
		if (running)
			connect_locked(st);
		pthread_mutex_unlock(&st->lock);
		if (!running)
			break;
		if (run_call(st))
			delay = BACKOFF_MIN_MS;
		teardown(st);
		st->endpoint = (st->endpoint + 1) % n;
		running = backoff(st, delay);
		delay = delay * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay * 2;
	}
	return NULL;
}

struct etcd_stream *etcd_stream_new(struct etcd_storage *es)
{
	struct etcd_stream *st = xcalloc(1, sizeof(*st));
	pthread_condattr_t attr;

	st->es = es;
	st->next_id = 1;
	st->cq = grpc_completion_queue_create_for_next(NULL);
	st->details = grpc_empty_slice();
	grpc_metadata_array_init(&st->initial_md);
	grpc_metadata_array_init(&st->trailing_md);
	pthread_mutex_init(&st->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&st->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&st->thread, NULL, stream_main, st) != 0)
		abort();
	return st;
}

void etcd_stream_free(struct etcd_stream *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	st->stop = true;
	if (st->call)
		grpc_call_cancel(st->call, NULL);
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->thread, NULL);

	grpc_completion_queue_shutdown(st->cq);
	while (grpc_completion_queue_next(st->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
	       GRPC_QUEUE_SHUTDOWN)
		;
	grpc_completion_queue_destroy(st->cq);
	etcd_watch_free_all(st);
	grpc_metadata_array_destroy(&st->initial_md);
	grpc_metadata_array_destroy(&st->trailing_md);
	free(st->queue);
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->lock);
	free(st);
}
