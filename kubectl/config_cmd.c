/*
 * config_cmd.c - `k8c config view|use-context` over client/kubeconfig.h, as kubectl
 * 1.20 prints and writes them: view shows the merged configuration (the first file to
 * name an entry wins; entries sorted by name; secrets redacted unless --raw; --minify
 * keeps the current context only); use-context writes current-context where
 * kubectl would. The other config commands live in config_contexts.c.
 */
#include "api/yaml/yaml.h"
#include "client/kubeconfig.h"
#include "kubectl/commands.h"
#include "kubectl/gojson.h"
#include "kubectl/jsonutil.h"
#include "kubectl/output.h"
#include "kubectl/tabwriter.h"

static const char *const sections[] = { "clusters", "users", "contexts" };
static const char *const inners[] = { "cluster", "user", "context" };

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(kj_str_or(*(const cJSON *const *)a, "name", ""),
		      kj_str_or(*(const cJSON *const *)b, "name", ""));
}

/* Every entry of a section over all files, the first of each name, sorted by name. */
static cJSON *merged_section(const struct k8c_kubeconfig *kc, int s)
{
	cJSON *list = cJSON_CreateArray();
	for (size_t i = 0; i < kc->nfiles; i++) {
		const cJSON *e;
		cJSON_ArrayForEach(e, kj_get(kc->files[i].doc, sections[s])) {
			const char *name = kj_str_or(e, "name", "");
			bool seen = false;
			const cJSON *x;
			cJSON_ArrayForEach(x, list)
				seen = seen || !strcmp(kj_str_or(x, "name", ""), name);
			if (!seen)
				cJSON_AddItemToArray(list, cJSON_Duplicate(e, true));
		}
	}
	size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
	cJSON **v = xcalloc(n + 1, sizeof(*v));
	while (list->child)
		v[i++] = cJSON_DetachItemViaPointer(list, list->child);
	qsort(v, n, sizeof(*v), cmp_entry);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(list, v[i]);
	free(v);
	return list;
}

static void redact(cJSON *entry, const char *inner, const char *field, const char *with)
{
	cJSON *in = kj_get(entry, inner);
	if (kj_str(in, field))
		kj_set(in, field, cJSON_CreateString(with));
}

/* kubectl's v1 structs always carry these (no omitempty); nulls are not shown. */
static void fill_entry(cJSON *e, int s)
{
	cJSON *in = kj_ensure(e, inners[s]);
	for (cJSON *c = in->child, *next; c; c = next) {
		next = c->next;
		if (cJSON_IsNull(c))
			cJSON_Delete(cJSON_DetachItemViaPointer(in, c));
	}
	if (s == 0 && !kj_get(in, "server"))
		cJSON_AddStringToObject(in, "server", "");
	if (s == 2 && !kj_get(in, "cluster"))
		cJSON_AddStringToObject(in, "cluster", "");
	if (s == 2 && !kj_get(in, "user"))
		cJSON_AddStringToObject(in, "user", "");
}

/* Keeps only the entry named name in the list (nothing when name is NULL). */
static void keep_only(cJSON *list, const char *name)
{
	cJSON *e = list->child;
	while (e) {
		cJSON *next = e->next;
		if (!name || strcmp(kj_str_or(e, "name", ""), name))
			cJSON_Delete(cJSON_DetachItemViaPointer(list, e));
		e = next;
	}
}

