/*
 * config_contexts.c - `k8c config set-context|get-contexts|current-context`, as
 * kubectl 1.20 prints and writes them (get-contexts: a table with "*" on the current
 * context, sorted by name; set-context: "Context "x" created." or "modified.").
 */
#include "client/kubeconfig.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/tabwriter.h"

struct set_context_opts {
	const char *cluster, *user, *namespace;
	bool cluster_set, user_set, namespace_set, current;
};

static int set_context(struct kctl *k, struct k8c_kubeconfig *kc, const char *name,
		       const struct set_context_opts *o)
{
	bool exists = k8c_kubeconfig_get(kc, K8C_KUBECONFIG_CONTEXTS, name, NULL) != NULL;
	/* touching the entry creates it even when no field is given */
	k8c_kubeconfig_set(kc, K8C_KUBECONFIG_CONTEXTS, name, "cluster",
			   o->cluster_set ? o->cluster
					  : kj_str(k8c_kubeconfig_get(kc, K8C_KUBECONFIG_CONTEXTS,
								      name, NULL),
						   "cluster"));
	if (o->user_set)
		k8c_kubeconfig_set(kc, K8C_KUBECONFIG_CONTEXTS, name, "user",
				   *o->user ? o->user : NULL);
	if (o->namespace_set)
		k8c_kubeconfig_set(kc, K8C_KUBECONFIG_CONTEXTS, name, "namespace",
				   *o->namespace ? o->namespace : NULL);
	if (o->cluster_set && !*o->cluster)
		k8c_kubeconfig_set(kc, K8C_KUBECONFIG_CONTEXTS, name, "cluster", NULL);
	struct strbuf err = STRBUF_INIT;
	int r = k8c_kubeconfig_save(kc, &err);
	if (r < 0)
		kctl_errorf(k, "%s", err.buf);
	else
		fprintf(k->out, "Context \"%s\" %s.\n", name, exists ? "modified" : "created");
	strbuf_release(&err);
	return r;
}

