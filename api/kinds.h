/*
 * kinds.h - the registry of the resources k8c serves: for each one its REST
 * names (group, version, plural, singular, short names, categories), scope,
 * C type descriptor, subresources, and the per-kind behaviour the API server
 * and clients need: defaulting, validation, Table columns, selectable fields.
 * Static data; thread-safe.
 */
#ifndef K8C_API_KINDS_H
#define K8C_API_KINDS_H

#include "api/field_errors.h"
#include "api/schema.h"
#include "base/strbuf.h"

/* One column of a kubectl table (metav1.TableColumnDefinition). */
struct k8c_column {
	const char *name;        /* "Name", "Ready", ... */
	const char *type;        /* "string", "integer", "date" */
	const char *format;      /* "name" for the Name column, else "" */
	const char *description;
	int priority;            /* 0 = always shown, 1 = only with -o wide */
};

/*
 * Appends the cells of one table row for obj (a decoded object of the kind)
 * as JSON values separated by commas, one per column, in column order, e.g.
 * `"web-1","1/1","Running",0,"5m"`. now_ns is the time ages are relative to.
 */
typedef void (*k8c_row_fn)(const void *obj, int64_t now_ns, struct strbuf *cells);

/* Fills in Kubernetes' defaults for a new or updated object (SetDefaults_*). */
typedef void (*k8c_defaults_fn)(void *obj);

/* Appends what is invalid about a new object to errs (ValidateXxx). */
typedef void (*k8c_validate_fn)(const void *obj, struct field_errors *errs);

/* Appends what is invalid about updating old to obj to errs (ValidateXxxUpdate). */
typedef void (*k8c_validate_update_fn)(const void *obj, const void *old,
				       struct field_errors *errs);

enum k8c_kind_flags {
	K8C_KIND_NAMESPACED = 1 << 0,
	K8C_KIND_STATUS = 1 << 1,           /* has a /status subresource */
	K8C_KIND_SCALE = 1 << 2,            /* has a /scale subresource */
	K8C_KIND_GENERATION = 1 << 3,       /* metadata.generation counts spec changes */
	K8C_KIND_CREATE_ON_UPDATE = 1 << 4, /* PUT of a missing object creates it */
};

struct k8c_kind {
	const char *group;         /* "" for the core group */
	const char *version;       /* "v1" */
	const char *group_version; /* "v1", "apps/v1" (the apiVersion of objects) */
	const char *kind;          /* "Pod" */
	const char *list_kind;     /* "PodList" */
	const char *resource;      /* "pods" (also the storage key segment) */
	const char *singular;      /* "pod" */
	const char *short_names[4]; /* NULL-terminated */
	bool in_category_all;      /* part of `kubectl get all` */
	unsigned flags;            /* enum k8c_kind_flags */
	const struct k8c_type *type;
	/* Selectable fields beside metadata.name and metadata.namespace, as JSON paths
	 * into the object ("spec.nodeName"), NULL-terminated. */
	const char *fields[8];
	const struct k8c_column *columns; /* table columns, Name first */
	size_t n_columns;
	k8c_row_fn row;
	k8c_defaults_fn defaults;          /* NULL: none */
	k8c_validate_fn validate;          /* NULL: only the generic ObjectMeta checks */
	k8c_validate_update_fn validate_update;
};

/* Every kind, terminated by an entry with kind == NULL. */
extern const struct k8c_kind k8c_kinds[];

/* The kind served at group/version with plural resource name, or NULL. */
const struct k8c_kind *k8c_kind_by_resource(const char *group, const char *version,
					    const char *resource);
/* The kind with this apiVersion ("apps/v1") and kind ("Deployment"), or NULL. */
const struct k8c_kind *k8c_kind_by_kind(const char *api_version, const char *kind);
/*
 * Resolves what a user typed on the command line ("po", "pods", "pod",
 * "deployments.apps", "deploy", "Deployment") to a kind, or NULL.
 */
const struct k8c_kind *k8c_kind_lookup(const char *name);

/*
 * The value of a selectable field of obj for field selectors: field is a
 * JSON path from k->fields, "metadata.name" or "metadata.namespace";
 * json is the object as cJSON. Returns a borrowed string, "" when the path is
 * absent, or NULL when the field is not selectable for this kind.
 */
struct cJSON;
const char *k8c_kind_field_value(const struct k8c_kind *k, const struct cJSON *json,
				 const char *field);

#endif
