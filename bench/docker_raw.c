/*
 * docker_raw.c - k8c-bench-docker: the real-containers benchmark's limit.
 * It starts `pods` pods the way k8c's kubelet lays them out, straight
 * through the Docker Engine API with nothing in between: per pod, one
 * thread creates and starts a sandbox (the pause image, bridge network,
 * shareable IPC, as the kubelet's), then creates and starts the app
 * container inside its network and IPC namespaces. With --no-sandbox a pod
 * is the app container alone (on the bridge network). All pods go at once,
 * one keep-alive connection each; the clock runs from just before the first
 * request to the last start answered. Then every container made is removed
 * (timed too). Every container carries the label --label (default
 * io.k8c.bench=raw), so whatever a crash leaves is easy to find.
 *
 * Prints one JSON object: pods, containers, errors, seconds (to all
 * started), per-pod latency quantiles, remove_seconds.
 *
 * Usage: k8c-bench-docker [--socket /var/run/docker.sock] [--pods 20]
 *            [--image k8c.local/busybox] [--pause-image k8c.local/pause:latest]
 *            [--cmd '["httpd","-f","-p","8080"]'] [--label io.k8c.bench=raw]
 *            [--no-sandbox] [--prefix k8c-bench-raw-]
 */
#include "base/base.h"

#include <curl/curl.h>
#include <getopt.h>
#include <pthread.h>

#include "base/strbuf.h"
#include "base/timeutil.h"
#include "bench/latency.h"

struct opts {
	const char *socket, *image, *pause_image, *cmd, *label, *prefix;
	size_t pods;
	bool sandbox;
};

struct pod_run {
	const struct opts *o;
	size_t index;
	CURL *curl;
	char *ids[2];   /* sandbox (or NULL), app */
	int64_t t0, done_ns; /* of the start; the removal sets t0 again */
	int64_t took_ns;     /* to the pod's last start answered */
	char error[256];    /* the first failure starting the pod */
	char rm_error[256]; /* the first failure removing it */
};

static size_t collect(char *data, size_t size, size_t nmemb, void *ud)
{
	strbuf_add(ud, data, size * nmemb);
	return size * nmemb;
}

