/*
 * watch_fanout.c - k8c-bench-watch: the watch fan-out benchmark's driver.
 * Against one API server it creates `pods` pods, opens `watchers` watch
 * streams on them (all unfiltered, or with --mix a quarter each unfiltered,
 * by label, by spec.nodeName and by metadata.name), then PATCHes the pods
 * `updates` times at `rate` per second from `writers` threads and measures,
 * for every event at every stream, the time from the write's answer to the
 * event's receipt (one process, one CLOCK_MONOTONIC), the events lost, and
 * the server's RSS (rss_kib): at the start, before the watches (after the
 * warm-up), with them idle and after the updates. Prints one JSON object.
 *
 * Usage: k8c-bench-watch --server URL [--server-pid PID] [--watchers 1000]
 *            [--updates 10000] [--pods 100] [--rate 500] [--writers 4] [--mix]
 *            [--namespace default] [--drain-seconds 30] [--max-seconds 120] [--progress]
 *            [--warm-up] [--watch-threads 4]
 * No update starts after --max-seconds (the run reports how many were sent).
 * --warm-up first writes every update once with no watcher, at full speed,
 * so that the RSS growth measured is the watchers' and not the caches'.
 */
#include "base/base.h"

#include <getopt.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "bench/watch_stream.h"

struct opts {
	const char *server, *ns;
	long server_pid;
	size_t watchers, updates, pods, writers, watch_threads;
	double rate, drain_s, max_s;
	bool mix, progress, warm_up;
};

/* Watcher w's selector kind under --mix (0 without it): all, label, node, name. */
static int selector_kind(const struct opts *o, size_t w)
{
	return o->mix ? (int)(w % 4) : 0;
}

static void add_selector(const struct opts *o, size_t w, struct strbuf *path)
{
	size_t k = w / 4;

	switch (selector_kind(o, w)) {
	case 1: strbuf_addf(path, "&labelSelector=app%%3Dweb,shard%%3D%zu", k % POD_SHARDS); break;
	case 2: strbuf_addf(path, "&fieldSelector=spec.nodeName%%3Dnode-%zu", k % POD_NODES); break;
	case 3:
		strbuf_addstr(path, "&fieldSelector=metadata.name%3D");
		bench_pod_name(k % o->pods, path);
		break;
	}
}

/* Whether watcher w is sent the events of pod p. */
static bool selector_matches(const struct opts *o, size_t w, size_t p)
{
	size_t k = w / 4;

	switch (selector_kind(o, w)) {
	case 1: return p % POD_SHARDS == k % POD_SHARDS;
	case 2: return p % POD_NODES == k % POD_NODES;
	case 3: return p == k % o->pods;
	}
	return true;
}

/* Creates the pods; returns the highest resourceVersion, or -1 if one failed. */
static int64_t create_pods(const struct opts *o, const struct bench_server *srv)
{
	struct http_conn c;
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	int64_t top = 0;

	http_conn_init(&c, srv);
	strbuf_addf(&body, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
		    "\"metadata\":{\"name\":\"%s\"}}", o->ns);
	const char *resp = "";
	int status = http_conn_request(&c, "POST", "/api/v1/namespaces", "application/json",
				       body.buf, &resp);
	if (status != 201 && status != 409)
		top = -1; /* neither created nor there already */
	strbuf_addf(&path, "/api/v1/namespaces/%s/pods", o->ns);
	for (size_t i = 0; i < o->pods && top >= 0; i++) {
		strbuf_reset(&body);
		bench_pod_manifest(o->ns, i, &body);
		status = http_conn_request(&c, "POST", path.buf, "application/json", body.buf,
					       &resp);
		int64_t rv = status == 201 ? bench_json_rv(resp) : -1;
		if (rv < 0)
			fprintf(stderr, "k8c-bench-watch: creating pod %zu: %d: %.200s\n", i, status,
				status > 0 ? resp : "");
		top = rv < 0 ? -1 : rv > top ? rv : top;
	}
	http_conn_release(&c);
	strbuf_release(&path);
	strbuf_release(&body);
	return top;
}

