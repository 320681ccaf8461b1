/*
 * density.c - k8c-bench-density: the density benchmark's driver and
 * observer. Against an API server whose controller manager, scheduler and
 * (hollow) nodes are running, it opens a watch on the namespace's pods
 * (pod_watch.h), then creates `deployments` Deployments of `replicas`
 * replicas each through `clients` keep-alive clients (http_load.h), and
 * follows the watch until every pod is Running or the timeout passes.
 *
 * Everything is timed on this process's monotonic clock from t0, the moment
 * just before the first Deployment is sent; a pod's startup latency is from
 * when the watch first saw it (its creation) to when the watch saw it
 * Running. Prints one JSON object: the settings, the create calls' latency,
 * the time to all Running, per-pod latency quantiles (startup, creation to
 * bound, bound to Running), the rates of pod creation, binding and Running
 * (over the whole run and between the 10th and the 90th percentile), and a
 * timeline of the three counts every 250 ms.
 *
 * Usage: k8c-bench-density --server URL [--namespace default] [--deployments 100]
 *                          [--replicas 100] [--clients 8] [--timeout 120]
 *                          [--prefix density-]
 */
#include "base/base.h"

#include <curl/curl.h>
#include <getopt.h>

#include "base/timeutil.h"
#include "bench/http_load.h"
#include "bench/pod_watch.h"

struct opts {
	const char *server, *ns, *prefix;
	size_t deployments, replicas, clients;
	long timeout_s;
};

struct creates {
	const struct opts *o;
	size_t next;
	bool error_shown;
};

/* A Deployment as people write them: labels, one container with requests and limits. */
static void deployment_manifest(const struct opts *o, size_t i, struct strbuf *out)
{
	strbuf_addf(out,
		    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":"
		    "\"%s%03zu\",\"labels\":{\"app\":\"%s%03zu\",\"bench\":\"density\"}},"
		    "\"spec\":{\"replicas\":%zu,\"selector\":{\"matchLabels\":{\"app\":\"%s%03zu\"}},"
		    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"%s%03zu\",\"bench\":"
		    "\"density\"}},\"spec\":{\"terminationGracePeriodSeconds\":1,\"containers\":"
		    "[{\"name\":\"web\",\"image\":\"k8c.local/busybox\",\"command\":[\"httpd\","
		    "\"-f\",\"-p\",\"8080\"],\"ports\":[{\"name\":\"http\",\"containerPort\":8080}],"
		    "\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"},\"limits\":"
		    "{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]}}}}",
		    o->prefix, i, o->prefix, i, o->replicas, o->prefix, i, o->prefix, i);
}

static bool create_next(void *ctx, struct load_req *req)
{
	struct creates *c = ctx;
	if (c->next >= c->o->deployments)
		return false;
	req->method = "POST";
	strbuf_addf(&req->path, "/apis/apps/v1/namespaces/%s/deployments", c->o->ns);
	deployment_manifest(c->o, c->next, &req->body);
	req->tag = c->next++;
	return true;
}

