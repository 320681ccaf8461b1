/*
 * storage_bench.c - write (and optionally read) throughput and latency of a
 * storage backend. Built, never run by the test suites.
 *
 *   storage_bench [--backend sqlite|etcd] [--path FILE] [--endpoints LIST]
 *                 [--threads N] [--value-size BYTES] [--duration SECONDS]
 *                 [--readers N] [--keep]
 *
 * N writer threads create new keys ("/bench/<thread>/<n>") with values of
 * the given size for the given time; optional reader threads meanwhile get
 * keys written earlier. Prints ops/s and the p50/p99/p99.9/max latency of
 * each. sqlite uses a temporary file unless --path is given; it is removed
 * afterwards unless --keep.
 */
#include "base/base.h"

#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "apiserver/storage/storage.h"
#include "test/storage/tstore.h"
#include "base/random.h"
#include "base/strbuf.h"
#include "base/timeutil.h"

struct bench_opts {
	const char *backend, *path, *endpoints;
	int threads, readers, seconds;
	size_t value_size;
	bool keep;
};

/* One thread's latencies (ns) and error count. */
struct bench_thread {
	struct storage *s;
	const struct bench_opts *o;
	int id;
	int64_t deadline;
	int64_t *lat;
	size_t n, alloc;
	long errors;
};

/* Keys written by writer 0 so far: readers pick among them. */
static atomic_long written0;

static void record(struct bench_thread *t, int64_t start, int r)
{
	ALLOC_GROW(t->lat, t->n + 1, t->alloc);
	t->lat[t->n++] = time_mono_ns() - start;
	t->errors += r < 0;
}

static void *write_loop(void *arg)
{
	struct bench_thread *t = arg;
	struct strbuf key = STRBUF_INIT;
	char *value = xmalloc(t->o->value_size);
	random_bytes(value, t->o->value_size);
	for (long i = 0; time_mono_ns() < t->deadline; i++) {
		strbuf_reset(&key);
		strbuf_addf(&key, "/bench/%03d/%09ld", t->id, i);
		int64_t start = time_mono_ns(), rev;
		int r = storage_create(t->s, key.buf, value, t->o->value_size, &rev);
		record(t, start, r);
		if (t->id == 0 && r == 0)
			atomic_store(&written0, i + 1);
	}
	free(value);
	strbuf_release(&key);
	return NULL;
}

static void *read_loop(void *arg)
{
	struct bench_thread *t = arg;
	struct strbuf key = STRBUF_INIT;
	while (time_mono_ns() < t->deadline) {
		long n = atomic_load(&written0);
		if (!n) {
			time_sleep_ms(1);
			continue;
		}
		strbuf_reset(&key);
		strbuf_addf(&key, "/bench/000/%09ld", (long)random_below((uint64_t)n));
		struct storage_kv kv = { 0 };
		int64_t start = time_mono_ns();
		record(t, start, storage_get(t->s, key.buf, 0, &kv));
		storage_kv_release(&kv);
	}
	strbuf_release(&key);
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Merges the latencies of t[0..n) and prints one summary line. */
static void report(const char *what, struct bench_thread *t, int n, int seconds)
{
	size_t total = 0, k = 0;
	long errors = 0;
	for (int i = 0; i < n; i++)
		total += t[i].n;
	if (!total)
		return;
	int64_t *all = xmalloc(total * sizeof(*all));
	for (int i = 0; i < n; i++) {
		memcpy(all + k, t[i].lat, t[i].n * sizeof(*all));
		k += t[i].n;
		errors += t[i].errors;
	}
	qsort(all, total, sizeof(*all), cmp_i64);
	printf("%-6s %8zu ops %10.0f ops/s  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  "
	       "max %7.3f ms  errors %ld\n",
	       what, total, (double)total / seconds, all[total / 2] / 1e6,
	       all[total * 99 / 100] / 1e6, all[total * 999 / 1000] / 1e6, all[total - 1] / 1e6,
	       errors);
	free(all);
}

static void run(struct storage *s, const struct bench_opts *o)
{
	int n = o->threads + o->readers;
	struct bench_thread *t = xcalloc((size_t)n, sizeof(*t));
	pthread_t *th = xcalloc((size_t)n, sizeof(*th));
	int64_t deadline = time_mono_ns() + o->seconds * K8C_NSEC_PER_SEC;
	for (int i = 0; i < n; i++) {
		t[i] = (struct bench_thread){ .s = s, .o = o, .id = i, .deadline = deadline };
		pthread_create(&th[i], NULL, i < o->threads ? write_loop : read_loop, &t[i]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("%s: %d writers, %d readers, %zu-byte values, %d s\n", o->backend, o->threads,
	       o->readers, o->value_size, o->seconds);
	report("create", t, o->threads, o->seconds);
	report("get", t + o->threads, o->readers, o->seconds);
	for (int i = 0; i < n; i++)
		free(t[i].lat);
	free(t);
	free(th);
}

static void usage(void)
{
	fprintf(stderr, "usage: storage_bench [--backend sqlite|etcd] [--path FILE] "
			"[--endpoints LIST] [--threads N] [--value-size BYTES] "
			"[--duration SECONDS] [--readers N] [--keep]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "path", required_argument, NULL, 'p' },
		{ "endpoints", required_argument, NULL, 'e' },
		{ "threads", required_argument, NULL, 't' },
		{ "value-size", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "readers", required_argument, NULL, 'r' },
		{ "keep", no_argument, NULL, 'k' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->backend = optarg;
			break;
		case 'p':
			o->path = optarg;
			break;
		case 'e':
			o->endpoints = optarg;
			break;
		case 't':
			o->threads = atoi(optarg);
			break;
		case 's':
			o->value_size = (size_t)atol(optarg);
			break;
		case 'd':
			o->seconds = atoi(optarg);
			break;
		case 'r':
			o->readers = atoi(optarg);
			break;
		case 'k':
			o->keep = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o->threads < 1 || o->seconds < 1 || o->readers < 0)
		usage();
}

int main(int argc, char **argv)
{
	struct bench_opts o = {
		.backend = "sqlite", .threads = 64, .seconds = 5, .value_size = 2560
	};
	parse(argc, argv, &o);
	struct strbuf path = STRBUF_INIT;
	struct storage *s = NULL;
	int r;
	if (strcmp(o.backend, "etcd") == 0) {
		r = storage_etcd_open(o.endpoints ? o.endpoints : "127.0.0.1:2379", &s);
	} else {
		if (o.path)
			strbuf_addstr(&path, o.path);
		else
			strbuf_addf(&path, "/tmp/k8c-bench-%d.db", (int)getpid());
		r = storage_sqlite_open(path.buf, &s);
	}
	if (r < 0) {
		fprintf(stderr, "storage_bench: open %s: %s\n", o.backend, storage_strerror(r));
		return 1;
	}
	run(s, &o);
	storage_close(s);
	if (path.len && !o.keep)
		tstore_remove_files(path.buf);
	strbuf_release(&path);
	return 0;
}
