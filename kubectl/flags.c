/*
 * flags.c - pflag-compatible parsing of command-line flags; see flags.h.
 */
#include "kubectl/flags.h"

#include <ctype.h>
#include <math.h>

#include "base/timeutil.h"

void kstrv_push(struct kstrv *sv, const char *s)
{
	ALLOC_GROW(sv->v, sv->n + 1, sv->alloc);
	sv->v[sv->n++] = s;
}

void kstrv_release(struct kstrv *sv)
{
	free(sv->v);
	*sv = (struct kstrv)KSTRV_INIT;
}

const struct kflag *kflags_find(const struct kflag_sets *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		for (const struct kflag *f = s->sets[i]; f && f->name; f++)
			if (!strcmp(f->name, name))
				return f;
	return NULL;
}

static const struct kflag *find_short(const struct kflag_sets *s, char c)
{
	for (size_t i = 0; i < s->n; i++)
		for (const struct kflag *f = s->sets[i]; f && f->name; f++)
			if (f->shorthand == c)
				return f;
	return NULL;
}

int kflags_parse_bool(const char *t, bool *ret)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(t, yes[i])) {
			*ret = true;
			return 0;
		}
		if (!strcmp(t, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int64_t unit_ns(const char *u, size_t len)
{
	static const struct {
		const char *name;
		int64_t ns;
	} units[] = {
		{ "ns", 1 },
		{ "us", 1000 },
		{ "\xc2\xb5s", 1000 },
		{ "\xce\xbcs", 1000 },
		{ "ms", 1000000 },
		{ "s", K8C_NSEC_PER_SEC },
		{ "m", 60 * K8C_NSEC_PER_SEC },
		{ "h", 3600 * K8C_NSEC_PER_SEC },
	};
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strlen(units[i].name) == len && !memcmp(units[i].name, u, len))
			return units[i].ns;
	return 0;
}

/* Go's time.ParseDuration errors: "time: <what> \"<orig>\"". */
static int duration_error(struct strbuf *err, const char *what, const char *orig)
{
	if (err)
		strbuf_addf(err, "time: %s \"%s\"", what, orig);
	return -EINVAL;
}

int kflags_parse_duration(const char *text, int64_t *ret_ns, struct strbuf *err)
{
	const char *p = text;
	bool neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (!strcmp(p, "0")) {
		*ret_ns = 0;
		return 0;
	}
	if (!*p)
		return duration_error(err, "invalid duration", text);
	double total = 0;
	while (*p) {
		const char *start = p;
		double v = 0, scale = 1;
		bool digits = false;
		for (; isdigit((unsigned char)*p); p++, digits = true)
			v = v * 10 + (*p - '0');
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++, digits = true)
				v += (*p - '0') * (scale /= 10);
		if (!digits || p == start)
			return duration_error(err, "invalid duration", text);
		const char *u = p;
		while (*p && *p != '.' && !isdigit((unsigned char)*p))
			p++;
		if (u == p)
			return duration_error(err, "missing unit in duration", text);
		int64_t ns = unit_ns(u, (size_t)(p - u));
		if (!ns) {
			if (err)
				strbuf_addf(err, "time: unknown unit \"%.*s\" in duration \"%s\"",
					    (int)(p - u), u, text);
			return -EINVAL;
		}
		total += v * (double)ns;
	}
	if (total > 9.2e18)
		return duration_error(err, "invalid duration", text);
	*ret_ns = (int64_t)llround(neg ? -total : total);
	return 0;
}

/* "--name" or "-n, --name" as pflag names a flag in its messages. */
static void flag_label(struct strbuf *out, const struct kflag *f, bool by_short)
{
	if (by_short)
		strbuf_addf(out, "-%c, --%s", f->shorthand, f->name);
	else
		strbuf_addf(out, "--%s", f->name);
}

static int invalid_value(const struct kflag *f, bool by_short, const char *value,
			 const char *why, struct strbuf *err)
{
	strbuf_addf(err, "invalid argument \"%s\" for \"", value);
	flag_label(err, f, by_short);
	strbuf_addf(err, "\" flag: %s", why);
	return -EINVAL;
}

static int parse_int(const char *value, int64_t *ret)
{
	const char *p = value;
	if (*p == '+' || *p == '-')
		p++;
	if (!*p)
		return -EINVAL;
	for (const char *q = p; *q; q++)
		if (!isdigit((unsigned char)*q))
			return -EINVAL;
	errno = 0;
	long long v = strtoll(value, NULL, 10);
	if (errno)
		return -ERANGE;
	*ret = v;
	return 0;
}

