/*
 * main.c - k8c-apiserver: flags, start, periodic compaction, clean shutdown
 * on SIGTERM/SIGINT.
 */
#include <getopt.h>
#include <signal.h>
#include <sys/resource.h>

#include "apiserver/server.h"
#include "base/log.h"
#include "base/timeutil.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: k8c-apiserver [options]\n"
		"  --bind-address ADDR        address to listen on (default 127.0.0.1)\n"
		"  --port PORT                port to listen on (default 6443; 0 = any)\n"
		"  --data-dir DIR             where the embedded SQLite store lives (default ./k8c-data)\n"
		"  --etcd-servers URLS        store in etcd instead (comma-separated http://host:port)\n"
		"  --etcd-request-timeout SEC deadline of one etcd call, fail-over included (default 5)\n"
		"  --watch-cache-size N       recent events kept per kind (default 10000)\n"
		"  --compaction-interval SEC  compact the store this often (default 300; 0 = never)\n"
		"  --compaction-keep N        revisions kept by compaction (default 10000)\n"
		"  --port-file FILE           write the port listened on to FILE once serving\n"
		"  --default-not-ready-toleration-seconds N\n"
		"  --default-unreachable-toleration-seconds N\n"
		"                             tolerationSeconds of the not-ready / unreachable\n"
		"                             NoExecute tolerations new pods get (default 300)\n");
}

struct options {
	struct apiserver_config cfg;
	const char *port_file;
};

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "bind-address", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "secure-port", required_argument, NULL, 'p' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "etcd-servers", required_argument, NULL, 'e' },
		{ "etcd-request-timeout", required_argument, NULL, 't' },
		{ "watch-cache-size", required_argument, NULL, 'w' },
		{ "compaction-interval", required_argument, NULL, 'c' },
		{ "compaction-keep", required_argument, NULL, 'k' },
		{ "port-file", required_argument, NULL, 'f' },
		{ "default-not-ready-toleration-seconds", required_argument, NULL, 'N' },
		{ "default-unreachable-toleration-seconds", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o->cfg.bind_address = optarg; break;
		case 'p': o->cfg.port = atoi(optarg); break;
		case 'd': o->cfg.data_dir = optarg; break;
		case 'e': o->cfg.etcd_servers = optarg; break;
		case 't': o->cfg.etcd_timeout_ms = (int64_t)(atof(optarg) * 1000); break;
		case 'w': o->cfg.watch_cache_size = strtoull(optarg, NULL, 10); break;
		case 'c': o->cfg.compaction_interval_ms = atoll(optarg) * 1000; break;
		case 'k': o->cfg.compaction_keep = atoll(optarg); break;
		case 'f': o->port_file = optarg; break;
		case 'N': o->cfg.default_not_ready_toleration_seconds = atoll(optarg); break;
		case 'U': o->cfg.default_unreachable_toleration_seconds = atoll(optarg); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void write_port_file(const char *path, int port)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		log_warn("cannot write port file '%s': %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%d\n", port);
	fclose(f);
}

/* Compacts the store to keep the last `keep` revisions. */
static void compact(struct apiserver *s, int64_t keep)
{
	int64_t rev, done;
	if (storage_current_rev(s->storage, &rev) < 0 || rev - keep <= 1)
		return;
	if (storage_compacted_rev(s->storage, &done) == 0 && done >= rev - keep)
		return;
	if (storage_compact(s->storage, rev - keep) == 0)
		watch_cache_compacted(s->cache, rev - keep);
}

int main(int argc, char **argv)
{
	struct options o = { .cfg = { .bind_address = "127.0.0.1", .port = 6443,
				      .data_dir = "k8c-data", .watch_cache_size = 10000,
				      .compaction_interval_ms = 300000, .compaction_keep = 10000,
				      .default_not_ready_toleration_seconds = 300,
				      .default_unreachable_toleration_seconds = 300 } };
	if (parse(argc, argv, &o) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	raise_fd_limit();
	int64_t t0 = time_mono_ns();
	struct apiserver *s;
	if (apiserver_start(&o.cfg, &s) < 0)
		return 1;
	int port = http_server_port(s->http);
	log_info("k8c-apiserver serving on %s:%d (%s store) after %.1f ms", o.cfg.bind_address,
		 port, o.cfg.etcd_servers ? "etcd" : "sqlite",
		 (double)(time_mono_ns() - t0) / 1e6);
	if (o.port_file)
		write_port_file(o.port_file, port);
	int64_t next_compaction = time_mono_ns() + o.cfg.compaction_interval_ms * K8C_NSEC_PER_MSEC;
	while (!stop_requested) {
		time_sleep_ms(100);
		if (o.cfg.compaction_interval_ms > 0 && time_mono_ns() >= next_compaction) {
			compact(s, o.cfg.compaction_keep);
			next_compaction = time_mono_ns() +
					  o.cfg.compaction_interval_ms * K8C_NSEC_PER_MSEC;
		}
	}
	log_info("k8c-apiserver shutting down");
	apiserver_stop(s);
	return 0;
}