/* Opens the watches from revision rv and waits until each is answered (or failed). */
static int open_watches(const struct opts *o, struct watch_set *ws, int64_t rv)
{
	struct strbuf path = STRBUF_INIT;
	int64_t deadline = time_mono_ns() + 60 * K8C_NSEC_PER_SEC;

	for (size_t w = 0; w < o->watchers; w++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "/api/v1/namespaces/%s/pods?watch=true&resourceVersion=%lld"
			    "&timeoutSeconds=3600", o->ns, (long long)rv);
		add_selector(o, w, &path);
		if (watch_set_add(ws, path.buf) < 0) {
			strbuf_release(&path);
			return -EMFILE;
		}
	}
	strbuf_release(&path);
	watch_set_start(ws);
	while (watch_set_ready(ws) + watch_set_failed(ws) < o->watchers &&
	       time_mono_ns() < deadline)
		usleep(20000);
	return watch_set_ready(ws) == o->watchers ? 0 : -ETIMEDOUT;
}

/* VmRSS of process pid in KiB, 0 when unknown. */
static long rss_kib(long pid)
{
	char path[64], line[256];
	long kib = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = pid > 0 ? fopen(path, "r") : NULL;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* utime + stime of process pid in seconds, 0 when unknown. */
static double cpu_of(long pid)
{
	char path[64], buf[1024] = "";
	unsigned long long ticks[2] = { 0, 0 };

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = pid > 0 ? fopen(path, "r") : NULL;
	if (f) {
		buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
		fclose(f);
	}
	const char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 14; field++) /* after "pid (comm)": fields 3..13 */
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p, " %llu %llu", &ticks[0], &ticks[1]);
	return (double)(ticks[0] + ticks[1]) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Events lost: per watcher, the updates of pods it matches that it did not receive. */
static size_t count_lost(const struct opts *o, struct watch_set *ws, const struct update_rec *upd,
			 size_t *ret_expected)
{
	size_t *per_pod = xcalloc(o->pods, sizeof(*per_pod)), lost = 0, expected = 0;

	for (size_t i = 0; i < o->updates; i++)
		per_pod[upd[i].pod] += upd[i].rv > 0;
	for (size_t w = 0; w < o->watchers; w++) {
		size_t want = 0;
		for (size_t p = 0; p < o->pods; p++)
			want += selector_matches(o, w, p) ? per_pod[p] : 0;
		size_t got = watch_set_stream_received(ws, w);
		lost += got < want ? want - got : 0;
		expected += want;
	}
	free(per_pod);
	*ret_expected = expected;
	return lost;
}

/* Deliveries the successful writes call for: for each, the watchers of its pod. */
static size_t expected_total(const struct opts *o, const struct update_rec *upd)
{
	size_t *watchers_of = xcalloc(o->pods, sizeof(*watchers_of)), total = 0;

	for (size_t p = 0; p < o->pods; p++)
		for (size_t w = 0; w < o->watchers; w++)
			watchers_of[p] += selector_matches(o, w, p);
	for (size_t i = 0; i < o->updates; i++)
		total += upd[i].rv > 0 ? watchers_of[upd[i].pod] : 0;
	free(watchers_of);
	return total;
}

/*
 * Writes every update once at full speed with no watcher, so that the store's
 * cache and the watch cache's ring are as full before the watches as after
 * them: the RSS growth then is the watchers'. Returns the last revision, or -1.
 */
static int64_t warm_up(const struct opts *o, const struct bench_server *srv, int64_t rv)
{
	struct ack_table acks;
	struct writer_run wr = { .srv = srv, .ns = o->ns, .pods = o->pods, .updates = o->updates,
				 .threads = o->writers, .rate = 1e9, .acks = &acks,
				 .max_ns = (int64_t)(o->max_s * 1e9),
				 .upd = xcalloc(o->updates ? o->updates : 1, sizeof(struct update_rec)) };

	ack_table_init(&acks, o->updates);
	writer_start(&wr);
	writer_join(&wr);
	for (size_t i = 0; i < o->updates; i++)
		rv = wr.upd[i].rv > rv ? wr.upd[i].rv : rv;
	if (wr.lat.errors)
		rv = -1;
	lat_rec_release(&wr.lat);
	free(wr.upd);
	ack_table_release(&acks);
	return rv;
}

