/*
 * create.c - `k8c create -f`: POSTs every document of the files, printing
 * "deployment.apps/web created" per object and every failure (with the file it came
 * from) after them, as kubectl does. --save-config stores the configuration in the
 * last-applied annotation, so a later apply sees it.
 */
#include "kubectl/commands.h"
#include "kubectl/gojson.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/writes.h"

struct create_opts {
	const char *output;
	struct kstrv files;
	bool recursive, save_config, validate;
	struct kout out;
};

static void save_config(cJSON *obj)
{
	cJSON *ann = kj_ensure(obj, "metadata.annotations");
	cJSON_DeleteItemFromObjectCaseSensitive(ann, "kubectl.kubernetes.io/last-applied-configuration");
	struct strbuf sb = STRBUF_INIT;
	gojson_marshal(obj, &sb);
	strbuf_addch(&sb, '\n');
	kj_set(ann, "kubectl.kubernetes.io/last-applied-configuration", cJSON_CreateString(sb.buf));
	strbuf_release(&sb);
}

static void create_one(struct kctl *k, struct kinfo *in, void *ud, struct kerrors *errs)
{
	struct create_opts *o = ud;
	if (!in->error)
		kinfo_resolve_namespace(k, in);
	if (in->error) {
		kerrors_addf(errs, "%s", in->error);
		return;
	}
	if (o->save_config)
		save_config(in->obj);
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, in->kind, kinfo_namespace(in), NULL, NULL);
	strbuf_addstr(&path, "?fieldManager=kubectl-create");
	cJSON *created = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_create(kctl_client(k), path.buf, in->obj, &created, &e);
	if (rc < 0) {
		kctl_error_add_source(&e, "creating", in->source);
		kerrors_add_api(k, errs, rc, &e);
	} else {
		kprint_op(k, &o->out, in->kind, kj_str_or(created, "metadata.name", ""), created,
			  "created");
	}
	cJSON_Delete(created);
	k8c_status_error_release(&e);
	strbuf_release(&path);
}

static int run_create(struct kctl *k, struct create_opts *o, const struct kstrv *args)
{
	if (kout_parse(k, o->output, false, &o->out) < 0)
		return 1;
	if (args->n) {
		kctl_errorf(k, "k8c create supports -f only; unknown sub-command \"%s\"",
			    args->v[0]);
		return 1;
	}
	return kinfos_each(k, &o->files, o->recursive, "create", create_one, o);
}

int cmd_create(struct kctl *k, int argc, char **argv)
{
	struct create_opts o = { 0 };
	const struct kflag flags[] = {
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files with the objects" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "json|yaml|name" },
		{ "save-config", 0, KFLAG_BOOL, &o.save_config, NULL, "Store the configuration" },
		{ "validate", 0, KFLAG_BOOL, &o.validate, NULL, "Accepted for compatibility" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = run_create(k, &o, &args);
	kstrv_release(&args);
	kstrv_release(&o.files);
	return r < 0 ? 1 : r;
}
