/*
 * get.c - `k8c get`: resolves what to read (types and names, or -f files), reads it
 * (Tables for people, objects for -o json|yaml|name|jsonpath, 500 items per request
 * with continue tokens) and prints it as kubectl does: one table per type with a blank
 * line between types, "kind/" before names when several types are shown, errors after
 * the output, "No resources found in <ns> namespace." when nothing matched.
 */
#include "kubectl/commands.h"
#include "kubectl/get.h"
#include "kubectl/jsonutil.h"
#include "kubectl/manifest.h"
#include "kubectl/resources.h"
#include "kubectl/select.h"

#include "client/path.h"

struct get_reqs {
	struct get_req *v;
	size_t n, alloc;
};

int get_fetch(struct kctl *k, const struct get_opts *o, const struct get_req *r, bool table,
	      const char *continue_token, cJSON **ret, struct k8c_status_error *err)
{
	struct k8c_client *c = kctl_client(k);
	if (!c)
		return -ENOTCONN;
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, r->kind, r->ns, r->name, NULL);
	if (!r->name) {
		struct k8c_list_options lo = {
			.label_selector = o->selector,
			.field_selector = o->field_selector,
			.continue_token = continue_token,
			.limit = o->chunk_size,
		};
		k8c_list_options_append(&path, &lo);
	}
	struct k8c_request req = {
		.method = "GET", .path = path.buf, .accept = table ? GET_TABLE_ACCEPT : NULL
	};
	struct k8c_response resp = K8C_RESPONSE_INIT;
	int rc = k8c_client_do(c, &req, &resp, err);
	if (rc == 0) {
		*ret = cJSON_ParseWithLength(resp.body.buf, resp.body.len);
		if (!*ret) {
			k8c_status_error_set_transport(err, "the server answered with something "
							    "that is not JSON");
			rc = -EPROTO;
		}
	}
	k8c_response_release(&resp);
	strbuf_release(&path);
	return rc;
}

void get_table_printer(const struct get_opts *o, const struct get_req *r, bool with_kind,
		       struct ktable_printer *p)
{
	*p = (struct ktable_printer){
		.wide = o->out.format == KOUT_WIDE,
		.with_namespace = o->all_namespaces && kres_namespaced(r->kind),
		.show_labels = o->show_labels,
		.no_headers = o->no_headers,
		.kind_prefix = with_kind ? r->kind : NULL,
		.label_columns = o->label_columns.n ? &o->label_columns : NULL,
	};
}

static void add_req(struct get_reqs *rs, const struct k8c_kind *kind, const char *ns,
		    const char *name)
{
	ALLOC_GROW(rs->v, rs->n + 1, rs->alloc);
	rs->v[rs->n++] = (struct get_req){ kind, kres_namespaced(kind) ? ns : NULL, name };
}

/* Builds the requests from -f files; per-document problems are printed at once. */
static int reqs_from_files(struct kctl *k, struct get_opts *o, struct kinfos *infos,
			   struct get_reqs *rs, int *failed)
{
	if (kinfos_read(k, &o->files, o->recursive, infos) < 0)
		return -1;
	for (size_t i = 0; i < infos->n; i++) {
		struct kinfo *in = &infos->v[i];
		if (!in->error && kinfo_resolve_namespace(k, in) == 0)
			add_req(rs, in->kind, kinfo_namespace(in), kinfo_name(in));
		if (in->error) {
			kctl_errorf(k, "%s", in->error);
			*failed = 1;
		}
	}
	return 0;
}

static int reqs_from_args(struct kctl *k, struct get_opts *o, const struct kstrv *args,
			  struct get_reqs *rs)
{
	struct ktargets t = { 0 };
	if (ktargets_parse(k, args, &t) < 0) {
		ktargets_release(&t);
		return -1;
	}
	const char *ns = o->all_namespaces ? NULL : kctl_namespace(k);
	for (size_t i = 0; i < t.n; i++)
		add_req(rs, t.v[i].kind, t.v[i].name && o->all_namespaces ? kctl_namespace(k) : ns,
			t.v[i].name);
	ktargets_release(&t);
	return 0;
}

/* Collects one failure to print after the output, as kubectl aggregates them. */
static void add_error(struct kctl *k, const struct get_opts *o, int rc,
		      const struct k8c_status_error *e, struct strbuf *errors)
{
	if (o->ignore_not_found && rc == -ENOENT)
		return;
	kctl_format_api_error(k, rc, e, errors);
	strbuf_addch(errors, '\n');
}

/* Reads every page of a request; hands each answer (a Table, List or object) to fn,
 * which takes it. */
