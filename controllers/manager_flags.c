/*
 * manager_flags.c - k8c-controller-manager's own command line, with
 * kube-controller-manager's names and defaults.
 */
#include "controllers/manager.h"

#include "client/component.h"

void manager_flags_init(struct manager_flags *f)
{
	*f = (struct manager_flags){
		.options = {
			.workers = 5,
			.node_monitor_period_ms = 5000,
			.node_monitor_grace_period_ms = 40000,
			.node_startup_grace_period_ms = 60000,
			.pod_eviction_timeout_ms = 300000,
		},
		.controllers = "*",
	};
}

struct duration_flag {
	const char *name;
	size_t offset; /* in struct controller_options */
};

static const struct duration_flag durations[] = {
	{ "node-monitor-period", offsetof(struct controller_options, node_monitor_period_ms) },
	{ "node-monitor-grace-period",
	  offsetof(struct controller_options, node_monitor_grace_period_ms) },
	{ "node-startup-grace-period",
	  offsetof(struct controller_options, node_startup_grace_period_ms) },
	{ "pod-eviction-timeout", offsetof(struct controller_options, pod_eviction_timeout_ms) },
};

void manager_flags_usage(FILE *out)
{
	fputs("  --controllers LIST                   controllers to run: '*' all, 'name' on,\n"
	      "                                       '-name' off (default '*')\n"
	      "  --workers N                          concurrent syncs of each controller (default 5)\n"
	      "  --node-monitor-period D              (default 5s)\n"
	      "  --node-monitor-grace-period D        (default 40s)\n"
	      "  --node-startup-grace-period D        (default 1m0s)\n"
	      "  --pod-eviction-timeout D             (default 5m0s)\n",
	      out);
}

static bool known_controller(const char *name, size_t len)
{
	for (const struct controller_def *const *d = controller_list; *d; d++)
		if (strlen((*d)->name) == len && !strncmp((*d)->name, name, len))
			return true;
	return false;
}

static int check_controllers(const char *value, struct strbuf *err)
{
	for (const char *p = value; *p;) {
		size_t len = strcspn(p, ",");
		const char *name = *p == '-' ? p + 1 : p;
		size_t n = len - (size_t)(name - p);
		if (!(n == 1 && *name == '*' && name == p) && !known_controller(name, n)) {
			strbuf_addf(err, "unknown controller '%.*s' in --controllers", (int)len, p);
			return -EINVAL;
		}
		p += len + (p[len] == ',');
	}
	return 0;
}

bool manager_controller_enabled(const char *value, const char *name)
{
	bool on = false;

	for (const char *p = value; *p;) {
		size_t len = strcspn(p, ",");
		if (len == 1 && *p == '*')
			on = true;
		else if (len == strlen(name) && !strncmp(p, name, len))
			on = true;
		else if (*p == '-' && len == strlen(name) + 1 && !strncmp(p + 1, name, len - 1))
			on = false;
		p += len + (p[len] == ',');
	}
	return on;
}

static const struct duration_flag *duration_flag(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(durations); i++)
		if (!strcmp(name, durations[i].name))
			return &durations[i];
	return NULL;
}

static bool known_flag(const char *name)
{
	return !strcmp(name, "workers") || !strcmp(name, "controllers") || duration_flag(name);
}

/* Sets the known flag name from value. Returns 0 or -EINVAL. */
static int set_flag(struct manager_flags *f, const char *name, const char *value)
{
	const struct duration_flag *d = duration_flag(name);
	char *end;

	if (d)
		return k8c_component_parse_duration(
			value, (int64_t *)((char *)&f->options + d->offset));
	if (!strcmp(name, "controllers")) {
		f->controllers = value;
		return 0;
	}
	long n = strtol(value, &end, 10);
	if (*end || !*value || n < 1 || n > 1000)
		return -EINVAL;
	f->options.workers = (int)n;
	return 0;
}

/* Parses argv[*i] (a "--name[=value]" flag), consuming a separate value too. */
static int parse_one(struct manager_flags *f, int argc, char **argv, int *i, struct strbuf *err)
{
	const char *arg = argv[*i];
	size_t len = strcspn(arg + 2, "=");
	_cleanup_free_ char *name = xstrndup(arg + 2, len);
	const char *value = arg[2 + len] ? arg + 3 + len : NULL;

	if (!known_flag(name)) {
		strbuf_addf(err, "unknown flag '--%s'", name);
		return -EINVAL;
	}
	if (!value && *i + 1 >= argc) {
		strbuf_addf(err, "flag needs an argument: '--%s'", name);
		return -EINVAL;
	}
	if (!value)
		value = argv[++*i];
	if (set_flag(f, name, value) < 0) {
		strbuf_addf(err, "invalid argument '%s' for '--%s'", value, name);
		return -EINVAL;
	}
	return 0;
}

int manager_flags_parse(struct manager_flags *f, int argc, char **argv, struct strbuf *err)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			f->help = true;
		} else if (!str_has_prefix(argv[i], "--")) {
			strbuf_addf(err, "unexpected argument '%s'", argv[i]);
			return -EINVAL;
		} else if (parse_one(f, argc, argv, &i, err) < 0) {
			return -EINVAL;
		}
	}
	return check_controllers(f->controllers, err);
}
