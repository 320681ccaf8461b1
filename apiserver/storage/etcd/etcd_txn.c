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
 * etcd, a failed compare could be that attempt's own doing. If the key now
 * holds exactly the bytes this write put (for a create: unchanged since its
 * creation), the earlier attempt was applied and the write succeeds at that
 * revision: the API server's values carry a fresh uid or come from a read of
 * the key, so equal bytes mean this write (or one that left the same state).
 * Otherwise the write reports STORAGE_ETIMEOUT ("may or may not have
 * happened") rather than a misleading EEXISTS, ECONFLICT or ENOTFOUND.
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

/* The key as the failure branch read it (NULL: absent); false when the reply lacks the read. */
static bool failure_kv(const Etcdserverpb__TxnResponse *resp, const Mvccpb__KeyValue **ret_kv)
{
	const Etcdserverpb__ResponseOp *op = first_op(resp);
	const Etcdserverpb__RangeResponse *rr = NULL;

	if (op && op->response_case == ETCDSERVERPB__RESPONSE_OP__RESPONSE_RESPONSE_RANGE)
		rr = op->response_range;
	if (!rr)
		return false;
	*ret_kv = rr->n_kvs ? rr->kvs[0] : NULL;
	return true;
}

/* True when kv holds the bytes t put (a create: unchanged since); see the file comment. */
static bool applied_before(const struct txn *t, const Mvccpb__KeyValue *kv, bool create)
{
	if (!kv || t->success.request_case != ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT)
		return false;
	if (create && kv->create_revision != kv->mod_revision)
		return false;
	return kv->value.len == t->put.value.len &&
	       (!kv->value.len || !memcmp(kv->value.data, t->put.value.data, kv->value.len));
}

/*
 * The compare failed: 0 with *ret_rev when an earlier attempt of this very
 * write was applied, else ETIMEOUT (maybe_done), EEXISTS (create), ENOTFOUND
 * or ECONFLICT (with *ret_current).
 */
static int compare_failed(const struct txn *t, const Etcdserverpb__TxnResponse *resp, bool create,
			  bool maybe_done, int64_t *ret_rev, struct storage_kv *ret_current)
{
	const Mvccpb__KeyValue *kv;

	if (!failure_kv(resp, &kv))
		return STORAGE_EINTERNAL;
	if (maybe_done && applied_before(t, kv, create)) {
		*ret_rev = kv->mod_revision;
		return 0;
	}
	if (maybe_done)
		return STORAGE_ETIMEOUT;
	if (create)
		return STORAGE_EEXISTS;
	if (!kv)
		return STORAGE_ENOTFOUND;
	if (ret_current)
		etcd_wire_kv(kv, ret_current);
	return STORAGE_ECONFLICT;
}

/*
 * Runs t (its compares and success op set; reads the key on failure) and
 * interprets the reply: 0 with *ret_rev (and *ret_resp when t's success op
 * ran in this attempt, else NULL), or a STORAGE_E* code.
 */
static int run_guarded(struct etcd_storage *es, struct txn *t, const char *key, bool create,
		       int64_t *ret_rev, Etcdserverpb__TxnResponse **ret_resp,
		       struct storage_kv *ret_current)
{
	Etcdserverpb__TxnResponse *resp = NULL;
	bool maybe_done = false;
	int r;

	txn_read_on_failure(t, key);
	r = txn_run(es, t, &resp, &maybe_done);
	if (r == STORAGE_EUNAVAILABLE && maybe_done)
		return STORAGE_ETIMEOUT; /* an attempt may have been applied: not "not done" */
	if (r < 0)
		return r;
	if (!resp->header)
		r = STORAGE_EINTERNAL;
	else if (!resp->succeeded)
		r = compare_failed(t, resp, create, maybe_done, ret_rev, ret_current);
	else
		*ret_rev = resp->header->revision;
	if (r < 0 || !resp->succeeded) {
		etcd_wire_free(resp);
		resp = NULL;
	}
	*ret_resp = resp;
	return r;
}

int etcd_create(struct storage *s, const char *key, const void *value, size_t len, int64_t *ret_rev)
{
	Etcdserverpb__TxnResponse *resp = NULL;
	struct txn t;
	int64_t rev;
	int r;

	if (!key || !*key || (len && !value))
		return STORAGE_EINVAL;
	txn_init(&t);
	txn_compare(&t, key, ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE,
		    ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL, 0);
	txn_put(&t, key, value, len);
	r = run_guarded(etcd_storage_of(s), &t, key, true, &rev, &resp, NULL);
	etcd_wire_free(resp);
	if (r == 0)
		*ret_rev = rev;
	return r;
}

/* A guarded update or delete (t's success op set); see the file comment. */
static int guarded_write(struct etcd_storage *es, struct txn *t, const char *key,
			 int64_t expected_mod_rev, bool always_compare_mod, int64_t *ret_rev,
			 Etcdserverpb__TxnResponse **ret_resp, struct storage_kv *ret_current)
{
	txn_compare(t, key, ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE,
		    ETCDSERVERPB__COMPARE__COMPARE_RESULT__GREATER, 0);
	if (always_compare_mod || expected_mod_rev)
		txn_compare(t, key, ETCDSERVERPB__COMPARE__COMPARE_TARGET__MOD,
			    ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL, expected_mod_rev);
	return run_guarded(es, t, key, false, ret_rev, ret_resp, ret_current);
}

int etcd_update(struct storage *s, const char *key, const void *value, size_t len,
		int64_t expected_mod_rev, int64_t *ret_rev, struct storage_kv *ret_current)
{
	Etcdserverpb__TxnResponse *resp = NULL;
	struct txn t;
	int64_t rev;
	int r;

	if (!key || !*key || (len && !value) || expected_mod_rev < 0)
		return STORAGE_EINVAL;
	txn_init(&t);
	txn_put(&t, key, value, len);
	r = guarded_write(etcd_storage_of(s), &t, key, expected_mod_rev, true, &rev, &resp,
			  ret_current);
	etcd_wire_free(resp);
	if (r == 0)
		*ret_rev = rev;
	return r;
}

int etcd_delete(struct storage *s, const char *key, int64_t expected_mod_rev, int64_t *ret_rev,
		struct storage_kv *ret_prev)
{
	Etcdserverpb__TxnResponse *resp = NULL;
	const Etcdserverpb__ResponseOp *op;
	const Etcdserverpb__DeleteRangeResponse *dr = NULL;
	struct txn t;
	int64_t rev;
	int r;

	if (!key || !*key || expected_mod_rev < 0)
		return STORAGE_EINVAL;
	txn_init(&t);
	txn_delete(&t, key);
	r = guarded_write(etcd_storage_of(s), &t, key, expected_mod_rev, false, &rev, &resp,
			  ret_prev);
	if (r < 0)
		return r;
	/* a delete is never taken for an earlier attempt's: resp is this attempt's reply */
	op = resp ? first_op(resp) : NULL;
	if (op && op->response_case == ETCDSERVERPB__RESPONSE_OP__RESPONSE_RESPONSE_DELETE_RANGE)
		dr = op->response_delete_range;
	if (!dr || dr->deleted != 1 || dr->n_prev_kvs != 1) {
		etcd_wire_free(resp);
		return STORAGE_EINTERNAL;
	}
	*ret_rev = rev;
	if (ret_prev)
		etcd_wire_kv(dr->prev_kvs[0], ret_prev);
	etcd_wire_free(resp);
	return 0;
}
