/*
 * sqlite_writer.c - group commit for the SQLite backend. Callers of create,
 * update, delete and compact queue a request and sleep on a semaphore; one
 * writer thread takes everything queued (up to a batch limit), applies it in
 * one transaction, commits once (one fsync for the whole batch), publishes
 * the batch's events to the watches, and only then wakes each caller with
 * its own result. While it commits, the next batch queues up, so batches
 * grow with the load and the fsync cost is shared.
 *
 * Between batches, and piggybacked on them, the writer also drops compacted
 * history in small chunks so compaction never holds the write lock for long.
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

/* Batch limits: enough to amortize an fsync, small enough to bound latency. */
#define BATCH_MAX_OPS 1024
#define BATCH_MAX_BYTES (32u << 20)
/* Revisions of compacted history dropped per transaction: alongside writes, and alone. */
#define COMPACT_CHUNK_BUSY 256
#define COMPACT_CHUNK_IDLE 4096

static bool compaction_pending(const struct sqlite_store *s)
{
	return s->compact_cursor < s->compact_target;
}

/*
 * Waits for work and detaches the next batch from the queue. Returns NULL
 * with *ret_exit set when stopping and the queue is drained, or NULL alone
 * when only compaction is pending.
 */
static struct sqlite_op *take_batch(struct sqlite_store *s, bool *ret_exit)
{
	pthread_mutex_lock(&s->queue_lock);
	while (!s->queue_head && !s->stopping && !compaction_pending(s))
		pthread_cond_wait(&s->queue_cond, &s->queue_lock);
	struct sqlite_op *head = s->queue_head, *last = NULL, *op = head;
	size_t n = 0, bytes = 0;
	while (op && n < BATCH_MAX_OPS && (n == 0 || bytes + op->len <= BATCH_MAX_BYTES)) {
		bytes += op->len;
		n++;
		last = op;
		op = op->next;
	}
	if (last)
		last->next = NULL;
	s->queue_head = op;
	if (!op)
		s->queue_tail = &s->queue_head;
	*ret_exit = !head && s->stopping;
	pthread_mutex_unlock(&s->queue_lock);
	return n ? head : NULL;
}

/* The highest revision compacted by a successful compact request in ops, or current. */
static int64_t batch_compacted(const struct sqlite_op *ops, int64_t current)
{
	for (const struct sqlite_op *op = ops; op; op = op->next)
		if (op->kind == SQLITE_OP_COMPACT && op->err == 0 && op->rev > current)
			current = op->rev;
	return current;
}

/* Applies ops (and maybe a compaction chunk) in one transaction. 0 or STORAGE_E*. */
static int apply_batch(struct sqlite_store *s, struct sqlite_op *ops)
{
	int r = sqlite__conn_exec(s->wconn, SQL_BEGIN_WRITE);
	if (r < 0)
		return r;
	for (struct sqlite_op *op = ops; r == 0 && op; op = op->next)
		r = sqlite__apply(s, op);
	if (r == 0 && compaction_pending(s))
		r = sqlite__compact_chunk(s, ops ? COMPACT_CHUNK_BUSY : COMPACT_CHUNK_IDLE);
	if (r == 0)
		r = sqlite__conn_exec(s->wconn, SQL_COMMIT);
	if (r < 0)
		sqlite__conn_exec(s->wconn, SQL_ROLLBACK);
	return r;
}

bool sqlite__writer_lookup(struct sqlite_store *s, const char *key,
			   struct sqlite_index_entry *ret_e)
{
	const struct sqlite_index_entry *e = hashmap_get(&s->pending, key);
	if (e) {
		*ret_e = *e;
		return true;
	}
	/* The writer is the index's only mutator: it may read without the lock. */
	return sqlite__index_get(s->index, key, ret_e);
}

static void forget_batch(struct sqlite_store *s)
{
	hashmap_release(&s->pending, free);
	for (size_t i = 0; i < s->n_dropped; i++)
		free(s->dropped[i].key);
	s->n_dropped = 0;
}

/* After a commit: the batch's writes, and the tombstones compaction dropped, reach the index. */
static void update_index(struct sqlite_store *s)
{
	size_t pos = 0;
	struct hashmap_entry *he;
	struct sqlite_index_entry cur;
	pthread_rwlock_wrlock(&s->index_lock);
	while ((he = hashmap_next(&s->pending, &pos)))
		sqlite__index_put(s->index, he->key, he->value);
	for (size_t i = 0; i < s->n_dropped; i++) {
		const struct sqlite_index_item *it = &s->dropped[i];
		/* Unless the key was written again since. */
		if (sqlite__index_get(s->index, it->key, &cur) && cur.deleted &&
		    cur.mod_rev == it->e.mod_rev)
			sqlite__index_remove(s->index, it->key);
	}
	pthread_rwlock_unlock(&s->index_lock);
	forget_batch(s);
}

