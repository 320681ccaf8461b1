/*
 * select.c - choosing the objects a command acts on; see select.h.
 */
#include "kubectl/select.h"

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

static bool selecting(const struct kselect_opts *o)
{
	return (o->selector && *o->selector) || (o->field_selector && *o->field_selector) ||
	       o->all;
}

int kselect(struct kctl *k, const struct kstrv *args, const struct kselect_opts *o,
	    struct kobjs *out, struct kerrors *errs)
{
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
