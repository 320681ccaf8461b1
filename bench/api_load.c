/*
 * api_load.c - k8c-bench-api: the API benchmark's load generator. Against
 * one API server, `clients` concurrent keep-alive clients run these phases
 * one after the other:
 *   create  POST `pods` pods (pod_manifest.h, ~2.5 KiB each)
 *   get     GET one of them, chosen at random, `gets` times
 *   list    LIST the namespace's pods with limit=500 (a client-go page), `lists` times
 *   update  PUT every pod back with its resourceVersion and a changed annotation
 * and prints one JSON object: the settings and, per phase, count, errors,
 * rate and p50/p99/p999/max latency, plus the generator's own CPU time.
 *
 * Usage: k8c-bench-api --server URL [--clients 64] [--pods 10000] [--gets N]
 *                      [--lists N] [--namespace default] [--prefix bench-]
 *                      [--phases create,get,list,update] [--server-pid PID]
 * With --server-pid each phase also reports the server process's CPU time.
 */
#include "base/base.h"

#include <getopt.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/random.h"
#include "bench/http_load.h"
#include "bench/pod_manifest.h"

struct opts {
	const char *server, *ns, *prefix, *phases;
	size_t clients, pods, gets, lists;
	long server_pid; /* > 0: also report that process's CPU time per phase */
};

/* The state of the run, shared by every phase's callbacks. */
struct run {
	const struct opts *o;
	char **rv;    /* per pod: its resourceVersion once created, else NULL */
	size_t next;  /* next index (create, update) or requests started (get, list) */
	size_t limit; /* how many requests this phase sends */
	const char *first_error_phase;
	bool error_shown;
};

static void pod_name(const struct run *r, size_t i, struct strbuf *out)
{
	strbuf_addf(out, "%s%06zu", r->o->prefix, i);
}

static void pods_path(const struct run *r, struct strbuf *out)
{
	strbuf_addf(out, "/api/v1/namespaces/%s/pods", r->o->ns);
}

/* Prints the first failed answer (one line) so a broken run says why. */
static bool judge(struct run *r, long status, long want, const struct strbuf *resp)
{
	if (status == want)
		return true;
	if (!r->error_shown) {
		fprintf(stderr, "k8c-bench-api: %s: HTTP %ld: %.300s\n", r->first_error_phase,
			status, resp->buf ? resp->buf : "");
		r->error_shown = true;
	}
	return false;
}

/* The value of "resourceVersion" in an object's JSON, or NULL. */
static char *find_rv(const struct strbuf *json)
{
	const char *p = json->buf ? strstr(json->buf, "\"resourceVersion\":\"") : NULL;

	if (!p)
		return NULL;
	p += strlen("\"resourceVersion\":\"");
	return xstrndup(p, strcspn(p, "\""));
}

static bool create_next(void *ctx, struct load_req *req)
{
	struct run *r = ctx;
	struct strbuf name = STRBUF_INIT;

	if (r->next >= r->limit)
		return false;
	req->tag = r->next++;
	req->method = "POST";
	pods_path(r, &req->path);
	pod_name(r, req->tag, &name);
	pod_manifest(&req->body, r->o->ns, name.buf, NULL, 0);
	strbuf_release(&name);
	return true;
}

static bool create_done(void *ctx, const struct load_req *req, long status,
			const struct strbuf *resp)
{
	struct run *r = ctx;

	if (!judge(r, status, 201, resp))
		return false;
	free(r->rv[req->tag]);
	r->rv[req->tag] = find_rv(resp);
	return true;
}

/* Starts a GET of the pods collection (the caller appends a name or a query). */
static bool read_next(struct run *r, struct load_req *req)
{
	if (r->next >= r->limit)
		return false;
	r->next++;
	req->method = "GET";
	pods_path(r, &req->path);
	return true;
}

static bool get_next(void *ctx, struct load_req *req)
{
	struct run *r = ctx;

	if (!read_next(r, req))
		return false;
	strbuf_addch(&req->path, '/');
	pod_name(r, (size_t)random_below(r->o->pods), &req->path);
	return true;
}

static bool list_next(void *ctx, struct load_req *req)
{
	if (!read_next(ctx, req))
		return false;
	strbuf_addstr(&req->path, "?limit=500");
	return true;
}

static bool ok_200(void *ctx, const struct load_req *req, long status, const struct strbuf *resp)
{
	return judge(ctx, status, 200, resp);
}