static cJSON *merged_view(const struct k8c_kubeconfig *kc, bool raw, bool minify,
			  const char *current)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON *lists[3];
	for (int s = 0; s < 3; s++) {
		lists[s] = merged_section(kc, s);
		cJSON *e;
		cJSON_ArrayForEach(e, lists[s]) {
			fill_entry(e, s);
			if (!raw && s == 0)
				redact(e, "cluster", "certificate-authority-data", "DATA+OMITTED");
			if (!raw && s == 1) {
				redact(e, "user", "client-certificate-data", "REDACTED");
				redact(e, "user", "client-key-data", "REDACTED");
				redact(e, "user", "token", "REDACTED");
				redact(e, "user", "password", "REDACTED");
			}
		}
	}
	if (minify) {
		keep_only(lists[2], current);
		const cJSON *ctx = kj_get(lists[2]->child, "context");
		keep_only(lists[0], kj_str(ctx, "cluster"));
		keep_only(lists[1], kj_str(ctx, "user"));
	}
	cJSON_AddStringToObject(doc, "apiVersion", "v1");
	for (int s = 0; s < 3; s++) {
		if (cJSON_GetArraySize(lists[s]))
			cJSON_AddItemToObject(doc, sections[s], lists[s]);
		else
			cJSON_Delete(lists[s]), cJSON_AddNullToObject(doc, sections[s]);
	}
	cJSON_AddStringToObject(doc, "current-context", current ? current : "");
	cJSON_AddStringToObject(doc, "kind", "Config");
	cJSON_AddObjectToObject(doc, "preferences");
	return doc;
}

int cmd_config_view(struct kctl *k, int argc, char **argv)
{
	bool raw = false, minify = false, flatten = false;
	const char *output = NULL;
	const struct kflag flags[] = {
		{ "raw", 0, KFLAG_BOOL, &raw, NULL, "Show secrets" },
		{ "minify", 0, KFLAG_BOOL, &minify, NULL, "Only the current context" },
		{ "flatten", 0, KFLAG_BOOL, &flatten, NULL, "Accepted (implies --raw)" },
		{ "output", 'o', KFLAG_STRING, &output, NULL, "yaml|json|jsonpath=..." },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	struct k8c_kubeconfig kc;
	struct kout out;
	int r = kctl_parse(k, flags, argc, argv, &args);
	if (r == 0)
		r = kout_parse(k, output && *output ? output : "yaml", false, &out);
	if (r == 0 && (r = kctl_load_kubeconfig(k, &kc)) == 0) {
		const char *cur = k->g.context ? k->g.context : k8c_kubeconfig_current_context(&kc);
		if (minify && (!cur || !*cur)) {
			kctl_errorf(k, "current-context must exist in order to minify");
			r = -1;
		} else {
			cJSON *doc = merged_view(&kc, raw || flatten, minify, cur);
			struct strbuf text = STRBUF_INIT;
			r = kout_print(k, &out, NULL, doc, &text);
			kctl_write(k, &text);
			strbuf_release(&text);
			cJSON_Delete(doc);
		}
		k8c_kubeconfig_release(&kc);
	}
	kstrv_release(&args);
	return r != 0;
}

int cmd_config_use_context(struct kctl *k, int argc, char **argv)
{
	struct kstrv args = KSTRV_INIT;
	struct k8c_kubeconfig kc;
	int r = kctl_parse(k, NULL, argc, argv, &args);
	if (r == 0 && args.n != 1) {
		kctl_errorf(k, "Unexpected args: %s\nSee 'k8c config use-context -h' for help and "
			       "examples", args.n ? args.v[1] : "[]");
		r = -1;
	}
	if (r == 0 && (r = kctl_load_kubeconfig(k, &kc)) == 0) {
		struct strbuf err = STRBUF_INIT;
		if (!k8c_kubeconfig_get(&kc, K8C_KUBECONFIG_CONTEXTS, args.v[0], NULL)) {
			kctl_errorf(k, "no context exists with the name: \"%s\"", args.v[0]);
			r = -1;
		} else {
			k8c_kubeconfig_set_current_context(&kc, args.v[0]);
			r = k8c_kubeconfig_save(&kc, &err);
			if (r < 0)
				kctl_errorf(k, "%s", err.buf);
			else
				fprintf(k->out, "Switched to context \"%s\".\n", args.v[0]);
		}
		strbuf_release(&err);
		k8c_kubeconfig_release(&kc);
	}
	kstrv_release(&args);
	return r != 0;
}