static int fetch_pages(struct kctl *k, const struct get_opts *o, const struct get_req *r,
		       bool table, void (*fn)(cJSON *page, void *ud), void *ud,
		       struct strbuf *errors)
{
	_cleanup_free_ char *cont = NULL;
	do {
		cJSON *page = NULL;
		struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
		int rc = get_fetch(k, o, r, table, cont, &page, &e);
		if (rc < 0) {
			add_error(k, o, rc, &e, errors);
			k8c_status_error_release(&e);
			return rc == -ENOENT && o->ignore_not_found ? 0 : -1;
		}
		free(cont);
		cont = xstrdup(kj_str(page, "metadata.continue"));
		if (cont && !*cont) {
			free(cont);
			cont = NULL;
		}
		fn(page, ud);
		k8c_status_error_release(&e);
	} while (cont && !r->name);
	return 0;
}

/* Every answer of a table get, kept until all are in (kubectl decides the "kind/"
 * prefix from the kinds that were found). */
struct pages {
	const struct get_req **req;
	cJSON **page;
	size_t n, alloc, alloc2;
	const struct get_req *cur;
};

static void on_page(cJSON *page, void *ud)
{
	struct pages *ps = ud;
	ALLOC_GROW(ps->req, ps->n + 1, ps->alloc);
	ALLOC_GROW(ps->page, ps->n + 1, ps->alloc2);
	ps->req[ps->n] = ps->cur;
	ps->page[ps->n++] = page;
}

static bool several_kinds(const struct pages *ps)
{
	for (size_t i = 1; i < ps->n; i++)
		if (ps->req[i]->kind != ps->req[0]->kind)
			return true;
	return false;
}

static void print_no_resources(struct kctl *k, const struct get_opts *o,
			       const struct get_reqs *rs)
{
	bool namespaced = !o->all_namespaces;
	for (size_t i = 0; i < rs->n; i++)
		namespaced = namespaced && kres_namespaced(rs->v[i].kind);
	if (namespaced)
		fprintf(k->err, "No resources found in %s namespace.\n", kctl_namespace(k));
	else
		fprintf(k->err, "No resources found\n");
}

/* One table per run of pages of the same kind, a blank line between non-empty ones. */
static void print_pages(struct kctl *k, const struct get_opts *o, const struct pages *ps,
			struct strbuf *all)
{
	bool with_kind = o->show_kind || several_kinds(ps);
	struct ktable_printer p = { 0 };
	struct tabwriter tw;
	struct strbuf text = STRBUF_INIT;
	for (size_t i = 0; i < ps->n; i++) {
		if (i == 0 || ps->req[i]->kind != ps->req[i - 1]->kind) {
			tabwriter_init_table(&tw, &text);
			get_table_printer(o, ps->req[i], with_kind, &p);
		}
		ktable_print(&p, ps->page[i], &tw);
		if (i + 1 < ps->n && ps->req[i + 1]->kind == ps->req[i]->kind)
			continue;
		tabwriter_flush(&tw);
		if (text.len && all->len && !o->no_headers)
			strbuf_addch(all, '\n');
		strbuf_add(all, text.buf, text.len);
		strbuf_reset(&text);
		tabwriter_release(&tw);
		ktable_printer_release(&p);
	}
	strbuf_release(&text);
}

static int print_tables(struct kctl *k, const struct get_opts *o, const struct get_reqs *rs,
			struct strbuf *errors)
{
	struct pages ps = { 0 };
	int failed = 0;
	for (size_t i = 0; i < rs->n; i++) {
		ps.cur = &rs->v[i];
		if (fetch_pages(k, o, &rs->v[i], true, on_page, &ps, errors) < 0)
			failed = 1;
	}
	struct strbuf all = STRBUF_INIT;
	print_pages(k, o, &ps, &all);
	kctl_write(k, &all);
	if (!all.len && !errors->len && !o->ignore_not_found)
		print_no_resources(k, o, rs);
	strbuf_release(&all);
	for (size_t i = 0; i < ps.n; i++)
		cJSON_Delete(ps.page[i]);
	free(ps.page);
	free(ps.req);
	return failed;
}

struct data_state {
	const struct get_req *r;
	cJSON *list;
};

static void on_data(cJSON *page, void *ud)
{
	struct data_state *s = ud;
	const cJSON *items = kj_get(page, "items"), *it;
	if (s->r->name)
		kout_list_add(s->list, page, s->r->kind);
	else
		cJSON_ArrayForEach(it, items)
			kout_list_add(s->list, it, s->r->kind);
	cJSON_Delete(page);
}

