/*
 * rowtest.h - helpers for the printer tests: decode a JSON object of a
 * served kind, print its row through the kinds registry, and compare the
 * cells. JSON in the tests is written with ' for " to stay readable.
 */
#ifndef K8C_TEST_PRINTERS_ROWTEST_H
#define K8C_TEST_PRINTERS_ROWTEST_H

#include "base/strbuf.h"
#include "test/ktest.h"

/* The time every test prints its rows at: 2024-05-01T12:00:00Z. */
#define ROWTEST_NOW "2024-05-01T12:00:00Z"

/*
 * Decodes json (with ' for ") as the kind served as resource ("pods",
 * "deployments"), prints its row at ROWTEST_NOW and returns the cells as
 * JSON array text (caller frees), or NULL after reporting a failure at
 * file:line (decode error, no row function, wrong number of cells).
 */
char *rowtest_row(const char *file, int line, const char *resource, const char *json);

/* Checks the whole row against expected (JSON cells, ' for "). */
void rowtest_check_row(const char *file, int line, const char *resource, const char *json,
		       const char *expected);

/* Checks the cell at index (0-based) against expected (one JSON value, ' for "). */
void rowtest_check_cell(const char *file, int line, const char *resource, const char *json,
			size_t index, const char *expected);

#define CHECK_ROW(res, json, expected) rowtest_check_row(__FILE__, __LINE__, res, json, expected)
#define CHECK_CELL(res, json, i, expected)                                                        \
	rowtest_check_cell(__FILE__, __LINE__, res, json, i, expected)

#endif