/* One Docker API call; returns the HTTP status (0 on a transport error), the body in out. */
static long call(struct pod_run *p, const char *method, const char *path, const char *body,
		 struct strbuf *out)
{
	struct strbuf url = STRBUF_INIT;
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	strbuf_addf(&url, "http://docker%s", path);
	curl_easy_setopt(p->curl, CURLOPT_URL, url.buf);
	curl_easy_setopt(p->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(p->curl, CURLOPT_POSTFIELDS, body ? body : "");
	curl_easy_setopt(p->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(p->curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(p->curl, CURLOPT_WRITEDATA, out);
	long status = 0;
	if (curl_easy_perform(p->curl) == CURLE_OK)
		curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	strbuf_release(&url);
	return status;
}

/* Keeps the first failure in buf (256 bytes). */
static void fail(char *buf, const char *what, long status, const struct strbuf *body)
{
	if (!buf[0])
		snprintf(buf, 256, "%s: HTTP %ld: %.180s", what, status, body->buf ? body->buf : "");
}

/* Creates and starts a container from config (JSON); returns its id or NULL. */
static char *create_start(struct pod_run *p, const char *name, const char *config)
{
	struct strbuf path = STRBUF_INIT, out = STRBUF_INIT;
	char *id = NULL;
	strbuf_addf(&path, "/containers/create?name=%s", name);
	long st = call(p, "POST", path.buf, config, &out);
	const char *at = out.buf ? strstr(out.buf, "\"Id\":\"") : NULL;
	if (st != 201 || !at) {
		fail(p->error, "create", st, &out);
		goto out;
	}
	id = xstrndup(at + 6, strcspn(at + 6, "\""));
	strbuf_reset(&path);
	strbuf_reset(&out);
	strbuf_addf(&path, "/containers/%s/start", id);
	st = call(p, "POST", path.buf, NULL, &out);
	if (st != 204)
		fail(p->error, "start", st, &out);
out:
	strbuf_release(&path);
	strbuf_release(&out);
	return id;
}

/* The JSON of Labels: {"k":"v"} from "k=v". */
static void add_label(struct strbuf *sb, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	strbuf_addstr(sb, "\"Labels\":{");
	strbuf_add_json_strn(sb, kv, klen);
	strbuf_addch(sb, ':');
	strbuf_add_json_str(sb, eq ? eq + 1 : "");
	strbuf_addch(sb, '}');
}

static void *pod_main(void *arg)
{
	struct pod_run *p = arg;
	const struct opts *o = p->o;
	struct strbuf name = STRBUF_INIT, cfg = STRBUF_INIT;
	if (o->sandbox) {
		strbuf_addf(&name, "%s%zu-pause", o->prefix, p->index);
		strbuf_addf(&cfg, "{\"Image\":\"%s\",\"Hostname\":\"raw-%zu\",", o->pause_image,
			    p->index);
		add_label(&cfg, o->label);
		strbuf_addstr(&cfg, ",\"HostConfig\":{\"NetworkMode\":\"bridge\",\"IpcMode\":"
				    "\"shareable\",\"CpuShares\":2}}");
		p->ids[0] = create_start(p, name.buf, cfg.buf);
	}
	if (!p->error[0]) {
		strbuf_reset(&name);
		strbuf_reset(&cfg);
		strbuf_addf(&name, "%s%zu-app", o->prefix, p->index);
		strbuf_addf(&cfg, "{\"Image\":\"%s\",\"Cmd\":%s,", o->image, o->cmd);
		add_label(&cfg, o->label);
		if (p->ids[0])
			strbuf_addf(&cfg, ",\"HostConfig\":{\"NetworkMode\":\"container:%s\","
					  "\"IpcMode\":\"container:%s\"}}", p->ids[0], p->ids[0]);
		else
			strbuf_addstr(&cfg, ",\"HostConfig\":{\"NetworkMode\":\"bridge\"}}");
		p->ids[1] = create_start(p, name.buf, cfg.buf);
	}
	p->done_ns = time_mono_ns();
	strbuf_release(&name);
	strbuf_release(&cfg);
	return NULL;
}

static void *remove_main(void *arg)
{
	struct pod_run *p = arg;
	for (int i = 1; i >= 0; i--) {
		if (!p->ids[i])
			continue;
		struct strbuf path = STRBUF_INIT, out = STRBUF_INIT;
		strbuf_addf(&path, "/containers/%s?force=1&v=1", p->ids[i]);
		long st = call(p, "DELETE", path.buf, NULL, &out);
		if (st != 204 && st != 404)
			fail(p->rm_error, "remove", st, &out);
		strbuf_release(&path);
		strbuf_release(&out);
	}
	return NULL;
}

/* Runs fn on every pod at once, a thread each; returns the seconds until all are done. */
static double run_all(struct pod_run *pods, size_t n, void *(*fn)(void *))
{
	pthread_t *t = xcalloc(n, sizeof(*t));
	bool *threaded = xcalloc(n, sizeof(*threaded));
	int64_t t0 = time_mono_ns();
	for (size_t i = 0; i < n; i++) {
		pods[i].t0 = t0;
		threaded[i] = pthread_create(&t[i], NULL, fn, &pods[i]) == 0;
		if (!threaded[i])
			fn(&pods[i]); /* no thread to be had: in this one, late but done */
	}
	for (size_t i = 0; i < n; i++)
		if (threaded[i])
			pthread_join(t[i], NULL);
	free(t);
	free(threaded);
	return (double)(time_mono_ns() - t0) / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: k8c-bench-docker [--socket PATH] [--pods N] [--image REF] "
			"[--pause-image REF] [--cmd JSON] [--label K=V] [--no-sandbox] "
			"[--prefix P]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "pods", required_argument, NULL, 'p' },
		{ "image", required_argument, NULL, 'i' },
		{ "pause-image", required_argument, NULL, 'P' },
		{ "cmd", required_argument, NULL, 'c' },
		{ "label", required_argument, NULL, 'l' },
		{ "no-sandbox", no_argument, NULL, 'n' },
		{ "prefix", required_argument, NULL, 'x' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'p': o->pods = strtoul(optarg, NULL, 10); break;
		case 'i': o->image = optarg; break;
		case 'P': o->pause_image = optarg; break;
		case 'c': o->cmd = optarg; break;
		case 'l': o->label = optarg; break;
		case 'n': o->sandbox = false; break;
		case 'x': o->prefix = optarg; break;
		default: usage();
		}
	}
	if (!o->pods || optind != argc)
		usage();
}

static void report(const struct opts *o, struct pod_run *pods, double secs, double rm_secs)
{
	struct lat_rec lat = { 0 };
	const char *err = NULL, *rm_err = NULL;
	for (size_t i = 0; i < o->pods; i++) {
		if (!pods[i].error[0])
			lat_rec_add(&lat, pods[i].took_ns);
		else if (lat.errors++ == 0)
			err = pods[i].error;
		if (pods[i].rm_error[0] && !rm_err)
			rm_err = pods[i].rm_error;
	}
	struct strbuf out = STRBUF_INIT;
	strbuf_addf(&out, "{\"pods\":%zu,\"sandboxes\":%s,\"containers\":%zu,\"seconds\":%.3f,"
			  "\"remove_seconds\":%.3f,\"errors\":%ld,\"per_pod\":",
		    o->pods, o->sandbox ? "true" : "false", o->pods * (o->sandbox ? 2 : 1), secs,
		    rm_secs, lat.errors);
	lat_rec_json(&lat, secs, &out);
	const char *names[2] = { "first_error", "first_remove_error" }, *errs[2] = { err, rm_err };
	for (int i = 0; i < 2; i++) {
		if (!errs[i])
			continue;
		strbuf_addf(&out, ",\"%s\":", names[i]);
		strbuf_add_json_str(&out, errs[i]);
	}
	strbuf_addch(&out, '}');
	puts(out.buf);
	strbuf_release(&out);
	lat_rec_release(&lat);
}

int main(int argc, char **argv)
{
	struct opts o = { .socket = "/var/run/docker.sock", .image = "k8c.local/busybox",
			  .pause_image = "k8c.local/pause:latest",
			  .cmd = "[\"httpd\",\"-f\",\"-p\",\"8080\"]", .label = "io.k8c.bench=raw",
			  .prefix = "k8c-bench-raw-", .pods = 20, .sandbox = true };
	parse(argc, argv, &o);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct pod_run *pods = xcalloc(o.pods, sizeof(*pods));
	for (size_t i = 0; i < o.pods; i++) {
		pods[i] = (struct pod_run){ .o = &o, .index = i, .curl = curl_easy_init() };
		curl_easy_setopt(pods[i].curl, CURLOPT_UNIX_SOCKET_PATH, o.socket);
		curl_easy_setopt(pods[i].curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(pods[i].curl, CURLOPT_TIMEOUT, 120L);
	}
	double secs = run_all(pods, o.pods, pod_main);
	for (size_t i = 0; i < o.pods; i++)
		pods[i].took_ns = pods[i].done_ns - pods[i].t0;
	double rm_secs = run_all(pods, o.pods, remove_main);
	report(&o, pods, secs, rm_secs);
	for (size_t i = 0; i < o.pods; i++) {
		curl_easy_cleanup(pods[i].curl);
		free(pods[i].ids[0]);
		free(pods[i].ids[1]);
	}
	free(pods);
	curl_global_cleanup();
	return 0;
}
