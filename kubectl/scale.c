/*
 * scale.c - `k8c scale`: for each chosen object, a JSON merge patch
 * {"spec":{"replicas":N}} to its /scale subresource, as kubectl sends it, after
 * checking --current-replicas against the Scale when given. Prints
 * "deployment.apps/web scaled".
 */
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/select.h"

struct scale_opts {
	int64_t replicas, current;
	size_t scaled; /* objects tried */
	bool replicas_set, all, recursive;
	const char *selector, *output;
	struct kstrv files;
	struct kout out;
};

/* --current-replicas: the Scale must show that many replicas now. */
static int check_current(struct kctl *k, const struct scale_opts *o, const struct kobj *ob,
			 struct kerrors *errs)
{
	if (o->current < 0)
		return 0;
	struct strbuf path = STRBUF_INIT;
	kobj_path(ob, "scale", &path);
	cJSON *scale = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_get(kctl_client(k), path.buf, &scale, &e);
	if (rc < 0) {
		kerrors_add_api(k, errs, rc, &e);
	} else if (kj_int(scale, "spec.replicas", 0) != o->current) {
		kerrors_addf(errs, "Expected replicas to be %lld, was %lld", (long long)o->current,
			     (long long)kj_int(scale, "spec.replicas", 0));
		rc = -EINVAL;
	}
	cJSON_Delete(scale);
	k8c_status_error_release(&e);
	strbuf_release(&path);
	return rc;
}

static void scale_one(struct kctl *k, struct kobj *ob, void *ud, struct kerrors *errs)
{
	struct scale_opts *o = ud;
	o->scaled++;
	if (check_current(k, o, ob, errs) < 0)
		return;
	struct strbuf path = STRBUF_INIT;
	kobj_path(ob, "scale", &path);
	cJSON *patch = cJSON_CreateObject(), *scaled = NULL;
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(patch, "spec"), "replicas",
				(double)o->replicas);
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = kpatch(k, path.buf, K8C_PATCH_MERGE, patch, &scaled, &e);
	if (rc < 0)
		kerrors_add_api(k, errs, rc, &e);
	else
		kprint_op(k, &o->out, ob->kind, ob->name, NULL, "scaled");
	cJSON_Delete(scaled);
	cJSON_Delete(patch);
	k8c_status_error_release(&e);
	strbuf_release(&path);
}

static int run_scale(struct kctl *k, struct scale_opts *o, const struct kstrv *args)
{
	if (!o->replicas_set) {
		fprintf(k->err, "Error: required flag(s) \"replicas\" not set\n");
		return 1;
	}
	if (o->replicas < 0) {
		kctl_errorf(k, "The --replicas=COUNT flag is required, and COUNT must be greater "
			       "than or equal to 0");
		return 1;
	}
	if (kout_parse(k, o->output, false, &o->out) < 0)
		return 1;
	struct kselect_opts so = { .selector = o->selector, .all = o->all,
				   .recursive = o->recursive, .files = &o->files };
	int r = kselect_each(k, args, &so, scale_one, o);
	if (r == 0 && !o->scaled) {
		kctl_errorf(k, "no objects passed to scale");
		r = 1;
	}
	return r;
}

int cmd_scale(struct kctl *k, int argc, char **argv)
{
	struct scale_opts o = { .current = -1 };
	const struct kflag flags[] = {
		{ "replicas", 0, KFLAG_INT, &o.replicas, &o.replicas_set, "The new size" },
		{ "current-replicas", 0, KFLAG_INT, &o.current, NULL, "Precondition on the size" },
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector" },
		{ "all", 0, KFLAG_BOOL, &o.all, NULL, "Every object of the types" },
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files naming the objects" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "name" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = run_scale(k, &o, &args);
	kstrv_release(&args);
	kstrv_release(&o.files);
	return r < 0 ? 1 : r;
}
