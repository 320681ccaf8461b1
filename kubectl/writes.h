/*
 * writes.h - what the commands that change objects share: running a step for every
 * -f document (errors collected and printed after the outcomes, as kubectl does),
 * the "deployment.apps/web configured" lines (or -o name|json|yaml), and a PATCH
 * that prints kubectl's error. Not thread-safe.
 */
#ifndef K8C_KUBECTL_WRITES_H
#define K8C_KUBECTL_WRITES_H

#include "client/verbs.h"
#include "kubectl/manifest.h"
#include "kubectl/output.h"

/* Collected failures of one command, printed at its end. */
struct kerrors {
	struct strbuf text; /* one line per failure */
	size_t n;
};

#define KERRORS_INIT { STRBUF_INIT, 0 }

/* Adds a local failure: printed "error: <message>" when it is the only one, else bare,
 * as kubectl prints aggregated errors. */
void kerrors_addf(struct kerrors *e, const char *fmt, ...) K8C_PRINTF(2, 3);

/* Adds kubectl's "timed out waiting for the condition on <resource>/<name>". */
void kerrors_timed_out(struct kerrors *e, const struct k8c_kind *kind, const char *name);

/* Adds kubectl's text for a failed API call. */
void kerrors_add_api(struct kctl *k, struct kerrors *e, int rc, const struct k8c_status_error *s);

/* Prints the collected failures to stderr (after flushing stdout) and frees them;
 * returns 1 when there were any. */
int kerrors_finish(struct kctl *k, struct kerrors *e);

/* Does one command's work on one -f document, adding failures to errs. */
typedef void (*kinfo_fn)(struct kctl *k, struct kinfo *in, void *userdata, struct kerrors *errs);

/*
 * Reads the -f files (directories with -R) and runs fn on every document in order
 * ("no objects passed to <verb>" when there are none), then prints the failures.
 * Returns the exit status.
 */
int kinfos_each(struct kctl *k, const struct kstrv *files, bool recursive, const char *verb,
		kinfo_fn fn, void *userdata);

/* Appends the API path of the object an entry names (with subresource, or NULL). */
void kinfo_path(const struct kinfo *info, const char *subresource, struct strbuf *out);

/*
 * Prints the outcome of a change as kubectl does: "<kind>/<name> <op>" (op may be
 * NULL: just the name), or obj in format o for -o json|yaml|name|jsonpath.
 */
void kprint_op(struct kctl *k, const struct kout *o, const struct k8c_kind *kind,
	       const char *name, const cJSON *obj, const char *op);

/*
 * PATCHes the object at path with patch. Returns 0 and
 * *ret (may be NULL) or the client's errno with *err filled.
 */
int kpatch(struct kctl *k, const char *path, enum k8c_patch_type type, const cJSON *patch,
	   cJSON **ret, struct k8c_status_error *err);

#endif