static void run_batch(struct sqlite_store *s, struct sqlite_op *ops)
{
	int64_t first_rev = s->next_rev, cursor = s->compact_cursor;
	int r = apply_batch(s, ops);
	if (r < 0) {
		/* Nothing of the batch happened: every request fails alike. */
		s->next_rev = first_rev;
		s->compact_cursor = cursor;
		forget_batch(s);
		for (struct sqlite_op *op = ops; op; op = op->next)
			op->err = r;
	} else {
		update_index(s);
		int64_t compacted = batch_compacted(ops, atomic_load(&s->compacted_rev));
		sqlite__watch_publish(s, ops, s->next_rev - 1, compacted);
		/* Only now, with the new compacted revision visible to readers, may rows go. */
		s->compact_target = compacted;
	}
	struct sqlite_op *next;
	for (struct sqlite_op *op = ops; op; op = next) {
		next = op->next; /* op may vanish as soon as it is posted */
		sem_post(&op->done);
	}
	sqlite__ckpt_after_batch(s);
}

static void *writer_main(void *arg)
{
	struct sqlite_store *s = arg;
	for (;;) {
		bool exit_now = false;
		struct sqlite_op *ops = take_batch(s, &exit_now);
		if (exit_now)
			break;
		run_batch(s, ops);
	}
	return NULL;
}

int sqlite__writer_start(struct sqlite_store *s)
{
	s->queue_tail = &s->queue_head;
	if (pthread_create(&s->writer_thread, NULL, writer_main, s) != 0)
		return STORAGE_EINTERNAL;
	s->writer_running = true;
	return 0;
}

void sqlite__writer_stop(struct sqlite_store *s)
{
	if (!s->writer_running)
		return;
	pthread_mutex_lock(&s->queue_lock);
	s->stopping = true;
	pthread_cond_signal(&s->queue_cond);
	pthread_mutex_unlock(&s->queue_lock);
	pthread_join(s->writer_thread, NULL);
	s->writer_running = false;
}

/* Queues op and sleeps until the writer has handled it. Returns op->err. */
static int submit(struct sqlite_store *s, struct sqlite_op *op)
{
	if (sem_init(&op->done, 0, 0) < 0)
		return STORAGE_EINTERNAL;
	op->next = NULL;
	pthread_mutex_lock(&s->queue_lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->queue_lock);
		sem_destroy(&op->done);
		return STORAGE_EUNAVAILABLE;
	}
	*s->queue_tail = op;
	s->queue_tail = &op->next;
	pthread_cond_signal(&s->queue_cond);
	pthread_mutex_unlock(&s->queue_lock);
	while (sem_wait(&op->done) < 0)
		; /* EINTR */
	sem_destroy(&op->done);
	return op->err;
}

static int check_write(const char *key, const void *value, size_t len)
{
	if (!key || !*key || (!value && len))
		return STORAGE_EINVAL;
	if (len > SQLITE_STORE_MAX_VALUE)
		return STORAGE_ETOOLARGE;
	return 0;
}

int sqlite__create(struct storage *st, const char *key, const void *value, size_t len,
		   int64_t *ret_rev)
{
	int r = check_write(key, value, len);
	if (r < 0)
		return r;
	struct sqlite_op op = { .kind = SQLITE_OP_CREATE, .key = key, .value = value, .len = len };
	r = submit(sqlite__store(st), &op);
	if (r == 0 && ret_rev)
		*ret_rev = op.rev;
	return r;
}

/* Hands op->kv to *ret_kv if the outcome r calls for it (see storage.h), frees it otherwise. */
static void finish_kv(struct sqlite_op *op, int r, struct storage_kv *ret_kv)
{
	bool give = r == STORAGE_ECONFLICT || (r == 0 && op->kind == SQLITE_OP_DELETE);
	if (give && ret_kv && op->kv.key) {
		*ret_kv = op->kv;
		memset(&op->kv, 0, sizeof(op->kv));
	}
	storage_kv_release(&op->kv);
}

int sqlite__update(struct storage *st, const char *key, const void *value, size_t len,
		   int64_t expected_mod_rev, int64_t *ret_rev, struct storage_kv *ret_current)
{
	int r = check_write(key, value, len);
	if (r == 0 && expected_mod_rev < 0)
		r = STORAGE_EINVAL;
	if (r < 0)
		return r;
	struct sqlite_op op = { .kind = SQLITE_OP_UPDATE,
				.key = key,
				.value = value,
				.len = len,
				.expected = expected_mod_rev,
				.want_kv = ret_current != NULL };
	r = submit(sqlite__store(st), &op);
	if (r == 0 && ret_rev)
		*ret_rev = op.rev;
	finish_kv(&op, r, ret_current);
	return r;
}

int sqlite__delete(struct storage *st, const char *key, int64_t expected_mod_rev, int64_t *ret_rev,
		   struct storage_kv *ret_prev)
{
	int r = check_write(key, NULL, 0);
	if (r == 0 && expected_mod_rev < 0)
		r = STORAGE_EINVAL;
	if (r < 0)
		return r;
	struct sqlite_op op = { .kind = SQLITE_OP_DELETE,
				.key = key,
				.expected = expected_mod_rev,
				.want_kv = ret_prev != NULL };
	r = submit(sqlite__store(st), &op);
	if (r == 0 && ret_rev)
		*ret_rev = op.rev;
	finish_kv(&op, r, ret_prev);
	return r;
}

int sqlite__compact(struct storage *st, int64_t rev)
{
	if (rev < 1)
		return STORAGE_EINVAL;
	struct sqlite_op op = { .kind = SQLITE_OP_COMPACT, .expected = rev };
	return submit(sqlite__store(st), &op);
}
