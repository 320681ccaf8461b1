/*
 * json_scan.h - reads a few members out of a JSON object without building a
 * tree: the watch cache needs only an object's labels and a handful of
 * selectable fields from every stored value, and parsing the whole value
 * into cJSON nodes (one allocation per node) was most of the cost of
 * loading a store and a good part of every write.
 *
 * A scan validates the whole text as strict JSON (RFC 8259), so "scan
 * succeeded" also means "is a well-formed object". Thread-safe; no state.
 */
#ifndef K8C_APISERVER_JSON_SCAN_H
#define K8C_APISERVER_JSON_SCAN_H

#include "base/base.h"

/* Called for each string member of the object at labels_path; strings decoded, borrowed. */
typedef void (*json_scan_label_fn)(void *ctx, const char *key, const char *value);

struct json_scan {
	const char *labels_path;   /* "metadata.labels", or NULL */
	json_scan_label_fn on_label;
	void *ctx;
	const char *const *fields; /* dotted paths, n_fields of them */
	size_t n_fields;
	/*
	 * Out: per field, its value as a new string when it is a string, "true" or
	 * "false" for a boolean, NULL when absent or of another type.
	 */
	char **values;
};

/*
 * Scans the JSON text [text, text + len): calls s->on_label for the labels
 * and fills s->values (n_fields entries, zeroed by the caller; the caller
 * frees them). Returns 0, or -EINVAL when the text is not one well-formed
 * JSON object (values found before the error are still set).
 */
int json_scan(const char *text, size_t len, struct json_scan *s);

#endif
