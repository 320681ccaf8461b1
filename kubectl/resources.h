/*
 * resources.h - what the user names on the command line, resolved to kinds and API
 * paths as kubectl's resource builder does: "pods", "po,deploy", "deployments.apps",
 * "all", "TYPE NAME...", "TYPE/NAME...", and how kubectl names objects in its output
 * ("deployment.apps/web", `deployment.apps "web"`). Types resolve through the static
 * registry of api/kinds.h (the kinds k8c serves), so no discovery round trip is made.
 * Not thread-safe.
 */
#ifndef K8C_KUBECTL_RESOURCES_H
#define K8C_KUBECTL_RESOURCES_H

#include "kubectl/kctl.h"

/* One thing to act on: a kind and a name (NULL: every object of the kind). */
struct ktarget {
	const struct k8c_kind *kind;
	const char *name; /* borrowed from argv */
};

struct ktargets {
	struct ktarget *v;
	size_t n, alloc;
};

/* Frees the vector. */
void ktargets_release(struct ktargets *t);

/*
 * Resolves args ("TYPE[,TYPE...] [NAME...]" or "TYPE/NAME...") into out, in order.
 * Returns 0, or -1 after printing kubectl's error (unknown type, mixed forms). An
 * empty args gives an empty out.
 */
int ktargets_parse(struct kctl *k, const struct kstrv *args, struct ktargets *out);

/* Resolves one type name as the user typed it (no error printed), or NULL. */
const struct k8c_kind *kres_kind(const char *name);

/* Prints kubectl's "the server doesn't have a resource type" error for name. */
void kres_unknown_type(struct kctl *k, const char *name);

/*
 * Appends the API path of kind in namespace ns (ignored for cluster-scoped kinds;
 * NULL: all namespaces), object name (NULL: the collection) and subresource (or NULL).
 */
void kres_path(struct strbuf *out, const struct k8c_kind *kind, const char *ns, const char *name,
	       const char *subresource);

/* Appends kind's name as kubectl prints it before a slash: "pod", "deployment.apps". */
void kres_kind_name(struct strbuf *out, const struct k8c_kind *kind);

/* Appends "deployment.apps/web". */
void kres_ref(struct strbuf *out, const struct k8c_kind *kind, const char *name);

/* Appends the resource.group ("deployments.apps", "pods") errors name a kind by. */
void kres_group_resource(struct strbuf *out, const struct k8c_kind *kind);

/* True when kind is namespaced. */
bool kres_namespaced(const struct k8c_kind *kind);

#endif
