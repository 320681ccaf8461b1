/*
 * etcd_wire.c - protobuf-c <-> gRPC byte buffers, and gRPC/etcd status -> STORAGE_E*.
 *
 * etcd reports its errors as gRPC statuses whose details carry fixed strings
 * (etcd's api/v3rpc/rpctypes): the code alone is not enough to tell "the
 * revision was compacted" from "the revision is in the future", so the
 * mapping looks at both.
 */
#include "apiserver/storage/etcd/etcd_wire.h"

#include <grpc/byte_buffer_reader.h>

grpc_slice etcd_wire_pack(const ProtobufCMessage *msg)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	grpc_slice s = grpc_slice_malloc(len);

	protobuf_c_message_pack(msg, GRPC_SLICE_START_PTR(s));
	return s;
}

ProtobufCMessage *etcd_wire_unpack(grpc_byte_buffer *bb, const ProtobufCMessageDescriptor *desc)
{
	grpc_byte_buffer_reader reader;
	ProtobufCMessage *msg;
	grpc_slice all;

	if (!bb || !grpc_byte_buffer_reader_init(&reader, bb))
		return NULL;
	all = grpc_byte_buffer_reader_readall(&reader);
	grpc_byte_buffer_reader_destroy(&reader);
	msg = protobuf_c_message_unpack(desc, NULL, GRPC_SLICE_LENGTH(all),
					GRPC_SLICE_START_PTR(all));
	grpc_slice_unref(all);
	return msg;
}

void etcd_wire_kv(const Mvccpb__KeyValue *pb, struct storage_kv *out)
{
	out->key = xstrndup((const char *)pb->key.data, pb->key.len);
	out->value = xmalloc(pb->value.len + 1);
	if (pb->value.len)
		memcpy(out->value, pb->value.data, pb->value.len);
	out->value[pb->value.len] = '\0';
	out->value_len = pb->value.len;
	out->create_rev = pb->create_revision;
	out->mod_rev = pb->mod_revision;
}

void etcd_wire_free(void *msg)
{
	if (msg)
		protobuf_c_message_free_unpacked(msg, NULL);
}

static bool has(const char *details, const char *needle)
{
	return details && strstr(details, needle);
}

int etcd_wire_error(grpc_status_code code, const char *details)
{
	if (code == GRPC_STATUS_OK)
		return 0;
	if (has(details, "request is too large") || has(details, "message larger than max"))
		return STORAGE_ETOOLARGE;
	if (has(details, "required revision has been compacted"))
		return STORAGE_ECOMPACTED;
	if (has(details, "database space exceeded"))
		return STORAGE_EINTERNAL;
	/* overloaded or between leaders: nothing was applied, another try may work */
	if (has(details, "too many requests") || has(details, "proposal dropped"))
		return STORAGE_EUNAVAILABLE;
	switch (code) {
	case GRPC_STATUS_UNAVAILABLE:
	case GRPC_STATUS_CANCELLED:
		return STORAGE_EUNAVAILABLE;
	case GRPC_STATUS_DEADLINE_EXCEEDED:
		return STORAGE_ETIMEOUT;
	case GRPC_STATUS_RESOURCE_EXHAUSTED:
		return STORAGE_ETOOLARGE;
	case GRPC_STATUS_INVALID_ARGUMENT:
	case GRPC_STATUS_OUT_OF_RANGE:
		return STORAGE_EINVAL;
	default:
		return STORAGE_EINTERNAL;
	}
}

bool etcd_wire_not_sent(grpc_status_code code, const char *details)
{
	if (code != GRPC_STATUS_UNAVAILABLE)
		return false;
	return has(details, "failed to connect") || has(details, "Connection refused") ||
	       has(details, "connections to all backends failing");
}
