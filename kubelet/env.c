/*
 * env.c - container environments; see env.h.
 */
#include "kubelet/env.h"

#include "api/codec.h"
#include "api/resource/quantity.h"
#include "kubelet/keysource.h"

void env_list_release(struct env_list *env)
{
	for (size_t i = 0; i < env->n; i++)
		free(env->items[i]);
	free(env->items);
	*env = (struct env_list){ 0 };
}

static ssize_t env_find(const struct env_list *env, const char *name, size_t len)
{
	for (size_t i = 0; env && i < env->n; i++)
		if (!strncmp(env->items[i], name, len) && env->items[i][len] == '=')
			return (ssize_t)i;
	return -1;
}

const char *env_get(const struct env_list *env, const char *name)
{
	ssize_t i = env_find(env, name, strlen(name));
	return i < 0 ? NULL : env->items[i] + strlen(name) + 1;
}

/* Sets name=value, replacing an earlier definition (a later env entry wins). */
static void env_set(struct env_list *env, const char *name, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s=%s", name, value);
	ssize_t i = env_find(env, name, strlen(name));
	if (i >= 0) {
		free(env->items[i]);
		env->items[i] = strbuf_detach(&sb, NULL);
		return;
	}
	ALLOC_GROW(env->items, env->n + 2, env->alloc);
	env->items[env->n++] = strbuf_detach(&sb, NULL);
	env->items[env->n] = NULL;
}

void env_expand(const struct env_list *env, const char *s, struct strbuf *out)
{
	while (*s) {
		if (s[0] != '$') {
			strbuf_addch(out, *s++);
		} else if (s[1] == '$') {
			strbuf_addch(out, '$');
			s += 2;
		} else if (s[1] == '(' && strchr(s + 2, ')')) {
			const char *name = s + 2, *end = strchr(name, ')');
			ssize_t i = env_find(env, name, (size_t)(end - name));
			if (i >= 0)
				strbuf_addstr(out, env->items[i] + (end - name) + 1);
			else
				strbuf_add(out, s, (size_t)(end + 1 - s));
			s = end + 1;
		} else {
			strbuf_addch(out, *s++);
		}
	}
}

/* --- valueFrom --- */

/* metadata.labels['key'] -> value of key in m, or "" */
static bool map_ref(const char *path, const char *prefix, const struct k8c_strmap *m,
		    struct strbuf *out)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) || path[n] != '[')
		return false;
	const char *k = path + n + 1;
	char quote = *k;
	if (quote != '\'' && quote != '"')
		return false;
	const char *end = strchr(k + 1, quote);
	if (!end || strcmp(end + 1, "]"))
		return false;
	struct strbuf key = STRBUF_INIT;
	strbuf_add(&key, k + 1, (size_t)(end - k - 1));
	const char *v = k8c_strmap_get(m, key.buf);
	strbuf_addstr(out, v ? v : "");
	strbuf_release(&key);
	return true;
}

static int field_ref(const struct env_context *ctx, const char *path, struct strbuf *out,
		     struct strbuf *why)
{
	const struct k8c_pod *p = ctx->pod;
	const struct {
		const char *path;
		const char *value;
	} simple[] = {
		{ "metadata.name", p->metadata.name },
		{ "metadata.namespace", p->metadata.namespace },
		{ "metadata.uid", p->metadata.uid },
		{ "spec.nodeName", p->spec.node_name ? p->spec.node_name : ctx->node_name },
		{ "spec.serviceAccountName", p->spec.service_account_name },
		{ "status.podIP", ctx->pod_ip },
		{ "status.podIPs", ctx->pod_ip },
		{ "status.hostIP", ctx->host_ip },
		{ "status.hostIPs", ctx->host_ip },
	};
	for (size_t i = 0; path && i < ARRAY_SIZE(simple); i++) {
		if (!strcmp(path, simple[i].path)) {
			strbuf_addstr(out, simple[i].value ? simple[i].value : "");
			return 0;
		}
	}
	if (path && (map_ref(path, "metadata.labels", &p->metadata.labels, out) ||
		     map_ref(path, "metadata.annotations", &p->metadata.annotations, out)))
		return 0;
	strbuf_addf(why, "unsupported fieldPath: %s", path ? path : "");
	return -EINVAL;
}

/* The container a resourceFieldRef names (its own when containerName is empty). */
static const struct k8c_container *ref_container(const struct env_context *ctx,
						 const struct k8c_container *self, const char *name)
{
	const struct k8c_pod_spec *s = &ctx->pod->spec;
	if (!name || !*name)
		return self;
	for (size_t i = 0; i < s->n_containers; i++)
		if (!strcmp(s->containers[i].name, name))
			return &s->containers[i];
	for (size_t i = 0; i < s->n_init_containers; i++)
		if (!strcmp(s->init_containers[i].name, name))
			return &s->init_containers[i];
	return NULL;
}

