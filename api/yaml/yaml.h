/*
 * yaml.h - YAML <-> cJSON the way kubectl sees it (sigs.k8s.io/yaml over go-yaml v2).
 *
 * Reading: a YAML stream (one or more documents separated by "---") becomes one cJSON
 * tree per document. Plain scalars resolve as go-yaml v2 resolves them (true/false and the
 * YAML 1.1 variants y/yes/on/off..., null/~/empty, integers incl. 0x/0o/0b and a leading 0
 * as octal, underscores dropped, floats incl. .5, 1e3, .inf, .nan); quoted and block
 * scalars are always strings; anchors, aliases and merge keys ("<<") are expanded; map
 * keys that are not strings become their text ("1", "true", "1.5"), as sigs.k8s.io/yaml
 * does. Keys keep document order; a repeated key keeps its first position and the last
 * value. Documents that are empty or null are skipped, as kubectl skips them.
 *
 * Writing: a cJSON tree becomes YAML text byte for byte as `kubectl get -o yaml` prints
 * it: keys sorted in go-yaml's natural order at every level, 2-space indent, sequences in
 * a mapping not indented, strings quoted only when they would read back as something
 * else, multi-line strings as literal blocks, long plain strings folded at 80 columns.
 *
 * Numbers: cJSON keeps a double, so integers beyond 2^53 lose precision, and a number
 * that is integral is written as an integer (kubectl does the same for its objects).
 *
 * All functions are pure and thread-safe on distinct arguments.
 */
#ifndef K8C_API_YAML_H
#define K8C_API_YAML_H

#include <cjson/cJSON.h>

#include "base/strbuf.h"

/*
 * Where and why a YAML text could not be read. The message is go-yaml's, word for word,
 * so a CLI prints what kubectl prints ("yaml: line 7: mapping values are not allowed in
 * this context"); like go-yaml it names the 0-based line for parser errors ("did not find
 * expected key") and no line for alias, merge and key errors. line and column are always
 * the exact position of the problem in the whole text.
 */
struct k8c_yaml_error {
	int line;	       /* 1-based line of the problem; 0 when unknown */
	int column;	       /* 1-based column; 0 when unknown */
	struct strbuf message; /* "yaml: line 7: mapping values are not allowed in this context" */
};

#define K8C_YAML_ERROR_INIT { 0, 0, STRBUF_INIT }

/* Frees the message; e stays reusable. */
void k8c_yaml_error_release(struct k8c_yaml_error *e);

/* One document of a stream. */
struct k8c_yaml_doc {
	cJSON *json; /* owned by the receiver: cJSON_Delete() it */
	int index;   /* 0-based position in the stream, counting skipped empty documents */
	int line;    /* 1-based line where the document's content starts */
};

struct k8c_yaml_stream;

/*
 * Starts reading the len bytes at text (copied: text may be freed at once). Never fails
 * (aborts on out-of-memory). Free with k8c_yaml_stream_free().
 */
struct k8c_yaml_stream *k8c_yaml_stream_new(const char *text, size_t len);

/*
 * Reads the next non-empty document. Returns 1 and fills *ret_doc; 0 at the end of the
 * stream (ret_doc untouched); or -EINVAL on a syntax or conversion error, with err (may
 * be NULL) filled and ret_doc untouched. After an error or the end, every further call
 * returns the same result again.
 */
int k8c_yaml_stream_next(struct k8c_yaml_stream *s, struct k8c_yaml_doc *ret_doc,
			 struct k8c_yaml_error *err);

/* Frees s. NULL-safe. */
void k8c_yaml_stream_free(struct k8c_yaml_stream *s);

/*
 * Reads a text expected to hold one document (like sigs.k8s.io/yaml.YAMLToJSON: only the
 * first document counts). Returns 0 and *ret_json (owned; a JSON null when the text holds
 * no document), or -EINVAL with err (may be NULL) filled and *ret_json untouched.
 */
int k8c_yaml_to_json(const char *text, size_t len, cJSON **ret_json, struct k8c_yaml_error *err);

/*
 * Appends json as a YAML document (no "---" line) to out, as `kubectl get -o yaml` would
 * print it. Returns 0, or -EINVAL when json holds something YAML cannot carry (a NULL
 * tree); out then holds a prefix.
 */
int k8c_yaml_from_json(const cJSON *json, struct strbuf *out);

#endif
