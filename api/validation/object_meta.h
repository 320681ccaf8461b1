/*
 * object_meta.h - the generic ObjectMeta validations of apimachinery
 * (ValidateObjectMeta's name / generateName / namespace rules, ValidateLabels,
 * ValidateAnnotations) and a few shared value checks (int-or-percent,
 * non-negative), appending Kubernetes-worded errors to a field_errors list
 * at the path the caller gives. Pure functions; not thread-safe on one list.
 */
#ifndef K8C_API_VALIDATION_OBJECT_META_H
#define K8C_API_VALIDATION_OBJECT_META_H

#include "api/field_errors.h"
#include "api/validation/names.h"
#include "api/values.h"

/* Which format a kind's metadata.name must have. */
enum k8c_name_rule {
	K8C_NAME_DNS1123_SUBDOMAIN, /* the default (pods, deployments, nodes, configmaps...) */
	K8C_NAME_DNS1123_LABEL,	    /* namespaces */
	K8C_NAME_DNS1035_LABEL,	    /* services */
	K8C_NAME_PATH_SEGMENT,	    /* RBAC-style names: anything usable in a URL path */
};

/* The rule for a kind ("Namespace", "Service", ...); the subdomain rule for any other. */
enum k8c_name_rule k8c_name_rule_for_kind(const char *kind);

/*
 * Checks name against rule. With prefix (a generateName), a trailing '-' is
 * allowed, as upstream's maskTrailingDash does. Messages as in names.h.
 */
bool k8c_check_name(enum k8c_name_rule rule, const char *name, bool prefix,
		    struct k8c_name_msgs *out);

/*
 * metadata.name: Required "name or generateName is required" when name is
 * NULL or empty, else one Invalid error per failed rule at path.
 */
void k8c_validate_object_name(enum k8c_name_rule rule, const char *name, const char *path,
			      struct field_errors *errs);

/* metadata.generateName (may be NULL: nothing to check): the name rule as a prefix. */
void k8c_validate_generate_name(enum k8c_name_rule rule, const char *generate_name,
				const char *path, struct field_errors *errs);

/*
 * metadata.namespace: for a namespaced kind Required when empty, else a DNS
 * label; for a cluster-scoped kind Forbidden "not allowed on this type" when set.
 */
void k8c_validate_namespace(const char *ns, bool namespaced, const char *path,
			    struct field_errors *errs);

/* Labels (may be NULL): keys qualified names, values label values; errors at path. */
void k8c_validate_labels(const struct k8c_strmap *labels, const char *path,
			 struct field_errors *errs);

/*
 * Annotations (may be NULL): keys qualified names (case-insensitive), and
 * keys plus values at most 256 KiB in total (TooLong at path).
 */
void k8c_validate_annotations(const struct k8c_strmap *annotations, const char *path,
			      struct field_errors *errs);

/* "must be greater than or equal to 0" for a negative value. */
void k8c_validate_nonnegative(int64_t value, const char *path, struct field_errors *errs);

/*
 * IntOrString that must be a non-negative integer or a percentage "N%"
 * (ValidatePositiveIntOrPercent: maxSurge, maxUnavailable...). An unset value
 * is "must be an integer or percentage (e.g '5%')".
 */
void k8c_validate_int_or_percent(const struct k8c_intstr *value, const char *path,
				 struct field_errors *errs);

#endif