/* limits.cpu etc. divided by the divisor, rounded up, as Kubernetes' ExtractResourceValueByContainer. */
static int resource_ref(const struct env_context *ctx, const struct k8c_container *self,
			const struct k8c_resource_field_selector *r, struct strbuf *out,
			struct strbuf *why)
{
	const struct k8c_container *c = ref_container(ctx, self, r->container_name);
	const char *res = r->resource ? r->resource : "";
	const char *dot = strchr(res, '.');
	if (!c || !dot || (strncmp(res, "limits.", 7) && strncmp(res, "requests.", 9))) {
		strbuf_addf(why, "unsupported resourceFieldRef: %s", res);
		return -EINVAL;
	}
	const struct k8c_strmap *m = !c->resources ? NULL :
				     res[0] == 'l' ? &c->resources->limits : &c->resources->requests;
	const char *text = m ? k8c_strmap_get(m, dot + 1) : NULL;
	struct quantity q, div;
	if (quantity_parse(text ? text : "0", &q) < 0 ||
	    quantity_parse(r->divisor && *r->divisor ? r->divisor : "1", &div) < 0 ||
	    quantity_sign(&div) <= 0) {
		strbuf_addf(why, "invalid resourceFieldRef %s", res);
		return -EINVAL;
	}
	int64_t qn = 0, dn = 1;
	quantity_scaled_value(&q, -3, &qn);
	quantity_scaled_value(&div, -3, &dn);
	strbuf_addi64(out, dn ? (qn + dn - 1) / dn : 0);
	return 0;
}

/* --- configMaps and secrets --- */

static int key_ref(const struct env_context *ctx, bool secret, const char *name, const char *key,
		   bool optional, struct strbuf *out, bool *skip, struct strbuf *why)
{
	struct key_source src;
	struct strbuf err = STRBUF_INIT;
	int r = key_source_read(ctx->api, ctx->pod->metadata.namespace, secret, name, &src, &err);
	if (r == 0)
		r = key_source_value(&src, key ? key : "", out);
	if (r < 0 && optional) {
		*skip = true;
		r = 0;
	} else if (r == -ENOENT && !err.len) {
		strbuf_addf(why, "couldn't find key %s in %s %s/%s", key ? key : "",
			    secret ? "Secret" : "ConfigMap", ctx->pod->metadata.namespace, name);
	} else if (r < 0) {
		strbuf_addstr(why, err.len ? err.buf : "invalid base64 value");
	}
	key_source_release(&src);
	strbuf_release(&err);
	return r;
}

/* The value of one env entry (after expansion), or *skip for an optional missing one. */
static int env_value(const struct env_context *ctx, const struct k8c_container *c,
		     const struct env_list *env, const struct k8c_env_var *e, struct strbuf *out,
		     bool *skip, struct strbuf *why)
{
	const struct k8c_env_var_source *from = e->value_from;
	if (!from) {
		env_expand(env, e->value ? e->value : "", out);
		return 0;
	}
	if (from->field_ref)
		return field_ref(ctx, from->field_ref->field_path, out, why);
	if (from->resource_field_ref)
		return resource_ref(ctx, c, from->resource_field_ref, out, why);
	const struct k8c_config_map_key_selector *cm = from->config_map_key_ref;
	if (cm)
		return key_ref(ctx, false, cm->name, cm->key, cm->has_optional && cm->optional, out,
			       skip, why);
	const struct k8c_secret_key_selector *s = from->secret_key_ref;
	if (s)
		return key_ref(ctx, true, s->name, s->key, s->has_optional && s->optional, out,
			       skip, why);
	strbuf_addf(why, "env %s: empty valueFrom", e->name);
	return -EINVAL;
}

/* Adds every key of one envFrom source, with its prefix. */
static int env_from(const struct env_context *ctx, const struct k8c_env_from_source *f,
		    struct env_list *env, struct strbuf *why)
{
	bool secret = f->secret_ref != NULL;
	const char *name = secret ? f->secret_ref->name : f->config_map_ref ? f->config_map_ref->name : NULL;
	bool optional = secret ? f->secret_ref->has_optional && f->secret_ref->optional :
		        f->config_map_ref && f->config_map_ref->has_optional && f->config_map_ref->optional;
	if (!name)
		return 0;
	struct key_source src;
	struct strbuf err = STRBUF_INIT;
	int r = key_source_read(ctx->api, ctx->pod->metadata.namespace, secret, name, &src, &err);
	if (r < 0 && !optional)
		strbuf_addstr(why, err.buf);
	for (int m = 1; r == 0 && m >= 0; m--) { /* base64 first: a plain value wins */
		const struct k8c_strmap *map = key_source_map(&src, m);
		for (size_t i = 0; i < map->n; i++) {
			struct strbuf key = STRBUF_INIT, value = STRBUF_INIT;
			strbuf_addf(&key, "%s%s", f->prefix ? f->prefix : "", map->items[i].key);
			if (key_source_value(&src, map->items[i].key, &value) == 0)
				env_set(env, key.buf, value.buf);
			strbuf_release(&key);
			strbuf_release(&value);
		}
	}
	key_source_release(&src);
	strbuf_release(&err);
	return optional ? 0 : r;
}

int env_build(const struct env_context *ctx, const struct k8c_container *c, struct env_list *ret,
	      struct strbuf *why)
{
	struct env_list env = { 0 };
	int r = 0;
	for (size_t i = 0; i < c->n_env_from && r == 0; i++)
		r = env_from(ctx, &c->env_from[i], &env, why);
	for (size_t i = 0; i < c->n_env && r == 0; i++) {
		struct strbuf value = STRBUF_INIT;
		bool skip = false;
		r = env_value(ctx, c, &env, &c->env[i], &value, &skip, why);
		if (r == 0 && !skip && c->env[i].name)
			env_set(&env, c->env[i].name, value.buf);
		strbuf_release(&value);
	}
	if (r < 0) {
		env_list_release(&env);
		return r;
	}
	if (!env.items)
		env.items = xcalloc(1, sizeof(char *));
	*ret = env;
	return 0;
}