int cmd_config_set_context(struct kctl *k, int argc, char **argv)
{
	struct set_context_opts o = { 0 };
	const struct kflag flags[] = {
		{ "cluster", 0, KFLAG_STRING, &o.cluster, &o.cluster_set, "The context's cluster" },
		{ "user", 0, KFLAG_STRING, &o.user, &o.user_set, "The context's user" },
		{ "namespace", 0, KFLAG_STRING, &o.namespace, &o.namespace_set,
		  "The context's namespace" },
		{ "current", 0, KFLAG_BOOL, &o.current, NULL, "Modify the current context" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	struct k8c_kubeconfig kc;
	/* the context's flags shadow the global --cluster, --user and --namespace */
	struct kctl local = *k;
	memset(local.global_flags, 0, sizeof(local.global_flags));
	local.global_flags[0] = k->global_flags[0]; /* --kubeconfig */
	int r = kctl_parse(&local, flags, argc, argv, &args);
	if (r == 0 && (r = kctl_load_kubeconfig(k, &kc)) == 0) {
		const char *name = o.current ? k8c_kubeconfig_current_context(&kc)
					     : args.n ? args.v[0] : NULL;
		if (!name || !*name) {
			kctl_errorf(k, o.current ? "no current context is set"
						 : "you must specify a non-empty context name or "
						   "--current");
			r = -1;
		} else {
			r = set_context(k, &kc, name, &o);
		}
		k8c_kubeconfig_release(&kc);
	}
	kstrv_release(&args);
	return r != 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(kj_str_or(*(const cJSON *const *)a, "name", ""),
		      kj_str_or(*(const cJSON *const *)b, "name", ""));
}

/* The contexts of every file, the first of each name, sorted (borrowed from kc). */
static const cJSON **contexts(const struct k8c_kubeconfig *kc, size_t *n)
{
	size_t cap = 1;
	for (size_t i = 0; i < kc->nfiles; i++)
		cap += (size_t)cJSON_GetArraySize(kj_get(kc->files[i].doc, "contexts"));
	const cJSON **v = xcalloc(cap, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < kc->nfiles; i++) {
		const cJSON *e;
		cJSON_ArrayForEach(e, kj_get(kc->files[i].doc, "contexts")) {
			bool seen = false;
			for (size_t j = 0; j < *n; j++)
				seen = seen || !strcmp(kj_str_or(v[j], "name", ""),
						       kj_str_or(e, "name", ""));
			if (!seen)
				v[(*n)++] = e;
		}
	}
	qsort(v, *n, sizeof(*v), cmp_entry);
	return v;
}

static void print_contexts(struct kctl *k, const struct k8c_kubeconfig *kc,
			   const struct kstrv *args, bool names_only, bool no_headers, int *failed)
{
	size_t n;
	const cJSON **v = contexts(kc, &n);
	const char *cur = k8c_kubeconfig_current_context(kc);
	struct strbuf out = STRBUF_INIT;
	struct tabwriter tw;
	tabwriter_init_table(&tw, &out);
	if (!names_only && !no_headers)
		tabwriter_puts(&tw, "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
	for (size_t a = 0; a < (args->n ? args->n : 1); a++) {
		bool found = false;
		for (size_t i = 0; i < n; i++) {
			const char *name = kj_str_or(v[i], "name", "");
			if (args->n && strcmp(name, args->v[a]))
				continue;
			found = true;
			const cJSON *c = kj_get(v[i], "context");
			if (names_only)
				tabwriter_printf(&tw, "%s\n", name);
			else
				tabwriter_printf(&tw, "%s\t%s\t%s\t%s\t%s\n",
						 cur && !strcmp(cur, name) ? "*" : "", name,
						 kj_str_or(c, "cluster", ""), kj_str_or(c, "user", ""),
						 kj_str_or(c, "namespace", ""));
		}
		if (args->n && !found) {
			tabwriter_flush(&tw);
			kctl_write(k, &out);
			strbuf_reset(&out);
			fflush(k->out);
			kctl_errorf(k, "context %s not found", args->v[a]);
			*failed = 1;
		}
	}
	tabwriter_flush(&tw);
	kctl_write(k, &out);
	tabwriter_release(&tw);
	strbuf_release(&out);
	free(v);
}

int cmd_config_get_contexts(struct kctl *k, int argc, char **argv)
{
	const char *output = NULL;
	bool no_headers = false;
	const struct kflag flags[] = {
		{ "output", 'o', KFLAG_STRING, &output, NULL, "name" },
		{ "no-headers", 0, KFLAG_BOOL, &no_headers, NULL, "No header line" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	struct k8c_kubeconfig kc;
	int r = kctl_parse(k, flags, argc, argv, &args), failed = 0;
	if (r == 0 && output && *output && strcmp(output, "name")) {
		kctl_errorf(k, "output must be one of '' or 'name': %s", output);
		r = -1;
	}
	if (r == 0 && (r = kctl_load_kubeconfig(k, &kc)) == 0) {
		print_contexts(k, &kc, &args, output && *output, no_headers, &failed);
		k8c_kubeconfig_release(&kc);
	}
	kstrv_release(&args);
	return r != 0 || failed;
}

int cmd_config_current_context(struct kctl *k, int argc, char **argv)
{
	struct kstrv args = KSTRV_INIT;
	struct k8c_kubeconfig kc;
	int r = kctl_parse(k, NULL, argc, argv, &args);
	if (r == 0 && (r = kctl_load_kubeconfig(k, &kc)) == 0) {
		const char *cur = k8c_kubeconfig_current_context(&kc);
		if (cur && *cur)
			fprintf(k->out, "%s\n", cur);
		else
			kctl_errorf(k, "current-context is not set"), r = -1;
		k8c_kubeconfig_release(&kc);
	}
	kstrv_release(&args);
	return r != 0;
}
