/*
 * table.h - meta.k8s.io/v1 Table answers (what `kubectl get` asks for): the
 * kind's column definitions and one row per object, each with the object's
 * metadata as a PartialObjectMetadata (or the whole object, or nothing, as
 * ?includeObject= says).
 */
#ifndef K8C_APISERVER_TABLE_H
#define K8C_APISERVER_TABLE_H

#include "apiserver/server.h"

struct table_writer {
	struct api_request *r;
	struct strbuf *out;
	int64_t now_ns;
	size_t rows;
	int include; /* 0 None, 1 Metadata (default), 2 Object */
};

/* Starts a Table in out: metadata (resourceVersion, continue, remainingItemCount) and columns. */
void table_begin(struct table_writer *tw, struct api_request *r, struct strbuf *out, int64_t rev,
		 const char *continue_token, int64_t remaining);
/* Starts a Table for one watch event; columns are written only when with_columns. */
void table_begin_event(struct table_writer *tw, struct api_request *r, struct strbuf *out,
		       int64_t rev, bool with_columns);
/* Appends the row of o. */
void table_add(struct table_writer *tw, const struct cache_obj *o);
/* Closes the rows and the Table. */
void table_end(struct table_writer *tw);

#endif
