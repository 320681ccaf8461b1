/*
 * component.c - the shared daemon flags of component.h: a table of flags, a pflag-like
 * scanner that removes them from argv, and the client / leader-election set-up.
 */
#include "client/component.h"

#include <ctype.h>
#include <malloc.h>
#include <stddef.h>
#include <unistd.h>

#include "base/log.h"
#include "base/random.h"

#ifndef K8C_VERSION
#define K8C_VERSION "0"
#endif

enum flag_kind { FLAG_STR, FLAG_DOUBLE, FLAG_INT, FLAG_BOOL, FLAG_DURATION };

struct flag {
	const char *name;
	const char *alias;
	enum flag_kind kind;
	size_t offset; /* of the member of struct k8c_component_options */
	const char *help;
};

#define OPT(m) offsetof(struct k8c_component_options, m)
static const struct flag flags[] = {
	{ "kubeconfig", NULL, FLAG_STR, OPT(kubeconfig), "FILE  kubeconfig file to use" },
	{ "server", "master", FLAG_STR, OPT(server), "URL  the API server (overrides the kubeconfig)" },
	{ "kube-api-qps", NULL, FLAG_DOUBLE, OPT(qps), "N  requests a second to the API server" },
	{ "kube-api-burst", NULL, FLAG_INT, OPT(burst), "N  burst of requests to the API server" },
	{ "leader-elect", NULL, FLAG_BOOL, OPT(leader_elect),
	  "[=BOOL]  run only while leading a Lease (default true)" },
	{ "leader-elect-lease-duration", NULL, FLAG_DURATION, OPT(lease_duration_ms),
	  "D  how long others wait before taking an unrenewed lease (default 15s)" },
	{ "leader-elect-renew-deadline", NULL, FLAG_DURATION, OPT(renew_deadline_ms),
	  "D  how long the leader retries renewing before it steps down (default 10s)" },
	{ "leader-elect-retry-period", NULL, FLAG_DURATION, OPT(retry_period_ms),
	  "D  how often candidates try to acquire or renew (default 2s)" },
	{ "leader-elect-resource-namespace", NULL, FLAG_STR, OPT(lease_namespace),
	  "NS  namespace of the Lease (default kube-system)" },
	{ "leader-elect-resource-name", NULL, FLAG_STR, OPT(lease_name),
	  "NAME  name of the Lease (default: the component's name)" },
	{ "v", NULL, FLAG_INT, OPT(verbosity), "N  log verbosity (4 and more: debug lines)" },
};

void k8c_component_options_init(struct k8c_component_options *o, const char *name, double qps,
				int burst)
{
	*o = (struct k8c_component_options){
		.name = name,
		.qps = qps,
		.burst = burst,
		.leader_elect = true,
		.lease_duration_ms = 15000,
		.renew_deadline_ms = 10000,
		.retry_period_ms = 2000,
		.lease_namespace = "kube-system",
		.lease_name = name,
	};
}

void k8c_component_usage(FILE *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		const char *sp = strchr(flags[i].help, ' ');
		int arg_len = (int)(sp - flags[i].help);
		fprintf(out, "  %s%s %.*s%*s%s\n", strlen(flags[i].name) > 1 ? "--" : "-v, --",
			flags[i].name, arg_len, flags[i].help,
			(int)(34 - strlen(flags[i].name) - arg_len), "", sp + 2);
	}
}

int k8c_component_parse_duration(const char *s, int64_t *ret)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "ns", 1 },     { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
		      { "s", 1e9 },    { "m", 60e9 }, { "h", 3600e9 } };
	if (!strcmp(s, "0")) {
		*ret = 0;
		return 0;
	}
	double total = 0;
	for (const char *p = s; *p;) {
		double v = 0, scale = 1;
		bool digits = false;
		for (; isdigit((unsigned char)*p); p++, digits = true)
			v = v * 10 + (*p - '0');
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++, digits = true)
				v += (*p - '0') * (scale /= 10);
		size_t i = 0;
		while (i < ARRAY_SIZE(units) && !str_has_prefix(p, units[i].unit))
			i++;
		if (!digits || i == ARRAY_SIZE(units))
			return -EINVAL;
		total += v * units[i].ns;
		p += strlen(units[i].unit);
	}
	if (!*s || total > 9e18)
		return -EINVAL;
	*ret = (int64_t)(total / 1e6);
	return 0;
}

