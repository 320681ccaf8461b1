/*
 * etcd_kv.c - the read half of the etcd backend: get, list, count, the
 * revision queries and compaction, each one Range or Compact RPC. Writes are
 * in etcd_txn.c.
 *
 * etcd does not say which revision was compacted, only that a read asked
 * for one older than it; the backend keeps the highest compacted revision it
 * knows (its own compactions, watch replies, and a bisection over
 * revision-pinned reads when a read finds the history gone).
 */
#include "apiserver/storage/etcd/etcd_private.h"

#include "apiserver/storage/etcd/etcd_wire.h"
#include "apiserver/storage/etcd/rpc.pb-c.h"

#define RANGE_RESP_DESC (&etcdserverpb__range_response__descriptor)
#define TXN_RESP_DESC (&etcdserverpb__txn_response__descriptor)

/* The single-byte key "\0": sorts before every real key; never holds a value. */
static const char zero_key[1] = { 0 };

static int64_t header_rev(const Etcdserverpb__ResponseHeader *h)
{
	return h ? h->revision : 0;
}

static int range(struct etcd_storage *es, const Etcdserverpb__RangeRequest *req,
		 Etcdserverpb__RangeResponse **ret_resp)
{
	return etcd_conn_call(es->conn, ETCD_RANGE, &req->base, RANGE_RESP_DESC,
			      (ProtobufCMessage **)ret_resp, NULL);
}

void etcd_note_compacted(struct etcd_storage *es, int64_t rev)
{
	int64_t cur = atomic_load(&es->compacted);

	while (rev > cur && !atomic_compare_exchange_weak(&es->compacted, &cur, rev))
		;
}

/*
 * A count_only Range over [key, end) (end.len == 0: key alone) at rev (0 =
 * now): the number of keys in *ret_count, the store's revision in *ret_rev.
 */
static int count_range(struct etcd_storage *es, ProtobufCBinaryData key, ProtobufCBinaryData end,
		       int64_t rev, int64_t *ret_count, int64_t *ret_rev)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	int r;

	req.key = key;
	req.range_end = end;
	req.revision = rev;
	req.count_only = true;
	r = range(es, &req, &resp);
	if (r < 0)
		return r;
	*ret_count = resp->count;
	*ret_rev = header_rev(resp->header);
	etcd_wire_free(resp);
	return 0;
}

/* 0 when etcd still has revision rev, else a STORAGE_E* code (ECOMPACTED below it). */
static int probe_rev(struct etcd_storage *es, int64_t rev)
{
	int64_t count, cur;

	return count_range(es, etcd_wire_bin(zero_key, 1), etcd_wire_bin(NULL, 0), rev, &count,
			   &cur);
}

/* The key range of every key under prefix; end_buf holds strlen(prefix) + 1 bytes. */
static void prefix_range(const char *prefix, char *end_buf, ProtobufCBinaryData *key,
			 ProtobufCBinaryData *end)
{
	size_t plen = strlen(prefix);

	*key = plen ? etcd_wire_bin(prefix, plen) : etcd_wire_bin(zero_key, 1);
	*end = etcd_wire_bin(end_buf, etcd_prefix_end(prefix, plen, end_buf));
}

int etcd_discover_compacted(struct etcd_storage *es, int64_t lo, int64_t hi)
{
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		int r = probe_rev(es, mid);

		if (r == STORAGE_ECOMPACTED)
			lo = mid + 1;
		else if (r == 0)
			hi = mid;
		else
			return r;
	}
	if (lo > 1)
		etcd_note_compacted(es, lo);
	return 0;
}

/* A read at rev failed with ECOMPACTED: learn the new compacted revision. */
static int read_compacted(struct etcd_storage *es, int64_t rev)
{
	int64_t cur;

	if (atomic_load(&es->compacted) <= rev && etcd_current_rev(&es->base, &cur) == 0)
		etcd_discover_compacted(es, rev + 1, cur);
	return STORAGE_ECOMPACTED;
}

int etcd_check_rev(struct etcd_storage *es, int64_t rev)
{
	int r = probe_rev(es, rev);

	return r == STORAGE_ECOMPACTED ? read_compacted(es, rev) : r;
}