struct measured {
	long rss_start, rss_before, rss_watching, rss_after;
	double server_cpu, client_cpu, write_seconds, connect_seconds;
	size_t expected, lost;
	struct watch_totals t;
	struct lat_rec write;
	const struct update_rec *upd;
};

/* The updates: writers at the rate, then the events still on their way (up to drain_s). */
static void run_updates(const struct opts *o, struct watch_set *ws, struct writer_run *wr,
			struct measured *m)
{
	double cpu0 = cpu_of(o->server_pid), self0 = self_cpu();

	writer_start(wr);
	for (int64_t shown = time_mono_ns(); !writer_done(wr);) {
		usleep(5000);
		if (o->progress && time_mono_ns() - shown > K8C_NSEC_PER_SEC) {
			shown = time_mono_ns();
			fprintf(stderr, "k8c-bench-watch: %zu writes started, %zu events received, "
				"server CPU %.1f s\n", atomic_load(&wr->next), watch_set_received(ws),
				cpu_of(o->server_pid) - cpu0);
		}
	}
	writer_join(wr);
	size_t want = expected_total(o, wr->upd);
	int64_t deadline = time_mono_ns() + (int64_t)(o->drain_s * 1e9);
	while (watch_set_received(ws) < want && watch_set_failed(ws) < o->watchers &&
	       time_mono_ns() < deadline)
		usleep(20000);
	m->server_cpu = cpu_of(o->server_pid) - cpu0;
	m->client_cpu = self_cpu() - self0;
	m->write_seconds = (double)(wr->t_end - wr->t0) / 1e9;
	m->rss_after = rss_kib(o->server_pid);
	watch_set_finish(ws, wr->upd, &m->t);
	m->lost = count_lost(o, ws, wr->upd, &m->expected);
	m->write = wr->lat;
	m->upd = wr->upd;
}

static void print_json(const struct opts *o, struct measured *m)
{
	struct strbuf out = STRBUF_INIT;
	size_t sent = 0;

	for (size_t i = 0; i < o->updates; i++)
		sent += m->upd[i].rv != 0;
	strbuf_addf(&out, "{\"watchers\":%zu,\"updates\":%zu,\"sent\":%zu,\"pods\":%zu,\"rate\":%.0f,"
		    "\"writers\":%zu,\"mix\":%s,\"connect_seconds\":%.3f,", o->watchers, o->updates, sent,
		    o->pods, o->rate, o->writers, o->mix ? "true" : "false", m->connect_seconds);
	strbuf_addstr(&out, "\"write\":");
	lat_rec_json(&m->write, m->write_seconds, &out);
	strbuf_addstr(&out, ",\"delivery\":");
	lat_rec_json(&m->t.each, m->write_seconds, &out);
	strbuf_addstr(&out, ",\"delivery_to_all\":");
	lat_rec_json(&m->t.every, m->write_seconds, &out);
	strbuf_addf(&out, ",\"expected\":%zu,\"received\":%zu,\"lost\":%zu,\"before_ack\":%zu,"
		    "\"unexpected\":%zu,\"out_of_order\":%zu,\"failed_watches\":%zu,"
		    "\"bytes\":%zu,", m->expected, m->t.received, m->lost, m->t.before_ack,
		    m->t.unexpected, m->t.out_of_order, m->t.failed, m->t.bytes);
	strbuf_addf(&out, "\"rss_kib\":{\"start\":%ld,\"before\":%ld,\"watching\":%ld,"
		    "\"after\":%ld},\"server_cpu_seconds\":%.3f,\"client_cpu_seconds\":%.3f}",
		    m->rss_start, m->rss_before, m->rss_watching, m->rss_after, m->server_cpu,
		    m->client_cpu);
	puts(out.buf);
	strbuf_release(&out);
}

