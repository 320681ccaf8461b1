/*
 * sqlite_raw.c - k8c-bench-sqlite: the raw SQLite limit for the API
 * benchmark. Appends rows like the k8c SQLite store's log table (same
 * schema shape, WAL, synchronous=FULL, 8 KiB pages: the same durability, an
 * fsync per commit) from one thread for a fixed time, committing `batch`
 * rows per transaction: batch 1 is one durable insert after the other;
 * batch 64 is what group commit can reach with 64 writers waiting. Prints
 * {"batch":B,"value_bytes":V,"inserts":{...latency.h summary per commit...}}
 * where per_second counts rows.
 *
 * Usage: k8c-bench-sqlite FILE [SECONDS=5] [BATCH=1] [VALUE_BYTES=2700]
 * FILE is created (it must not exist) and removed afterwards.
 */
#include "base/base.h"

#include <sqlite3.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "bench/latency.h"

static const char *const setup_sql[] = {
	"PRAGMA page_size = 8192",
	"PRAGMA journal_mode = WAL",
	"PRAGMA synchronous = FULL",
	"CREATE TABLE log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, type INTEGER NOT NULL,"
	" create_rev INTEGER NOT NULL, prev_rev INTEGER NOT NULL, value BLOB NOT NULL)",
};

static void check(sqlite3 *db, int rc, const char *what)
{
	if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
		return;
	fprintf(stderr, "k8c-bench-sqlite: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

/* Commits one transaction of batch rows starting at revision *rev. */
static void commit_batch(sqlite3 *db, sqlite3_stmt *ins, int64_t *rev, int batch,
			 const char *value, int value_bytes)
{
	char key[64];

	check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), "begin");
	for (int i = 0; i < batch; i++, (*rev)++) {
		snprintf(key, sizeof(key), "/registry/pods/default/bench-%09lld", (long long)*rev);
		sqlite3_bind_int64(ins, 1, *rev);
		sqlite3_bind_text(ins, 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 3, value, value_bytes, SQLITE_STATIC);
		check(db, sqlite3_step(ins), "insert");
		sqlite3_reset(ins);
	}
	check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: k8c-bench-sqlite FILE [SECONDS] [BATCH] [VALUE_BYTES]\n");
		return 2;
	}
	const char *path = argv[1];
	double seconds = argc > 2 ? atof(argv[2]) : 5;
	int batch = argc > 3 ? atoi(argv[3]) : 1;
	int value_bytes = argc > 4 ? atoi(argv[4]) : 2700;
	char *value = xmalloc((size_t)value_bytes);
	struct lat_rec lat = { 0 };
	struct strbuf out = STRBUF_INIT;
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	int64_t rev = 2, rows = 0;

	memset(value, 'v', (size_t)value_bytes);
	check(db, sqlite3_open(path, &db), "open");
	for (size_t i = 0; i < ARRAY_SIZE(setup_sql); i++)
		check(db, sqlite3_exec(db, setup_sql[i], NULL, NULL, NULL), setup_sql[i]);
	check(db, sqlite3_prepare_v2(db, "INSERT INTO log VALUES (?1, ?2, 0, ?1, 0, ?3)", -1,
				     &ins, NULL), "prepare");
	int64_t t0 = time_mono_ns(), end = t0 + (int64_t)(seconds * 1e9);
	while (time_mono_ns() < end) {
		int64_t c0 = time_mono_ns();
		commit_batch(db, ins, &rev, batch, value, value_bytes);
		lat_rec_add(&lat, time_mono_ns() - c0);
		rows += batch;
	}
	double secs = (double)(time_mono_ns() - t0) / 1e9;
	strbuf_addf(&out, "{\"batch\":%d,\"value_bytes\":%d,\"rows\":%lld,\"rows_per_second\":%.1f,"
		    "\"commits\":", batch, value_bytes, (long long)rows, (double)rows / secs);
	lat_rec_json(&lat, secs, &out);
	strbuf_addch(&out, '}');
	puts(out.buf);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		struct strbuf f = STRBUF_INIT;
		strbuf_addf(&f, "%s%s", path, suffixes[i]);
		unlink(f.buf);
		strbuf_release(&f);
	}
	strbuf_release(&out);
	lat_rec_release(&lat);
	free(value);
	return 0;
}
