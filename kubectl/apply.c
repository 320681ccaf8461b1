/*
 * apply.c - `k8c apply -f`: kubectl's client-side apply. For each document: GET the
 * live object; when there is none, create it carrying the
 * kubectl.kubernetes.io/last-applied-configuration annotation (the configuration as
 * Go's json.Marshal writes it, plus a newline); else compute the three-way strategic
 * merge patch from the last applied configuration, the new one (annotated) and the
 * live object, and send it unless it is empty. Prints "created", "configured" or
 * "unchanged" per object; every failing document is reported, the others still
 * applied.
 */
#include "api/patch/patch.h"
#include "kubectl/commands.h"
#include "kubectl/gojson.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/writes.h"

#define LAST_APPLIED	 "kubectl.kubernetes.io/last-applied-configuration"
#define FIELD_MANAGER	 "?fieldManager=kubectl-client-side-apply"
#define MAX_PATCH_RETRY 5

struct apply_opts {
	const char *output;
	struct kstrv files;
	bool recursive, validate;
	struct kout out;
};

/*
 * kubectl's GetModifiedConfiguration: obj as JSON text (newline-terminated) with an
 * annotations map (created if absent) that lacks the last-applied annotation; with
 * annotate, that text is added as the annotation and the object serialized again.
 */
static char *modified_config(const cJSON *obj, bool annotate)
{
	cJSON *copy = cJSON_Duplicate(obj, true);
	cJSON *ann = kj_ensure(copy, "metadata.annotations");
	cJSON_DeleteItemFromObjectCaseSensitive(ann, LAST_APPLIED);
	struct strbuf sb = STRBUF_INIT;
	gojson_marshal(copy, &sb);
	strbuf_addch(&sb, '\n');
	if (annotate) {
		kj_set(ann, LAST_APPLIED, cJSON_CreateString(sb.buf));
		strbuf_reset(&sb);
		gojson_marshal(copy, &sb);
		strbuf_addch(&sb, '\n');
	}
	cJSON_Delete(copy);
	return strbuf_detach(&sb, NULL);
}

static int create_one(struct kctl *k, struct apply_opts *o, struct kinfo *in,
		      struct kerrors *errs)
{
	cJSON *obj = cJSON_Duplicate(in->obj, true);
	_cleanup_free_ char *annotation = modified_config(in->obj, false);
	kj_set(kj_ensure(obj, "metadata.annotations"), LAST_APPLIED,
	       cJSON_CreateString(annotation));
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, in->kind, kinfo_namespace(in), NULL, NULL);
	strbuf_addstr(&path, FIELD_MANAGER);
	cJSON *created = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_create(kctl_client(k), path.buf, obj, &created, &e);
	if (rc < 0) {
		kctl_error_add_source(&e, "creating", in->source);
		kerrors_add_api(k, errs, rc, &e);
	} else {
		kprint_op(k, &o->out, in->kind, kinfo_name(in), created, "created");
	}
	cJSON_Delete(created);
	cJSON_Delete(obj);
	k8c_status_error_release(&e);
	strbuf_release(&path);
	return rc;
}

static void warn_missing_annotation(struct kctl *k, const struct kinfo *in)
{
	struct strbuf gr = STRBUF_INIT;
	kres_group_resource(&gr, in->kind);
	fprintf(k->err,
		"Warning: resource %s/%s is missing the " LAST_APPLIED " annotation which is "
		"required by k8c apply. k8c apply should only be used on resources created "
		"declaratively by either k8c create --save-config or k8c apply. The missing "
		"annotation will be patched automatically.\n",
		gr.buf, kinfo_name(in));
	strbuf_release(&gr);
}

/* The three-way patch for the live object current; NULL after recording an error. */
static cJSON *compute_patch(struct kctl *k, const struct kinfo *in, const cJSON *current,
			    struct kerrors *errs)
{
	const char *last = kj_map_str(current, "metadata.annotations", LAST_APPLIED);
	cJSON *original = last ? cJSON_Parse(last) : NULL;
	_cleanup_free_ char *text = modified_config(in->obj, true);
	cJSON *modified = cJSON_Parse(text), *patch = NULL;
	struct strbuf err = STRBUF_INIT;
	if (strategic_patch_three_way(original, modified, current, in->kind->type, &patch, &err) <
	    0) {
		kerrors_addf(errs, "error when computing the patch for %s \"%s\" from \"%s\": %s",
			     in->kind->kind, kinfo_name(in), in->source, err.buf);
		patch = NULL;
	}
	strbuf_release(&err);
	cJSON_Delete(original);
	cJSON_Delete(modified);
	return patch;
}

