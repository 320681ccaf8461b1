/*
 * etcd_conn.h - the connection to an etcd cluster: one gRPC channel per
 * endpoint, and unary calls with a deadline and fail-over.
 *
 * A call goes to the endpoint that answered last; when that one is
 * unreachable (UNAVAILABLE, "no leader"...) the next endpoint is tried, all
 * within one deadline, and the endpoint that answers becomes the preferred
 * one. Internal to the etcd backend. Every function is thread-safe except
 * etcd_conn_open/close.
 */
#ifndef K8C_STORAGE_ETCD_CONN_H
#define K8C_STORAGE_ETCD_CONN_H

#include "base/base.h"

#include <grpc/grpc.h>
#include <protobuf-c/protobuf-c.h>

enum etcd_method {
	ETCD_RANGE,
	ETCD_TXN,
	ETCD_COMPACT,
	ETCD_PUT,
};

struct etcd_conn;

/*
 * Parses endpoints ("http://h:p,h:p", schemes stripped) and creates one
 * channel per endpoint (no connection is made yet). timeout_ms bounds each
 * call, fail-over included. Calls grpc_init(). Returns 0 and *ret_conn, or
 * STORAGE_EINVAL for an empty or malformed list.
 */
int etcd_conn_open(const char *endpoints, int64_t timeout_ms, struct etcd_conn **ret_conn);

/* Destroys the channels and calls grpc_shutdown(). No call may be in flight. NULL-safe. */
void etcd_conn_close(struct etcd_conn *c);

/* Sets the deadline of later calls (milliseconds, > 0). */
void etcd_conn_set_timeout(struct etcd_conn *c, int64_t timeout_ms);

/* Number of endpoints, and the index of the preferred (last good) one. */
size_t etcd_conn_endpoints(const struct etcd_conn *c);
size_t etcd_conn_preferred(const struct etcd_conn *c);

/* The channel of endpoint i (< etcd_conn_endpoints), owned by c. */
grpc_channel *etcd_conn_channel(struct etcd_conn *c, size_t i);

/* Makes endpoint i the preferred one (it just answered). */
void etcd_conn_set_preferred(struct etcd_conn *c, size_t i);

/*
 * Calls method with req and unpacks the reply as resp_desc into *ret_resp
 * (free with protobuf_c_message_free_unpacked). Returns 0 or a STORAGE_E*
 * code (see etcd_wire_error); STORAGE_EUNAVAILABLE when no endpoint could
 * serve it. *ret_maybe_done (if non-NULL) is set to true when an earlier
 * attempt failed after the request may have reached etcd: a write's answer
 * then does not tell whether that earlier attempt was applied. Thread-safe.
 */
int etcd_conn_call(struct etcd_conn *c, enum etcd_method method, const ProtobufCMessage *req,
		   const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **ret_resp,
		   bool *ret_maybe_done);

/* A monotonic deadline ms milliseconds from now (gpr_inf_future for ms < 0). */
gpr_timespec etcd_conn_deadline(int64_t ms);

#endif
