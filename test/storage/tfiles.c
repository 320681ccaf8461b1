/*
 * tfiles.c - removing the files of a SQLite store after a test or a
 * benchmark: the database and the WAL, shared-memory and lock files beside
 * it. Shared by the conformance suite, the crash test and storage_bench.
 */
#include "test/storage/tstore.h"

#include <unistd.h>

#include "base/strbuf.h"

void tstore_remove_files(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-lock", "-journal" };
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s%s", path, suffixes[i]);
		unlink(sb.buf);
	}
	strbuf_release(&sb);
}