/* strconv.ParseBool. */
static int parse_bool(const char *s, bool *ret)
{
	static const char *yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*ret = !strcmp(s, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

/* Stores value into the member of o that f names. */
static int flag_set(struct k8c_component_options *o, const struct flag *f, const char *value)
{
	void *p = (char *)o + f->offset;
	char *end = NULL;
	errno = 0;
	switch (f->kind) {
	case FLAG_STR:
		*(const char **)p = value;
		return 0;
	case FLAG_DOUBLE:
		*(double *)p = strtod(value, &end);
		break;
	case FLAG_INT: {
		long v = strtol(value, &end, 10);
		if (v < (f->offset == OPT(verbosity) ? 0 : INT32_MIN) || v > INT32_MAX)
			return -EINVAL;
		*(int *)p = (int)v;
		break;
	}
	case FLAG_BOOL:
		return parse_bool(value, p);
	case FLAG_DURATION:
		return k8c_component_parse_duration(value, p);
	}
	return errno || end == value || *end ? -EINVAL : 0;
}

static const struct flag *flag_find(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		const char *n = flags[i].name, *a = flags[i].alias;
		if ((strlen(n) == len && !strncmp(n, name, len)) ||
		    (a && strlen(a) == len && !strncmp(a, name, len)))
			return &flags[i];
	}
	return NULL;
}

/*
 * Recognizes argv[*i] as one of our flags: sets it (consuming a separate value too) and
 * returns 1; returns 0 when it is not ours, or -EINVAL with err filled.
 */
static int take_flag(struct k8c_component_options *o, int argc, char **argv, int *i,
		     struct strbuf *err)
{
	const char *arg = argv[*i], *name, *value = NULL;
	if (str_has_prefix(arg, "--"))
		name = arg + 2;
	else if (str_has_prefix(arg, "-v"))
		name = arg + 1; /* the shorthand: -v N, -v=N, -vN */
	else
		return 0;
	size_t len = strcspn(name, "=");
	if (name[len])
		value = name + len + 1;
	else if (arg[1] != '-' && name[1])
		len = 1, value = name + 1;
	const struct flag *f = flag_find(name, len);
	if (!f)
		return 0;
	if (!value && f->kind == FLAG_BOOL)
		value = "true";
	if (!value && *i + 1 >= argc) {
		if (err)
			strbuf_addf(err, "flag needs an argument: '%s'", arg);
		return -EINVAL;
	}
	if (!value)
		value = argv[++*i];
	if (flag_set(o, f, value) < 0) {
		if (err)
			strbuf_addf(err, "invalid argument '%s' for '--%s'", value, f->name);
		return -EINVAL;
	}
	return 1;
}

int k8c_component_parse(struct k8c_component_options *o, int *argc, char **argv,
			struct strbuf *err)
{
	int n = *argc, kept = 1, i = 1;
	bool verbosity_set = false;
	for (; i < n && strcmp(argv[i], "--"); i++) {
		int before = o->verbosity, r = take_flag(o, n, argv, &i, err);
		if (r < 0)
			return r;
		if (r == 0)
			argv[kept++] = argv[i];
		verbosity_set |= r > 0 && o->verbosity != before;
	}
	for (; i < n; i++)
		argv[kept++] = argv[i];
	if (kept < n)
		argv[kept] = NULL;
	*argc = kept;
	if (verbosity_set)
		log_set_level(o->verbosity >= 4 ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	return 0;
}

int k8c_component_client(const struct k8c_component_options *o, const char *agent_suffix,
			 struct k8c_client **ret, struct strbuf *err)
{
	struct k8c_config_overrides ov = { .kubeconfig = o->kubeconfig, .server = o->server };
	struct k8c_rest_config cfg;
	int r = k8c_config_resolve(&ov, &cfg, err);
	if (r < 0)
		return r;
	cfg.qps = o->qps;
	cfg.burst = o->burst;
	struct strbuf ua = STRBUF_INIT;
	strbuf_addf(&ua, "%s/%s", o->name ? o->name : "k8c", K8C_VERSION);
	if (agent_suffix)
		strbuf_addf(&ua, "/%s", agent_suffix);
	free(cfg.user_agent);
	cfg.user_agent = strbuf_detach(&ua, NULL);
	r = k8c_client_new(&cfg, ret);
	if (r < 0 && err)
		strbuf_addf(err, "invalid API server URL '%s'", cfg.server ? cfg.server : "");
	k8c_rest_config_release(&cfg);
	return r;
}

void k8c_component_leader_config(const struct k8c_component_options *o, const char *identity,
				 struct k8c_leader_config *ret)
{
	*ret = (struct k8c_leader_config){
		.namespace = o->lease_namespace,
		.name = o->lease_name ? o->lease_name : o->name,
		.identity = identity,
		.lease_duration_ms = o->lease_duration_ms,
		.renew_deadline_ms = o->renew_deadline_ms,
		.retry_period_ms = o->retry_period_ms,
	};
}

char *k8c_component_identity(void)
{
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0 || !*host)
		memcpy(host, "localhost", sizeof("localhost"));
	char uuid[37];
	random_uuid(uuid);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s_%s", host, uuid);
	return strbuf_detach(&sb, NULL);
}

void k8c_component_tune_malloc(unsigned what)
{
	/*
	 * Small freed chunks go back to the free lists at once, coalescing with
	 * their neighbours, instead of waiting in fastbins: an informer thread
	 * interleaves long-lived cached objects with the short-lived pieces of
	 * each event's decoding, and the holes fastbins kept small stayed too
	 * small for the cached objects (at 10,000 pods: 9 to 11 MiB less RSS in
	 * the controller manager, 4.5 MiB in the scheduler). The price: a small
	 * malloc and free beyond what the tcache holds cost ~1.5x as much (some
	 * microseconds per decoded event), so a component calls this only where
	 * memory matters more than that.
	 */
	if (what & K8C_MALLOC_NO_FASTBINS)
		mallopt(M_MXFAST, 0);
	/*
	 * Two arenas instead of glibc's 8 per core: every thread that allocates
	 * (an informer each, workers, binders) otherwise gets an arena of its
	 * own, each keeping a few hundred KiB of free space and its own holes
	 * (at 10,000 pods, malloc's heap: controller manager 53 -> 49 MiB,
	 * scheduler 40 -> 35 MiB). The price: threads allocating at once share
	 * an arena's lock.
	 */
	if (what & K8C_MALLOC_FEW_ARENAS)
		mallopt(M_ARENA_MAX, 2);
}
