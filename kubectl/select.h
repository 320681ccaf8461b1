/*
 * select.h - the objects a command acts on, chosen as kubectl's builder chooses them:
 * "TYPE NAME...", "TYPE/NAME...", -f files, or "TYPE" with -l SELECTOR / --all
 * (listed from the server, --field-selector and -A honoured). Commands that change
 * objects (delete, label, annotate, scale, wait, describe, rollout...) share it.
 * Not thread-safe.
 */
#ifndef K8C_KUBECTL_SELECT_H
#define K8C_KUBECTL_SELECT_H

#include "kubectl/writes.h"

struct kselect_opts {
	const char *selector, *field_selector;
	bool all, all_namespaces, recursive;
	const struct kstrv *files;
	const char *no_name_error; /* NULL: "resource(s) were provided, but no name was specified" */
	bool names_optional; /* "TYPE" alone lists everything (describe, wait -l...) */
};

struct kobj {
	const struct k8c_kind *kind;
	char *ns;     /* NULL for cluster-scoped kinds */
	char *name;
	cJSON *obj;   /* the listed object, or the -f document; NULL for names */
	char *source; /* the -f file, or NULL */
};

struct kobjs {
	struct kobj *v;
	size_t n, alloc;
};

/*
 * Fills out from args and o. Per-document problems of -f files and failed lists go to
 * errs; returns 0, or -1 after printing an error that stops the command (bad
 * arguments, unknown types, unreadable files).
 */
int kselect(struct kctl *k, const struct kstrv *args, const struct kselect_opts *o,
	    struct kobjs *out, struct kerrors *errs);

/* Does one command's work on one chosen object, adding failures to errs. */
typedef void (*kobj_fn)(struct kctl *k, struct kobj *ob, void *userdata, struct kerrors *errs);

/*
 * kselect(), then fn on every object in order, then the failures printed. Returns the
 * exit status.
 */
int kselect_each(struct kctl *k, const struct kstrv *args, const struct kselect_opts *o,
		 kobj_fn fn, void *userdata);

/* Frees every entry. */
void kobjs_release(struct kobjs *objs);

/* kubectl's rule: resource arguments and -f exclude each other. Returns 0, or -1 after
 * printing its error. */
int kselect_check_files(struct kctl *k, const struct kstrv *args, const struct kstrv *files);

/* Appends the API path of an entry (with subresource, or NULL). */
void kobj_path(const struct kobj *o, const char *subresource, struct strbuf *out);

/*
 * Sends the two-way strategic merge patch from the entry's object (fetched) to changed,
 * as kubectl's set and rollout commands do, and prints "<kind>/<name> <op>" (or the
 * result in format o, may be NULL); when nothing changed, prints unchanged instead (or
 * nothing when unchanged is NULL). Failures go to errs.
 */
void kobj_patch_changes(struct kctl *k, const struct kout *o, const struct kobj *ob,
			const cJSON *changed, const char *op, const char *unchanged,
			struct kerrors *errs);

/* GETs the entry's object when it has none yet. Returns 0, or the client's errno after
 * adding the error to errs. */
int kobj_fetch(struct kctl *k, struct kobj *o, struct kerrors *errs);

#endif