static int print_data(struct kctl *k, const struct get_opts *o, const struct get_reqs *rs,
		      struct strbuf *errors)
{
	struct data_state s = { .list = kout_list_new() };
	int failed = 0;
	for (size_t i = 0; i < rs->n; i++) {
		s.r = &rs->v[i];
		if (fetch_pages(k, o, &rs->v[i], false, on_data, &s, errors) < 0)
			failed = 1;
	}
	const cJSON *items = kj_get(s.list, "items");
	bool single = rs->n == 1 && rs->v[0].name;
	struct strbuf text = STRBUF_INIT;
	if (single && items->child)
		failed |= kout_print(k, &o->out, NULL, items->child, &text) < 0;
	else if (!single && (items->child || o->out.format != KOUT_NAME))
		failed |= kout_print(k, &o->out, NULL, s.list, &text) < 0;
	kctl_write(k, &text);
	strbuf_release(&text);
	cJSON_Delete(s.list);
	return failed;
}

static int usage_missing_type(struct kctl *k)
{
	fprintf(k->err, "You must specify the type of resource to get. Use \"k8c api-resources\" "
			"for a complete list of supported resources.\n\n");
	kctl_errorf(k, "Required resource not specified.\nUse \"k8c explain <resource>\" for a "
		       "detailed description of that resource (e.g. k8c explain pods).\nSee 'k8c "
		       "get -h' for help and examples");
	return 1;
}

static int run_get(struct kctl *k, struct get_opts *o, const struct kstrv *args)
{
	if (kout_parse(k, o->output, true, &o->out) < 0)
		return 1;
	if (!args->n && !o->files.n)
		return usage_missing_type(k);
	if (kselect_check_files(k, args, &o->files) < 0)
		return 1;
	struct get_reqs rs = { 0 };
	struct kinfos infos = { 0 };
	int failed = 0, r;
	if (o->files.n)
		r = reqs_from_files(k, o, &infos, &rs, &failed);
	else
		r = reqs_from_args(k, o, args, &rs);
	if (r < 0 || !kctl_client(k)) {
		failed = 1;
	} else if (o->watch || o->watch_only) {
		if (rs.n != 1) {
			kctl_errorf(k, "watch is only supported on individual resources and resource "
				       "collections, but %zu resources were found",
				    rs.n);
			failed = 1;
		} else {
			failed |= get_watch(k, o, &rs.v[0]);
		}
	} else if (rs.n) {
		struct strbuf errors = STRBUF_INIT;
		if (kout_is_data(&o->out) || o->out.format == KOUT_NAME)
			failed |= print_data(k, o, &rs, &errors);
		else
			failed |= print_tables(k, o, &rs, &errors);
		fflush(k->out);
		fputs(errors.buf, k->err);
		failed |= errors.len > 0;
		strbuf_release(&errors);
	}
	free(rs.v);
	kinfos_release(&infos);
	return failed ? 1 : 0;
}

int cmd_get(struct kctl *k, int argc, char **argv)
{
	struct get_opts o = { .chunk_size = 500 };
	const struct kflag flags[] = {
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "json|yaml|name|wide|jsonpath=..." },
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector" },
		{ "field-selector", 0, KFLAG_STRING, &o.field_selector, NULL, "Field selector" },
		{ "all-namespaces", 'A', KFLAG_BOOL, &o.all_namespaces, NULL, "All namespaces" },
		{ "watch", 'w', KFLAG_BOOL, &o.watch, NULL, "Watch for changes" },
		{ "watch-only", 0, KFLAG_BOOL, &o.watch_only, NULL, "Only watch for changes" },
		{ "show-labels", 0, KFLAG_BOOL, &o.show_labels, NULL, "Show labels" },
		{ "show-kind", 0, KFLAG_BOOL, &o.show_kind, NULL, "Show the kind before names" },
		{ "no-headers", 0, KFLAG_BOOL, &o.no_headers, NULL, "No header line" },
		{ "ignore-not-found", 0, KFLAG_BOOL, &o.ignore_not_found, NULL, "Ignore NotFound" },
		{ "label-columns", 'L', KFLAG_STRINGS, &o.label_columns, NULL, "Label columns" },
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files naming the objects" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ "chunk-size", 0, KFLAG_INT, &o.chunk_size, NULL, "Items per list request" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = run_get(k, &o, &args);
	kstrv_release(&args);
	kstrv_release(&o.files);
	kstrv_release(&o.label_columns);
	return r < 0 ? 1 : r;
}
