/*
 * crash_test.c - kill -9 durability test of the SQLite backend.
 *
 * `storage_crash_test` (no arguments) forks a writer: the child opens a
 * fresh store and creates keys from CRASH_THREADS threads, printing
 * "<rev> <key>" to stdout (a pipe to the parent) as soon as each create is
 * acknowledged. After CRASH_ACKS acknowledgements the parent kills it with
 * SIGKILL mid-stream, reads every line that made it out, reopens the store
 * and checks that each acknowledged create is there with its revision and
 * value, that the revisions in the store are contiguous, and that a second
 * open failed while the child held the store. Exit status 0 on success.
 *
 * `storage_crash_test --writer PATH` runs just the writer (forever).
 */
#include "base/base.h"

#include <fcntl.h>
#include <stdarg.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apiserver/storage/storage.h"
#include "test/storage/tstore.h"
#include "base/strbuf.h"
#include "base/timeutil.h"

#define CRASH_THREADS 16
#define CRASH_ACKS 3000
#define CRASH_VALUE_LEN 2560
#define CRASH_DEADLINE_MS 30000

static int failures;

K8C_PRINTF(1, 2) static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("crash test: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

/* The value written under key: the key repeated to CRASH_VALUE_LEN bytes. */
static void make_value(const char *key, struct strbuf *out)
{
	strbuf_reset(out);
	while (out->len < CRASH_VALUE_LEN)
		strbuf_addstr(out, key);
	strbuf_setlen(out, CRASH_VALUE_LEN);
}

struct writer {
	struct storage *s;
	int id;
};

static void *write_loop(void *arg)
{
	struct writer *w = arg;
	struct strbuf key = STRBUF_INIT, value = STRBUF_INIT, line = STRBUF_INIT;
	for (long i = 0;; i++) {
		strbuf_reset(&key);
		strbuf_addf(&key, "/crash/%02d/%06ld", w->id, i);
		make_value(key.buf, &value);
		int64_t rev = 0;
		int r = storage_create(w->s, key.buf, value.buf, value.len, &rev);
		strbuf_reset(&line);
		if (r == 0)
			strbuf_addf(&line, "%lld %s\n", (long long)rev, key.buf);
		else
			strbuf_addf(&line, "error %s\n", storage_strerror(r));
		/* One short write(2) per line: atomic on a pipe, out before the next create. */
		if (write(STDOUT_FILENO, line.buf, line.len) != (ssize_t)line.len)
			_exit(4);
	}
	return NULL;
}

static int run_writer(const char *path)
{
	struct storage *s = NULL;
	int r = storage_sqlite_open(path, &s);
	if (r < 0) {
		fprintf(stderr, "crash writer: open '%s': %s\n", path, storage_strerror(r));
		return 3;
	}
	struct writer w[CRASH_THREADS];
	pthread_t th[CRASH_THREADS];
	for (int i = 0; i < CRASH_THREADS; i++) {
		w[i] = (struct writer){ .s = s, .id = i };
		pthread_create(&th[i], NULL, write_loop, &w[i]);
	}
	for (int i = 0; i < CRASH_THREADS; i++)
		pthread_join(th[i], NULL);
	return 0;
}

/* Reads whatever the pipe has (waiting up to ms) into buf; false at EOF. */
static bool read_some(int fd, struct strbuf *buf, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, ms) <= 0)
		return true;
	strbuf_grow(buf, 65536);
	ssize_t n = read(fd, buf->buf + buf->len, 65536);
	if (n <= 0)
		return false;
	strbuf_setlen(buf, buf->len + (size_t)n);
	return true;
}

static size_t count_lines(const struct strbuf *buf)
{
	size_t n = 0;
	for (size_t i = 0; i < buf->len; i++)
		n += buf->buf[i] == '\n';
	return n;
}