/* Stores value into f; the error names the flag as the user spelled it. */
static int set_value(const struct kflag *f, bool by_short, const char *value, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	int r = 0;
	switch (f->type) {
	case KFLAG_BOOL:
		if (kflags_parse_bool(value, f->value) < 0) {
			strbuf_addf(&why, "strconv.ParseBool: parsing \"%s\": invalid syntax",
				    value);
			r = -EINVAL;
		}
		break;
	case KFLAG_STRING:
		*(const char **)f->value = value;
		break;
	case KFLAG_STRINGS:
		kstrv_push(f->value, value);
		break;
	case KFLAG_INT:
		r = parse_int(value, f->value);
		if (r < 0)
			strbuf_addf(&why, "strconv.ParseInt: parsing \"%s\": %s", value,
				    r == -ERANGE ? "value out of range" : "invalid syntax");
		break;
	case KFLAG_DURATION:
		r = kflags_parse_duration(value, f->value, &why);
		break;
	}
	if (r < 0)
		invalid_value(f, by_short, value, why.buf, err);
	else if (f->changed)
		*f->changed = true;
	strbuf_release(&why);
	return r < 0 ? -EINVAL : 0;
}

/* "--name[=value]" at argv[*i]. */
static int parse_long(const struct kflag_sets *s, int argc, char **argv, int *i,
		      struct strbuf *err)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	_cleanup_free_ char *key = eq ? xstrndup(name, (size_t)(eq - name)) : xstrdup(name);
	if (!strcmp(key, "help"))
		return 1;
	const struct kflag *f = kflags_find(s, key);
	if (!f) {
		strbuf_addf(err, "unknown flag: --%s", key);
		return -EINVAL;
	}
	if (eq)
		return set_value(f, false, eq + 1, err);
	if (f->type == KFLAG_BOOL)
		return set_value(f, false, "true", err);
	if (*i + 1 >= argc) {
		strbuf_addf(err, "flag needs an argument: --%s", key);
		return -EINVAL;
	}
	return set_value(f, false, argv[++*i], err);
}

/* "-abc", "-nvalue", "-n value", "-n=value" at argv[*i]. */
static int parse_short(const struct kflag_sets *s, int argc, char **argv, int *i,
		       struct strbuf *err)
{
	const char *arg = argv[*i];
	for (const char *p = arg + 1; *p; p++) {
		if (*p == 'h' && !find_short(s, 'h'))
			return 1;
		const struct kflag *f = find_short(s, *p);
		if (!f) {
			strbuf_addf(err, "unknown shorthand flag: '%c' in %s", *p, arg);
			return -EINVAL;
		}
		if (p[1] == '=')
			return set_value(f, true, p + 2, err);
		if (f->type == KFLAG_BOOL) {
			int r = set_value(f, true, "true", err);
			if (r < 0)
				return r;
			continue;
		}
		if (p[1])
			return set_value(f, true, p + 1, err);
		if (*i + 1 >= argc) {
			strbuf_addf(err, "flag needs an argument: '%c' in %s", *p, arg);
			return -EINVAL;
		}
		return set_value(f, true, argv[++*i], err);
	}
	return 0;
}

int kflags_parse(const struct kflag_sets *s, int argc, char **argv, struct kstrv *args,
		 struct strbuf *err)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int r = 0;
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				kstrv_push(args, argv[i]);
			break;
		}
		if (a[0] == '-' && a[1] == '-')
			r = parse_long(s, argc, argv, &i, err);
		else if (a[0] == '-' && a[1])
			r = parse_short(s, argc, argv, &i, err);
		else
			kstrv_push(args, a);
		if (r != 0)
			return r;
	}
	return 0;
}

bool kflags_takes_next(const struct kflag_sets *s, const char *token)
{
	const struct kflag *f = NULL;
	if (token[0] != '-' || strchr(token, '='))
		return false;
	if (token[1] == '-')
		f = kflags_find(s, token + 2);
	else if (token[1] && !token[2])
		f = find_short(s, token[1]);
	return f && f->type != KFLAG_BOOL;
}

void kflags_usage(const struct kflag *set, struct strbuf *out)
{
	for (const struct kflag *f = set; f && f->name; f++) {
		if (f->shorthand)
			strbuf_addf(out, "  -%c, --%s", f->shorthand, f->name);
		else
			strbuf_addf(out, "      --%s", f->name);
		strbuf_addf(out, ": %s\n", f->usage ? f->usage : "");
	}
}
