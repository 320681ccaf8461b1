/*
 * test_config.c - unit tests for kubeconfig loading, merging ($KUBECONFIG), resolution
 * with command-line overrides, and editing/writing files back (kubectl's layout).
 * Each test works in its own temporary folder and sets HOME and KUBECONFIG itself.
 */
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/config.h"
#include "client/kubeconfig.h"
#include "test/ktest.h"

/* A fresh temporary folder (remove_tree() it). */
static char *temp_dir(void)
{
	char *dir = xstrdup("/tmp/k8c-test-config-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* Removes dir and everything in it, then frees the path. */
static void remove_tree(char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static char *write_file(const char *dir, const char *name, const char *text)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", dir, name);
	FILE *f = fopen(path.buf, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return strbuf_detach(&path, NULL);
}

static char *read_back(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	kubeconfig__read_file(path, &sb);
	return strbuf_detach(&sb, NULL);
}

static const char main_config[] = "apiVersion: v1\n"
				  "kind: Config\n"
				  "current-context: dev\n"
				  "clusters:\n"
				  "- name: c1\n"
				  "  cluster:\n"
				  "    server: https://10.0.0.1:6443\n"
				  "    certificate-authority: ca.crt\n"
				  "- name: c2\n"
				  "  cluster:\n"
				  "    server: https://10.0.0.2:6443/\n"
				  "    certificate-authority-data: LS0tLS1CRUdJTg==\n"
				  "    insecure-skip-tls-verify: true\n"
				  "users:\n"
				  "- name: u1\n"
				  "  user:\n"
				  "    token: secret\n"
				  "    client-certificate: /abs/cert.pem\n"
				  "    client-key-data: a2V5\n"
				  "- name: u2\n"
				  "  user:\n"
				  "    tokenFile: token.txt\n"
				  "- name: u3\n"
				  "  user:\n"
				  "    username: admin\n"
				  "    password: pw\n"
				  "contexts:\n"
				  "- name: dev\n"
				  "  context: {cluster: c1, user: u1, namespace: team}\n"
				  "- name: ops\n"
				  "  context: {cluster: c2, user: u2}\n"
				  "- name: basic\n"
				  "  context: {cluster: c2, user: u3}\n"
				  "- name: nowhere\n"
				  "  context: {cluster: missing, user: u1}\n";

TEST(resolve_current_context)
{
	char *dir = temp_dir();
	char *path = write_file(dir, "config", main_config);
	struct k8c_config_overrides o = { .kubeconfig = path };
	struct k8c_rest_config cfg;
	REQUIRE(k8c_config_resolve(&o, &cfg, NULL) == 0);
	CHECK_STR(cfg.server, "https://10.0.0.1:6443");
	CHECK_STR(cfg.context, "dev");
	CHECK_STR(cfg.cluster, "c1");
	CHECK_STR(cfg.user, "u1");
	CHECK_STR(cfg.namespace, "team");
	struct strbuf ca = STRBUF_INIT;
	strbuf_addf(&ca, "%s/ca.crt", dir); /* relative to the file's folder */
	CHECK_STR(cfg.ca_file, ca.buf);
	CHECK(!cfg.insecure);
	CHECK_STR(cfg.bearer_token, "secret");
	CHECK_STR(cfg.cert_file, "/abs/cert.pem");
	CHECK_STR(cfg.key_data, "key");
	struct k8c_rest_config copy;
	k8c_rest_config_copy(&copy, &cfg);
	CHECK_STR(copy.key_data, "key");
	CHECK(copy.key_data != cfg.key_data);
	k8c_rest_config_release(&copy);
	k8c_rest_config_release(&cfg);
	strbuf_release(&ca);
	free(path);
	remove_tree(dir);
}

TEST(resolve_overrides_and_token_files)
{
	char *dir = temp_dir();
	char *path = write_file(dir, "config", main_config);
	free(write_file(dir, "token.txt", "from-file\n"));
	struct k8c_config_overrides o = { .kubeconfig = path, .context = "ops" };
	struct k8c_rest_config cfg;
	REQUIRE(k8c_config_resolve(&o, &cfg, NULL) == 0);
	CHECK_STR(cfg.server, "https://10.0.0.2:6443/");
	CHECK_STR(cfg.namespace, "default");
	CHECK_STR(cfg.ca_data, "-----BEGIN");
	CHECK(cfg.insecure);
	CHECK_STR(cfg.bearer_token, "from-file");
	k8c_rest_config_release(&cfg);

	o = (struct k8c_config_overrides){ .kubeconfig = path,
					   .context = "basic",
					   .namespace = "n2",
					   .server = "http://127.0.0.1:1" };
	REQUIRE(k8c_config_resolve(&o, &cfg, NULL) == 0);
	CHECK_STR(cfg.server, "http://127.0.0.1:1");
	CHECK_STR(cfg.namespace, "n2");
	CHECK_STR(cfg.username, "admin");
	CHECK_STR(cfg.password, "pw");
	CHECK(cfg.bearer_token == NULL);
	k8c_rest_config_release(&cfg);

	o = (struct k8c_config_overrides){ .kubeconfig = path, .token = "t2", .user = "u3" };
	REQUIRE(k8c_config_resolve(&o, &cfg, NULL) == 0);
	CHECK_STR(cfg.bearer_token, "t2");
	CHECK_STR(cfg.username, "admin");
	k8c_rest_config_release(&cfg);
	free(path);
	remove_tree(dir);
}

TEST(resolve_errors)
{
	char *dir = temp_dir();
	char *path = write_file(dir, "config", main_config);
	char *bad = write_file(dir, "bad", "clusters: [\n");
	struct strbuf err = STRBUF_INIT;
	struct k8c_rest_config cfg = { .server = (char *)"untouched" };
	struct k8c_config_overrides o = { .kubeconfig = path, .context = "nope" };
	CHECK_INT(k8c_config_resolve(&o, &cfg, &err), -ENOENT);
	CHECK_STR(err.buf, "context was not found for specified context: nope");
	CHECK_STR(cfg.server, "untouched");
	strbuf_reset(&err);
	o.context = "nowhere";
	CHECK_INT(k8c_config_resolve(&o, &cfg, &err), -EINVAL);
	CHECK_STR(err.buf, "no server found for cluster \"missing\"");
	strbuf_reset(&err);
	o = (struct k8c_config_overrides){ .kubeconfig = "/nonexistent/config" };
	CHECK_INT(k8c_config_resolve(&o, &cfg, &err), -ENOENT);
	strbuf_reset(&err);
	o.kubeconfig = bad;
	CHECK_INT(k8c_config_resolve(&o, &cfg, &err), -EINVAL);
	CHECK(strstr(err.buf, "error loading config file") != NULL);
	strbuf_reset(&err);
	o = (struct k8c_config_overrides){ .kubeconfig = path, .context = "ops" };
	/* u2's token.txt does not exist in this folder */
	CHECK_INT(k8c_config_resolve(&o, &cfg, &err), -ENOENT);
	CHECK(strstr(err.buf, "token.txt") != NULL);
	strbuf_release(&err);
	free(bad);
	free(path);
	remove_tree(dir);
}

TEST(no_config_means_localhost_8080_else_home_config)
{
	char *dir = temp_dir();
	setenv("HOME", dir, 1);
	unsetenv("KUBECONFIG");
	struct k8c_rest_config cfg;
	REQUIRE(k8c_config_resolve(NULL, &cfg, NULL) == 0);
	CHECK_STR(cfg.server, "http://localhost:8080");
	CHECK_STR(cfg.namespace, "default");
	CHECK(cfg.context == NULL);
	k8c_rest_config_release(&cfg);
	struct strbuf kube = STRBUF_INIT;
	strbuf_addf(&kube, "%s/.kube", dir);
	mkdir(kube.buf, 0755);
	free(write_file(kube.buf, "config", main_config));
	REQUIRE(k8c_config_resolve(NULL, &cfg, NULL) == 0);
	CHECK_STR(cfg.context, "dev");
	k8c_rest_config_release(&cfg);
	strbuf_release(&kube);
	remove_tree(dir);
}

TEST(kubeconfig_env_list_merges_first_wins)
{
	char *dir = temp_dir();
	char *a = write_file(dir, "a",
			     "contexts:\n- name: dev\n  context: {cluster: ca}\n"
			     "clusters:\n- name: ca\n  cluster: {server: https://a}\n");
	char *b = write_file(dir, "b",
			     "current-context: dev\n"
			     "contexts:\n- name: dev\n  context: {cluster: cb}\n"
			     "- name: other\n  context: {cluster: cb, namespace: o}\n"
			     "clusters:\n- name: cb\n  cluster: {server: https://b}\n");
	struct strbuf env = STRBUF_INIT;
	strbuf_addf(&env, "%s/missing:%s::%s", dir, a, b);
	setenv("KUBECONFIG", env.buf, 1);
	struct k8c_rest_config cfg;
	REQUIRE(k8c_config_resolve(NULL, &cfg, NULL) == 0);
	CHECK_STR(cfg.context, "dev"); /* current-context from b, context dev from a */
	CHECK_STR(cfg.server, "https://a");
	k8c_rest_config_release(&cfg);
	struct k8c_config_overrides o = { .context = "other" };
	REQUIRE(k8c_config_resolve(&o, &cfg, NULL) == 0);
	CHECK_STR(cfg.server, "https://b");
	CHECK_STR(cfg.namespace, "o");
	k8c_rest_config_release(&cfg);
	unsetenv("KUBECONFIG");
	strbuf_release(&env);
	free(a);
	free(b);
	remove_tree(dir);
}

TEST(edit_and_save_like_kubectl)
{
	char *dir = temp_dir();
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/sub/config", dir);
	struct k8c_kubeconfig kc;
	REQUIRE(k8c_kubeconfig_load(&kc, path.buf, NULL) == -ENOENT);
	/* a new file through $KUBECONFIG (a missing explicit file is an error) */
	setenv("KUBECONFIG", path.buf, 1);
	REQUIRE(k8c_kubeconfig_load(&kc, NULL, NULL) == 0);
	k8c_kubeconfig_set(&kc, K8C_KUBECONFIG_CLUSTERS, "c1", "server", "https://1.2.3.4:6443");
	k8c_kubeconfig_set(&kc, K8C_KUBECONFIG_CONTEXTS, "ctx", "cluster", "c1");
	k8c_kubeconfig_set(&kc, K8C_KUBECONFIG_CONTEXTS, "ctx", "namespace", "ns1");
	k8c_kubeconfig_set(&kc, K8C_KUBECONFIG_CONTEXTS, "ctx", "user", "u1");
	k8c_kubeconfig_set_current_context(&kc, "ctx");
	k8c_kubeconfig_set_bool(&kc, K8C_KUBECONFIG_CLUSTERS, "c1", "insecure-skip-tls-verify",
				true);
	REQUIRE(k8c_kubeconfig_save(&kc, NULL) == 0);
	k8c_kubeconfig_release(&kc);
	char *text = read_back(path.buf);
	/* what kubectl 1.20 writes after the same config set-cluster/set-context/use-context */
	CHECK_STR(text, "apiVersion: v1\n"
			"clusters:\n"
			"- cluster:\n"
			"    insecure-skip-tls-verify: true\n"
			"    server: https://1.2.3.4:6443\n"
			"  name: c1\n"
			"contexts:\n"
			"- context:\n"
			"    cluster: c1\n"
			"    namespace: ns1\n"
			"    user: u1\n"
			"  name: ctx\n"
			"current-context: ctx\n"
			"kind: Config\n"
			"preferences: {}\n"
			"users: null\n");
	free(text);
	struct stat st;
	REQUIRE(stat(path.buf, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	unsetenv("KUBECONFIG");
	strbuf_release(&path);
	remove_tree(dir);
}

TEST(save_sorts_entries_and_fills_fields_like_kubectl)
{
	char *dir = temp_dir();
	char *a = write_file(dir, "a",
			     "contexts:\n- name: zz\n  context: {cluster: c}\n"
			     "- name: aa\n  context: {user: u}\n"
			     "clusters:\n- name: cy\n  cluster: {insecure-skip-tls-verify: true}\n"
			     "- name: cx\n  cluster: {server: https://x}\n"
			     "users:\n- name: u\n  user: {token: t}\n");
	struct k8c_kubeconfig kc;
	REQUIRE(k8c_kubeconfig_load(&kc, a, NULL) == 0);
	k8c_kubeconfig_set_current_context(&kc, "aa");
	REQUIRE(k8c_kubeconfig_save(&kc, NULL) == 0);
	k8c_kubeconfig_release(&kc);
	char *text = read_back(a);
	/* what kubectl 1.20 writes after `config use-context aa` on that file */
	CHECK_STR(text, "apiVersion: v1\n"
			"clusters:\n"
			"- cluster:\n"
			"    server: https://x\n"
			"  name: cx\n"
			"- cluster:\n"
			"    insecure-skip-tls-verify: true\n"
			"    server: \"\"\n"
			"  name: cy\n"
			"contexts:\n"
			"- context:\n"
			"    cluster: \"\"\n"
			"    user: u\n"
			"  name: aa\n"
			"- context:\n"
			"    cluster: c\n"
			"    user: \"\"\n"
			"  name: zz\n"
			"current-context: aa\n"
			"kind: Config\n"
			"preferences: {}\n"
			"users:\n"
			"- name: u\n"
			"  user:\n"
			"    as-user-extra: null\n"
			"    token: t\n");
	free(text);
	free(a);
	remove_tree(dir);
}

TEST(edits_go_to_the_file_an_entry_came_from)
{
	char *dir = temp_dir();
	char *a = write_file(dir, "a", "clusters:\n- name: ca\n  cluster: {server: https://a}\n");
	char *b = write_file(dir, "b",
			     "current-context: x\n"
			     "clusters:\n- name: cb\n  cluster: {server: https://b}\n");
	struct strbuf env = STRBUF_INIT;
	strbuf_addf(&env, "%s:%s", a, b);
	setenv("KUBECONFIG", env.buf, 1);
	struct k8c_kubeconfig kc;
	REQUIRE(k8c_kubeconfig_load(&kc, NULL, NULL) == 0);
	k8c_kubeconfig_set(&kc, K8C_KUBECONFIG_CLUSTERS, "cb", "server", "https://b2");
	k8c_kubeconfig_set(&kc, K8C_KUBECONFIG_CLUSTERS, "new", "server", "https://n");
	k8c_kubeconfig_set_current_context(&kc, "y"); /* b already sets one */
	CHECK_INT(k8c_kubeconfig_delete(&kc, K8C_KUBECONFIG_CLUSTERS, "ca"), 0);
	CHECK_INT(k8c_kubeconfig_delete(&kc, K8C_KUBECONFIG_CLUSTERS, "ca"), -ENOENT);
	REQUIRE(k8c_kubeconfig_save(&kc, NULL) == 0);
	k8c_kubeconfig_release(&kc);
	REQUIRE(k8c_kubeconfig_load(&kc, a, NULL) == 0);
	CHECK(k8c_kubeconfig_get(&kc, K8C_KUBECONFIG_CLUSTERS, "ca", NULL) == NULL);
	CHECK(k8c_kubeconfig_get(&kc, K8C_KUBECONFIG_CLUSTERS, "new", NULL) != NULL);
	CHECK(k8c_kubeconfig_current_context(&kc) == NULL || !*k8c_kubeconfig_current_context(&kc));
	k8c_kubeconfig_release(&kc);
	REQUIRE(k8c_kubeconfig_load(&kc, b, NULL) == 0);
	const cJSON *cb = k8c_kubeconfig_get(&kc, K8C_KUBECONFIG_CLUSTERS, "cb", NULL);
	CHECK_STR(cJSON_GetObjectItem(cb, "server")->valuestring, "https://b2");
	CHECK_STR(k8c_kubeconfig_current_context(&kc), "y");
	k8c_kubeconfig_release(&kc);
	unsetenv("KUBECONFIG");
	strbuf_release(&env);
	free(a);
	free(b);
	remove_tree(dir);
}
