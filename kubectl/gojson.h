/*
 * gojson.h - JSON text exactly as Go's encoding/json writes an unstructured object
 * (map[string]interface{}), which is what kubectl prints for -o json and stores in the
 * last-applied-configuration annotation: object keys sorted bytewise, "<", ">", "&",
 * U+2028 and U+2029 escaped as \u003c..., control characters as \n \r \t or \u00XX,
 * invalid UTF-8 as \ufffd, integral numbers as integers and others in Go's shortest
 * form ("0.5", "1e-07" -> "1e-7"). Pure; thread-safe.
 */
#ifndef K8C_KUBECTL_GOJSON_H
#define K8C_KUBECTL_GOJSON_H

#include <cjson/cJSON.h>

#include "base/strbuf.h"

/* Appends v compactly (json.Marshal). */
void gojson_marshal(const cJSON *v, struct strbuf *out);

/* Appends v indented with indent per level (json.MarshalIndent(v, "", indent)). */
void gojson_marshal_indent(const cJSON *v, const char *indent, struct strbuf *out);

/* Appends s as a Go JSON string literal. */
void gojson_string(const char *s, struct strbuf *out);

#endif
