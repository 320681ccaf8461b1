/*
 * label.c - `k8c label` and `k8c annotate`: "key=value" sets, "key-" removes, the
 * rest of the arguments choose the objects. Each object is read, changed as kubectl
 * changes it (an existing key needs --overwrite), and sent as a JSON merge patch of
 * the changed keys. Prints "pod/web labeled" / "not labeled" / "annotated".
 */
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/select.h"

struct meta_cmd {
	const char *field; /* "labels", "annotations" */
	const char *noun;  /* "label", "annotation" */
	const char *done, *not_done;
};

static const struct meta_cmd label_cmd = { "labels", "label", "labeled", "not labeled" };
static const struct meta_cmd annotate_cmd = { "annotations", "annotation", "annotated",
					      "annotated" };

struct label_opts {
	const struct meta_cmd *cmd;
	bool overwrite, all, recursive, list;
	const char *selector, *output, *resource_version;
	struct kstrv files;
	struct kout out;
	struct kstrv sets, removes; /* "k=v", "k" */
};

/* Splits args into resource arguments and label changes. */
static void split_args(const struct kstrv *args, struct kstrv *resources, struct label_opts *o)
{
	for (size_t i = 0; i < args->n; i++) {
		const char *a = args->v[i];
		size_t len = strlen(a);
		if (strchr(a, '='))
			kstrv_push(&o->sets, a);
		else if (len > 1 && a[len - 1] == '-')
			kstrv_push(&o->removes, a);
		else
			kstrv_push(resources, a);
	}
}

/* Applies the changes to a copy of the map; returns the merge patch for it or NULL. */
static cJSON *changes(struct kctl *k, const struct label_opts *o, const cJSON *old,
		      struct kerrors *errs, bool *changed)
{
	cJSON *patch = cJSON_CreateObject();
	*changed = false;
	for (size_t i = 0; i < o->sets.n; i++) {
		const char *a = o->sets.v[i], *eq = strchr(a, '=');
		_cleanup_free_ char *key = xstrndup(a, (size_t)(eq - a));
		const char *have = kj_map_str(old, NULL, key);
		if (have && !o->overwrite && strcmp(have, eq + 1)) {
			if (o->cmd == &label_cmd)
				kerrors_addf(errs, "'%s' already has a value (%s), and --overwrite is "
						   "false", key, have);
			else
				kerrors_addf(errs, "--overwrite is false but found the following "
						   "declared annotation(s): '%s' already has a value "
						   "(%s)", key, have);
			cJSON_Delete(patch);
			return NULL;
		}
		if (!have || strcmp(have, eq + 1))
			*changed = true;
		kj_set(patch, key, cJSON_CreateString(eq + 1));
	}
	for (size_t i = 0; i < o->removes.n; i++) {
		_cleanup_free_ char *key = xstrndup(o->removes.v[i], strlen(o->removes.v[i]) - 1);
		if (!kj_map_str(old, NULL, key)) {
			if (o->cmd == &label_cmd)
				fprintf(k->out, "%s \"%s\" not found.\n", o->cmd->noun, key);
			continue;
		}
		*changed = true;
		kj_set(patch, key, cJSON_CreateNull());
	}
	return patch;
}

static void label_one(struct kctl *k, struct kobj *ob, void *ud, struct kerrors *errs)
{
	const struct label_opts *o = ud;
	if (kobj_fetch(k, ob, errs) < 0)
		return;
	struct strbuf field = STRBUF_INIT;
	strbuf_addf(&field, "metadata.%s", o->cmd->field);
	bool changed;
	cJSON *m = changes(k, o, kj_get(ob->obj, field.buf), errs, &changed);
	strbuf_release(&field);
	if (!m)
		return;
	cJSON *patch = cJSON_CreateObject(), *out = NULL;
	cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
	cJSON_AddItemToObject(meta, o->cmd->field, m);
	if (o->resource_version)
		cJSON_AddStringToObject(meta, "resourceVersion", o->resource_version);
	int rc = 0;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	if (changed || o->resource_version) {
		struct strbuf path = STRBUF_INIT;
		kobj_path(ob, NULL, &path);
		rc = kpatch(k, path.buf, K8C_PATCH_MERGE, patch, &out, &e);
		strbuf_release(&path);
	}
	if (rc < 0)
		kerrors_add_api(k, errs, rc, &e);
	else
		kprint_op(k, &o->out, ob->kind, ob->name, out ? out : ob->obj,
			  changed ? o->cmd->done : o->cmd->not_done);
	k8c_status_error_release(&e);
	cJSON_Delete(out);
	cJSON_Delete(patch);
}

static int run_label(struct kctl *k, struct label_opts *o, const struct kstrv *args)
{
	struct kstrv resources = KSTRV_INIT;
	split_args(args, &resources, o);
	int r = kout_parse(k, o->output, false, &o->out) < 0;
	if (!r && !o->sets.n && !o->removes.n) {
		kctl_errorf(k, "at least one %s update is required", o->cmd->noun);
		r = 1;
	}
	struct kselect_opts so = { .selector = o->selector, .all = o->all,
				   .recursive = o->recursive, .files = &o->files };
	if (!r)
		r = kselect_each(k, &resources, &so, label_one, o);
	kstrv_release(&resources);
	kstrv_release(&o->sets);
	kstrv_release(&o->removes);
	return r;
}

static int run_meta_cmd(struct kctl *k, const struct meta_cmd *cmd, int argc, char **argv)
{
	struct label_opts o = { .cmd = cmd };
	const struct kflag flags[] = {
		{ "overwrite", 0, KFLAG_BOOL, &o.overwrite, NULL, "Replace existing values" },
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector" },
		{ "all", 0, KFLAG_BOOL, &o.all, NULL, "Every object of the types" },
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files naming the objects" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ "resource-version", 0, KFLAG_STRING, &o.resource_version, NULL,
		  "Only change the object at this resourceVersion" },
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "json|yaml|name" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = run_label(k, &o, &args);
	kstrv_release(&args);
	kstrv_release(&o.files);
	return r < 0 ? 1 : r;
}

int cmd_label(struct kctl *k, int argc, char **argv)
{
	return run_meta_cmd(k, &label_cmd, argc, argv);
}

int cmd_annotate(struct kctl *k, int argc, char **argv)
{
	return run_meta_cmd(k, &annotate_cmd, argc, argv);
}