static bool update_next(void *ctx, struct load_req *req)
{
	struct run *r = ctx;
	struct strbuf name = STRBUF_INIT;

	while (r->next < r->limit && !r->rv[r->next])
		r->next++; /* never created: nothing to update */
	if (r->next >= r->limit)
		return false;
	req->tag = r->next++;
	req->method = "PUT";
	pods_path(r, &req->path);
	strbuf_addch(&req->path, '/');
	pod_name(r, req->tag, &name);
	strbuf_add(&req->path, name.buf, name.len);
	pod_manifest(&req->body, r->o->ns, name.buf, r->rv[req->tag], 1);
	strbuf_release(&name);
	return true;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* User + system CPU seconds of process pid (from /proc), 0 if unknown. */
static double process_cpu_seconds(long pid)
{
	char path[64], buf[1024];
	unsigned long utime = 0, stime = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (pid <= 0 || !(f = fopen(path, "r")))
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
			 &stime) != 2)
		return 0;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* Runs one phase and appends "name":{...} to out. */
static void run_phase(struct run *r, const char *name, const struct load_phase *p, size_t limit,
		      struct strbuf *out)
{
	struct lat_rec lat = { 0 };
	double secs = 0, cpu0 = cpu_seconds(), server0 = process_cpu_seconds(r->o->server_pid);

	r->next = 0;
	r->limit = limit;
	r->first_error_phase = name;
	r->error_shown = false;
	if (http_load_run(r->o->server, r->o->clients, p, &lat, &secs) < 0)
		lat.errors++;
	strbuf_addf(out, "%s\"%s\":", out->buf[out->len - 1] == '{' ? "" : ",", name);
	lat_rec_json(&lat, secs, out);
	strbuf_setlen(out, out->len - 1);
	strbuf_addf(out, ",\"client_cpu_seconds\":%.3f,\"server_cpu_seconds\":%.3f}",
		    cpu_seconds() - cpu0, process_cpu_seconds(r->o->server_pid) - server0);
	lat_rec_release(&lat);
}

static bool wants(const struct opts *o, const char *phase)
{
	size_t n = strlen(phase);

	for (const char *p = o->phases; (p = strstr(p, phase)); p += n)
		if ((p == o->phases || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static void usage(void)
{
	fprintf(stderr, "usage: k8c-bench-api --server URL [--clients N] [--pods N] [--gets N] "
			"[--lists N] [--namespace NS] [--prefix P] [--phases create,get,list,update]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "clients", required_argument, NULL, 'c' },
		{ "pods", required_argument, NULL, 'p' },
		{ "gets", required_argument, NULL, 'g' },
		{ "lists", required_argument, NULL, 'l' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "prefix", required_argument, NULL, 'x' },
		{ "phases", required_argument, NULL, 'P' },
		{ "server-pid", required_argument, NULL, 'S' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 'c': o->clients = strtoul(optarg, NULL, 10); break;
		case 'p': o->pods = strtoul(optarg, NULL, 10); break;
		case 'g': o->gets = strtoul(optarg, NULL, 10); break;
		case 'l': o->lists = strtoul(optarg, NULL, 10); break;
		case 'n': o->ns = optarg; break;
		case 'x': o->prefix = optarg; break;
		case 'P': o->phases = optarg; break;
		case 'S': o->server_pid = atol(optarg); break;
		default: usage();
		}
	}
	if (!o->server || !o->clients || !o->pods || optind != argc)
		usage();
}

int main(int argc, char **argv)
{
	struct opts o = { .ns = "default", .prefix = "bench-", .phases = "create,get,list,update",
			  .clients = 64, .pods = 10000, .lists = 200 };
	struct strbuf out = STRBUF_INIT, probe = STRBUF_INIT;

	parse(argc, argv, &o);
	if (!o.gets)
		o.gets = o.pods * 5;
	struct run r = { .o = &o, .rv = xcalloc(o.pods, sizeof(char *)) };
	const struct load_phase create = { create_next, create_done, &r };
	const struct load_phase get = { get_next, ok_200, &r };
	const struct load_phase list = { list_next, ok_200, &r };
	const struct load_phase update = { update_next, ok_200, &r };

	pod_manifest(&probe, o.ns, "bench-000000", NULL, 0);
	strbuf_addf(&out, "{\"clients\":%zu,\"pods\":%zu,\"manifest_bytes\":%zu,\"phases\":{",
		    o.clients, o.pods, probe.len);
	if (wants(&o, "create"))
		run_phase(&r, "create", &create, o.pods, &out);
	if (wants(&o, "get"))
		run_phase(&r, "get", &get, o.gets, &out);
	if (wants(&o, "list"))
		run_phase(&r, "list", &list, o.lists, &out);
	if (wants(&o, "update"))
		run_phase(&r, "update", &update, o.pods, &out);
	strbuf_addstr(&out, "}}");
	puts(out.buf);
	for (size_t i = 0; i < o.pods; i++)
		free(r.rv[i]);
	free(r.rv);
	strbuf_release(&out);
	strbuf_release(&probe);
	return 0;
}
