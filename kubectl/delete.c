/*
 * delete.c - `k8c delete`: names, TYPE/NAME, -f files, -l selectors or --all; one
 * DELETE per object with DeleteOptions {gracePeriodSeconds, propagationPolicy} as
 * kubectl sends them (--cascade=background|foreground|orphan, --grace-period,
 * --force, --now), `deployment.apps "web" deleted` lines, then (unless --wait=false)
 * waiting until every deleted object is really gone (its finalizers done), as
 * kubectl does.
 */
#include "base/timeutil.h"
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/select.h"
#include "kubectl/waitfor.h"

struct delete_opts {
	const char *output, *cascade, *selector, *field_selector;
	int64_t grace, timeout_ns;
	bool force, now, all, all_namespaces, wait, ignore_not_found, recursive;
	struct kstrv files;
	struct kout out;
	const char *policy; /* "Background", "Foreground", "Orphan" */
};

struct deleted {
	const struct k8c_kind *kind;
	char *ns, *name, *uid;
};

static int check_options(struct kctl *k, struct delete_opts *o)
{
	const char *c = o->cascade ? o->cascade : "background";
	if (!strcmp(c, "background") || !strcmp(c, "true")) {
		o->policy = "Background";
	} else if (!strcmp(c, "foreground")) {
		o->policy = "Foreground";
	} else if (!strcmp(c, "orphan") || !strcmp(c, "false")) {
		o->policy = "Orphan";
	} else {
		kctl_errorf(k, "invalid cascade value (%s). Must be \"background\", "
			       "\"foreground\", or \"orphan\"",
			    c);
		return -1;
	}
	if (!strcmp(c, "true") || !strcmp(c, "false"))
		fprintf(k->err,
			"warning: --cascade=%s is deprecated (boolean value) and can be replaced "
			"with --cascade=%s.\n",
			c, !strcmp(c, "true") ? "background" : "orphan");
	if (o->now) {
		if (o->grace != -1) {
			kctl_errorf(k, "--now and --grace-period cannot be specified together");
			return -1;
		}
		o->grace = 1;
	}
	if (o->grace == 0 && !o->force)
		o->grace = 1; /* kubectl: --grace-period=0 alone means 1, --force means 0 */
	if (o->force && o->grace < 0)
		o->grace = 0;
	if (o->all && o->selector && *o->selector) {
		kctl_errorf(k, "cannot set --all and labels at the same time");
		return -1;
	}
	return kout_parse(k, o->output, false, &o->out);
}

static cJSON *delete_options(const struct delete_opts *o)
{
	cJSON *d = cJSON_CreateObject();
	if (o->grace >= 0)
		cJSON_AddNumberToObject(d, "gracePeriodSeconds", (double)o->grace);
	cJSON_AddStringToObject(d, "propagationPolicy", o->policy);
	return d;
}

static void print_deleted(struct kctl *k, const struct delete_opts *o, const struct kobj *ob)
{
	struct strbuf sb = STRBUF_INIT;
	if (o->out.format == KOUT_NAME) {
		kres_ref(&sb, ob->kind, ob->name);
	} else {
		kres_kind_name(&sb, ob->kind);
		strbuf_addf(&sb, " \"%s\" %sdeleted", ob->name,
			    o->grace == 0 && o->force ? "force " : "");
	}
	strbuf_addch(&sb, '\n');
	kctl_write(k, &sb);
	strbuf_release(&sb);
}

/* Deletes one object; records it in *done when the wait should follow it. */
static void delete_one(struct kctl *k, const struct delete_opts *o, const struct kobj *ob,
		       struct deleted *done, struct kerrors *errs)
{
	struct strbuf path = STRBUF_INIT;
	kobj_path(ob, NULL, &path);
	cJSON *opts = delete_options(o), *resp = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_delete(kctl_client(k), path.buf, opts, &resp, &e);
	if (rc == 0) {
		print_deleted(k, o, ob);
		const char *uid = kj_str(resp, "metadata.uid");
		if (!uid && !strcmp(kj_str_or(resp, "kind", ""), "Status"))
			uid = kj_str(resp, "details.uid");
		*done = (struct deleted){ ob->kind, xstrdup(ob->ns), xstrdup(ob->name),
					  xstrdup(uid) };
	} else if (!(rc == -ENOENT && o->ignore_not_found)) {
		if (ob->source)
			kctl_error_add_source(&e, "deleting", ob->source);
		kerrors_add_api(k, errs, rc, &e);
	}
	k8c_status_error_release(&e);
	cJSON_Delete(resp);
	cJSON_Delete(opts);
	strbuf_release(&path);
}

