/*
 * info.c - the commands about the cluster rather than its objects: `k8c version`
 * (client and server version.Info, --short, --client, -o json|yaml), `k8c cluster-info`
 * (the control plane URL and the kube-system services labelled
 * kubernetes.io/cluster-service=true, colored as kubectl colors them).
 */
#include "client/path.h"
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/gojson.h"
#include "kubectl/jsonutil.h"
#include "kubectl/output.h"

#define K8C_KUBE_VERSION "v1.28.0-k8c." K8C_VERSION

static const char *const version_fields[][2] = {
	{ "major", "Major" },	      { "minor", "Minor" },	    { "gitVersion", "GitVersion" },
	{ "gitCommit", "GitCommit" }, { "gitTreeState", "GitTreeState" },
	{ "buildDate", "BuildDate" }, { "goVersion", "GoVersion" }, { "compiler", "Compiler" },
	{ "platform", "Platform" },
};

static cJSON *client_version(void)
{
	const char *values[] = { "1",	  "28", K8C_KUBE_VERSION, "k8c", "clean", __DATE__,
				 "c", "gcc", "linux/amd64" };
	cJSON *v = cJSON_CreateObject();
	for (size_t i = 0; i < ARRAY_SIZE(version_fields); i++)
		cJSON_AddStringToObject(v, version_fields[i][0], values[i]);
	return v;
}

/* version.Info{Major:"1", Minor:"28", ...} as Go's %#v prints it. */
static void version_info(const char *title, const cJSON *v, struct strbuf *out)
{
	strbuf_addf(out, "%s Version: version.Info{", title);
	for (size_t i = 0; i < ARRAY_SIZE(version_fields); i++)
		strbuf_addf(out, "%s%s:\"%s\"", i ? ", " : "", version_fields[i][1],
			    kj_str_or(v, version_fields[i][0], ""));
	strbuf_addstr(out, "}\n");
}

/* json.MarshalIndent(v, "", "  ") of {clientVersion, serverVersion} in struct order. */
static void version_json(const cJSON *client, const cJSON *server, struct strbuf *out)
{
	const cJSON *parts[2] = { client, server };
	const char *keys[2] = { "clientVersion", "serverVersion" };
	strbuf_addstr(out, "{\n");
	for (int p = 0; p < 2 && parts[p]; p++) {
		strbuf_addf(out, "%s  \"%s\": {\n", p ? ",\n" : "", keys[p]);
		for (size_t i = 0; i < ARRAY_SIZE(version_fields); i++) {
			strbuf_addf(out, "    \"%s\": ", version_fields[i][0]);
			gojson_string(kj_str_or(parts[p], version_fields[i][0], ""), out);
			strbuf_addstr(out, i + 1 < ARRAY_SIZE(version_fields) ? ",\n" : "\n");
		}
		strbuf_addstr(out, "  }");
	}
	strbuf_addstr(out, "\n}\n");
}

static int print_version(struct kctl *k, bool short_, const struct kout *o, cJSON *client,
			 cJSON *server)
{
	struct strbuf out = STRBUF_INIT;
	int r = 0;
	if (o->format == KOUT_JSON) {
		version_json(client, server, &out);
	} else if (o->format == KOUT_YAML) {
		cJSON *doc = cJSON_CreateObject();
		cJSON_AddItemReferenceToObject(doc, "clientVersion", client);
		if (server)
			cJSON_AddItemReferenceToObject(doc, "serverVersion", server);
		r = kout_print(k, o, NULL, doc, &out);
		strbuf_addch(&out, '\n'); /* kubectl Println()s the YAML text */
		cJSON_Delete(doc);
	} else if (short_) {
		strbuf_addf(&out, "Client Version: %s\n", kj_str_or(client, "gitVersion", ""));
		if (server)
			strbuf_addf(&out, "Server Version: %s\n", kj_str_or(server, "gitVersion", ""));
	} else {
		version_info("Client", client, &out);
		if (server)
			version_info("Server", server, &out);
	}
	kctl_write(k, &out);
	strbuf_release(&out);
	return r;
}

int cmd_version(struct kctl *k, int argc, char **argv)
{
	bool client_only = false, short_ = false;
	const char *output = NULL;
	const struct kflag flags[] = {
		{ "client", 0, KFLAG_BOOL, &client_only, NULL, "Only the client version" },
		{ "short", 0, KFLAG_BOOL, &short_, NULL, "Only the version numbers" },
		{ "output", 'o', KFLAG_STRING, &output, NULL, "json|yaml" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	struct kout o;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0 && output && strcmp(output, "json") && strcmp(output, "yaml")) {
		kctl_errorf(k, "--output must be 'yaml' or 'json'");
		r = -1;
	}
	if (r == 0)
		r = kout_parse(k, output, false, &o);
	cJSON *client = client_version(), *server = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = 0;
	if (r == 0 && !client_only && kctl_client(k))
		rc = k8c_get(kctl_client(k), "/version?timeout=32s", &server, &e);
	if (r == 0)
		r = print_version(k, short_, &o, client, server);
	if (r == 0 && rc < 0) {
		fflush(k->out);
		kctl_api_error(k, rc, &e);
		r = 1;
	}
	if (r == 0 && !client_only && !k->client)
		r = 1;
	k8c_status_error_release(&e);
	cJSON_Delete(client);
	cJSON_Delete(server);
	kstrv_release(&args);
	return r != 0;
}

int cmd_cluster_info(struct kctl *k, int argc, char **argv)
{
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, NULL, argc, argv, &args);
	struct k8c_client *c = r == 0 ? kctl_client(k) : NULL;
	cJSON *list = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	const struct k8c_list_options lo = { .label_selector = "kubernetes.io/cluster-service=true" };
	int rc = c ? k8c_list(c, "/api/v1/namespaces/kube-system/services", &lo, &list, &e) : -1;
	if (c && rc < 0) {
		kctl_api_error(k, rc, &e);
	} else if (c) {
		const char *server = k8c_client_config(c)->server;
		fprintf(k->out, "\033[0;32mKubernetes control plane\033[0m is running at "
				"\033[0;33m%s\033[0m\n", server);
		const cJSON *svc;
		cJSON_ArrayForEach(svc, kj_get(list, "items")) {
			const char *name = kj_str_or(svc, "metadata.name", "");
			fprintf(k->out, "\033[0;32m%s\033[0m is running at \033[0;33m%s/api/v1/"
					"namespaces/kube-system/services/%s/proxy\033[0m\n",
				kj_map_str(svc, "metadata.labels", "kubernetes.io/name") ?: name,
				server, name);
		}
		fprintf(k->out, "\nTo further debug and diagnose cluster problems, use 'kubectl "
				"cluster-info dump'.\n");
	}
	k8c_status_error_release(&e);
	cJSON_Delete(list);
	kstrv_release(&args);
	return r != 0 || rc < 0;
}
