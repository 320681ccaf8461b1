/*
 * path.h - building API paths and query strings:
 *   {group "", version "v1", namespace "ns", resource "pods", name "x", subresource "log"}
 *     -> "/api/v1/namespaces/ns/pods/x/log"
 *   {group "apps", version "v1", resource "deployments"} -> "/apis/apps/v1/deployments"
 * plus list/watch options as a query ("?labelSelector=app%3Dweb&limit=500"). Segments and
 * values are percent-encoded. Pure functions; thread-safe.
 */
#ifndef K8C_CLIENT_PATH_H
#define K8C_CLIENT_PATH_H

#include "base/strbuf.h"

struct k8c_resource_path {
	const char *group;	 /* NULL or "" for the core group ("/api") */
	const char *version;	 /* NULL means "v1" */
	const char *namespace;	 /* NULL or "": cluster-scoped, or all namespaces */
	const char *resource;	 /* "pods"; NULL: the group-version root (discovery) */
	const char *name;	 /* NULL: the collection */
	const char *subresource; /* "status", "scale", "log", "binding"...; NULL: none */
};

/* Appends the path p names to out. */
void k8c_path_append(struct strbuf *out, const struct k8c_resource_path *p);

/* Appends "?key=value", or "&key=value" when out already holds a query; value encoded. */
void k8c_query_add(struct strbuf *out, const char *key, const char *value);

/* Same with an integer value. */
void k8c_query_add_int(struct strbuf *out, const char *key, int64_t value);

/* metav1.ListOptions; unset (NULL / 0 / false) fields are left out of the query. */
struct k8c_list_options {
	const char *label_selector;
	const char *field_selector;
	const char *resource_version;
	const char *resource_version_match; /* "NotOlderThan", "Exact" */
	const char *continue_token;
	int64_t limit;
	int64_t timeout_seconds;
	bool watch;
	bool allow_watch_bookmarks;
};

/* Appends the options set in o as query parameters. */
void k8c_list_options_append(struct strbuf *out, const struct k8c_list_options *o);

#endif
