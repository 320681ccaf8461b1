/*
 * get.h - what `get` shares between its files (get.c: fetching and printing,
 * get_watch.c: -w). Internal to the get command.
 */
#ifndef K8C_KUBECTL_GET_H
#define K8C_KUBECTL_GET_H

#include "kubectl/output.h"
#include "kubectl/table.h"

/* One thing `get` reads: an object, or a collection (name NULL). */
struct get_req {
	const struct k8c_kind *kind;
	const char *ns; /* NULL for cluster-scoped kinds and for -A */
	const char *name;
};

struct get_opts {
	const char *output, *selector, *field_selector;
	bool all_namespaces, watch, watch_only, show_labels, no_headers, ignore_not_found;
	bool show_kind, recursive;
	int64_t chunk_size;
	struct kstrv files, label_columns;
	struct kout out;
};

/* The Accept header that asks for Table answers, as kubectl sends it. */
#define GET_TABLE_ACCEPT                                                                           \
	"application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta."  \
	"k8s.io,application/json"

/*
 * GETs r (a collection with limit/continue/selectors from o), as a Table when table.
 * Returns 0 and *ret (owned), or the client's negative errno with err filled.
 */
int get_fetch(struct kctl *k, const struct get_opts *o, const struct get_req *r, bool table,
	      const char *continue_token, cJSON **ret, struct k8c_status_error *err);

/* Sets up a table printer for kind as get prints it (namespace column with -A...). */
void get_table_printer(const struct get_opts *o, const struct get_req *r, bool with_kind,
		       struct ktable_printer *p);

/* Runs `get -w` for one request. Returns the exit status. */
int get_watch(struct kctl *k, const struct get_opts *o, const struct get_req *r);

#endif