int etcd_get(struct storage *s, const char *key, int64_t rev, struct storage_kv *ret_kv)
{
	struct etcd_storage *es = etcd_storage_of(s);
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	int r;

	if (!key || !*key || rev < 0)
		return STORAGE_EINVAL;
	req.key = etcd_wire_str(key);
	req.revision = rev;
	r = range(es, &req, &resp);
	if (r == STORAGE_ECOMPACTED)
		return read_compacted(es, rev);
	if (r < 0)
		return r;
	if (resp->n_kvs == 0)
		r = STORAGE_ENOTFOUND;
	else
		etcd_wire_kv(resp->kvs[0], ret_kv);
	etcd_wire_free(resp);
	return r;
}

size_t etcd_prefix_end(const char *prefix, size_t prefix_len, char *out)
{
	for (size_t i = prefix_len; i > 0; i--) {
		if ((unsigned char)prefix[i - 1] != 0xff) {
			memcpy(out, prefix, i);
			out[i - 1] = (char)((unsigned char)prefix[i - 1] + 1);
			return i;
		}
	}
	out[0] = '\0';
	return 1;
}

static void list_fill(const Etcdserverpb__RangeResponse *resp, int64_t rev,
		      struct storage_list *out)
{
	memset(out, 0, sizeof(*out));
	out->items = resp->n_kvs ? xcalloc(resp->n_kvs, sizeof(*out->items)) : NULL;
	for (size_t i = 0; i < resp->n_kvs; i++)
		etcd_wire_kv(resp->kvs[i], &out->items[i]);
	out->n = resp->n_kvs;
	out->rev = rev ? rev : header_rev(resp->header);
	out->more = resp->more;
	out->remaining = resp->more ? resp->count - (int64_t)resp->n_kvs : 0;
}

int etcd_list(struct storage *s, const struct storage_list_opts *opts,
	      struct storage_list *ret_list)
{
	struct etcd_storage *es = etcd_storage_of(s);
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp = NULL;
	const char *prefix = opts->prefix ? opts->prefix : "";
	_cleanup_free_ char *end_buf = xmalloc(strlen(prefix) + 1);
	int r;

	if (opts->rev < 0 || (opts->start_key && !str_has_prefix(opts->start_key, prefix)))
		return STORAGE_EINVAL;
	prefix_range(prefix, end_buf, &req.key, &req.range_end);
	if (opts->start_key && *opts->start_key)
		req.key = etcd_wire_str(opts->start_key);
	req.limit = (int64_t)opts->limit;
	req.revision = opts->rev;
	req.keys_only = opts->keys_only;
	r = range(es, &req, &resp);
	if (r == STORAGE_ECOMPACTED)
		return read_compacted(es, opts->rev);
	if (r < 0)
		return r;
	list_fill(resp, opts->rev, ret_list);
	etcd_wire_free(resp);
	return 0;
}

int etcd_count(struct storage *s, const char *prefix, int64_t *ret_count)
{
	_cleanup_free_ char *end_buf = xmalloc((prefix ? strlen(prefix) : 0) + 1);
	ProtobufCBinaryData key, end;
	int64_t cur;

	prefix_range(prefix ? prefix : "", end_buf, &key, &end);
	return count_range(etcd_storage_of(s), key, end, 0, ret_count, &cur);
}

int etcd_current_rev(struct storage *s, int64_t *ret_rev)
{
	int64_t count;

	return count_range(etcd_storage_of(s), etcd_wire_bin(zero_key, 1), etcd_wire_bin(NULL, 0),
			   0, &count, ret_rev);
}

int etcd_compacted_rev(struct storage *s, int64_t *ret_rev)
{
	*ret_rev = atomic_load(&etcd_storage_of(s)->compacted);
	return 0;
}

int etcd_compact(struct storage *s, int64_t rev)
{
	struct etcd_storage *es = etcd_storage_of(s);
	Etcdserverpb__CompactionRequest req = ETCDSERVERPB__COMPACTION_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;
	int r;

	if (rev <= 0)
		return STORAGE_EINVAL;
	req.revision = rev;
	r = etcd_conn_call(es->conn, ETCD_COMPACT, &req.base,
			   &etcdserverpb__compaction_response__descriptor, &resp, NULL);
	etcd_wire_free(resp);
	/* ECOMPACTED: etcd was compacted at rev or later already (by us or another client). */
	if (r == 0 || r == STORAGE_ECOMPACTED)
		etcd_note_compacted(es, rev);
	return r;
}
