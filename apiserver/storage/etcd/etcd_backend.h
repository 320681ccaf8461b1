/*
 * etcd_backend.h - the seam between the storage library and the etcd
 * backend module. The backend (gRPC core, protobuf-c and the 50-odd shared
 * libraries gRPC pulls in) is built as a shared module and loaded by
 * etcd_loader.c on the first storage_etcd_open(): an API server on SQLite
 * never maps those libraries, which cost it tens of milliseconds of start
 * (dynamic loading and relocation) and megabytes of RSS.
 */
#ifndef K8C_STORAGE_ETCD_BACKEND_H
#define K8C_STORAGE_ETCD_BACKEND_H

#include "apiserver/storage/storage.h"

/* Bumped whenever struct etcd_backend changes. */
#define ETCD_BACKEND_ABI 1
/* The name of the struct etcd_backend the module exports. */
#define ETCD_BACKEND_SYMBOL "k8c_etcd_backend"

/* What the module offers; see storage.h and etcd.h for each function's contract. */
struct etcd_backend {
	int abi; /* ETCD_BACKEND_ABI */
	int (*open)(const char *endpoints, struct storage **ret_storage);
	int (*compact_window)(struct storage *s, int64_t keep);
	void (*set_timeout)(struct storage *s, int64_t timeout_ms);
};

#endif
