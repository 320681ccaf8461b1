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

/* Adds "error: <message>". */
void kerrors_addf(struct kerrors *e, const char *fmt, ...) K8C_PRINTF(2, 3);

/* Adds kubectl's text for a failed API call. */
void kerrors_add_api(struct kctl *k, struct kerrors *e, int rc, const struct k8c_status_error *s);

/* Prints the collected failures to stderr and frees them; returns 1 when there were any. */
int kerrors_finish(struct kctl *k, struct kerrors *e);

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
int kpatch(struct kctl *k, const char *path, enum k8c_patch_type type, const cJSON *patch, cJSON **ret,
	   struct k8c_status_error *err);

#endif
