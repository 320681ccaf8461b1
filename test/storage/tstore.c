/*
 * tstore.c - fixtures of the storage conformance suite (see tstore.h).
 */
#include "test/storage/tstore.h"

#include <stdarg.h>
#include <unistd.h>

#include "base/random.h"
#include "base/strbuf.h"
#include "base/timeutil.h"

bool tstore_is_sqlite(void)
{
	const char *b = getenv("K8C_TEST_STORAGE");
	return !b || !*b || strcmp(b, "sqlite") == 0;
}

static int open_backend(struct tstore *t)
{
	if (tstore_is_sqlite())
		return storage_sqlite_open(t->path, &t->s);
	const char *b = getenv("K8C_TEST_STORAGE");
	const char *endpoints = getenv("K8C_TEST_ETCD_ENDPOINTS");
	if (strcmp(b, "etcd") != 0 || !endpoints) {
		fprintf(stderr, "K8C_TEST_STORAGE must be sqlite, or etcd with "
				"K8C_TEST_ETCD_ENDPOINTS set\n");
		exit(2);
	}
	return storage_etcd_open(endpoints, &t->s);
}

int tstore_open(struct tstore *t)
{
	char suffix[11];
	struct strbuf sb = STRBUF_INIT;
	memset(t, 0, sizeof(*t));
	random_name_suffix(suffix, 10);
	strbuf_addf(&sb, "/t-%s/", suffix);
	t->prefix = strbuf_detach(&sb, NULL);
	if (tstore_is_sqlite()) {
		const char *tmp = getenv("TMPDIR");
		strbuf_addf(&sb, "%s/k8c-storage-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(sb.buf)) {
			perror("mkdtemp");
			exit(2);
		}
		t->dir = strbuf_detach(&sb, NULL);
		strbuf_addf(&sb, "%s/store.db", t->dir);
		t->path = strbuf_detach(&sb, NULL);
	}
	int r = open_backend(t);
	if (r < 0)
		t->s = NULL;
	return r;
}

void tstore_close(struct tstore *t)
{
	storage_close(t->s);
	t->s = NULL;
	if (t->path) {
		tstore_remove_files(t->path);
		rmdir(t->dir);
	}
	for (size_t i = 0; i < t->n_strs; i++)
		free(t->strs[i]);
	free(t->strs);
	free(t->prefix);
	free(t->path);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}

int tstore_reopen(struct tstore *t)
{
	storage_close(t->s);
	t->s = NULL;
	int r = open_backend(t);
	if (r < 0)
		t->s = NULL;
	return r;
}

const char *tkey(struct tstore *t, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	strbuf_addstr(&sb, t->prefix);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(t->strs, t->n_strs + 1, t->alloc_strs);
	t->strs[t->n_strs++] = strbuf_detach(&sb, NULL);
	return t->strs[t->n_strs - 1];
}

int64_t tstore_rev(struct tstore *t)
{
	int64_t rev = -1;
	return storage_current_rev(t->s, &rev) < 0 ? -1 : rev;
}

int64_t tdeadline(int ms)
{
	return time_mono_ns() + (int64_t)ms * K8C_NSEC_PER_MSEC;
}

bool tpassed(int64_t deadline)
{
	return time_mono_ns() >= deadline;
}