/* Runs the writer child until CRASH_ACKS acknowledgements, kills it, returns all its output. */
static void run_and_kill(const char *path, struct strbuf *out)
{
	int fds[2];
	if (pipe(fds) < 0) {
		fail("pipe: %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		_exit(run_writer(path));
	}
	close(fds[1]);
	bool checked_lock = false, open = pid > 0;
	int64_t deadline = time_mono_ns() + CRASH_DEADLINE_MS * K8C_NSEC_PER_MSEC;
	while (open && count_lines(out) < CRASH_ACKS && time_mono_ns() < deadline) {
		open = read_some(fds[0], out, 100);
		if (!checked_lock && out->len) {
			struct storage *s2 = NULL;
			int r = storage_sqlite_open(path, &s2);
			if (r != STORAGE_EUNAVAILABLE)
				fail("second open while the writer runs: %d, want unavailable", r);
			storage_close(s2);
			checked_lock = true;
		}
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	while (open)
		open = read_some(fds[0], out, 1000);
	close(fds[0]);
	if (count_lines(out) < CRASH_ACKS)
		fail("writer acknowledged only %zu creates", count_lines(out));
}

/* Checks one acknowledged "<rev> <key>" line against the reopened store. */
static void check_ack(struct storage *s, const char *line, struct strbuf *value)
{
	char *end;
	long long rev = strtoll(line, &end, 10);
	if (end == line || *end != ' ') {
		fail("writer said '%s'", line);
		return;
	}
	const char *key = end + 1;
	struct storage_kv kv = { 0 };
	int r = storage_get(s, key, 0, &kv);
	make_value(key, value);
	if (r < 0)
		fail("acknowledged create of '%s' at %lld lost: %s", key, rev, storage_strerror(r));
	else if (kv.mod_rev != rev || kv.create_rev != rev || kv.value_len != value->len ||
		 memcmp(kv.value, value->buf, value->len) != 0)
		fail("'%s': rev %lld/%lld, %zu bytes; acknowledged rev %lld", key,
		     (long long)kv.create_rev, (long long)kv.mod_rev, kv.value_len, rev);
	storage_kv_release(&kv);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Every create in the store, acknowledged or not, must hold one revision of 2..current. */
static void check_contiguous(struct storage *s)
{
	struct storage_list l = { 0 };
	struct storage_list_opts o = { .prefix = "/crash/", .keys_only = true };
	int64_t cur = 0;
	if (storage_list(s, &o, &l) < 0 || storage_current_rev(s, &cur) < 0) {
		fail("cannot list the reopened store");
		return;
	}
	int64_t *revs = xcalloc(l.n + 1, sizeof(*revs));
	for (size_t i = 0; i < l.n; i++)
		revs[i] = l.items[i].mod_rev;
	qsort(revs, l.n, sizeof(*revs), cmp_i64);
	for (size_t i = 0; i < l.n; i++)
		if (revs[i] != (int64_t)i + 2) {
			fail("revision %lld missing from the store", (long long)i + 2);
			break;
		}
	if (cur != (int64_t)l.n + 1)
		fail("current revision %lld after %zu creates", (long long)cur, l.n);
	printf("crash test: %zu creates in the store after kill -9, current revision %lld\n", l.n,
	       (long long)cur);
	free(revs);
	storage_list_release(&l);
}

static void verify(const char *path, struct strbuf *out)
{
	struct storage *s = NULL;
	int r = storage_sqlite_open(path, &s);
	if (r < 0) {
		fail("reopen after kill: %s", storage_strerror(r));
		return;
	}
	struct strbuf value = STRBUF_INIT;
	size_t acks = 0;
	for (char *line = out->buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		check_ack(s, line, &value);
		acks++;
	}
	printf("crash test: %zu acknowledged creates checked\n", acks);
	check_contiguous(s);
	strbuf_release(&value);
	storage_close(s);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--writer") == 0)
		return run_writer(argv[2]);
	const char *tmp = getenv("TMPDIR");
	struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT, out = STRBUF_INIT;
	strbuf_addf(&dir, "%s/k8c-crash-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir.buf)) {
		perror("mkdtemp");
		return 2;
	}
	strbuf_addf(&path, "%s/store.db", dir.buf);
	run_and_kill(path.buf, &out);
	if (!failures)
		verify(path.buf, &out);
	tstore_remove_files(path.buf);
	rmdir(dir.buf);
	strbuf_release(&dir);
	strbuf_release(&path);
	strbuf_release(&out);
	printf("crash test: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
