/*
 * jsonpath.h - kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath) over
 * cJSON: text outside braces is printed as is; inside, expressions of fields
 * (".a.b", escaped dots "kubectl\.kubernetes\.io/x", "['a.b']"), indexes ("[0]",
 * "[-1]", "[1:3]", "[*]"), recursive descent ("..name"), filters
 * ("[?(@.type==\"Ready\")]", "[?(@.x)]"), string literals ("{\"\\n\"}") and
 * "{range EXPR}...{end}" loops. Results of one expression are separated by spaces;
 * strings print raw, numbers as Go prints them, objects and arrays as compact JSON.
 * Missing keys print nothing (kubectl's --allow-missing-template-keys=true).
 * Pure; thread-safe.
 */
#ifndef K8C_KUBECTL_JSONPATH_H
#define K8C_KUBECTL_JSONPATH_H

#include <cjson/cJSON.h>

#include "base/strbuf.h"

/*
 * Runs template against data, appending the output to out. Returns 0, or -EINVAL
 * with client-go's style of message in err ("unclosed action", "unrecognized
 * character in action: U+0021 '!'", "not in range, nothing to end").
 */
int jsonpath_execute(const char *template_text, const cJSON *data, struct strbuf *out,
		     struct strbuf *err);

#endif
