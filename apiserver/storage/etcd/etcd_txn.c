/*
 * etcd_txn.c - the write half of the etcd backend: create, update and delete,
 * each one etcd transaction guarded by a compare.
 *
 * The compare makes a write safe to retry on another endpoint: a create
 * compares create_revision == 0; an update or a conditional delete compares
 * mod_revision == expected and create_revision > 0 (so that an absent key
 * never matches, not even expected == 0); the failure branch reads the key,
 * so one round trip tells "absent" from "conflict" and fills ret_current.
 * When an earlier attempt of the same write failed after it may have reached
 * etcd, a failed compare could be that attempt's own doing: the write then
 * reports STORAGE_ETIMEOUT ("may or may not have happened") rather than a
 * misleading EEXISTS, ECONFLICT or ENOTFOUND.
 */
#include "apiserver/storage/etcd/etcd_private.h"

#include "apiserver/storage/etcd/etcd_wire.h"
#include "apiserver/storage/etcd/rpc.pb-c.h"

/* One transaction: up to two compares, one success op, an optional failure op. */
struct txn {
	Etcdserverpb__TxnRequest req;
	Etcdserverpb__Compare cmp[2];
	Etcdserverpb__Compare *cmp_ptrs[2];
	Etcdserverpb__RequestOp success, failure;
	Etcdserverpb__RequestOp *success_ptr, *failure_ptr;
	Etcdserverpb__PutRequest put;
	Etcdserverpb__DeleteRangeRequest del;
	Etcdserverpb__RangeRequest get;
};

static void txn_init(struct txn *t)
{
	memset(t, 0, sizeof(*t));
	etcdserverpb__txn_request__init(&t->req);
	etcdserverpb__request_op__init(&t->success);
	etcdserverpb__request_op__init(&t->failure);
	etcdserverpb__put_request__init(&t->put);
	etcdserverpb__delete_range_request__init(&t->del);
	etcdserverpb__range_request__init(&t->get);
	t->success_ptr = &t->success;
	t->failure_ptr = &t->failure;
	t->req.compare = t->cmp_ptrs;
	t->req.success = &t->success_ptr;
	t->req.n_success = 1;
}

/* Adds the compare "target(key) result value" (CREATE or MOD revision). */
static void txn_compare(struct txn *t, const char *key, Etcdserverpb__Compare__CompareTarget target,
			Etcdserverpb__Compare__CompareResult result, int64_t value)
{
	Etcdserverpb__Compare *c = &t->cmp[t->req.n_compare];

	etcdserverpb__compare__init(c);
	c->key = etcd_wire_str(key);
	c->target = target;
	c->result = result;
	if (target == ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE) {
		c->target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_CREATE_REVISION;
		c->create_revision = value;
	} else {
		c->target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_MOD_REVISION;
		c->mod_revision = value;
	}
	t->cmp_ptrs[t->req.n_compare++] = c;
}

static void txn_put(struct txn *t, const char *key, const void *value, size_t len)
{
	t->put.key = etcd_wire_str(key);
	t->put.value = etcd_wire_bin(len ? value : "", len);
	t->success.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
	t->success.request_put = &t->put;
}

static void txn_delete(struct txn *t, const char *key)
{
	t->del.key = etcd_wire_str(key);
	t->del.prev_kv = true;
	t->success.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_DELETE_RANGE;
	t->success.request_delete_range = &t->del;
}

/* On failure, read key: its current value tells "absent" from "conflict". */
static void txn_read_on_failure(struct txn *t, const char *key)
{
	t->get.key = etcd_wire_str(key);
	t->failure.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_RANGE;
	t->failure.request_range = &t->get;
	t->req.failure = &t->failure_ptr;
	t->req.n_failure = 1;
}

static int txn_run(struct etcd_storage *es, struct txn *t, Etcdserverpb__TxnResponse **ret_resp,
		   bool *ret_maybe_done)
{
	return etcd_conn_call(es->conn, ETCD_TXN, &t->req.base,
			      &etcdserverpb__txn_response__descriptor,
			      (ProtobufCMessage **)ret_resp, ret_maybe_done);
}

/* The response of the op at index 0 of a transaction reply, or NULL. */
static const Etcdserverpb__ResponseOp *first_op(const Etcdserverpb__TxnResponse *resp)
{
	return resp->n_responses ? resp->responses[0] : NULL;
}

