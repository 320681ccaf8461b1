/*
 * ktest.h - the unit test harness. A test file defines cases with TEST(name)
 * and includes ktest_main.h once; each case runs in order, failures print
 * "file:line: check failed: expr" and the process exits non-zero if any failed.
 * Checks continue after a failure within a case (CHECK) or end it (REQUIRE).
 */
#ifndef K8C_KTEST_H
#define K8C_KTEST_H

#include "base/base.h"

struct ktest_case {
	const char *name;
	void (*fn)(void);
	struct ktest_case *next;
};

extern struct ktest_case *ktest_cases;
extern int ktest_failures;

void ktest_register(struct ktest_case *c);
void ktest_fail(const char *file, int line, const char *fmt, ...) K8C_PRINTF(3, 4);
/* The bytes of file name in the folder named by environment variable dir_env (default "."),
 * NUL-terminated (caller frees), or NULL when it cannot be read. */
char *ktest_read_file(const char *dir_env, const char *name);

#define TEST(name)                                                                                 \
	static void test_##name(void);                                                             \
	static struct ktest_case ktest_case_##name = { #name, test_##name, NULL };                 \
	__attribute__((constructor)) static void ktest_reg_##name(void)                            \
	{                                                                                          \
		ktest_register(&ktest_case_##name);                                                \
	}                                                                                          \
	static void test_##name(void)

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		if (!(expr))                                                                       \
			ktest_fail(__FILE__, __LINE__, "check failed: %s", #expr);                 \
	} while (0)

#define REQUIRE(expr)                                                                              \
	do {                                                                                       \
		if (!(expr)) {                                                                     \
			ktest_fail(__FILE__, __LINE__, "requirement failed: %s", #expr);           \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!streq_null(a_, b_))                                                           \
			ktest_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,       \
				   a_ ? a_ : "(null)", b_ ? b_ : "(null)");                        \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_)                                                                      \
			ktest_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_);  \
	} while (0)

#endif
