/*
 * patch.h - applying the request body of a PATCH (JSON patch, JSON merge
 * patch or strategic merge patch, by Content-Type) to a document and
 * decoding the result. Server-side apply is answered 415 for now.
 */
#ifndef K8C_APISERVER_PATCH_H
#define K8C_APISERVER_PATCH_H

#include "apiserver/server.h"

/*
 * Patches json (len bytes, a document of type t) with r's body and decodes
 * the result into out (a zeroed struct of type t; release it with
 * k8c_release even on failure). Answers 400/415/422 and returns -1 on failure.
 */
int api_patch_decode(struct api_request *r, const struct k8c_type *t, const char *json,
		     size_t len, void *out);

#endif