static void wait_gone(struct kctl *k, const struct delete_opts *o, struct deleted *d, size_t n,
		      struct kerrors *errs)
{
	/* kubectl: --timeout=0 means "long enough" (a week) */
	int64_t timeout = o->timeout_ns > 0 ? o->timeout_ns : 168 * 3600 * K8C_NSEC_PER_SEC;
	int64_t deadline = time_mono_ns() + timeout;
	for (size_t i = 0; i < n; i++) {
		if (!d[i].kind)
			continue;
		int rc = kwait_object(k, d[i].kind, d[i].ns, d[i].name, deadline, kwait_deleted,
				      d[i].uid);
		if (rc == -ETIME) {
			kerrors_timed_out(errs, d[i].kind, d[i].name);
		} else if (rc < 0) {
			errs->n++; /* already printed */
		}
	}
}

static int run_delete(struct kctl *k, struct delete_opts *o, const struct kstrv *args)
{
	if (check_options(k, o) < 0)
		return 1;
	struct kselect_opts so = {
		.selector = o->selector,
		.field_selector = o->field_selector,
		.all = o->all,
		.all_namespaces = o->all_namespaces,
		.recursive = o->recursive,
		.files = &o->files,
		.no_name_error = "resource(s) were provided, but no name, label selector, or --all "
				 "flag specified",
	};
	struct kobjs objs = { 0 };
	struct kerrors errs = KERRORS_INIT;
	if (kselect(k, args, &so, &objs, &errs) < 0) {
		kobjs_release(&objs);
		kerrors_finish(k, &errs);
		return 1;
	}
	if (!objs.n && !errs.n)
		fprintf(k->err, "No resources found\n");
	if (objs.n && o->grace == 0 && o->force)
		fprintf(k->err, "warning: Immediate deletion does not wait for confirmation that "
				"the running resource has been terminated. The resource may "
				"continue to run on the cluster indefinitely.\n");
	struct deleted *done = xcalloc(objs.n + 1, sizeof(*done));
	for (size_t i = 0; i < objs.n; i++)
		delete_one(k, o, &objs.v[i], &done[i], &errs);
	fflush(k->out);
	if (o->wait)
		wait_gone(k, o, done, objs.n, &errs);
	for (size_t i = 0; i < objs.n; i++) {
		free(done[i].ns);
		free(done[i].name);
		free(done[i].uid);
	}
	free(done);
	kobjs_release(&objs);
	return kerrors_finish(k, &errs);
}

int cmd_delete(struct kctl *k, int argc, char **argv)
{
	struct delete_opts o = { .grace = -1, .wait = true };
	const struct kflag flags[] = {
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files naming the objects" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector" },
		{ "field-selector", 0, KFLAG_STRING, &o.field_selector, NULL, "Field selector" },
		{ "all", 0, KFLAG_BOOL, &o.all, NULL, "Delete every object of the types" },
		{ "all-namespaces", 'A', KFLAG_BOOL, &o.all_namespaces, NULL, "All namespaces" },
		{ "grace-period", 0, KFLAG_INT, &o.grace, NULL, "Seconds for graceful termination" },
		{ "force", 0, KFLAG_BOOL, &o.force, NULL, "Delete at once (with --grace-period=0)" },
		{ "now", 0, KFLAG_BOOL, &o.now, NULL, "Grace period of 1 second" },
		{ "cascade", 0, KFLAG_STRING, &o.cascade, NULL, "background|foreground|orphan" },
		{ "wait", 0, KFLAG_BOOL, &o.wait, NULL, "Wait until the objects are gone" },
		{ "timeout", 0, KFLAG_DURATION, &o.timeout_ns, NULL, "How long to wait" },
		{ "ignore-not-found", 0, KFLAG_BOOL, &o.ignore_not_found, NULL, "Ignore NotFound" },
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "name" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = run_delete(k, &o, &args);
	kstrv_release(&args);
	kstrv_release(&o.files);
	return r < 0 ? 1 : r;
}
