/*
 * select.c - choosing the objects a command acts on; see select.h.
 */
#include "kubectl/select.h"

#include "api/patch/patch.h"
#include "client/path.h"
#include "client/verbs.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"

static struct kobj *add(struct kobjs *out, const struct k8c_kind *kind, const char *ns,
			const char *name)
{
	ALLOC_GROW(out->v, out->n + 1, out->alloc);
	struct kobj *o = &out->v[out->n++];
	*o = (struct kobj){ kind, kres_namespaced(kind) ? xstrdup(ns) : NULL, xstrdup(name) };
	return o;
}

void kobjs_release(struct kobjs *objs)
{
	for (size_t i = 0; i < objs->n; i++) {
		free(objs->v[i].ns);
		free(objs->v[i].name);
		free(objs->v[i].source);
		cJSON_Delete(objs->v[i].obj);
	}
	free(objs->v);
	memset(objs, 0, sizeof(*objs));
}

void kobj_path(const struct kobj *o, const char *subresource, struct strbuf *out)
{
	kres_path(out, o->kind, o->ns, o->name, subresource);
}

int kobj_fetch(struct kctl *k, struct kobj *o, struct kerrors *errs)
{
	if (o->obj)
		return 0;
	struct strbuf path = STRBUF_INIT;
	kobj_path(o, NULL, &path);
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_get(kctl_client(k), path.buf, &o->obj, &e);
	if (rc < 0)
		kerrors_add_api(k, errs, rc, &e);
	k8c_status_error_release(&e);
	strbuf_release(&path);
	return rc;
}

static int from_files(struct kctl *k, const struct kselect_opts *o, struct kobjs *out,
		      struct kerrors *errs)
{
	struct kinfos infos = { 0 };
	if (kinfos_read(k, o->files, o->recursive, &infos) < 0) {
		kinfos_release(&infos);
		return -1;
	}
	for (size_t i = 0; i < infos.n; i++) {
		struct kinfo *in = &infos.v[i];
		if (!in->error)
			kinfo_resolve_namespace(k, in);
		if (!in->error && !*kinfo_name(in))
			kinfo_fail(in, "resource name may not be empty");
		if (in->error) {
			kerrors_addf(errs, "%s", in->error);
			continue;
		}
		struct kobj *ob = add(out, in->kind, kinfo_namespace(in), kinfo_name(in));
		ob->source = xstrdup(in->source);
	}
	kinfos_release(&infos);
	return 0;
}

/* Lists kind (every page) and adds the matching objects. */
static void list_kind(struct kctl *k, const struct kselect_opts *o, const struct k8c_kind *kind,
		      struct kobjs *out, struct kerrors *errs)
{
	const char *ns = o->all_namespaces ? NULL : kctl_namespace(k);
	_cleanup_free_ char *cont = NULL;
	do {
		struct strbuf path = STRBUF_INIT;
		kres_path(&path, kind, ns, NULL, NULL);
		struct k8c_list_options lo = { .label_selector = o->selector,
					       .field_selector = o->field_selector,
					       .continue_token = cont,
					       .limit = 500 };
		cJSON *list = NULL;
		struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
		int rc = k8c_list(kctl_client(k), path.buf, &lo, &list, &e);
		strbuf_release(&path);
		free(cont);
		cont = NULL;
		if (rc < 0) {
			kerrors_add_api(k, errs, rc, &e);
			k8c_status_error_release(&e);
			return;
		}
		const cJSON *it;
		cJSON_ArrayForEach(it, kj_get(list, "items")) {
			struct kobj *ob = add(out, kind, kj_str(it, "metadata.namespace"),
					      kj_str_or(it, "metadata.name", ""));
			ob->obj = cJSON_Duplicate(it, true);
		}
		const char *c = kj_str(list, "metadata.continue");
		cont = c && *c ? xstrdup(c) : NULL;
		cJSON_Delete(list);
	} while (cont);
}

int kselect_check_files(struct kctl *k, const struct kstrv *args, const struct kstrv *files)
{
	if (!args->n || !files->n)
		return 0;
	kctl_errorf(k, "when paths, URLs, or stdin is provided as input, you may not specify "
		       "resource arguments as well");
	return -1;
}

static bool selecting(const struct kselect_opts *o)
{
	return (o->selector && *o->selector) || (o->field_selector && *o->field_selector) ||
	       o->all;
}

int kselect(struct kctl *k, const struct kstrv *args, const struct kselect_opts *o,
	    struct kobjs *out, struct kerrors *errs)
{
	if (o->files && kselect_check_files(k, args, o->files) < 0)
		return -1;
	if (o->files && o->files->n)
		return kctl_client(k) ? from_files(k, o, out, errs) : -1;
	struct ktargets t = { 0 };
	int r = ktargets_parse(k, args, &t);
	if (r == 0 && !t.n) {
		kctl_errorf(k, "You must provide one or more resources by argument or filename.\n"
			       "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
			       "'--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
		r = -1;
	}
	bool names = r == 0 && t.v[0].name;
	if (r == 0 && !names && !selecting(o) && !o->names_optional) {
		kctl_errorf(k, "%s",
			    o->no_name_error ? o->no_name_error
					     : "resource(s) were provided, but no name was specified");
		r = -1;
	} else if (r == 0 && names && selecting(o)) {
		kctl_errorf(k, "name cannot be provided when a selector is specified");
		r = -1;
	}
	if (r == 0 && !kctl_client(k))
		r = -1;
	for (size_t i = 0; r == 0 && i < t.n; i++) {
		if (names)
			add(out, t.v[i].kind, kctl_namespace(k), t.v[i].name);
		else
			list_kind(k, o, t.v[i].kind, out, errs);
	}
	ktargets_release(&t);
	return r;
}

int kselect_each(struct kctl *k, const struct kstrv *args, const struct kselect_opts *o,
		 kobj_fn fn, void *userdata)
{
	struct kobjs objs = { 0 };
	struct kerrors errs = KERRORS_INIT;
	int r = kselect(k, args, o, &objs, &errs);
	for (size_t i = 0; r == 0 && i < objs.n; i++)
		fn(k, &objs.v[i], userdata, &errs);
	kobjs_release(&objs);
	return kerrors_finish(k, &errs) || r < 0;
}

void kobj_patch_changes(struct kctl *k, const struct kout *o, const struct kobj *ob,
			const cJSON *changed, const char *op, const char *unchanged,
			struct kerrors *errs)
{
	cJSON *patch = NULL, *out = NULL;
	struct strbuf err = STRBUF_INIT, path = STRBUF_INIT;
	if (strategic_patch_two_way(ob->obj, changed, ob->kind->type, &patch, &err) < 0) {
		kerrors_addf(errs, "%s", err.buf);
	} else if (strategic_patch_is_empty(patch)) {
		if (unchanged)
			kprint_op(k, NULL, ob->kind, ob->name, NULL, unchanged);
	} else {
		kobj_path(ob, NULL, &path);
		struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
		int rc = kpatch(k, path.buf, K8C_PATCH_STRATEGIC, patch, &out, &e);
		if (rc < 0)
			kerrors_add_api(k, errs, rc, &e);
		else
			kprint_op(k, o, ob->kind, ob->name, out, op);
		k8c_status_error_release(&e);
	}
	cJSON_Delete(patch);
	cJSON_Delete(out);
	strbuf_release(&err);
	strbuf_release(&path);
}
