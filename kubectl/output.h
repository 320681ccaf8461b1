/*
 * output.h - kubectl's -o/--output formats for objects: "json" (Go's indented JSON,
 * keys sorted), "yaml" (as `kubectl get -o yaml`), "name" ("deployment.apps/web"),
 * "jsonpath=TEMPLATE" (jsonpath.h), and the table forms "" and "wide" that only
 * `get` prints (table.h). Several objects print as one "kind: List". Pure.
 */
#ifndef K8C_KUBECTL_OUTPUT_H
#define K8C_KUBECTL_OUTPUT_H

#include "kubectl/kctl.h"

enum kout_format {
	KOUT_DEFAULT, /* tables for get, "kind/name verb" lines for writes */
	KOUT_WIDE,
	KOUT_NAME,
	KOUT_JSON,
	KOUT_YAML,
	KOUT_JSONPATH,
};

struct kout {
	enum kout_format format;
	const char *jsonpath; /* the template of jsonpath=... */
};

/*
 * Parses the value of -o (NULL or "" = default). allow_tables: "wide" accepted.
 * Returns 0, or -1 after printing kubectl's "unable to match a printer" error.
 */
int kout_parse(struct kctl *k, const char *value, bool allow_tables, struct kout *ret);

/* True for json, yaml and jsonpath (the formats that print whole objects). */
bool kout_is_data(const struct kout *o);

/*
 * Appends obj (an object, or a List) in format o to out. kind names the object's kind
 * for "name" (NULL: taken from obj's kind and apiVersion). Returns 0, or -1 after
 * printing an error (bad jsonpath template).
 */
int kout_print(struct kctl *k, const struct kout *o, const struct k8c_kind *kind,
	       const cJSON *obj, struct strbuf *out);

/* Makes an empty kubectl "List" object (apiVersion v1, items [], metadata). */
cJSON *kout_list_new(void);

/* Appends a copy of obj to list's items, filling apiVersion and kind from kind when
 * missing (list items from the server lack them). */
void kout_list_add(cJSON *list, const cJSON *obj, const struct k8c_kind *kind);

#endif
