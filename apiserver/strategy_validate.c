/*
 * strategy_validate.c - which validation a write gets: the ObjectMeta rules, owner
 * references and finalizers, then the kind's own hook; services then get their
 * cluster IP and node ports (service_alloc.c). See strategy.h.
 */
#include "apiserver/strategy.h"

#include "api/object.h"
#include "api/validation/field_err.h"
#include "api/validation/govalue.h"
#include "api/validation/object_meta.h"
#include "apiserver/server.h"
#include "apiserver/service_alloc.h"

static bool is(const struct k8c_kind *k, const char *resource)
{
	return !strcmp(k->resource, resource);
}

void strategy_validate_meta(const struct k8c_kind *k, const void *obj, const void *old,
			    struct field_errors *errs)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
	enum k8c_name_rule rule = k8c_name_rule_for_kind(k->kind);
	if (!old) {
		k8c_validate_object_name(rule, m->name, "metadata.name", errs);
		k8c_validate_generate_name(rule, m->generate_name, "metadata.generateName", errs);
	}
	k8c_validate_namespace(m->namespace, k->flags & K8C_KIND_NAMESPACED, "metadata.namespace",
			       errs);
	const struct k8c_object_meta *o = old ? &((const struct k8c_object *)old)->metadata : NULL;
	if (o && !streq_null(m->uid, o->uid)) /* clients name the uid to guard a write */
		field_err_invalid(errs, "metadata.uid", m->uid ? m->uid : "", "field is immutable");
	k8c_validate_labels(&m->labels, "metadata.labels", errs);
	k8c_validate_annotations(&m->annotations, "metadata.annotations", errs);
	if (m->has_deletion_grace_period_seconds)
		k8c_validate_nonnegative(m->deletion_grace_period_seconds,
					 "metadata.deletionGracePeriodSeconds", errs);
}

/* ParseGroupVersion's version of an apiVersion ("v1", "apps/v1"); "" when malformed. */
static const char *api_version_version(const char *av)
{
	const char *slash = strchr(av, '/');
	if (!slash)
		return av;
	return strchr(slash + 1, '/') ? "" : slash + 1;
}

/* ValidateOwnerReferences; upstream reports at the list's path, not the entry's. */
static void owner_references(const struct k8c_object_meta *m, struct field_errors *errs)
{
	static const char path[] = "metadata.ownerReferences";
	const struct k8c_owner_reference *controller = NULL;
	for (size_t i = 0; i < m->n_owner_references; i++) {
		const struct k8c_owner_reference *o = &m->owner_references[i];
		const char *av = str_or_empty(o->api_version), *kind = str_or_empty(o->kind);
		if (!*api_version_version(av))
			field_err_invalid(errs, "metadata.ownerReferences.apiVersion", av,
					  "version must not be empty");
		if (!*kind)
			field_err_invalid(errs, "metadata.ownerReferences.kind", kind,
					  "kind must not be empty");
		if (!o->name || !*o->name)
			field_err_invalid(errs, "metadata.ownerReferences.name", "",
					  "name must not be empty");
		if (!o->uid || !*o->uid)
			field_err_invalid(errs, "metadata.ownerReferences.uid", "",
					  "uid must not be empty");
		if (!strcmp(av, "v1") && !strcmp(kind, "Event"))
			field_errors_add(errs, FIELD_ERROR_INVALID, path, "Invalid value: "
					 "v1.OwnerReference{...}: /v1, Kind=Event is disallowed from "
					 "being an owner");
		if (!o->has_controller || !o->controller)
			continue;
		if (!controller) {
			controller = o;
			continue;
		}
		field_errors_add(errs, FIELD_ERROR_INVALID, path, "Invalid value: "
				 "[]v1.OwnerReference{...}: Only one reference can have Controller set "
				 "to true. Found \"true\" in references for %s/%s and %s/%s",
				 str_or_empty(controller->kind), str_or_empty(controller->name), kind,
				 str_or_empty(o->name));
	}
}

/* ValidateFinalizers plus core's validateKubeFinalizerName, at metadata.finalizers[i]. */
static void finalizers(const struct k8c_object_meta *m, struct field_errors *errs)
{
	bool orphan = false, foreground = false;
	struct strbuf path = STRBUF_INIT;
	for (size_t i = 0; i < m->n_finalizers; i++) {
		const char *f = str_or_empty(m->finalizers[i]);
		struct k8c_name_msgs msgs;
		strbuf_reset(&path);
		strbuf_addf(&path, "metadata.finalizers[%zu]", i);
		if (!k8c_is_qualified_name(f, &msgs))
			for (size_t j = 0; j < msgs.n; j++)
				field_err_invalid(errs, path.buf, f, msgs.msg[j]);
		orphan |= !strcmp(f, "orphan");
		foreground |= !strcmp(f, "foregroundDeletion");
		if (!strchr(f, '/') && strcmp(f, "kubernetes") && strcmp(f, "orphan") &&
		    strcmp(f, "foregroundDeletion"))
			field_err_invalid(errs, path.buf, f, "name is neither a standard finalizer name "
					  "nor is it fully qualified");
	}
	if (orphan && foreground) {
		struct strbuf v = STRBUF_INIT;
		govalue_strings(&v, m->finalizers, m->n_finalizers);
		field_err_invalid_json(errs, "metadata.finalizers", v.buf,
				       "finalizer orphan and foregroundDeletion cannot be both set");
		strbuf_release(&v);
	}
	strbuf_release(&path);
}

/* Writes that cannot change the spec: upstream validates them with strategies of their own. */
static bool spec_frozen(const struct api_request *r)
{
	const char *sub = r->route.subresource;
	return r->verb == VERB_DELETE || r->verb == VERB_DELETECOLLECTION ||
	       !strcmp(sub, "status") || !strcmp(sub, "binding") || !strcmp(sub, "finalize");
}

void strategy_validate(struct api_request *r, void *obj, void *old, struct field_errors *errs)
{
	const struct k8c_kind *k = r->kind;
	strategy_validate_meta(k, obj, old, errs);
	if (r->verb != VERB_DELETE && r->verb != VERB_DELETECOLLECTION) {
		/* deletion marks add their own finalizers; upstream does not validate those writes */
		const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
		owner_references(m, errs);
		finalizers(m, errs);
	}
	if (!spec_frozen(r)) {
		if (old && k->validate_update) {
			if (k->defaults) /* as objects decoded from storage are */
				k->defaults(old);
			k->validate_update(obj, old, errs);
		} else if (k->validate) {
			k->validate(obj, errs);
		}
	}
	if (!errs->n && is(k, "services") && !spec_frozen(r))
		service_alloc(r, obj, errs);
}