static void usage(void)
{
	fprintf(stderr, "usage: k8c-bench-watch --server URL [--server-pid PID] [--watchers N] "
			"[--updates N] [--pods N] [--rate R] [--writers N] [--mix] "
			"[--namespace NS] [--drain-seconds S] [--max-seconds S] [--progress] [--warm-up] [--watch-threads N]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "server-pid", required_argument, NULL, 'S' },
		{ "watchers", required_argument, NULL, 'w' },
		{ "updates", required_argument, NULL, 'u' },
		{ "pods", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "writers", required_argument, NULL, 'W' },
		{ "mix", no_argument, NULL, 'm' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "drain-seconds", required_argument, NULL, 'd' },
		{ "progress", no_argument, NULL, 'P' },
		{ "max-seconds", required_argument, NULL, 'M' },
		{ "warm-up", no_argument, NULL, 'U' },
		{ "watch-threads", required_argument, NULL, 'T' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 'S': o->server_pid = atol(optarg); break;
		case 'w': o->watchers = strtoul(optarg, NULL, 10); break;
		case 'u': o->updates = strtoul(optarg, NULL, 10); break;
		case 'p': o->pods = strtoul(optarg, NULL, 10); break;
		case 'r': o->rate = strtod(optarg, NULL); break;
		case 'W': o->writers = strtoul(optarg, NULL, 10); break;
		case 'm': o->mix = true; break;
		case 'n': o->ns = optarg; break;
		case 'd': o->drain_s = strtod(optarg, NULL); break;
		case 'P': o->progress = true; break;
		case 'M': o->max_s = strtod(optarg, NULL); break;
		case 'U': o->warm_up = true; break;
		case 'T': o->watch_threads = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (!o->server || !o->watchers || !o->pods || !o->writers || o->rate <= 0 ||
	    optind != argc)
		usage();
}

int main(int argc, char **argv)
{
	struct opts o = { .ns = "default", .watchers = 1000, .updates = 10000, .pods = 100,
			  .rate = 500, .writers = 4, .drain_s = 30, .max_s = 120, .watch_threads = 4 };
	struct bench_server srv;
	struct ack_table acks;
	struct measured m = { 0 };

	parse(argc, argv, &o);
	if (bench_server_parse(o.server, &srv) < 0)
		usage();
	struct rlimit nofile = { o.watchers + 256, o.watchers + 256 };
	setrlimit(RLIMIT_NOFILE, &nofile);
	int64_t rv = create_pods(&o, &srv);
	m.rss_start = rss_kib(o.server_pid);
	if (rv < 0 || (o.warm_up && (rv = warm_up(&o, &srv, rv)) < 0))
		return 1;
	ack_table_init(&acks, o.updates);
	struct watch_set *ws = watch_set_new(&srv, &acks, o.updates, o.watch_threads);
	m.rss_before = rss_kib(o.server_pid);
	int64_t t = time_mono_ns();
	if (open_watches(&o, ws, rv) < 0) {
		fprintf(stderr, "k8c-bench-watch: %zu of %zu watches answered, %zu failed\n",
			watch_set_ready(ws), o.watchers, watch_set_failed(ws));
		return 1;
	}
	m.connect_seconds = (double)(time_mono_ns() - t) / 1e9;
	usleep(500000); /* the server's threads settle into waiting */
	m.rss_watching = rss_kib(o.server_pid);
	struct writer_run wr = { .srv = &srv, .ns = o.ns, .pods = o.pods, .updates = o.updates,
				 .threads = o.writers, .rate = o.rate, .acks = &acks,
				 .max_ns = (int64_t)(o.max_s * 1e9),
				 .upd = xcalloc(o.updates ? o.updates : 1, sizeof(struct update_rec)) };
	run_updates(&o, ws, &wr, &m);
	print_json(&o, &m);
	watch_set_free(ws);
	lat_rec_release(&m.t.each);
	lat_rec_release(&m.t.every);
	lat_rec_release(&m.write);
	free(wr.upd);
	ack_table_release(&acks);
	return 0;
}