int etcd_create(struct storage *s, const char *key, const void *value, size_t len, int64_t *ret_rev)
{
	struct txn t;
	Etcdserverpb__TxnResponse *resp = NULL;
	bool maybe_done = false;
	int r;

	if (!key || !*key || (len && !value))
		return STORAGE_EINVAL;
	txn_init(&t);
	txn_compare(&t, key, ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE,
		    ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL, 0);
	txn_put(&t, key, value, len);
	r = txn_run(etcd_storage_of(s), &t, &resp, &maybe_done);
	if (r < 0)
		return r;
	if (resp->succeeded && resp->header)
		*ret_rev = resp->header->revision;
	else
		r = maybe_done ? STORAGE_ETIMEOUT : STORAGE_EEXISTS;
	etcd_wire_free(resp);
	return r;
}

/* The compare failed: the key is absent (ENOTFOUND) or was changed (ECONFLICT, *ret_current). */
static int compare_failed(const Etcdserverpb__TxnResponse *resp, bool maybe_done,
			  struct storage_kv *ret_current)
{
	const Etcdserverpb__ResponseOp *op = first_op(resp);
	const Etcdserverpb__RangeResponse *rr = NULL;

	if (op && op->response_case == ETCDSERVERPB__RESPONSE_OP__RESPONSE_RESPONSE_RANGE)
		rr = op->response_range;
	if (!rr)
		return STORAGE_EINTERNAL;
	if (maybe_done)
		return STORAGE_ETIMEOUT;
	if (rr->n_kvs == 0)
		return STORAGE_ENOTFOUND;
	if (ret_current)
		etcd_wire_kv(rr->kvs[0], ret_current);
	return STORAGE_ECONFLICT;
}

/* Runs a guarded write (t's success op set) and interprets the reply; see the file comment. */
static int guarded_write(struct etcd_storage *es, struct txn *t, const char *key,
			 int64_t expected_mod_rev, bool always_compare_mod,
			 Etcdserverpb__TxnResponse **ret_resp, struct storage_kv *ret_current)
{
	Etcdserverpb__TxnResponse *resp = NULL;
	bool maybe_done = false;
	int r;

	txn_compare(t, key, ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE,
		    ETCDSERVERPB__COMPARE__COMPARE_RESULT__GREATER, 0);
	if (always_compare_mod || expected_mod_rev)
		txn_compare(t, key, ETCDSERVERPB__COMPARE__COMPARE_TARGET__MOD,
			    ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL, expected_mod_rev);
	txn_read_on_failure(t, key);
	r = txn_run(es, t, &resp, &maybe_done);
	if (r < 0)
		return r;
	if (!resp->header)
		r = STORAGE_EINTERNAL;
	else if (!resp->succeeded)
		r = compare_failed(resp, maybe_done, ret_current);
	if (r < 0) {
		etcd_wire_free(resp);
		return r;
	}
	*ret_resp = resp;
	return 0;
}

int etcd_update(struct storage *s, const char *key, const void *value, size_t len,
		int64_t expected_mod_rev, int64_t *ret_rev, struct storage_kv *ret_current)
{
	Etcdserverpb__TxnResponse *resp = NULL;
	struct txn t;
	int r;

	if (!key || !*key || (len && !value) || expected_mod_rev < 0)
		return STORAGE_EINVAL;
	txn_init(&t);
	txn_put(&t, key, value, len);
	r = guarded_write(etcd_storage_of(s), &t, key, expected_mod_rev, true, &resp, ret_current);
	if (r < 0)
		return r;
	*ret_rev = resp->header->revision;
	etcd_wire_free(resp);
	return 0;
}

int etcd_delete(struct storage *s, const char *key, int64_t expected_mod_rev, int64_t *ret_rev,
		struct storage_kv *ret_prev)
{
	Etcdserverpb__TxnResponse *resp = NULL;
	const Etcdserverpb__ResponseOp *op;
	const Etcdserverpb__DeleteRangeResponse *dr = NULL;
	struct txn t;
	int r;

	if (!key || !*key || expected_mod_rev < 0)
		return STORAGE_EINVAL;
	txn_init(&t);
	txn_delete(&t, key);
	r = guarded_write(etcd_storage_of(s), &t, key, expected_mod_rev, false, &resp, ret_prev);
	if (r < 0)
		return r;
	op = first_op(resp);
	if (op && op->response_case == ETCDSERVERPB__RESPONSE_OP__RESPONSE_RESPONSE_DELETE_RANGE)
		dr = op->response_delete_range;
	if (!dr || dr->deleted != 1 || dr->n_prev_kvs != 1) {
		etcd_wire_free(resp);
		return STORAGE_EINTERNAL;
	}
	*ret_rev = resp->header->revision;
	if (ret_prev)
		etcd_wire_kv(dr->prev_kvs[0], ret_prev);
	etcd_wire_free(resp);
	return 0;
}
