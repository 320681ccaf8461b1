/*
 * main.c - k8c-proxy: makes Services' cluster IPs and node ports reach their
 * ready endpoints on this host with iptables NAT rules, as kube-proxy's
 * iptables mode does. The shared component flags (client/component.h; leader
 * election does not apply: every node runs its own proxy) plus kube-proxy's
 * --iptables-sync-period, --iptables-min-sync-period and --cleanup, and
 * --chain-prefix so that several clusters can share one host. Stops on
 * SIGTERM/SIGINT, leaving its rules in place like kube-proxy; --cleanup
 * removes them.
 */
#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include "base/log.h"
#include "client/component.h"
#include "proxy/iptables.h"
#include "proxy/proxier.h"
#include "proxy/rules.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: k8c-proxy [options]\n");
	k8c_component_usage(out);
	fprintf(out,
		"  --chain-prefix P                   name of the proxy's iptables chains "
		"(default K8C; at most %d of [A-Z0-9])\n"
		"  --iptables-sync-period D           rewrite the rules at least this often "
		"(default 30s)\n"
		"  --iptables-min-sync-period D       the shortest time between two rewrites "
		"(default 250ms)\n"
		"  --hairpin-bridge NAME              give this bridge's ports hairpin mode, so a "
		"pod reaches itself\n"
		"                                     through its service (default docker0; \"\" = "
		"off)\n"
		"  --cleanup                          remove the prefix's rules and exit\n",
		RULES_PREFIX_MAX);
}

/* "250ms", "1s", "1.5s", "2m" or a bare number of seconds. Returns 0 or -EINVAL. */
static int parse_period_ms(const char *s, int64_t *ret)
{
	char *end;
	double v = strtod(s, &end);
	double scale = !*end || !strcmp(end, "s") ? 1000 : !strcmp(end, "ms") ? 1 :
				!strcmp(end, "m") ? 60000 : -1;
	if (end == s || scale < 0 || v < 0 || v * scale > 86400e3)
		return -EINVAL;
	*ret = (int64_t)(v * scale);
	return 0;
}

static bool valid_prefix(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > RULES_PREFIX_MAX)
		return false;
	for (; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static int parse_own(int argc, char **argv, struct proxier_config *cfg, bool *cleanup)
{
	static const struct option longopts[] = {
		{ "chain-prefix", required_argument, NULL, 'p' },
		{ "iptables-sync-period", required_argument, NULL, 's' },
		{ "iptables-min-sync-period", required_argument, NULL, 'm' },
		{ "hairpin-bridge", required_argument, NULL, 'b' },
		{ "cleanup", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': cfg->prefix = optarg; break;
		case 's':
			if (parse_period_ms(optarg, &cfg->sync_ms) < 0 || cfg->sync_ms < 1)
				return -1;
			break;
		case 'm':
			if (parse_period_ms(optarg, &cfg->min_sync_ms) < 0)
				return -1;
			break;
		case 'b': cfg->hairpin_bridge = optarg; break;
		case 'c': *cleanup = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind != argc || !valid_prefix(cfg->prefix))
		return -1;
	return 0;
}

static int run_cleanup(const char *prefix)
{
	struct strbuf err = STRBUF_INIT;
	int rc = iptables_cleanup(prefix, &err);
	if (rc < 0)
		fprintf(stderr, "k8c-proxy: %s\n", err.buf ? err.buf : "cleanup failed");
	strbuf_release(&err);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct k8c_component_options opts;
	struct strbuf err = STRBUF_INIT;
	struct proxier_config cfg = { .prefix = "K8C", .min_sync_ms = 250, .sync_ms = 30000,
				      .hairpin_bridge = "docker0" };
	bool cleanup = false;
	k8c_component_options_init(&opts, "kube-proxy", 5, 10);
	if (k8c_component_parse(&opts, &argc, argv, &err) < 0 ||
	    parse_own(argc, argv, &cfg, &cleanup) < 0) {
		if (err.len)
			fprintf(stderr, "k8c-proxy: %s\n", err.buf);
		usage(stderr);
		return 2;
	}
	if (cleanup)
		return run_cleanup(cfg.prefix);
	struct k8c_client *client = NULL;
	if (k8c_component_client(&opts, NULL, &client, &err) < 0) {
		fprintf(stderr, "k8c-proxy: %s\n", err.buf);
		strbuf_release(&err);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	log_info("programming iptables chains %s-* (sync every %lld ms, at most every %lld ms)",
		 cfg.prefix, (long long)cfg.sync_ms, (long long)cfg.min_sync_ms);
	struct proxier *p = proxier_new(client, &cfg);
	int rc = proxier_run(p, &stop_requested);
	if (rc < 0)
		log_error("failed to start: %s", strerror(-rc));
	proxier_free(p);
	k8c_client_free(client);
	strbuf_release(&err);
	return rc < 0 ? 1 : 0;
}
