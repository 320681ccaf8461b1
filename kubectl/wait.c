/*
 * wait.c - `k8c wait --for=condition=NAME[=VALUE] | --for=delete`: for every chosen
 * object, watches it until the condition holds (status.conditions[type=NAME].status
 * equal to VALUE, "True" by default, case-insensitive, not older than the object's
 * generation) or it is gone, each within --timeout (30s), as kubectl 1.20 does.
 * Prints "deployment.apps/web condition met" per object.
 */
#include <strings.h>

#include "base/timeutil.h"
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/select.h"
#include "kubectl/waitfor.h"

struct wait_opts {
	const char *for_, *selector, *field_selector;
	bool all, all_namespaces, recursive;
	int64_t timeout_ns;
	struct kstrv files;
	bool for_delete;
	char *cond_name, *cond_value;
};

static int parse_for(struct kctl *k, struct wait_opts *o)
{
	const char *f = o->for_ ? o->for_ : "";
	if (!strcasecmp(f, "delete")) {
		o->for_delete = true;
		return 0;
	}
	if (!strncasecmp(f, "condition=", 10) && f[10]) {
		const char *eq = strchr(f + 10, '=');
		o->cond_name = eq ? xstrndup(f + 10, (size_t)(eq - f - 10)) : xstrdup(f + 10);
		o->cond_value = xstrdup(eq ? eq + 1 : "True");
		return 0;
	}
	kctl_errorf(k, "unrecognized condition: \"%s\"", f);
	return -1;
}

struct cond_check {
	const struct wait_opts *o;
};

/* kubectl's ConditionalWait.checkCondition. */
static int condition_met(const cJSON *obj, void *ud)
{
	const struct wait_opts *o = ((struct cond_check *)ud)->o;
	if (!obj)
		return 0;
	const cJSON *c;
	int64_t gen = kj_int(obj, "metadata.generation", -1);
	cJSON_ArrayForEach(c, kj_get(obj, "status.conditions")) {
		if (strcasecmp(kj_str_or(c, "type", ""), o->cond_name) || !kj_str(c, "status"))
			continue;
		int64_t observed = kj_int(c, "observedGeneration",
					  kj_int(obj, "status.observedGeneration", -1));
		if (gen >= 0 && observed >= 0 && observed < gen)
			return 0;
		return !strcasecmp(kj_str(c, "status"), o->cond_value);
	}
	return 0;
}

static void wait_one(struct kctl *k, const struct wait_opts *o, struct kobj *ob,
		     struct kerrors *errs, size_t *waited)
{
	struct strbuf path = STRBUF_INIT;
	kobj_path(ob, NULL, &path);
	cJSON *obj = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = ob->obj ? 0 : k8c_get(kctl_client(k), path.buf, &obj, &e);
	strbuf_release(&path);
	if (rc == -ENOENT && o->for_delete) {
		k8c_status_error_release(&e);
		return; /* kubectl skips what is already gone, then finds nothing */
	}
	if (rc < 0) {
		kerrors_add_api(k, errs, rc, &e);
		k8c_status_error_release(&e);
		return;
	}
	(*waited)++;
	const cJSON *cur = ob->obj ? ob->obj : obj;
	_cleanup_free_ char *uid = xstrdup(kj_str(cur, "metadata.uid"));
	struct cond_check cc = { o };
	int64_t deadline = time_mono_ns() + o->timeout_ns;
	void *ud = o->for_delete ? (void *)uid : (void *)&cc;
	rc = kwait_object(k, ob->kind, ob->ns, ob->name, o->timeout_ns > 0 ? deadline : 1,
			  o->for_delete ? kwait_deleted : condition_met, ud);
	if (rc == 0) {
		kprint_op(k, NULL, ob->kind, ob->name, NULL, "condition met");
	} else if (rc == -ETIME) {
		kerrors_timed_out(errs, ob->kind, ob->name);
	} else {
		errs->n++;
	}
	cJSON_Delete(obj);
	k8c_status_error_release(&e);
}

static int run_wait(struct kctl *k, struct wait_opts *o, const struct kstrv *args)
{
	if (parse_for(k, o) < 0)
		return 1;
	struct kselect_opts so = {
		.selector = o->selector,
		.field_selector = o->field_selector,
		.all = o->all,
		.all_namespaces = o->all_namespaces,
		.recursive = o->recursive,
		.files = &o->files,
	};
	struct kobjs objs = { 0 };
	struct kerrors errs = KERRORS_INIT;
	int r = kselect(k, args, &so, &objs, &errs);
	size_t waited = 0;
	for (size_t i = 0; r == 0 && i < objs.n; i++)
		wait_one(k, o, &objs.v[i], &errs, &waited);
	if (r == 0 && !waited && !errs.n)
		kerrors_addf(&errs, "no matching resources found");
	kobjs_release(&objs);
	return kerrors_finish(k, &errs) || r != 0;
}

int cmd_wait(struct kctl *k, int argc, char **argv)
{
	struct wait_opts o = { .timeout_ns = 30 * K8C_NSEC_PER_SEC };
	const struct kflag flags[] = {
		{ "for", 0, KFLAG_STRING, &o.for_, NULL, "delete, or condition=NAME[=VALUE]" },
		{ "timeout", 0, KFLAG_DURATION, &o.timeout_ns, NULL, "How long to wait per object" },
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector" },
		{ "field-selector", 0, KFLAG_STRING, &o.field_selector, NULL, "Field selector" },
		{ "all", 0, KFLAG_BOOL, &o.all, NULL, "Every object of the types" },
		{ "all-namespaces", 'A', KFLAG_BOOL, &o.all_namespaces, NULL, "All namespaces" },
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files naming the objects" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = run_wait(k, &o, &args);
	kstrv_release(&args);
	kstrv_release(&o.files);
	free(o.cond_name);
	free(o.cond_value);
	return r < 0 ? 1 : r;
}
