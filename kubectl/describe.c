/*
 * describe.c - `k8c describe`: chooses the objects (TYPE [NAME_PREFIX], TYPE/NAME,
 * -f, -l, -A), reads each one and prints it with the describer of its kind, objects
 * separated by a blank line pair as kubectl does. A name that does not exist matches
 * every object whose name starts with it (kubectl's DescribeMatchingResources).
 */
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/describe.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/select.h"

struct describe_opts {
	const char *selector;
	bool all_namespaces, show_events, recursive;
	struct kstrv files;
};

static void describe_one(struct kctl *k, const struct describe_opts *o,
			 const struct k8c_kind *kind, const cJSON *obj, struct strbuf *all)
{
	struct dwriter w;
	dw_init(&w, k);
	w.show_events = o->show_events;
	const char *n = kind->kind;
	if (!strcmp(n, "Pod"))
		describe_pod(&w, obj);
	else if (!strcmp(n, "Deployment"))
		describe_deployment(&w, obj);
	else if (!strcmp(n, "ReplicaSet"))
		describe_replicaset(&w, obj);
	else if (!strcmp(n, "Service"))
		describe_service(&w, obj);
	else if (!strcmp(n, "Node"))
		describe_node(&w, obj);
	else
		describe_generic(&w, kind, obj);
	dw_flush(&w);
	if (all->len)
		strbuf_addstr(all, "\n\n");
	strbuf_add(all, w.out.buf, w.out.len);
	dw_release(&w);
}

/* The objects of kind whose names start with prefix, described; returns how many. */
static int describe_prefix(struct kctl *k, const struct describe_opts *o, const struct kobj *ob,
			   struct strbuf *all)
{
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, ob->kind, ob->ns, NULL, NULL);
	cJSON *list = NULL;
	int n = 0;
	if (k8c_list(kctl_client(k), path.buf, NULL, &list, NULL) == 0) {
		const cJSON *it;
		cJSON_ArrayForEach(it, kj_get(list, "items")) {
			if (!str_has_prefix(kj_str_or(it, "metadata.name", ""), ob->name))
				continue;
			cJSON *copy = cJSON_Duplicate(it, true);
			if (!kj_str(copy, "kind"))
				cJSON_AddStringToObject(copy, "kind", ob->kind->kind);
			/* kubectl prints each match followed by a newline, without separators */
			struct strbuf one = STRBUF_INIT;
			describe_one(k, o, ob->kind, copy, &one);
			strbuf_addf(all, "%s\n", one.buf);
			strbuf_release(&one);
			cJSON_Delete(copy);
			n++;
		}
	}
	cJSON_Delete(list);
	strbuf_release(&path);
	return n;
}

static void describe_obj(struct kctl *k, const struct describe_opts *o, struct kobj *ob,
			 bool by_name, struct strbuf *all, struct kerrors *errs)
{
	struct strbuf path = STRBUF_INIT;
	kobj_path(ob, NULL, &path);
	cJSON *obj = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_get(kctl_client(k), path.buf, &obj, &e);
	if (rc == 0)
		describe_one(k, o, ob->kind, obj, all);
	else if (!(rc == -ENOENT && by_name && describe_prefix(k, o, ob, all) > 0))
		kerrors_add_api(k, errs, rc, &e);
	cJSON_Delete(obj);
	k8c_status_error_release(&e);
	strbuf_release(&path);
}

static int run_describe(struct kctl *k, struct describe_opts *o, const struct kstrv *args)
{
	struct kselect_opts so = { .selector = o->selector,
				   .all_namespaces = o->all_namespaces,
				   .recursive = o->recursive,
				   .files = &o->files,
				   .names_optional = true };
	struct kobjs objs = { 0 };
	struct kerrors errs = KERRORS_INIT;
	int r = kselect(k, args, &so, &objs, &errs);
	struct strbuf all = STRBUF_INIT;
	for (size_t i = 0; r == 0 && i < objs.n; i++)
		describe_obj(k, o, &objs.v[i], !objs.v[i].obj && !objs.v[i].source, &all, &errs);
	if (r == 0 && !objs.n && !errs.n)
		fprintf(k->err, "No resources found in %s namespace.\n", kctl_namespace(k));
	kctl_write(k, &all);
	strbuf_release(&all);
	kobjs_release(&objs);
	return kerrors_finish(k, &errs) || r < 0;
}

int cmd_describe(struct kctl *k, int argc, char **argv)
{
	struct describe_opts o = { .show_events = true };
	const struct kflag flags[] = {
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector" },
		{ "all-namespaces", 'A', KFLAG_BOOL, &o.all_namespaces, NULL, "All namespaces" },
		{ "show-events", 0, KFLAG_BOOL, &o.show_events, NULL, "Show the events" },
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files naming the objects" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = run_describe(k, &o, &args);
	kstrv_release(&args);
	kstrv_release(&o.files);
	return r < 0 ? 1 : r;
}
