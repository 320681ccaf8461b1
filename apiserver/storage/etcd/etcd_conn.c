/*
 * etcd_conn.c - channels to the etcd endpoints and the unary call with fail-over.
 *
 * Every unary call of a connection completes on one next-type completion
 * queue, served by one dispatcher thread that wakes the calling thread (a
 * tag per call). Compared with a pluck queue per call this halves the
 * client CPU per call with 64 callers, and it keeps a thread waiting on a
 * queue at all times, which gRPC core needs: it does I/O only on threads
 * that wait on a queue. (While an endpoint is down every call fails at once,
 * so without that thread nobody would read the reconnection's SETTINGS
 * frame, the attempt would time out, again and again, and the channel would
 * never recover.)
 *
 * Channels reconnect with a short back-off (at most 1 s) so that calls work
 * again soon after a member comes back, and ping every 10 s once a call is
 * open (etcd sends GOAWAY "too_many_pings" below 5 s).
 */
#include "apiserver/storage/etcd/etcd_conn.h"

#include <pthread.h>
#include <stdatomic.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>

#include "apiserver/storage/etcd/etcd_wire.h"
#include "apiserver/storage/storage.h"

struct etcd_conn {
	char **targets; /* "host:port" */
	grpc_channel **channels;
	size_t n;
	atomic_size_t preferred;
	_Atomic int64_t timeout_ms;

	grpc_completion_queue *cq; /* every unary call's; next-type */
	pthread_t dispatcher;
	atomic_bool stop;
};

/* A call's completion, handed from the dispatcher to the thread that waits for it. */
struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
};

static const char *const method_paths[] = {
	[ETCD_RANGE] = "/etcdserverpb.KV/Range",
	[ETCD_TXN] = "/etcdserverpb.KV/Txn",
	[ETCD_COMPACT] = "/etcdserverpb.KV/Compact",
	[ETCD_PUT] = "/etcdserverpb.KV/Put",
};

gpr_timespec etcd_conn_deadline(int64_t ms)
{
	if (ms < 0)
		return gpr_inf_future(GPR_CLOCK_MONOTONIC);
	return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(ms, GPR_TIMESPAN));
}

static grpc_channel *channel_new(const char *target)
{
	grpc_arg args[] = {
		{ GRPC_ARG_INTEGER, GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, { .integer = -1 } },
		{ GRPC_ARG_INTEGER, GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, { .integer = 100 } },
		{ GRPC_ARG_INTEGER, GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, { .integer = 1000 } },
		{ GRPC_ARG_INTEGER, GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, { .integer = 1000 } },
		{ GRPC_ARG_INTEGER, GRPC_ARG_KEEPALIVE_TIME_MS, { .integer = 10000 } },
		{ GRPC_ARG_INTEGER, GRPC_ARG_KEEPALIVE_TIMEOUT_MS, { .integer = 5000 } },
		{ GRPC_ARG_INTEGER, GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, { .integer = 0 } },
	};
	grpc_channel_args chargs = { ARRAY_SIZE(args), args };
	grpc_channel_credentials *creds = grpc_insecure_credentials_create();
	grpc_channel *ch = grpc_channel_create(target, creds, &chargs);

	grpc_channel_credentials_release(creds);
	return ch;
}

/* Appends the "host:port" of one endpoint (scheme stripped) to c. */
static int add_endpoint(struct etcd_conn *c, const char *ep, size_t len)
{
	const char *sep = memmem(ep, len, "://", 3);

	if (sep) {
		len -= (size_t)(sep + 3 - ep);
		ep = sep + 3;
	}
	while (len && ep[len - 1] == '/')
		len--;
	if (!len || !memchr(ep, ':', len))
		return STORAGE_EINVAL;
	c->targets = xrealloc(c->targets, (c->n + 1) * sizeof(*c->targets));
	c->targets[c->n++] = xstrndup(ep, len);
	return 0;
}

static int parse_endpoints(struct etcd_conn *c, const char *endpoints)
{
	const char *p = endpoints;

	while (*p) {
		size_t len = strcspn(p, ",");
		int r;

		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len && (r = add_endpoint(c, p, len)) < 0)
			return r;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return c->n ? 0 : STORAGE_EINVAL;
}

#define DISPATCHER_WAKE_MS 200

