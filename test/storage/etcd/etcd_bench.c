/*
 * etcd_bench.c - measures the etcd put rate three ways, for comparison:
 *   raw:     Put RPCs straight from C, `inflight` calls in flight on one
 *            next-type completion queue (a tag per call): etcd's ceiling;
 *   rawtxn:  the same with the Txn a create needs (compare create_revision
 *            == 0, then Put): the ceiling for storage_create();
 *   storage: storage_create() through the k8c etcd backend from `inflight`
 *            threads, as the API server calls it.
 * Each phase runs for SECONDS with VALUE_BYTES values on fresh keys and
 * prints puts/s and p50/p99 latency; history is compacted at the end (not
 * between phases: etcd's background compaction would slow the next one).
 *
 * Usage: etcd_bench ENDPOINTS [SECONDS=5] [INFLIGHT=64] [VALUE_BYTES=2560] [raw|rawtxn|storage|all]
 * e.g.   test/storage/etcd/etcd-ctl.sh run sh -c 'etcd_bench "$K8C_TEST_ETCD_ENDPOINTS" 10'
 * Built with the tests, never run by them.
 */
#include "base/base.h"

#include <pthread.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/byte_buffer.h>
#include <grpc/support/alloc.h>

#include "base/strbuf.h"
#include "base/timeutil.h"
#include "apiserver/storage/storage.h"
#include "apiserver/storage/etcd/etcd.h"
#include "apiserver/storage/etcd/rpc.pb-c.h"

struct config {
	const char *endpoints;
	const char *phases; /* "raw", "rawtxn", "storage" or "all" */
	bool txn;	    /* raw phase: send the create Txn rather than a Put */
	int64_t seconds;
	int inflight;
	size_t value_bytes;
	char *value;
};

/* Latencies in ns, appended by one thread (or merged after). */
struct lat {
	int64_t *ns;
	size_t n, alloc;
};

