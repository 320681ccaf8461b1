/*
 * patch_test_util.h - helpers for the patch unit tests: JSON literals in,
 * canonical (sorted-key, compact) JSON text out.
 */
#ifndef K8C_TEST_API_PATCH_TEST_UTIL_H
#define K8C_TEST_API_PATCH_TEST_UTIL_H

#include <cjson/cJSON.h>

#include "base/base.h"

/* Parses text; aborts the test program on malformed JSON (a broken test). */
cJSON *pt_json(const char *text);

/*
 * Compact JSON of v with object keys sorted (recursively), in a buffer that
 * stays valid until the next call with the same slot (0..3). "(null)" for NULL.
 */
const char *pt_text(const cJSON *v, int slot);

/* pt_text of text parsed: the canonical form of an expected value. */
const char *pt_canon(const char *text, int slot);

/*
 * The outcome of applying a patch to the document parsed from doc_text:
 * doc's canonical text when rc is 0, else "ERR 400: <err>" (-EBADMSG) or
 * "ERR 422: <err>", after checking that doc still equals doc_text. Valid
 * until the next call.
 */
const char *pt_outcome(int rc, const cJSON *doc, const char *doc_text, const char *err);

#endif