/* Patches the live object; retries with a fresh copy on conflicts as kubectl does. */
static void patch_one(struct kctl *k, struct apply_opts *o, struct kinfo *in, cJSON *current,
		      struct kerrors *errs)
{
	struct strbuf path = STRBUF_INIT;
	kinfo_path(in, NULL, &path);
	if (!kj_map_str(current, "metadata.annotations", LAST_APPLIED))
		warn_missing_annotation(k, in);
	if (kj_str(current, "metadata.deletionTimestamp"))
		fprintf(k->err,
			"Warning: Detected changes to resource %s which is currently being "
			"deleted.\n",
			kinfo_name(in));
	for (int attempt = 0; attempt < MAX_PATCH_RETRY; attempt++) {
		cJSON *patch = compute_patch(k, in, current, errs), *patched = NULL;
		if (!patch)
			break;
		if (strategic_patch_is_empty(patch)) {
			kprint_op(k, &o->out, in->kind, kinfo_name(in), current, "unchanged");
			cJSON_Delete(patch);
			break;
		}
		struct strbuf ppath = STRBUF_INIT;
		strbuf_addf(&ppath, "%s%s", path.buf, FIELD_MANAGER);
		struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
		int rc = kpatch(k, ppath.buf, K8C_PATCH_STRATEGIC, patch, &patched, &e);
		strbuf_release(&ppath);
		cJSON_Delete(patch);
		if (rc == 0)
			kprint_op(k, &o->out, in->kind, kinfo_name(in), patched, "configured");
		cJSON_Delete(patched);
		bool retry = rc == -EBUSY && attempt + 1 < MAX_PATCH_RETRY &&
			     k8c_get(kctl_client(k), path.buf, &patched, NULL) == 0;
		if (retry) {
			cJSON_Delete(current);
			current = patched;
		} else if (rc < 0) {
			struct strbuf src = STRBUF_INIT;
			kres_ref(&src, in->kind, kinfo_name(in));
			strbuf_insert(&src, 0, "applying patch to ", 18);
			strbuf_addf(&src, " from");
			kctl_error_add_source(&e, src.buf, in->source);
			kerrors_add_api(k, errs, rc, &e);
			strbuf_release(&src);
		}
		k8c_status_error_release(&e);
		if (!retry)
			break;
	}
	cJSON_Delete(current);
	strbuf_release(&path);
}

static void apply_one(struct kctl *k, struct kinfo *in, void *ud, struct kerrors *errs)
{
	struct apply_opts *o = ud;
	if (!in->error && kinfo_resolve_namespace(k, in) == 0 && !*kinfo_name(in))
		kinfo_fail(in, "resource name may not be empty");
	if (in->error) {
		kerrors_addf(errs, "%s", in->error);
		return;
	}
	struct strbuf path = STRBUF_INIT;
	kinfo_path(in, NULL, &path);
	cJSON *current = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_get(kctl_client(k), path.buf, &current, &e);
	if (rc == -ENOENT) {
		create_one(k, o, in, errs);
	} else if (rc < 0) {
		struct strbuf what = STRBUF_INIT;
		strbuf_addstr(&what, "retrieving current configuration of ");
		kres_ref(&what, in->kind, kinfo_name(in));
		strbuf_addstr(&what, " from server for");
		kctl_error_add_source(&e, what.buf, in->source);
		kerrors_add_api(k, errs, rc, &e);
		strbuf_release(&what);
	} else {
		patch_one(k, o, in, current, errs);
	}
	k8c_status_error_release(&e);
	strbuf_release(&path);
}

static int run_apply(struct kctl *k, struct apply_opts *o)
{
	if (kout_parse(k, o->output, false, &o->out) < 0)
		return 1;
	if (!o->files.n) {
		kctl_errorf(k, "must specify -f");
		return 1;
	}
	return kinfos_each(k, &o->files, o->recursive, "apply", apply_one, o);
}

int cmd_apply(struct kctl *k, int argc, char **argv)
{
	struct apply_opts o = { 0 };
	const struct kflag flags[] = {
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files with the configuration" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "json|yaml|name" },
		{ "validate", 0, KFLAG_BOOL, &o.validate, NULL, "Accepted for compatibility" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0 && args.n) {
		kctl_errorf(k, "Unexpected args: [%s]\nSee 'k8c apply -h' for help and examples",
			    args.v[0]);
		r = 1;
	}
	if (r == 0)
		r = run_apply(k, &o);
	kstrv_release(&args);
	kstrv_release(&o.files);
	return r < 0 ? 1 : r;
}
