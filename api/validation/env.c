/*
 * env.c - a container's env and envFrom (core/v1 ValidateEnv, ValidateEnvFrom)
 * and the downward API selectors they share with downwardAPI volumes
 * (validateObjectFieldSelector, validateContainerResourceFieldSelector).
 * Env names follow the strict IsEnvVarName rule of the Kubernetes version
 * k8c reports (1.28).
 */
#include "api/validation/pod_internal.h"

#include <ctype.h>

#include "api/resource/quantity.h"
#include "api/validation/object_meta.h"

static const char *const env_field_paths[] = {
	"metadata.name",	   "metadata.namespace", "metadata.uid",
	"spec.nodeName",	   "spec.serviceAccountName", "status.hostIP",
	"status.hostIPs",	   "status.podIP",	 "status.podIPs",
};
static const char *const volume_field_paths[] = {
	"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
	"metadata.uid",
};
/* The labels podshelper.ConvertDownwardAPIFieldLabel accepts for v1. */
static const char *const convertible_paths[] = {
	"metadata.annotations", "metadata.labels",	   "metadata.name",
	"metadata.namespace",	"metadata.uid",		   "spec.nodeName",
	"spec.restartPolicy",	"spec.serviceAccountName", "spec.schedulerName",
	"status.phase",		"status.hostIP",	   "status.hostIPs",
	"status.podIP",		"status.podIPs",
};
static const char *const resource_field_paths[] = {
	"limits.cpu",	"limits.ephemeral-storage",   "limits.memory",
	"requests.cpu", "requests.ephemeral-storage", "requests.memory",
};

/* An env var name or envFrom prefix, one Invalid error per message. */
static void env_name(struct vctx *v, const char *child, const char *name)
{
	struct k8c_name_msgs msgs;
	if (!k8c_is_env_var_name_strict(vstr(name), &msgs))
		vctx_msgs(v, child, name, &msgs);
}

/* fieldpath.SplitMaybeSubscriptedPath: "metadata.labels['k']" -> "metadata.labels", "k". */
static bool split_subscript(const char *fp, char **ret_path, char **ret_sub)
{
	size_t len = strlen(fp);
	const char *open = strstr(fp, "['");
	if (!open || len < 4 || strcmp(fp + len - 2, "']"))
		return false;
	*ret_path = xstrndup(fp, (size_t)(open - fp));
	*ret_sub = xstrndup(open + 2, len - (size_t)(open - fp) - 4);
	return true;
}

/* The subscript of metadata.labels / metadata.annotations must be a qualified name. */
static void field_subscript(struct vctx *v, const char *path, const char *sub)
{
	if (!strcmp(path, "metadata.annotations")) {
		_cleanup_free_ char *lower = xstrdup(sub);
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		vctx_qualified_name(v, NULL, lower);
	} else if (!strcmp(path, "metadata.labels")) {
		vctx_qualified_name(v, NULL, sub);
	} else {
		vctx_invalid(v, NULL, path, "does not support subscript");
	}
}

void vctx_object_field_selector(struct vctx *v, const struct k8c_object_field_selector *fs,
				bool volume)
{
	if (vempty(fs->api_version)) {
		vctx_required(v, "apiVersion", "");
		return;
	}
	if (vempty(fs->field_path)) {
		vctx_required(v, "fieldPath", "");
		return;
	}
	_cleanup_free_ char *path = NULL, *sub = NULL;
	bool subscripted = split_subscript(fs->field_path, &path, &sub);
	const char *base = subscripted ? path : fs->field_path;
	struct strbuf why = STRBUF_INIT;
	if (strcmp(fs->api_version, "v1"))
		strbuf_addf(&why, "error converting fieldPath: unsupported pod version: %s",
			    fs->api_version);
	else if (!vctx_one_of(base, convertible_paths, ARRAY_SIZE(convertible_paths)) ||
		 (subscripted && strcmp(base, "metadata.labels") &&
		  strcmp(base, "metadata.annotations")))
		strbuf_addf(&why, "error converting fieldPath: field label not supported: %s",
			    fs->field_path);
	if (why.len)
		vctx_invalid(v, "fieldPath", fs->field_path, why.buf);
	else if (subscripted)
		field_subscript(v, path, sub);
	else if (volume && !vctx_one_of(base, volume_field_paths, ARRAY_SIZE(volume_field_paths)))
		vctx_not_supported(v, "fieldPath", base, volume_field_paths,
				   ARRAY_SIZE(volume_field_paths));
	else if (!volume && !vctx_one_of(base, env_field_paths, ARRAY_SIZE(env_field_paths)))
		vctx_not_supported(v, "fieldPath", base, env_field_paths,
				   ARRAY_SIZE(env_field_paths));
	strbuf_release(&why);
}

/* validateContainerResourceDivisor: the divisors each resource accepts. */
static void resource_divisor(struct vctx *v, const char *resource, const char *divisor)
{
	static const char *const cpu[] = { "1m", "1" };
	static const char *const bytes[] = { "1",  "1k", "1M", "1G",  "1T",  "1P", "1E",
					     "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei" };
	struct quantity q;
	if (!divisor || quantity_parse(divisor, &q) < 0 || quantity_sign(&q) == 0)
		return;
	struct strbuf canon = STRBUF_INIT;
	quantity_format(&q, &canon);
	const char *r = vstr(resource), *what = NULL;
	bool is_cpu = !strcmp(r, "limits.cpu") || !strcmp(r, "requests.cpu");
	if (is_cpu && !vctx_one_of(canon.buf, cpu, ARRAY_SIZE(cpu)))
		vctx_invalid(v, "divisor", r, "only divisor's values 1m and 1 are supported with "
			     "the cpu resource");
	else if (!strcmp(r, "limits.memory") || !strcmp(r, "requests.memory"))
		what = "memory";
	else if (!strcmp(r, "limits.ephemeral-storage") || !strcmp(r, "requests.ephemeral-storage"))
		what = "local ephemeral storage";
	else if (str_has_prefix(r, "requests.hugepages-") || str_has_prefix(r, "limits.hugepages-"))
		what = "hugepages";
	if (what && !vctx_one_of(canon.buf, bytes, ARRAY_SIZE(bytes))) {
		struct strbuf d = STRBUF_INIT;
		strbuf_addf(&d, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, "
			    "1Ti, 1Pi, 1Ei are supported with the %s resource", what);
		vctx_invalid(v, "divisor", r, d.buf);
		strbuf_release(&d);
	}
	strbuf_release(&canon);
}

