/*
 * ktest.c - the unit test runner: runs every registered case in registration
 * order (or only those named on the command line) and reports.
 */
#include "test/ktest.h"

#include <stdarg.h>

#include "base/strbuf.h"

struct ktest_case *ktest_cases;
int ktest_failures;
static struct ktest_case **tail = &ktest_cases;
static const char *current;

void ktest_register(struct ktest_case *c)
{
	*tail = c;
	tail = &c->next;
}

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: [%s] ", file, line, current ? current : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ktest_failures++;
}

char *ktest_read_file(const char *dir_env, const char *name)
{
	const char *dir = getenv(dir_env);
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", dir ? dir : ".", name);
	FILE *f = fopen(path.buf, "rb");
	strbuf_release(&path);
	if (!f)
		return NULL;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&text, buf, n);
	fclose(f);
	return strbuf_detach(&text, NULL);
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int ran = 0, failed_cases = 0;
	for (struct ktest_case *c = ktest_cases; c; c = c->next) {
		if (!selected(c->name, argc, argv))
			continue;
		current = c->name;
		int before = ktest_failures;
		c->fn();
		ran++;
		bool ok = ktest_failures == before;
		failed_cases += !ok;
		printf("%s %s\n", ok ? "ok  " : "FAIL", c->name);
	}
	printf("%d cases, %d failed\n", ran, failed_cases);
	return failed_cases ? 1 : 0;
}
