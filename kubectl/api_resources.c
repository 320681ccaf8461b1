/*
 * api_resources.c - `k8c api-resources`: the resources the server's discovery
 * documents list (/api, /apis and each preferred group version), subresources left
 * out, sorted by group and name as kubectl sorts them, with --namespaced, --api-group, --verbs,
 * -o wide|name, --no-headers and --sort-by=name|kind.
 */
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/tabwriter.h"

struct api_res {
	const char *group, *group_version;
	const cJSON *r; /* the APIResource */
};

struct api_opts {
	const char *output, *api_group, *sort_by;
	bool namespaced, namespaced_set, no_headers, api_group_set;
	struct kstrv verbs;
};

static bool has_verb(const cJSON *r, const char *verb)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, kj_get(r, "verbs"))
		if (cJSON_IsString(v) && !strcmp(v->valuestring, verb))
			return true;
	return false;
}

/* Every verb of --verbs (repeated or comma-separated, as a pflag string slice). */
static bool has_verbs(const cJSON *r, const struct kstrv *verbs)
{
	for (size_t i = 0; i < verbs->n; i++) {
		_cleanup_free_ char *copy = xstrdup(verbs->v[i]);
		char *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			if (!has_verb(r, t))
				return false;
	}
	return true;
}

static bool wanted(const struct api_opts *o, const char *group, const cJSON *r)
{
	if (strchr(kj_str_or(r, "name", ""), '/'))
		return false;
	if (o->namespaced_set && kj_true(r, "namespaced") != o->namespaced)
		return false;
	if (o->api_group_set && strcmp(group, o->api_group ? o->api_group : ""))
		return false;
	return has_verbs(r, &o->verbs);
}

static const char *sort_by;

/* kubectl's sortableResource: by group (or --sort-by name|kind), ties by name. */
static int cmp_res(const void *pa, const void *pb)
{
	const struct api_res *a = pa, *b = pb;
	const char *an = kj_str_or(a->r, "name", ""), *bn = kj_str_or(b->r, "name", "");
	int c;
	if (sort_by && !strcmp(sort_by, "name"))
		c = 0;
	else if (sort_by && !strcmp(sort_by, "kind"))
		c = strcmp(kj_str_or(a->r, "kind", ""), kj_str_or(b->r, "kind", ""));
	else
		c = strcmp(a->group, b->group);
	return c ? c : strcmp(an, bn);
}

static void join(const cJSON *list, const char *sep, struct strbuf *out)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, list)
		strbuf_addf(out, "%s%s", s == list->child ? "" : sep,
			    cJSON_IsString(s) ? s->valuestring : "");
}

static void print_rows(struct kctl *k, const struct api_opts *o, struct api_res *v, size_t n)
{
	sort_by = o->sort_by;
	qsort(v, n, sizeof(*v), cmp_res);
	bool wide = o->output && !strcmp(o->output, "wide");
	bool names = o->output && !strcmp(o->output, "name");
	struct strbuf out = STRBUF_INIT, line = STRBUF_INIT;
	struct tabwriter tw;
	tabwriter_init_table(&tw, &out);
	if (!names && !o->no_headers)
		tabwriter_printf(&tw, "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND%s\n",
				 wide ? "\tVERBS" : "");
	for (size_t i = 0; i < n; i++) {
		const char *name = kj_str_or(v[i].r, "name", "");
		strbuf_reset(&line);
		if (names) {
			strbuf_addf(&line, "%s%s%s\n", name, *v[i].group ? "." : "", v[i].group);
		} else {
			strbuf_addf(&line, "%s\t", name);
			join(kj_get(v[i].r, "shortNames"), ",", &line);
			strbuf_addf(&line, "\t%s\t%s\t%s", v[i].group_version,
				    kj_true(v[i].r, "namespaced") ? "true" : "false",
				    kj_str_or(v[i].r, "kind", ""));
			if (wide) {
				strbuf_addstr(&line, "\t[");
				join(kj_get(v[i].r, "verbs"), " ", &line);
				strbuf_addch(&line, ']');
			}
			strbuf_addch(&line, '\n');
		}
		tabwriter_write(&tw, line.buf, line.len);
	}
	tabwriter_flush(&tw);
	kctl_write(k, &out);
	tabwriter_release(&tw);
	strbuf_release(&out);
	strbuf_release(&line);
}

/* Adds the resources of one group version document to v. */
static void add_list(const struct api_opts *o, const char *group, const cJSON *doc,
		     struct api_res **v, size_t *n, size_t *alloc)
{
	const char *gv = kj_str_or(doc, "groupVersion", "");
	const cJSON *r;
	cJSON_ArrayForEach(r, kj_get(doc, "resources")) {
		if (!wanted(o, group, r))
			continue;
		ALLOC_GROW(*v, *n + 1, *alloc);
		(*v)[(*n)++] = (struct api_res){ group, gv, r };
	}
}

static int discover(struct kctl *k, const struct api_opts *o)
{
	struct k8c_client *c = kctl_client(k);
	cJSON *docs[32] = { 0 }, *groups = NULL;
	const char *names[32];
	size_t nd = 0, n = 0, alloc = 0;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = c ? k8c_get(c, "/api/v1?timeout=32s", &docs[nd], &e) : -1;
	if (rc == 0) {
		names[nd++] = "";
		rc = k8c_get(c, "/apis?timeout=32s", &groups, &e);
	}
	const cJSON *g;
	cJSON_ArrayForEach(g, kj_get(groups, "groups")) {
		struct strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "/apis/%s?timeout=32s", kj_str_or(g, "preferredVersion.groupVersion", ""));
		if (rc == 0 && nd < ARRAY_SIZE(docs) && (rc = k8c_get(c, p.buf, &docs[nd], &e)) == 0)
			names[nd++] = kj_str_or(g, "name", "");
		strbuf_release(&p);
	}
	struct api_res *v = NULL;
	for (size_t i = 0; rc == 0 && i < nd; i++)
		add_list(o, names[i], docs[i], &v, &n, &alloc);
	if (rc == 0)
		print_rows(k, o, v, n);
	else if (c)
		kctl_api_error(k, rc, &e);
	free(v);
	for (size_t i = 0; i < nd; i++)
		cJSON_Delete(docs[i]);
	cJSON_Delete(groups);
	k8c_status_error_release(&e);
	return rc < 0;
}

int cmd_api_resources(struct kctl *k, int argc, char **argv)
{
	struct api_opts o = { 0 };
	bool cached = false;
	const struct kflag flags[] = {
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "wide|name" },
		{ "namespaced", 0, KFLAG_BOOL, &o.namespaced, &o.namespaced_set, "Namespaced or not" },
		{ "api-group", 0, KFLAG_STRING, &o.api_group, &o.api_group_set, "Only this group" },
		{ "verbs", 0, KFLAG_STRINGS, &o.verbs, NULL, "Only resources with these verbs" },
		{ "no-headers", 0, KFLAG_BOOL, &o.no_headers, NULL, "No header line" },
		{ "sort-by", 0, KFLAG_STRING, &o.sort_by, NULL, "name|kind" },
		{ "cached", 0, KFLAG_BOOL, &cached, NULL, "Accepted (nothing is cached)" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0 && o.output && *o.output && strcmp(o.output, "wide") && strcmp(o.output, "name")) {
		kctl_errorf(k, "--output %s is not available", o.output);
		r = 1;
	}
	if (r == 0)
		r = discover(k, &o);
	kstrv_release(&args);
	kstrv_release(&o.verbs);
	return r != 0;
}
