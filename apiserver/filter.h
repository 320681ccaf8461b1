/*
 * filter.h - the ?labelSelector= and ?fieldSelector= of a LIST, WATCH or
 * DELETECOLLECTION turned into a watch-cache filter. Exact matches on
 * metadata.name, metadata.namespace and the kind's indexed field become
 * indexed lookups; everything else is checked per object.
 */
#ifndef K8C_APISERVER_FILTER_H
#define K8C_APISERVER_FILTER_H

#include "apiserver/server.h"

struct api_filter {
	struct cache_filter cf;
	struct label_selector *labels;
	struct field_selector *fields;
	char *ns_copy;
	char *name_copy;
	char *index_copy;
};

/*
 * Builds f for r (namespace from the path; selectors from the query).
 * Answers 400 and returns -1 on a malformed or unsupported selector.
 */
int api_filter_init(struct api_request *r, struct api_filter *f);
void api_filter_release(struct api_filter *f);

#endif
