/*
 * gc_fixture.h - object fixtures for the unit tests of the Endpoints,
 * garbage-collector, Namespace and node-lifecycle controllers: typed objects
 * decoded from compact JSON written with single quotes (so that C string
 * literals stay readable), and JSON text of objects for comparisons.
 */
#ifndef K8C_TEST_CONTROLLERS_GC_FIXTURE_H
#define K8C_TEST_CONTROLLERS_GC_FIXTURE_H

#include "api/object.h"
#include "test/ktest.h"

/*
 * Decodes json (with ' for ") strictly as type t into a new object the
 * caller frees with k8c_free(t, obj). Fails the test (and returns NULL)
 * when json does not decode.
 */
#define FIXTURE(t, json) gc_fixture_decode(__FILE__, __LINE__, (t), (json))
void *gc_fixture_decode(const char *file, int line, const struct k8c_type *t, const char *json);

/* obj (of type t) as compact JSON with " turned into '; the caller frees it. */
char *gc_fixture_encode(const struct k8c_type *t, const void *obj);

#endif
