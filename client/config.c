/*
 * config.c - the rest config: copying, freeing, and resolving it from kubeconfig files
 * and command-line overrides as kubectl does; see config.h.
 */
#include "client/config.h"

#include <stddef.h>

#include "base/base64.h"
#include "client/kubeconfig.h"

static const size_t string_fields[] = {
	offsetof(struct k8c_rest_config, server),
	offsetof(struct k8c_rest_config, namespace),
	offsetof(struct k8c_rest_config, context),
	offsetof(struct k8c_rest_config, cluster),
	offsetof(struct k8c_rest_config, user),
	offsetof(struct k8c_rest_config, tls_server_name),
	offsetof(struct k8c_rest_config, ca_file),
	offsetof(struct k8c_rest_config, ca_data),
	offsetof(struct k8c_rest_config, cert_file),
	offsetof(struct k8c_rest_config, cert_data),
	offsetof(struct k8c_rest_config, key_file),
	offsetof(struct k8c_rest_config, key_data),
	offsetof(struct k8c_rest_config, bearer_token),
	offsetof(struct k8c_rest_config, username),
	offsetof(struct k8c_rest_config, password),
	offsetof(struct k8c_rest_config, user_agent),
};

static char **field(struct k8c_rest_config *cfg, size_t i)
{
	return (char **)((char *)cfg + string_fields[i]);
}

void k8c_rest_config_release(struct k8c_rest_config *cfg)
{
	for (size_t i = 0; i < ARRAY_SIZE(string_fields); i++)
		free(*field(cfg, i));
	memset(cfg, 0, sizeof(*cfg));
}

void k8c_rest_config_copy(struct k8c_rest_config *dst, const struct k8c_rest_config *src)
{
	*dst = *src;
	for (size_t i = 0; i < ARRAY_SIZE(string_fields); i++)
		*field(dst, i) = xstrdup(*field(dst, i));
}

/* Replaces *slot with a copy of value (NULL clears it). */
static void set_str(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

static const char *str_member(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* A path from a kubeconfig file, made absolute against the file's folder. */
static char *file_path(const char *file, const char *p)
{
	const char *slash = file ? strrchr(file, '/') : NULL;
	if (!p || p[0] == '/' || !slash)
		return xstrdup(p);
	struct strbuf sb = STRBUF_INIT;
	strbuf_add(&sb, file, (size_t)(slash - file) + 1);
	strbuf_addstr(&sb, p);
	return strbuf_detach(&sb, NULL);
}

/* Decodes the base64 "*-data" field name of obj into *slot. */
static int data_member(const cJSON *obj, const char *name, char **slot, struct strbuf *err)
{
	const char *b64 = str_member(obj, name);
	if (!b64)
		return 0;
	struct strbuf pem = STRBUF_INIT;
	if (base64_decode(&pem, b64) < 0) {
		if (err)
			strbuf_addf(err, "illegal base64 data in %s", name);
		strbuf_release(&pem);
		return -EINVAL;
	}
	free(*slot);
	*slot = strbuf_detach(&pem, NULL);
	return 0;
}

static int resolve_context(const struct k8c_kubeconfig *kc, const struct k8c_config_overrides *o,
			   struct k8c_rest_config *cfg, struct strbuf *err)
{
	const char *name = o->context ? o->context : k8c_kubeconfig_current_context(kc);
	const cJSON *ctx = k8c_kubeconfig_get(kc, K8C_KUBECONFIG_CONTEXTS, name, NULL);
	if (name && *name && !ctx && !o->server) {
		if (err)
			strbuf_addf(err, "context was not found for specified context: %s", name);
		return -ENOENT;
	}
	set_str(&cfg->context, ctx ? name : NULL);
	set_str(&cfg->cluster, o->cluster ? o->cluster : str_member(ctx, "cluster"));
	set_str(&cfg->user, o->user ? o->user : str_member(ctx, "user"));
	const char *ns = o->namespace ? o->namespace : str_member(ctx, "namespace");
	set_str(&cfg->namespace, ns ? ns : "default");
	return 0;
}

static int resolve_cluster(const struct k8c_kubeconfig *kc, const struct k8c_config_overrides *o,
			   struct k8c_rest_config *cfg, struct strbuf *err)
{
	const char *file = NULL;
	const cJSON *cl = k8c_kubeconfig_get(kc, K8C_KUBECONFIG_CLUSTERS, cfg->cluster, &file);
	set_str(&cfg->server, o->server ? o->server : str_member(cl, "server"));
	if (!cfg->server && (cfg->cluster || cfg->context)) {
		if (err)
			strbuf_addf(err, "no server found for cluster \"%s\"",
				    cfg->cluster ? cfg->cluster : "");
		return -EINVAL;
	}
	if (!cfg->server)
		set_str(&cfg->server, "http://localhost:8080");
	cfg->insecure =
		o->insecure ||
		cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cl, "insecure-skip-tls-verify"));
	set_str(&cfg->tls_server_name,
		o->tls_server_name ? o->tls_server_name : str_member(cl, "tls-server-name"));
	if (o->certificate_authority) {
		set_str(&cfg->ca_file, o->certificate_authority);
		return 0;
	}
	cfg->ca_file = file_path(file, str_member(cl, "certificate-authority"));
	return data_member(cl, "certificate-authority-data", &cfg->ca_data, err);
}

