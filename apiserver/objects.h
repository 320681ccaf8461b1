/*
 * objects.h - what the REST handlers do to objects in common: decoding a
 * request body, encoding for storage, validating, answering with an object,
 * and the optimistic-concurrency update loop every write but create goes
 * through (PUT, PATCH, status, scale, binding, deletion marks, finalize).
 */
#ifndef K8C_APISERVER_OBJECTS_H
#define K8C_APISERVER_OBJECTS_H

#include <cjson/cJSON.h>

#include "api/object.h"
#include "apiserver/server.h"

/*
 * Decodes json as an object of r->kind (filling in a missing kind/apiVersion,
 * honouring ?fieldValidation=Strict). On failure answers 400 and returns NULL.
 * The caller frees the result with k8c_free(r->kind->type, obj).
 */
void *api_decode_json(struct api_request *r, const cJSON *json);
/* Parses and decodes the request body; answers 400/415 and returns NULL on failure. */
void *api_decode_body(struct api_request *r);
/* Decodes a cached object version; NULL (after answering 500) if it cannot be. */
void *api_decode_cached(struct api_request *r, const struct cache_obj *o);

/* Encodes obj for storage: no resourceVersion, no selfLink. */
void api_encode_stored(const struct k8c_kind *k, void *obj, struct strbuf *out);

/*
 * Defaults and validates obj (old != NULL for an update: the current object,
 * which is defaulted too, as objects read from storage are, so it must be the
 * caller's own copy): generic ObjectMeta rules, then the kind's own. Answers
 * 422 and returns -1 when invalid.
 */
int api_validate(struct api_request *r, void *obj, void *old);

/* Answers code with the stored bytes of an object at revision rev (resourceVersion spliced in). */
void api_respond_stored(struct api_request *r, int code, const char *bytes, size_t len,
			int64_t rev);
/* Answers code with a cached object (as a Table row if the client asked for a Table). */
void api_respond_cached(struct api_request *r, int code, const struct cache_obj *o);

/*
 * A change to apply to the current object: gets the decoded current object
 * (owned by the caller of the hook) and returns the new object (owned by the
 * loop) or NULL after answering an error. It may be called several times
 * (once per conflict retry).
 */
typedef void *(*api_mutate_fn)(struct api_request *r, const void *cur, void *ctx);

enum api_update_mode {
	API_UPDATE_MAIN,   /* the object: status changes are ignored */
	API_UPDATE_STATUS, /* the status subresource: only status changes count */
	API_UPDATE_ALL,    /* internal changes (deletion marks, finalize): nothing is reset */
};

/*
 * Reads the object at r->route (ns, name), applies mutate, and writes the
 * result with compare-and-swap, retrying on conflicts unless the new object
 * names a resourceVersion that is no longer current (409). Keeps system
 * metadata, bumps generation on spec changes, validates, skips no-op writes,
 * deletes an object left with a deletionTimestamp and no finalizers, and
 * answers the request (200 with the object).
 */
void api_update_object(struct api_request *r, enum api_update_mode mode, api_mutate_fn mutate,
		       void *ctx);

/*
 * Clears the resourceVersion of obj, a copy of the current object that an api_mutate_fn
 * changes on the server's own behalf (deletion marks, bindings): it must not act as the
 * client's precondition, so that a concurrent write is retried, not answered 409, as
 * Kubernetes' GuaranteedUpdate does for them.
 */
void api_forget_rv(void *obj);

/*
 * After conflict number attempt (0, 1, ...) of r's compare-and-swap: whether
 * to try again. As Kubernetes' GuaranteedUpdate, a write beside a busy writer
 * keeps trying (here for up to 10 s from the request's arrival, at least 16
 * times); from the fourth conflict on it first waits up to a millisecond, at
 * random, so that it stops losing to a writer in step with it.
 */
bool api_retry_conflict(const struct api_request *r, int attempt);

/* Writes a new object (create): answers 201 with it, or the error. */
void api_create_object(struct api_request *r, void *obj);

#endif
