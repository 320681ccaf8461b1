/*
 * config.c - the kubelet's flags and their defaults; see config.h.
 */
#include "kubelet/config.h"

#include <ctype.h>
#include <getopt.h>

#include "kubelet/docker/client.h"

void kubelet_config_defaults(struct kubelet_config *cfg)
{
	*cfg = (struct kubelet_config){
		.docker_socket = DOCKER_DEFAULT_SOCKET,
		.root_dir = "/var/lib/k8c-kubelet",
		.bind_address = "0.0.0.0",
		.port = KUBELET_DEFAULT_PORT,
		.max_pods = 110,
		.image_pull = true,
		.pause_image = KUBELET_PAUSE_IMAGE,
		.lease_renew_ms = 10000,
		.lease_duration_s = 40,
		.node_status_update_ms = 10000,
		.node_status_report_ms = 5 * 60 * 1000,
		.sync_ms = 10000,
		.relist_ms = 1000,
		.backoff_base_ms = 10000,
		.backoff_max_ms = 5 * 60 * 1000,
		.node_name_prefix = "hollow-",
		.hollow_workers = 32,
	};
	k8c_component_options_init(&cfg->comp, "kubelet", 0, 100);
	cfg->comp.leader_elect = false; /* every node runs its own kubelet */
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: k8c-kubelet [options]\n"
		"  --node-name NAME              this node's name (default: the host name)\n"
		"  --node-ip ADDR                its InternalIP (default: the default route's)\n"
		"  --docker-socket PATH          the Docker Engine API (default %s)\n"
		"  --root-dir DIR                pod volumes (default /var/lib/k8c-kubelet)\n"
		"  --address ADDR                log server address (default 0.0.0.0)\n"
		"  --port PORT                   log server port (default %d; 0: any)\n"
		"  --port-file FILE              write the port listened on to FILE\n"
		"  --max-pods N                  pods capacity (default 110)\n"
		"  --image-pull policy|never     never: pulls disabled, missing images fail\n"
		"  --pause-image REF             the sandbox image (default %s)\n"
		"  --pause-binary PATH           imported as the sandbox image when missing\n"
		"  --lease-renew-interval D      (default 10s)\n"
		"  --node-lease-duration D       (default 40s)\n"
		"  --node-status-update-frequency D (default 10s)\n"
		"  --node-status-report-frequency D (default 5m)\n"
		"  --sync-frequency D            resync every pod this often (default 10s)\n"
		"  --relist-period D             notice container exits this fast (default 1s)\n"
		"  --restart-backoff D           first restart/image back-off delay (default 10s)\n"
		"  --restart-backoff-max D       its cap (default 5m)\n"
		"  --hollow-nodes N              simulate N nodes (no containers run)\n"
		"  --node-name-prefix P          their names: P0, P1... (default hollow-)\n"
		"  --hollow-workers N            threads writing hollow pod statuses (default 32)\n",
		DOCKER_DEFAULT_SOCKET, KUBELET_DEFAULT_PORT, KUBELET_PAUSE_IMAGE);
	k8c_component_usage(out);
}

enum {
	OPT_NODE_NAME = 256,
	OPT_NODE_IP,
	OPT_DOCKER,
	OPT_ROOT,
	OPT_ADDRESS,
	OPT_PORT,
	OPT_PORT_FILE,
	OPT_MAX_PODS,
	OPT_IMAGE_PULL,
	OPT_PAUSE_IMAGE,
	OPT_PAUSE_BINARY,
	OPT_LEASE_RENEW,
	OPT_LEASE_DURATION,
	OPT_STATUS_UPDATE,
	OPT_STATUS_REPORT,
	OPT_SYNC,
	OPT_RELIST,
	OPT_BACKOFF,
	OPT_BACKOFF_MAX,
	OPT_HOLLOW,
	OPT_PREFIX,
	OPT_HOLLOW_WORKERS,
};

static const struct option longopts[] = {
	{ "node-name", required_argument, NULL, OPT_NODE_NAME },
	{ "hostname-override", required_argument, NULL, OPT_NODE_NAME },
	{ "node-ip", required_argument, NULL, OPT_NODE_IP },
	{ "docker-socket", required_argument, NULL, OPT_DOCKER },
	{ "root-dir", required_argument, NULL, OPT_ROOT },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "max-pods", required_argument, NULL, OPT_MAX_PODS },
	{ "image-pull", required_argument, NULL, OPT_IMAGE_PULL },
	{ "pause-image", required_argument, NULL, OPT_PAUSE_IMAGE },
	{ "pause-binary", required_argument, NULL, OPT_PAUSE_BINARY },
	{ "lease-renew-interval", required_argument, NULL, OPT_LEASE_RENEW },
	{ "node-lease-duration", required_argument, NULL, OPT_LEASE_DURATION },
	{ "node-status-update-frequency", required_argument, NULL, OPT_STATUS_UPDATE },
	{ "node-status-report-frequency", required_argument, NULL, OPT_STATUS_REPORT },
	{ "sync-frequency", required_argument, NULL, OPT_SYNC },
	{ "relist-period", required_argument, NULL, OPT_RELIST },
	{ "restart-backoff", required_argument, NULL, OPT_BACKOFF },
	{ "restart-backoff-max", required_argument, NULL, OPT_BACKOFF_MAX },
	{ "hollow-nodes", required_argument, NULL, OPT_HOLLOW },
	{ "node-name-prefix", required_argument, NULL, OPT_PREFIX },
	{ "hollow-workers", required_argument, NULL, OPT_HOLLOW_WORKERS },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int bad(const char *flag, const char *value)
{
	fprintf(stderr, "k8c-kubelet: invalid value '%s' for --%s\n", value, flag);
	return -EINVAL;
}