static int read_token_file(const char *path, char **slot, struct strbuf *err)
{
	struct strbuf tok = STRBUF_INIT;
	int r = kubeconfig__read_file(path, &tok);
	if (r < 0) {
		if (err)
			strbuf_addf(err, "failed to read token file \"%s\": %s", path,
				    strerror(-r));
		strbuf_release(&tok);
		return r;
	}
	strbuf_rtrim(&tok);
	free(*slot);
	*slot = strbuf_detach(&tok, NULL);
	return 0;
}

static int resolve_user(const struct k8c_kubeconfig *kc, const struct k8c_config_overrides *o,
			struct k8c_rest_config *cfg, struct strbuf *err)
{
	const char *file = NULL;
	const cJSON *u = k8c_kubeconfig_get(kc, K8C_KUBECONFIG_USERS, cfg->user, &file);
	cfg->cert_file = file_path(file, str_member(u, "client-certificate"));
	cfg->key_file = file_path(file, str_member(u, "client-key"));
	set_str(&cfg->username, str_member(u, "username"));
	set_str(&cfg->password, str_member(u, "password"));
	set_str(&cfg->bearer_token, o->token ? o->token : str_member(u, "token"));
	int r = data_member(u, "client-certificate-data", &cfg->cert_data, err);
	if (r == 0)
		r = data_member(u, "client-key-data", &cfg->key_data, err);
	const char *token_file = str_member(u, "tokenFile");
	if (r == 0 && !cfg->bearer_token && token_file) {
		char *path = file_path(file, token_file);
		r = read_token_file(path, &cfg->bearer_token, err);
		free(path);
	}
	return r;
}

int k8c_config_resolve(const struct k8c_config_overrides *o, struct k8c_rest_config *ret,
		       struct strbuf *err)
{
	static const struct k8c_config_overrides none = { 0 };
	if (!o)
		o = &none;
	struct k8c_kubeconfig kc;
	int r = k8c_kubeconfig_load(&kc, o->kubeconfig, err);
	if (r < 0)
		return r;
	struct k8c_rest_config cfg = { 0 };
	r = resolve_context(&kc, o, &cfg, err);
	if (r == 0)
		r = resolve_cluster(&kc, o, &cfg, err);
	if (r == 0)
		r = resolve_user(&kc, o, &cfg, err);
	cfg.timeout_ms = o->timeout_ms;
	k8c_kubeconfig_release(&kc);
	if (r < 0) {
		k8c_rest_config_release(&cfg);
		return r;
	}
	*ret = cfg;
	return 0;
}
