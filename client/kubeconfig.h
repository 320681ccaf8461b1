/*
 * kubeconfig.h - kubeconfig files (apiVersion v1, kind Config: clusters, users, contexts,
 * current-context, preferences) loaded, merged, edited and written back as kubectl does.
 *
 * Loading: an explicit file (--kubeconfig; it must exist), else every file of $KUBECONFIG
 * (colon-separated; missing ones are skipped), else ~/.kube/config (may be missing). The
 * files stay separate cJSON trees; lookups merge them: an entry (cluster, user, context)
 * comes whole from the first file that defines its name, current-context from the first
 * file that sets it.
 *
 * Editing follows client-go's ModifyConfig: a changed entry is written to the file it came
 * from, a new one to the default file (the explicit file; else the only $KUBECONFIG file,
 * or the first that exists, or the last; else ~/.kube/config); current-context to the
 * first file that already sets one, else the default file. save() writes the files that
 * changed, as `kubectl config view --raw` prints them, mode 0600, atomically. Fields the
 * library does not know (exec plugins, extensions) are kept as they are.
 *
 * Not thread-safe; owned by the caller.
 */
#ifndef K8C_CLIENT_KUBECONFIG_H
#define K8C_CLIENT_KUBECONFIG_H

#include <cjson/cJSON.h>

#include "base/strbuf.h"

struct k8c_kubeconfig_file {
	char *path;
	cJSON *doc; /* the file's contents (an object; empty when the file does not exist) */
	bool exists;
	bool dirty;
};

struct k8c_kubeconfig {
	struct k8c_kubeconfig_file *files; /* in precedence order */
	size_t nfiles;
	bool explicit_file;
};

/* The three named lists of a kubeconfig; each entry is {name, <inner>: {...}}. */
enum k8c_kubeconfig_section {
	K8C_KUBECONFIG_CLUSTERS, /* "clusters", inner "cluster" */
	K8C_KUBECONFIG_USERS,	 /* "users", inner "user" */
	K8C_KUBECONFIG_CONTEXTS, /* "contexts", inner "context" */
};

/*
 * Loads kc (uninitialized) from explicit_path (NULL = $KUBECONFIG, else ~/.kube/config).
 * Returns 0, or -ENOENT when explicit_path does not exist, or -EINVAL when a file does not
 * parse (message in err, may be NULL); kc is then empty but valid to release.
 */
int k8c_kubeconfig_load(struct k8c_kubeconfig *kc, const char *explicit_path, struct strbuf *err);

/* Frees everything kc holds. */
void k8c_kubeconfig_release(struct k8c_kubeconfig *kc);

/*
 * The inner object of the named entry ({"server": ...} for a cluster), borrowed from kc,
 * or NULL when no file defines it. *ret_path (may be NULL) gets the file it came from,
 * against which relative paths in it resolve.
 */
const cJSON *k8c_kubeconfig_get(const struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s,
				const char *name, const char **ret_path);

/* current-context from the first file that sets it (borrowed), or NULL. */
const char *k8c_kubeconfig_current_context(const struct k8c_kubeconfig *kc);

/* Sets current-context ("" or NULL clears it). */
void k8c_kubeconfig_set_current_context(struct k8c_kubeconfig *kc, const char *name);

/*
 * Sets field of the named entry (created when absent) to the string value, or removes the
 * field when value is NULL. Fields are kubeconfig's: "server", "certificate-authority-data",
 * "token", "cluster", "namespace"...
 */
void k8c_kubeconfig_set(struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s, const char *name,
			const char *field, const char *value);

/* Same for a boolean field ("insecure-skip-tls-verify"). */
void k8c_kubeconfig_set_bool(struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s,
			     const char *name, const char *field, bool value);

/* Removes the named entry from every file. Returns 0, or -ENOENT when none had it. */
int k8c_kubeconfig_delete(struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s,
			  const char *name);

/*
 * Writes every changed file (creating folders as needed). Returns 0, or a negative errno
 * with a message in err (may be NULL); files written before the failure stay written.
 */
int k8c_kubeconfig_save(struct k8c_kubeconfig *kc, struct strbuf *err);

/* Reads the whole file at path into out (appended). Returns 0 or a negative errno. */
int kubeconfig__read_file(const char *path, struct strbuf *out);

#endif