void vctx_resource_field_selector(struct vctx *v, const struct k8c_resource_field_selector *fs,
				  bool volume)
{
	const char *r = fs->resource;
	if (volume && vempty(fs->container_name))
		vctx_required(v, "containerName", "");
	else if (vempty(r))
		vctx_required(v, "resource", "");
	else if (!vctx_one_of(r, resource_field_paths, ARRAY_SIZE(resource_field_paths)) &&
		 !str_has_prefix(r, "requests.hugepages-") && !str_has_prefix(r, "limits.hugepages-"))
		vctx_not_supported(v, "resource", r, resource_field_paths,
				   ARRAY_SIZE(resource_field_paths));
	resource_divisor(v, r, fs->divisor);
}

/* validateConfigMapKeySelector / validateSecretKeySelector at the selector's path. */
static void key_selector(struct vctx *v, const char *name, const char *key)
{
	struct k8c_name_msgs msgs;
	if (!k8c_is_dns1123_subdomain(vstr(name), &msgs))
		vctx_msgs(v, "name", name, &msgs);
	if (vempty(key))
		vctx_required(v, "key", "");
	else if (!k8c_is_config_map_key(key, &msgs))
		vctx_msgs(v, "key", key, &msgs);
}

/* One valueFrom source, at <path>.<child>. */
static void value_source(struct vctx *v, const char *child, const struct k8c_env_var_source *s)
{
	size_t m = vctx_child(v, child);
	if (!strcmp(child, "fieldRef"))
		vctx_object_field_selector(v, s->field_ref, false);
	else if (!strcmp(child, "resourceFieldRef"))
		vctx_resource_field_selector(v, s->resource_field_ref, false);
	else if (!strcmp(child, "configMapKeyRef"))
		key_selector(v, s->config_map_key_ref->name, s->config_map_key_ref->key);
	else
		key_selector(v, s->secret_key_ref->name, s->secret_key_ref->key);
	vctx_pop(v, m);
}

/* validateEnvVarValueFrom at <path>.valueFrom. */
static void value_from(struct vctx *v, const struct k8c_env_var *ev)
{
	const struct k8c_env_var_source *s = ev->value_from;
	if (!s)
		return;
	size_t m = vctx_child(v, "valueFrom");
	int n = 0;
	if (s->field_ref && ++n)
		value_source(v, "fieldRef", s);
	if (s->resource_field_ref && ++n)
		value_source(v, "resourceFieldRef", s);
	if (s->config_map_key_ref && ++n)
		value_source(v, "configMapKeyRef", s);
	if (s->secret_key_ref && ++n)
		value_source(v, "secretKeyRef", s);
	if (n == 0)
		vctx_invalid(v, NULL, "", "must specify one of: `fieldRef`, `resourceFieldRef`, "
			     "`configMapKeyRef` or `secretKeyRef`");
	else if (!vempty(ev->value))
		vctx_invalid(v, NULL, "", "may not be specified when `value` is not empty");
	else if (n > 1)
		vctx_invalid(v, NULL, "", "may not have more than one field specified at a time");
	vctx_pop(v, m);
}

void vctx_env(struct vctx *v, const struct k8c_env_var *env, size_t n)
{
	size_t m = vctx_child(v, "env");
	for (size_t i = 0; i < n; i++) {
		size_t mi = vctx_index(v, i);
		if (vempty(env[i].name))
			vctx_required(v, "name", "");
		else
			env_name(v, "name", env[i].name);
		value_from(v, &env[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* The name of a configMapRef / secretRef: required, a DNS subdomain (prefix rules). */
static void env_source_name(struct vctx *v, const char *child, const char *name)
{
	size_t m = vctx_child(v, child);
	struct k8c_name_msgs msgs;
	if (vempty(name))
		vctx_required(v, "name", "");
	else if (!k8c_check_name(K8C_NAME_DNS1123_SUBDOMAIN, name, true, &msgs))
		vctx_msgs(v, "name", name, &msgs);
	vctx_pop(v, m);
}

void vctx_env_from(struct vctx *v, const struct k8c_env_from_source *env, size_t n)
{
	size_t m = vctx_child(v, "envFrom");
	for (size_t i = 0; i < n; i++) {
		size_t mi = vctx_index(v, i);
		int sources = 0;
		if (!vempty(env[i].prefix))
			env_name(v, "prefix", env[i].prefix);
		if (env[i].config_map_ref && ++sources)
			env_source_name(v, "configMapRef", env[i].config_map_ref->name);
		if (env[i].secret_ref && ++sources)
			env_source_name(v, "secretRef", env[i].secret_ref->name);
		vctx_pop(v, mi);
		/* upstream reports these two at the list's path, not the element's */
		if (sources == 0)
			vctx_invalid(v, NULL, "", "must specify one of: `configMapRef` or `secretRef`");
		else if (sources > 1)
			vctx_invalid(v, NULL, "", "may not have more than one field specified at a "
				     "time");
	}
	vctx_pop(v, m);
}
