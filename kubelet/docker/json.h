/*
 * json.h - internal to kubelet/docker/: reading the daemon's JSON answers
 * into owned C values (cJSON never leaves this folder), and a small writer of
 * request bodies on a strbuf that places the commas itself.
 */
#ifndef K8C_KUBELET_DOCKER_JSON_H
#define K8C_KUBELET_DOCKER_JSON_H

#include <cjson/cJSON.h>

#include "base/strbuf.h"
#include "kubelet/docker/values.h"

/* The member key of o (NULL when o is NULL or has none); a path step. */
const cJSON *docker__json_get(const cJSON *o, const char *key);
/* A copy of string member key of o; NULL when absent, not a string or "". */
char *docker__json_str(const cJSON *o, const char *key);
/* Number member key of o as an integer; 0 when absent or not a number. */
int64_t docker__json_int(const cJSON *o, const char *key);
/* Boolean member key of o; false when absent. */
bool docker__json_bool(const cJSON *o, const char *key);
/*
 * RFC 3339 timestamp member key of o in ns since the epoch; 0 when absent,
 * malformed or Go's zero time ("0001-01-01T00:00:00Z", Docker's "never").
 */
int64_t docker__json_time(const cJSON *o, const char *key);
/* A NULL-terminated copy of the strings of array member key (never NULL; free with
 * docker_strv_free). */
char **docker__json_strv(const cJSON *o, const char *key);
/* Fills *out (empty) with the string members of object member key of o. */
void docker__json_labels(const cJSON *o, const char *key, struct docker_labels *out);

/*
 * The writer: each call appends one member ("key": value) to the object
 * being written, or one element when key is NULL, with a comma before it
 * when one is due. docker__jw_open starts an object ('{') or an array
 * ('['); docker__jw_close, given the same bracket, ends it.
 */
void docker__jw_open(struct strbuf *sb, const char *key, char bracket);
void docker__jw_close(struct strbuf *sb, char bracket);
/* Appends a string member; nothing when s is NULL. */
void docker__jw_str(struct strbuf *sb, const char *key, const char *s);
void docker__jw_int(struct strbuf *sb, const char *key, int64_t v);
void docker__jw_bool(struct strbuf *sb, const char *key, bool v);
/* Appends an array of the NULL-terminated strings v; nothing when v is NULL. */
void docker__jw_strv(struct strbuf *sb, const char *key, const char *const *v);

#endif
