/*
 * etcd.c - the etcd storage backend's handle: open (connect, check that etcd
 * answers, learn the compacted revision), close in gRPC's shutdown order
 * (watch stream first, then queues and channels, then grpc_shutdown), the
 * storage_ops table, the helpers of etcd.h, and the module's entry table
 * (etcd_backend.h) through which storage_etcd_open() and etcd.h reach them.
 */
#include "apiserver/storage/etcd/etcd.h"

#include "apiserver/storage/etcd/etcd_backend.h"
#include "apiserver/storage/etcd/etcd_private.h"

static void etcd_close(struct storage *s)
{
	struct etcd_storage *es = etcd_storage_of(s);

	if (!s)
		return;
	etcd_stream_free(es->stream);
	etcd_conn_close(es->conn);
	pthread_mutex_destroy(&es->stream_lock);
	free(es);
}

static const struct storage_ops etcd_ops = {
	.name = "etcd",
	.get = etcd_get,
	.list = etcd_list,
	.count = etcd_count,
	.create = etcd_create,
	.update = etcd_update,
	.delete = etcd_delete,
	.watch = etcd_watch,
	.watch_stop = etcd_watch_stop,
	.compact = etcd_compact,
	.current_rev = etcd_current_rev,
	.compacted_rev = etcd_compacted_rev,
	.close = etcd_close,
};

static int etcd_open(const char *endpoints, struct storage **ret_storage)
{
	struct etcd_storage *es = xcalloc(1, sizeof(*es));
	int64_t rev;
	int r;

	r = etcd_conn_open(endpoints, STORAGE_ETCD_DEFAULT_TIMEOUT_MS, &es->conn);
	if (r < 0) {
		free(es);
		return r;
	}
	es->base.ops = &etcd_ops;
	atomic_init(&es->compacted, 0);
	pthread_mutex_init(&es->stream_lock, NULL);
	r = etcd_current_rev(&es->base, &rev);
	if (r == 0)
		r = etcd_discover_compacted(es, 1, rev);
	if (r < 0) {
		etcd_close(&es->base);
		return r == STORAGE_ETIMEOUT ? STORAGE_EUNAVAILABLE : r;
	}
	*ret_storage = &es->base;
	return 0;
}

static int etcd_compact_window(struct storage *s, int64_t keep)
{
	int64_t cur, compacted, target;
	int r;

	if (keep < 1)
		return STORAGE_EINVAL;
	r = etcd_current_rev(s, &cur);
	if (r < 0)
		return r;
	etcd_compacted_rev(s, &compacted);
	target = cur - keep + 1; /* revisions target..cur stay */
	if (target <= compacted || target < 2)
		return 0;
	r = etcd_compact(s, target);
	return r == STORAGE_ECOMPACTED ? 0 : r; /* another API server got there first */
}

static void etcd_set_timeout(struct storage *s, int64_t timeout_ms)
{
	etcd_conn_set_timeout(etcd_storage_of(s)->conn, timeout_ms);
}

/* What etcd_loader.c looks up in this module (the module's only export it uses). */
extern const struct etcd_backend k8c_etcd_backend;
const struct etcd_backend k8c_etcd_backend = {
	.abi = ETCD_BACKEND_ABI,
	.open = etcd_open,
	.compact_window = etcd_compact_window,
	.set_timeout = etcd_set_timeout,
};