static void lat_add(struct lat *l, int64_t ns)
{
	ALLOC_GROW(l->ns, l->n + 1, l->alloc);
	l->ns[l->n++] = ns;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void report(const char *what, struct lat *l, int64_t elapsed_ns, long errors)
{
	double secs = (double)elapsed_ns / K8C_NSEC_PER_SEC;

	qsort(l->ns, l->n, sizeof(*l->ns), cmp_i64);
	printf("%-8s %8.0f puts/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  "
	       "(%zu puts in %.1f s, %ld errors)\n",
	       what, (double)l->n / secs, l->n ? l->ns[l->n / 2] / 1e6 : 0.0,
	       l->n ? l->ns[l->n * 99 / 100] / 1e6 : 0.0,
	       l->n ? l->ns[l->n * 999 / 1000] / 1e6 : 0.0, l->n, secs, errors);
}

/* One raw Put in flight: its call and what its batch fills. */
struct slot {
	grpc_call *call;
	grpc_byte_buffer *req, *resp;
	grpc_metadata_array initial_md, trailing_md;
	grpc_status_code status;
	grpc_slice details;
	int64_t started;
};

/* The packed Put of cfg's value at key, or the create Txn wrapping it. */
static grpc_slice pack_request(const struct config *cfg, const struct strbuf *key)
{
	Etcdserverpb__PutRequest put = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__TxnRequest txn = ETCDSERVERPB__TXN_REQUEST__INIT;
	Etcdserverpb__Compare cmp = ETCDSERVERPB__COMPARE__INIT, *cmps[1] = { &cmp };
	Etcdserverpb__RequestOp op = ETCDSERVERPB__REQUEST_OP__INIT, *ops[1] = { &op };
	const ProtobufCMessage *msg = cfg->txn ? &txn.base : &put.base;
	grpc_slice payload;

	put.key = (ProtobufCBinaryData){ key->len, (uint8_t *)key->buf };
	put.value = (ProtobufCBinaryData){ cfg->value_bytes, (uint8_t *)cfg->value };
	cmp.key = put.key;
	cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE;
	cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_CREATE_REVISION;
	op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
	op.request_put = &put;
	txn.n_compare = 1;
	txn.compare = cmps;
	txn.n_success = 1;
	txn.success = ops;
	payload = grpc_slice_malloc(protobuf_c_message_get_packed_size(msg));
	protobuf_c_message_pack(msg, GRPC_SLICE_START_PTR(payload));
	return payload;
}

static void slot_start(struct slot *sl, grpc_channel *ch, grpc_completion_queue *cq,
		       const struct config *cfg, long seq)
{
	struct strbuf key = STRBUF_INIT;
	grpc_op ops[6];
	grpc_slice payload;

	strbuf_addf(&key, "/bench/%s/%08ld", cfg->txn ? "rawtxn" : "raw", seq);
	payload = pack_request(cfg, &key);
	strbuf_release(&key);
	sl->req = grpc_raw_byte_buffer_create(&payload, 1);
	grpc_slice_unref(payload);
	sl->resp = NULL;
	grpc_metadata_array_init(&sl->initial_md);
	grpc_metadata_array_init(&sl->trailing_md);
	sl->call = grpc_channel_create_call(
		ch, NULL, GRPC_PROPAGATE_DEFAULTS, cq,
		grpc_slice_from_static_string(cfg->txn ? "/etcdserverpb.KV/Txn"
						       : "/etcdserverpb.KV/Put"),
		NULL, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = sl->req;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &sl->initial_md;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &sl->resp;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &sl->trailing_md;
	ops[5].data.recv_status_on_client.status = &sl->status;
	ops[5].data.recv_status_on_client.status_details = &sl->details;
	sl->started = time_mono_ns();
	if (grpc_call_start_batch(sl->call, ops, ARRAY_SIZE(ops), sl, NULL) != GRPC_CALL_OK)
		abort();
}

/* Frees what a finished call left; true if the Put succeeded. */
static bool slot_finish(struct slot *sl)
{
	bool ok = sl->status == GRPC_STATUS_OK;

	grpc_byte_buffer_destroy(sl->req);
	grpc_byte_buffer_destroy(sl->resp);
	grpc_metadata_array_destroy(&sl->initial_md);
	grpc_metadata_array_destroy(&sl->trailing_md);
	grpc_slice_unref(sl->details);
	grpc_call_unref(sl->call);
	return ok;
}

static grpc_channel *raw_channel(const char *endpoints)
{
	struct strbuf target = STRBUF_INIT;
	const char *p = strstr(endpoints, "://");
	grpc_channel_credentials *creds = grpc_insecure_credentials_create();
	grpc_channel *ch;

	p = p ? p + 3 : endpoints;
	strbuf_add(&target, p, strcspn(p, ",/"));
	ch = grpc_channel_create(target.buf, creds, NULL);
	grpc_channel_credentials_release(creds);
	strbuf_release(&target);
	return ch;
}

static void bench_raw(const struct config *cfg)
{
	grpc_channel *ch = raw_channel(cfg->endpoints);
	grpc_completion_queue *cq = grpc_completion_queue_create_for_next(NULL);
	struct slot *slots = xcalloc(cfg->inflight, sizeof(*slots));
	struct lat lat = { 0 };
	int64_t t0 = time_mono_ns(), end = t0 + cfg->seconds * K8C_NSEC_PER_SEC;
	long seq = 0, errors = 0;
	int active = cfg->inflight;

	for (int i = 0; i < cfg->inflight; i++)
		slot_start(&slots[i], ch, cq, cfg, seq++);
	while (active > 0) {
		grpc_event ev =
			grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		struct slot *sl = ev.tag;
		int64_t now = time_mono_ns();

		if (slot_finish(sl))
			lat_add(&lat, now - sl->started);
		else
			errors++;
		if (now < end)
			slot_start(sl, ch, cq, cfg, seq++);
		else
			active--;
	}
	report(cfg->txn ? "rawtxn" : "raw", &lat, time_mono_ns() - t0, errors);
	grpc_completion_queue_shutdown(cq);
	while (grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
	       GRPC_QUEUE_SHUTDOWN)
		;
	grpc_completion_queue_destroy(cq);
	grpc_channel_destroy(ch);
	free(slots);
	free(lat.ns);
}

struct worker {
	const struct config *cfg;
	struct storage *s;
	int id;
	int64_t end;
	struct lat lat;
	long errors;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct strbuf key = STRBUF_INIT;

	for (long i = 0; time_mono_ns() < w->end; i++) {
		int64_t t0 = time_mono_ns(), rev;

		strbuf_reset(&key);
		strbuf_addf(&key, "/bench/k8c/%02d-%08ld", w->id, i);
		if (storage_create(w->s, key.buf, w->cfg->value, w->cfg->value_bytes, &rev) == 0)
			lat_add(&w->lat, time_mono_ns() - t0);
		else
			w->errors++;
	}
	strbuf_release(&key);
	return NULL;
}

static void bench_storage(const struct config *cfg, struct storage *s)
{
	struct worker *ws = xcalloc(cfg->inflight, sizeof(*ws));
	pthread_t *th = xcalloc(cfg->inflight, sizeof(*th));
	int64_t t0 = time_mono_ns();
	struct lat all = { 0 };
	long errors = 0;

	for (int i = 0; i < cfg->inflight; i++) {
		ws[i] = (struct worker){
			cfg, s, i, t0 + cfg->seconds * K8C_NSEC_PER_SEC, { 0 }, 0
		};
		if (pthread_create(&th[i], NULL, worker_main, &ws[i]) != 0)
			abort();
	}
	for (int i = 0; i < cfg->inflight; i++) {
		pthread_join(th[i], NULL);
		for (size_t j = 0; j < ws[i].lat.n; j++)
			lat_add(&all, ws[i].lat.ns[j]);
		errors += ws[i].errors;
		free(ws[i].lat.ns);
	}
	report("storage", &all, time_mono_ns() - t0, errors);
	free(all.ns);
	free(ws);
	free(th);
}

static bool phase(const struct config *cfg, const char *name)
{
	return strcmp(cfg->phases, "all") == 0 || strcmp(cfg->phases, name) == 0;
}

int main(int argc, char **argv)
{
	struct config cfg = { .seconds = 5, .inflight = 64, .value_bytes = 2560, .phases = "all" };
	struct storage *s = NULL;
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: etcd_bench ENDPOINTS [SECONDS] [INFLIGHT] [VALUE_BYTES] "
				"[raw|rawtxn|storage|all]\n");
		return 2;
	}
	cfg.endpoints = argv[1];
	if (argc > 2)
		cfg.seconds = atoll(argv[2]);
	if (argc > 3)
		cfg.inflight = atoi(argv[3]);
	if (argc > 4)
		cfg.value_bytes = (size_t)atoll(argv[4]);
	if (argc > 5)
		cfg.phases = argv[5];
	cfg.value = xmalloc(cfg.value_bytes);
	memset(cfg.value, 'x', cfg.value_bytes);
	if ((r = storage_etcd_open(cfg.endpoints, &s)) < 0) {
		fprintf(stderr, "etcd_bench: cannot open '%s': %s\n", cfg.endpoints,
			storage_strerror(r));
		return 1;
	}
	printf("%d in flight, %zu-byte values, %lld s per phase\n", cfg.inflight, cfg.value_bytes,
	       (long long)cfg.seconds);
	grpc_init();
	if (phase(&cfg, "raw"))
		bench_raw(&cfg);
	cfg.txn = true;
	if (phase(&cfg, "rawtxn"))
		bench_raw(&cfg);
	if (phase(&cfg, "storage"))
		bench_storage(&cfg, s);
	storage_etcd_compact_window(s, 1);
	grpc_shutdown();
	storage_close(s);
	free(cfg.value);
	return 0;
}