static bool create_done(void *ctx, const struct load_req *req, long status,
			const struct strbuf *resp)
{
	struct creates *c = ctx;
	if (status == 201)
		return true;
	if (!c->error_shown) {
		fprintf(stderr, "k8c-bench-density: create: HTTP %ld: %.300s\n", status,
			resp->buf ? resp->buf : "");
		c->error_shown = true;
	}
	return false;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The moments of one kind (which: offset in struct pod_moments) that happened, sorted. */
static size_t sorted_moments(const struct pod_moments *m, size_t n, size_t which, int64_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t t = *(const int64_t *)((const char *)&m[i] + which);
		if (t)
			out[k++] = t;
	}
	qsort(out, k, sizeof(*out), cmp_i64);
	return k;
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

/* "name":{"count":..,"first_s":..,"last_s":..,"per_second":..,"per_second_p10_p90":..} */
static void rate_json(struct strbuf *out, const char *name, const int64_t *t, size_t k,
		      int64_t t0)
{
	strbuf_addf(out, ",\"%s\":{\"count\":%zu", name, k);
	if (k >= 2) {
		size_t lo = k / 10, hi = k - 1 - k / 10;
		strbuf_addf(out, ",\"first_s\":%.3f,\"last_s\":%.3f,\"per_second\":%.1f,"
				 "\"per_second_p10_p90\":%.1f",
			    secs(t[0] - t0), secs(t[k - 1] - t0),
			    (double)(k - 1) / secs(t[k - 1] - t[0] + 1),
			    (double)(hi - lo) / secs(t[hi] - t[lo] + 1));
	}
	strbuf_addch(out, '}');
}

/* "name":{...} latency quantiles of to - from over the pods that have both. */
static void span_json(struct strbuf *out, const char *name, const struct pod_moments *m, size_t n,
		      size_t from, size_t to)
{
	struct lat_rec lat = { 0 };
	for (size_t i = 0; i < n; i++) {
		int64_t a = *(const int64_t *)((const char *)&m[i] + from);
		int64_t b = *(const int64_t *)((const char *)&m[i] + to);
		if (a && b)
			lat_rec_add(&lat, b - a);
	}
	strbuf_addf(out, ",\"%s\":", name);
	lat_rec_json(&lat, 0, out);
	lat_rec_release(&lat);
}

/* "timeline":[[t_s, seen, bound, running], ...] every 250 ms up to the last moment. */
static void timeline_json(struct strbuf *out, int64_t *sorted[3], const size_t k[3], int64_t t0)
{
	int64_t end = t0;
	for (int j = 0; j < 3; j++)
		if (k[j] && sorted[j][k[j] - 1] > end)
			end = sorted[j][k[j] - 1];
	size_t at[3] = { 0 };
	strbuf_addstr(out, ",\"timeline\":[");
	for (int64_t t = t0;; t += 250 * K8C_NSEC_PER_MSEC) {
		for (int j = 0; j < 3; j++)
			while (at[j] < k[j] && sorted[j][at[j]] <= t)
				at[j]++;
		strbuf_addf(out, "%s[%.2f,%zu,%zu,%zu]", t == t0 ? "" : ",", secs(t - t0), at[0],
			    at[1], at[2]);
		if (t >= end)
			break;
	}
	strbuf_addch(out, ']');
}

static void results_json(struct strbuf *out, const struct pod_moments *m, size_t n, int64_t t0)
{
	static const size_t which[3] = { offsetof(struct pod_moments, seen),
					 offsetof(struct pod_moments, bound),
					 offsetof(struct pod_moments, running) };
	static const char *const names[3] = { "created", "bound", "running" };
	int64_t *sorted[3];
	size_t k[3];
	for (int j = 0; j < 3; j++) {
		sorted[j] = xcalloc(n + 1, sizeof(int64_t));
		k[j] = sorted_moments(m, n, which[j], sorted[j]);
		rate_json(out, names[j], sorted[j], k[j], t0);
	}
	if (k[2])
		strbuf_addf(out, ",\"all_running_s\":%.3f", secs(sorted[2][k[2] - 1] - t0));
	span_json(out, "startup", m, n, which[0], which[2]);
	span_json(out, "create_to_bound", m, n, which[0], which[1]);
	span_json(out, "bound_to_running", m, n, which[1], which[2]);
	timeline_json(out, sorted, k, t0);
	for (int j = 0; j < 3; j++)
		free(sorted[j]);
}

static void usage(void)
{
	fprintf(stderr, "usage: k8c-bench-density --server URL [--namespace NS] [--deployments N] "
			"[--replicas N] [--clients N] [--timeout S] [--prefix P]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "deployments", required_argument, NULL, 'd' },
		{ "replicas", required_argument, NULL, 'r' },
		{ "clients", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "prefix", required_argument, NULL, 'x' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 'n': o->ns = optarg; break;
		case 'd': o->deployments = strtoul(optarg, NULL, 10); break;
		case 'r': o->replicas = strtoul(optarg, NULL, 10); break;
		case 'c': o->clients = strtoul(optarg, NULL, 10); break;
		case 't': o->timeout_s = atol(optarg); break;
		case 'x': o->prefix = optarg; break;
		default: usage();
		}
	}
	if (!o->server || !o->deployments || !o->clients || o->timeout_s <= 0 || optind != argc)
		usage();
}

int main(int argc, char **argv)
{
	struct opts o = { .ns = "default", .prefix = "density-", .deployments = 100,
			  .replicas = 100, .clients = 8, .timeout_s = 120 };
	parse(argc, argv, &o);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	size_t expect = o.deployments * o.replicas;
	struct pod_watch *w;
	int64_t deadline = time_mono_ns() + o.timeout_s * K8C_NSEC_PER_SEC;
	if (pod_watch_start(o.server, o.ns, expect, deadline, &w) < 0) {
		fprintf(stderr, "k8c-bench-density: cannot watch the pods of '%s'\n", o.ns);
		return 1;
	}
	struct creates c = { .o = &o };
	struct load_phase p = { .next = create_next, .done = create_done, .ctx = &c };
	struct lat_rec lat = { 0 };
	double create_s = 0;
	int64_t t0 = time_mono_ns();
	if (http_load_run(o.server, o.clients, &p, &lat, &create_s) < 0)
		lat.errors++;
	const char *why = NULL;
	size_t running = pod_watch_wait(w, &why);
	size_t n;
	const struct pod_moments *m = pod_watch_moments(w, &n);
	struct strbuf out = STRBUF_INIT;
	strbuf_addf(&out, "{\"deployments\":%zu,\"replicas\":%zu,\"pods\":%zu,\"seen\":%zu,"
			  "\"pods_running\":%zu,\"complete\":%s,\"deployment_creates\":",
		    o.deployments, o.replicas, expect, n, running, running >= expect ? "true" :
											"false");
	lat_rec_json(&lat, create_s, &out);
	if (why) {
		strbuf_addstr(&out, ",\"incomplete_because\":");
		strbuf_add_json_str(&out, why);
	}
	results_json(&out, m, n, t0);
	strbuf_addch(&out, '}');
	puts(out.buf);
	strbuf_release(&out);
	lat_rec_release(&lat);
	pod_watch_free(w);
	curl_global_cleanup();
	return 0;
}
