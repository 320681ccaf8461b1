/*
 * etcd_wire.h - the bytes and statuses that cross the gRPC boundary: packing
 * protobuf-c messages into gRPC byte buffers, unpacking replies, and turning
 * a gRPC status (code + etcd's error text) into a STORAGE_E* code.
 * Internal to the etcd backend. Thread-safe (no shared state).
 */
#ifndef K8C_STORAGE_ETCD_WIRE_H
#define K8C_STORAGE_ETCD_WIRE_H

#include "base/base.h"

#include <grpc/grpc.h>
#include <protobuf-c/protobuf-c.h>

#include "apiserver/storage/storage.h"
#include "apiserver/storage/etcd/kv.pb-c.h"

/* Packs msg into a new slice (refcount 1; the caller grpc_slice_unref()s it). Never fails. */
grpc_slice etcd_wire_pack(const ProtobufCMessage *msg);

/*
 * Unpacks a reply of type desc from bb (which stays owned by the caller).
 * Returns the message (free with protobuf_c_message_free_unpacked) or NULL
 * when bb is NULL or not a valid desc message.
 */
ProtobufCMessage *etcd_wire_unpack(grpc_byte_buffer *bb, const ProtobufCMessageDescriptor *desc);

/*
 * Maps a gRPC status and its details (etcd's error text, may be NULL) to 0 or
 * a STORAGE_E* code: UNAVAILABLE -> EUNAVAILABLE, DEADLINE_EXCEEDED ->
 * ETIMEOUT, "request is too large" / message size limits -> ETOOLARGE,
 * "required revision has been compacted" -> ECOMPACTED, "future revision" and
 * other bad arguments -> EINVAL, anything else -> EINTERNAL.
 */
int etcd_wire_error(grpc_status_code code, const char *details);

/*
 * True when a failed call surely never reached etcd (the connection could not
 * be made), so even a write can be retried elsewhere without doubt.
 */
bool etcd_wire_not_sent(grpc_status_code code, const char *details);

/* A protobuf bytes field borrowing len bytes at data (or the bytes of string s). */
static inline ProtobufCBinaryData etcd_wire_bin(const void *data, size_t len)
{
	return (ProtobufCBinaryData){ .len = len, .data = (uint8_t *)data };
}
static inline ProtobufCBinaryData etcd_wire_str(const char *s)
{
	return etcd_wire_bin(s, strlen(s));
}

/* Copies an etcd KeyValue into out (key and value NUL-terminated, caller owns). Never fails. */
void etcd_wire_kv(const Mvccpb__KeyValue *pb, struct storage_kv *out);

/* protobuf_c_message_free_unpacked for a reply; NULL-safe. */
void etcd_wire_free(void *msg);

#endif