static int parse_int(const char *s, long lo, long hi, long *ret)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* The flag a long option value stands for, for messages. */
static const char *flag_name(int opt)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

static int set_duration(int opt, const char *v, int64_t *ms)
{
	return k8c_component_parse_duration(v, ms) < 0 ? bad(flag_name(opt), v) : 0;
}

static int set_int(int opt, const char *v, long lo, long hi, int *out)
{
	long n;
	if (parse_int(v, lo, hi, &n) < 0)
		return bad(flag_name(opt), v);
	*out = (int)n;
	return 0;
}

/* The options that take a number or a duration. */
static int set_numeric(struct kubelet_config *cfg, int opt, const char *v)
{
	int64_t lease_ms;
	switch (opt) {
	case OPT_PORT: return set_int(opt, v, 0, 65535, &cfg->port);
	case OPT_MAX_PODS: return set_int(opt, v, 1, 100000, &cfg->max_pods);
	case OPT_HOLLOW: return set_int(opt, v, 1, 100000, &cfg->hollow_nodes);
	case OPT_HOLLOW_WORKERS: return set_int(opt, v, 1, 256, &cfg->hollow_workers);
	case OPT_LEASE_RENEW: return set_duration(opt, v, &cfg->lease_renew_ms);
	case OPT_STATUS_UPDATE: return set_duration(opt, v, &cfg->node_status_update_ms);
	case OPT_STATUS_REPORT: return set_duration(opt, v, &cfg->node_status_report_ms);
	case OPT_SYNC: return set_duration(opt, v, &cfg->sync_ms);
	case OPT_RELIST: return set_duration(opt, v, &cfg->relist_ms);
	case OPT_BACKOFF: return set_duration(opt, v, &cfg->backoff_base_ms);
	case OPT_BACKOFF_MAX: return set_duration(opt, v, &cfg->backoff_max_ms);
	case OPT_LEASE_DURATION:
		if (set_duration(opt, v, &lease_ms) < 0 || lease_ms < 1000)
			return bad(flag_name(opt), v);
		cfg->lease_duration_s = (int32_t)(lease_ms / 1000);
		return 0;
	}
	return bad(flag_name(opt), v);
}

static int set_option(struct kubelet_config *cfg, int opt, const char *v)
{
	switch (opt) {
	case OPT_NODE_NAME: cfg->node_name = v; return 0;
	case OPT_NODE_IP: cfg->node_ip = v; return 0;
	case OPT_DOCKER: cfg->docker_socket = v; return 0;
	case OPT_ROOT: cfg->root_dir = v; return 0;
	case OPT_ADDRESS: cfg->bind_address = v; return 0;
	case OPT_PORT_FILE: cfg->port_file = v; return 0;
	case OPT_PAUSE_IMAGE: cfg->pause_image = v; return 0;
	case OPT_PAUSE_BINARY: cfg->pause_binary = v; return 0;
	case OPT_PREFIX: cfg->node_name_prefix = v; return 0;
	case OPT_IMAGE_PULL:
		if (strcmp(v, "never") && strcmp(v, "policy"))
			return bad(flag_name(opt), v);
		cfg->image_pull = strcmp(v, "never") != 0;
		return 0;
	}
	return set_numeric(cfg, opt, v);
}

/* A lowercased copy of the host name (static storage), as the kubelet's default node name. */
static const char *default_node_name(void)
{
	static char name[256];
	if (gethostname(name, sizeof(name) - 1) < 0 || !name[0])
		return "localhost";
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return name;
}

int kubelet_config_parse(struct kubelet_config *cfg, int argc, char **argv)
{
	kubelet_config_defaults(cfg);
	struct strbuf err = STRBUF_INIT;
	if (k8c_component_parse(&cfg->comp, &argc, argv, &err) < 0) {
		fprintf(stderr, "k8c-kubelet: %s\n", err.buf);
		strbuf_release(&err);
		return -EINVAL;
	}
	strbuf_release(&err);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == '?' || c == ':') {
			usage(stderr);
			return -EINVAL;
		}
		if (set_option(cfg, c, optarg) < 0)
			return -EINVAL;
	}
	if (optind != argc) {
		fprintf(stderr, "k8c-kubelet: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (cfg->backoff_max_ms < cfg->backoff_base_ms)
		cfg->backoff_max_ms = cfg->backoff_base_ms;
	if (!cfg->node_name)
		cfg->node_name = default_node_name();
	if (!cfg->comp.qps) /* not given: Kubernetes' kubelet's, or none for hollow nodes */
		cfg->comp.qps = cfg->hollow_nodes ? -1 : 50;
	return 0;
}