/* Wakes the thread of each completed call; returns at close. */
static void *dispatcher_main(void *arg)
{
	struct etcd_conn *c = arg;

	while (!atomic_load(&c->stop)) {
		grpc_event ev = grpc_completion_queue_next(
			c->cq, etcd_conn_deadline(DISPATCHER_WAKE_MS), NULL);
		struct waiter *w = ev.tag;

		if (ev.type != GRPC_OP_COMPLETE)
			continue;
		pthread_mutex_lock(&w->lock);
		w->done = true;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

static void dispatcher_stop(struct etcd_conn *c)
{
	atomic_store(&c->stop, true);
	pthread_join(c->dispatcher, NULL);
	grpc_completion_queue_shutdown(c->cq);
	while (grpc_completion_queue_next(c->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
	       GRPC_QUEUE_SHUTDOWN)
		;
	grpc_completion_queue_destroy(c->cq);
}

static void free_targets(struct etcd_conn *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->targets[i]);
	free(c->targets);
	free(c);
}

int etcd_conn_open(const char *endpoints, int64_t timeout_ms, struct etcd_conn **ret_conn)
{
	struct etcd_conn *c = xcalloc(1, sizeof(*c));
	int r;

	if (!endpoints || (r = parse_endpoints(c, endpoints)) < 0) {
		free_targets(c);
		return STORAGE_EINVAL;
	}
	grpc_init();
	c->channels = xcalloc(c->n, sizeof(*c->channels));
	for (size_t i = 0; i < c->n; i++)
		c->channels[i] = channel_new(c->targets[i]);
	atomic_init(&c->preferred, 0);
	atomic_init(&c->timeout_ms, timeout_ms);
	atomic_init(&c->stop, false);
	c->cq = grpc_completion_queue_create_for_next(NULL);
	if (pthread_create(&c->dispatcher, NULL, dispatcher_main, c) != 0)
		abort();
	*ret_conn = c;
	return 0;
}

void etcd_conn_close(struct etcd_conn *c)
{
	if (!c)
		return;
	dispatcher_stop(c);
	for (size_t i = 0; i < c->n; i++)
		grpc_channel_destroy(c->channels[i]);
	free(c->channels);
	free_targets(c);
	grpc_shutdown();
}

void etcd_conn_set_timeout(struct etcd_conn *c, int64_t timeout_ms)
{
	atomic_store(&c->timeout_ms, timeout_ms);
}

size_t etcd_conn_endpoints(const struct etcd_conn *c)
{
	return c->n;
}

size_t etcd_conn_preferred(const struct etcd_conn *c)
{
	return atomic_load(&c->preferred);
}

void etcd_conn_set_preferred(struct etcd_conn *c, size_t i)
{
	atomic_store(&c->preferred, i);
}

grpc_channel *etcd_conn_channel(struct etcd_conn *c, size_t i)
{
	return c->channels[i];
}

/* Starts ops on call and waits until the dispatcher reports them complete. */
static void run_batch(grpc_call *call, const grpc_op *ops, size_t n)
{
	struct waiter w = { .done = false };

	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	if (grpc_call_start_batch(call, ops, n, &w, NULL) == GRPC_CALL_OK) {
		pthread_mutex_lock(&w.lock);
		while (!w.done)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
	}
	pthread_cond_destroy(&w.cond);
	pthread_mutex_destroy(&w.lock);
}

/* What one attempt on one endpoint brought back. */
struct attempt {
	grpc_byte_buffer *resp;
	grpc_status_code status;
	char *details; /* gpr_malloc'ed, or NULL */
};

/* Runs the six-op unary batch on channel ch; fills *a. */
static void attempt_run(struct etcd_conn *c, grpc_channel *ch, enum etcd_method method,
			grpc_slice payload, gpr_timespec deadline, struct attempt *a)
{
	grpc_slice path = grpc_slice_from_static_string(method_paths[method]);
	grpc_call *call = grpc_channel_create_call(ch, NULL, GRPC_PROPAGATE_DEFAULTS, c->cq, path,
						   NULL, deadline, NULL);
	grpc_byte_buffer *req = grpc_raw_byte_buffer_create(&payload, 1);
	grpc_metadata_array initial_md, trailing_md;
	grpc_slice details = grpc_empty_slice();
	const char *error_string = NULL;
	grpc_op ops[6];

	grpc_metadata_array_init(&initial_md);
	grpc_metadata_array_init(&trailing_md);
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = req;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &initial_md;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &a->resp;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &trailing_md;
	ops[5].data.recv_status_on_client.status = &a->status;
	ops[5].data.recv_status_on_client.status_details = &details;
	ops[5].data.recv_status_on_client.error_string = &error_string;

	a->resp = NULL;
	a->status = GRPC_STATUS_INTERNAL;
	run_batch(call, ops, ARRAY_SIZE(ops));
	a->details = GRPC_SLICE_LENGTH(details) ? grpc_slice_to_c_string(details) : NULL;
	grpc_slice_unref(details);
	gpr_free((void *)error_string);
	grpc_metadata_array_destroy(&initial_md);
	grpc_metadata_array_destroy(&trailing_md);
	grpc_byte_buffer_destroy(req);
	grpc_call_unref(call);
}

/*
 * One attempt on endpoint i. Returns 0 with *ret_resp, or a STORAGE_E* code;
 * STORAGE_EUNAVAILABLE means "try another endpoint". Sets *maybe_sent when the
 * request may have reached etcd before failing.
 */
static int attempt_one(struct etcd_conn *c, size_t i, enum etcd_method method, grpc_slice payload,
		       gpr_timespec deadline, const ProtobufCMessageDescriptor *desc,
		       ProtobufCMessage **ret_resp, bool *maybe_sent)
{
	struct attempt a;
	int r;

	attempt_run(c, c->channels[i], method, payload, deadline, &a);
	r = etcd_wire_error(a.status, a.details);
	if (r == STORAGE_EUNAVAILABLE && !etcd_wire_not_sent(a.status, a.details))
		*maybe_sent = true;
	if (r == 0) {
		*ret_resp = etcd_wire_unpack(a.resp, desc);
		if (!*ret_resp)
			r = STORAGE_EINTERNAL;
	}
	gpr_free(a.details);
	grpc_byte_buffer_destroy(a.resp);
	return r;
}

/*
 * The deadline of an attempt that another endpoint could follow: a share of
 * the call's time, so that a member stuck on a request (a follower whose
 * proposal went to a leader that just died holds it for etcd's 5 s request
 * timeout) leaves time to try the others. The last attempt gets what is left.
 */
static gpr_timespec attempt_deadline(int64_t timeout_ms, gpr_timespec call_deadline, bool last)
{
	int64_t share = timeout_ms * 2 / 5;
	gpr_timespec d;

	if (last)
		return call_deadline;
	d = etcd_conn_deadline(share > 500 ? share : 500);
	return gpr_time_cmp(d, call_deadline) < 0 ? d : call_deadline;
}

int etcd_conn_call(struct etcd_conn *c, enum etcd_method method, const ProtobufCMessage *req,
		   const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **ret_resp,
		   bool *ret_maybe_done)
{
	grpc_slice payload = etcd_wire_pack(req);
	int64_t timeout_ms = atomic_load(&c->timeout_ms);
	gpr_timespec deadline = etcd_conn_deadline(timeout_ms);
	size_t first = atomic_load(&c->preferred);
	bool maybe_sent = false;
	ProtobufCMessage *resp = NULL;
	int r = STORAGE_EUNAVAILABLE;

	for (size_t k = 0; k < c->n && r == STORAGE_EUNAVAILABLE; k++) {
		size_t i = (first + k) % c->n;
		bool last = k + 1 == c->n;

		r = attempt_one(c, i, method, payload, attempt_deadline(timeout_ms, deadline, last),
				resp_desc, &resp, &maybe_sent);
		if (r == STORAGE_ETIMEOUT && !last &&
		    gpr_time_cmp(gpr_now(GPR_CLOCK_MONOTONIC), deadline) < 0) {
			maybe_sent = true; /* this member is stuck: the next may answer in time */
			r = STORAGE_EUNAVAILABLE;
		}
		if (r == 0 && i != first)
			atomic_store(&c->preferred, i);
	}
	grpc_slice_unref(payload);
	if (ret_maybe_done && maybe_sent)
		*ret_maybe_done = true;
	if (r == 0)
		*ret_resp = resp;
	return r;
}
