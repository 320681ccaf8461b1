/*
 * set_image.c - `k8c set image TYPE/NAME CONTAINER=IMAGE...` ("*" for every
 * container): changes the images of the pod template (or pod), init containers
 * included, and sends the two-way strategic merge patch between the object before and
 * after, as kubectl does; nothing is sent (or printed) when no image changes.
 */
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/select.h"

struct image_opts {
	bool all, recursive;
	const char *selector, *output;
	struct kstrv files, pairs;
	struct kout out;
};

/* The pod spec inside obj: spec.template.spec for workloads, spec for pods. */
static cJSON *pod_spec(cJSON *obj, const struct k8c_kind *kind)
{
	return kj_get(obj, strcmp(kind->kind, "Pod") ? "spec.template.spec" : "spec");
}

/* Sets the image of the named container ("*": all) in list; returns how many matched. */
static int set_in(cJSON *list, const char *name, const char *image)
{
	int n = 0;
	cJSON *c;
	cJSON_ArrayForEach(c, list) {
		if (strcmp(name, "*") && strcmp(kj_str_or(c, "name", ""), name))
			continue;
		kj_set(c, "image", cJSON_CreateString(image));
		n++;
	}
	return n;
}

static int change_images(const struct image_opts *o, cJSON *spec, struct kerrors *errs)
{
	for (size_t i = 0; i < o->pairs.n; i++) {
		const char *eq = strchr(o->pairs.v[i], '=');
		_cleanup_free_ char *name = xstrndup(o->pairs.v[i], (size_t)(eq - o->pairs.v[i]));
		int n = set_in(kj_get(spec, "containers"), name, eq + 1) +
			set_in(kj_get(spec, "initContainers"), name, eq + 1);
		if (!n) {
			kerrors_addf(errs, "unable to find container named \"%s\"", name);
			return -1;
		}
	}
	return 0;
}

static void image_one(struct kctl *k, struct kobj *ob, void *ud, struct kerrors *errs)
{
	const struct image_opts *o = ud;
	if (kobj_fetch(k, ob, errs) < 0)
		return;
	cJSON *changed = cJSON_Duplicate(ob->obj, true);
	cJSON *spec = pod_spec(changed, ob->kind);
	if (!spec)
		kerrors_addf(errs, "%s/%s has no pod template", ob->kind->resource, ob->name);
	else if (change_images(o, spec, errs) == 0)
		kobj_patch_changes(k, &o->out, ob, changed, "image updated", NULL, errs);
	cJSON_Delete(changed);
}

static int run_set_image(struct kctl *k, struct image_opts *o, const struct kstrv *args)
{
	struct kstrv resources = KSTRV_INIT;
	for (size_t i = 0; i < args->n; i++)
		kstrv_push(strchr(args->v[i], '=') ? &o->pairs : &resources, args->v[i]);
	int r = kout_parse(k, o->output, false, &o->out) < 0;
	if (!r && !o->pairs.n) {
		kctl_errorf(k, "at least one image update is required");
		r = 1;
	}
	struct kselect_opts so = { .selector = o->selector, .all = o->all,
				   .recursive = o->recursive, .files = &o->files };
	if (!r)
		r = kselect_each(k, &resources, &so, image_one, o);
	kstrv_release(&resources);
	kstrv_release(&o->pairs);
	return r;
}

int cmd_set_image(struct kctl *k, int argc, char **argv)
{
	struct image_opts o = { 0 };
	const struct kflag flags[] = {
		{ "selector", 'l', KFLAG_STRING, &o.selector, NULL, "Label selector" },
		{ "all", 0, KFLAG_BOOL, &o.all, NULL, "Every object of the types" },
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files naming the objects" },
		{ "recursive", 'R', KFLAG_BOOL, &o.recursive, NULL, "Read directories recursively" },
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "json|yaml|name" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = run_set_image(k, &o, &args);
	kstrv_release(&args);
	kstrv_release(&o.files);
	return r < 0 ? 1 : r;
}
