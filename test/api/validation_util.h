/*
 * validation_util.h - helpers of the validation and defaulting unit tests:
 * manifests written as JSON with ' for " (readable C literals), built from a
 * valid base plus a merge patch, defaulted and validated through the kinds
 * registry exactly as the API server does, and checks on the resulting
 * field errors that print every error when one is missing.
 */
#ifndef K8C_TEST_API_VALIDATION_UTIL_H
#define K8C_TEST_API_VALIDATION_UTIL_H

#include "api/field_errors.h"
#include "api/kinds.h"

/* Minimal valid manifests of each kind, for tests to patch. */
extern const char vt_pod[];
extern const char vt_deployment[];
extern const char vt_service[];

/*
 * Decodes base with patch (a JSON merge patch, NULL = none) merged in as an
 * object of the kind named kind ("Pod"), defaults and validates it as a new
 * object; with update (a merge patch applied on top of that object) also
 * validates the update from it to the patched one (errors of the create are
 * then dropped). errs receives the errors (release it). A base or patch that
 * does not decode aborts the test program (a broken test).
 */
void vt_run(const char *kind, const char *base, const char *patch, const char *update,
	    struct field_errors *errs);

/*
 * The object of vt_run's first step after defaulting, as canonical JSON
 * (sorted keys, compact), in a buffer valid until the next call.
 */
const char *vt_defaulted(const char *kind, const char *json);

/* JSON with ' turned into ", in a buffer valid until the next call with the slot (0..3). */
const char *vt_q(const char *text, int slot);

/* Fails the test (listing errs) unless errs holds exactly field with detail. */
#define CHECK_ERR(errs, field, detail) vt_expect(__FILE__, __LINE__, (errs), (field), (detail))
/* Fails the test (listing errs) unless errs is empty. */
#define CHECK_NO_ERRS(errs) vt_expect(__FILE__, __LINE__, (errs), NULL, NULL)

void vt_expect(const char *file, int line, const struct field_errors *errs, const char *field,
	       const char *detail);

/* The reason (metav1.CauseType) of the error at field, or NULL. */
const char *vt_reason(const struct field_errors *errs, const char *field);

#endif
