/*
 * manifest.h - the objects of -f arguments: files, directories (their .json, .yaml
 * and .yml files in lexical order; sub-folders with -R) and "-" (stdin); each file a
 * YAML stream of documents split at "---" lines (as kubectl's YAML reader splits it),
 * or a stream of JSON objects; "kind: List" documents expand into their items.
 *
 * Unlike kubectl, a document that cannot be used does not end the file: it becomes an
 * entry with an error naming the file, the document and the line, and the documents
 * after it are still read. The caller reports every entry's outcome. Not thread-safe.
 */
#ifndef K8C_KUBECTL_MANIFEST_H
#define K8C_KUBECTL_MANIFEST_H

#include "kubectl/kctl.h"

struct kinfo {
	const struct k8c_kind *kind; /* NULL when error is set */
	cJSON *obj;		     /* the object (owned); NULL when error is set */
	char *source;		     /* the file as given, or "STDIN" */
	int doc;		     /* 1-based index of the document in its file */
	int line;		     /* 1-based line where the document starts */
	char *error;		     /* why this document cannot be used, or NULL */
};

struct kinfos {
	struct kinfo *v;
	size_t n, alloc;
};

/*
 * Reads every object of files (the -f values) into out. Returns 0 (per-document
 * problems are in the entries), or -1 after printing an error that stops the command
 * before anything is done (a path that does not exist, an unreadable file, no files).
 */
int kinfos_read(struct kctl *k, const struct kstrv *files, bool recursive, struct kinfos *out);

/* Splits one file's text into entries (exposed for tests). */
void kinfos_parse_text(const char *source, const char *text, size_t len, struct kinfos *out);

/* Frees every entry. */
void kinfos_release(struct kinfos *infos);

/* metadata.name of the entry, or "" when unset. */
const char *kinfo_name(const struct kinfo *info);

/*
 * Applies the namespace rules of kubectl to a namespaced entry: a missing
 * metadata.namespace becomes the command's namespace; one that differs from an
 * explicit --namespace is an error. Returns 0, or -1 with info->error set.
 */
int kinfo_resolve_namespace(struct kctl *k, struct kinfo *info);

/* metadata.namespace of the entry (after kinfo_resolve_namespace), or NULL. */
const char *kinfo_namespace(const struct kinfo *info);

/* Appends "<source>: document <doc> (line <line>)" for messages. */
void kinfo_where(const struct kinfo *info, struct strbuf *out);

/* Sets info->error to "<where>: <message>" (replacing any earlier one). */
void kinfo_fail(struct kinfo *info, const char *fmt, ...) K8C_PRINTF(2, 3);

#endif
