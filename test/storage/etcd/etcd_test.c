/*
 * etcd_test.c - helpers shared by the etcd storage tests (see etcd_test.h).
 */
#include "test/storage/etcd/etcd_test.h"

#include <stdarg.h>
#include <unistd.h>
#include <time.h>

#include "base/random.h"
#include "base/timeutil.h"
#include "test/ktest.h"

const char *etcd_test_endpoints(void)
{
	const char *e = getenv("K8C_TEST_ETCD_ENDPOINTS");

	if (!e || !*e) {
		fprintf(stderr, "K8C_TEST_ETCD_ENDPOINTS is not set: run under etcd-ctl.sh run\n");
		return NULL;
	}
	return e;
}

char *etcd_test_prefix(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char suffix[9];

	random_name_suffix(suffix, 8);
	strbuf_addf(&sb, "/t/%s-%s/", name, suffix);
	return strbuf_detach(&sb, NULL);
}

int etcd_test_ctl(struct strbuf *out, const char *fmt, ...)
{
	const char *ctl = getenv("K8C_TEST_ETCD_CTL");
	struct strbuf cmd = STRBUF_INIT;
	char line[4096];
	va_list ap;
	FILE *p;
	int status;

	if (!ctl)
		return -1;
	strbuf_addf(&cmd, "'%s' ", ctl);
	va_start(ap, fmt);
	strbuf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	p = popen(cmd.buf, "r");
	strbuf_release(&cmd);
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		if (out && !out->len) {
			strbuf_addstr(out, line);
			strbuf_rtrim(out);
		}
	}
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int etcd_test_cluster_start(int n, char **ret_dir, char **ret_endpoints)
{
	char tmpl[] = "/tmp/k8c-etcd-test.XXXXXX";
	struct strbuf eps = STRBUF_INIT;

	if (!mkdtemp(tmpl))
		return -1;
	if (etcd_test_ctl(&eps, "start %s %d %d", tmpl, n, (int)getpid()) != 0 || !eps.len) {
		etcd_test_ctl(NULL, "stop %s", tmpl);
		strbuf_release(&eps);
		return -1;
	}
	*ret_dir = xstrdup(tmpl);
	*ret_endpoints = strbuf_detach(&eps, NULL);
	return 0;
}

void etcd_test_cluster_stop(char *dir)
{
	if (!dir)
		return;
	etcd_test_ctl(NULL, "stop %s", dir);
	free(dir);
}

void etcd_test_run_on_cluster(int n, etcd_test_body_fn body)
{
	char *dir = NULL, *eps = NULL;
	struct storage *s = NULL;
	struct storage_watch *w = NULL;
	struct etcd_test_rec rec;

	REQUIRE(etcd_test_cluster_start(n, &dir, &eps) == 0);
	etcd_test_rec_init(&rec);
	CHECK(storage_etcd_open(eps, &s) == 0);
	if (s) {
		body(dir, s, &rec, &w);
		storage_watch_stop(s, w);
		storage_close(s);
	}
	etcd_test_rec_release(&rec);
	etcd_test_cluster_stop(dir);
	free(eps);
}

void etcd_test_rec_init(struct etcd_test_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	pthread_mutex_init(&rec->lock, NULL);
	pthread_cond_init(&rec->cond, NULL);
}

void etcd_test_rec_release(struct etcd_test_rec *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		storage_kv_release(&rec->events[i]);
	free(rec->events);
	free(rec->types);
	pthread_cond_destroy(&rec->cond);
	pthread_mutex_destroy(&rec->lock);
}

static void rec_add(struct etcd_test_rec *rec, const struct storage_event *e)
{
	struct storage_kv *kv;

	if (rec->n && e->mod_rev <= rec->events[rec->n - 1].mod_rev)
		rec->failed = true; /* out of order or duplicate */
	ALLOC_GROW(rec->events, rec->n + 1, rec->alloc);
	ALLOC_GROW(rec->types, rec->n + 1, rec->types_alloc);
	kv = &rec->events[rec->n];
	kv->key = xstrdup(e->key);
	kv->value = xstrndup(e->value, e->value_len);
	kv->value_len = e->value_len;
	kv->create_rev = e->create_rev;
	kv->mod_rev = e->mod_rev;
	rec->types[rec->n++] = (int)e->type;
}

void etcd_test_rec_fn(void *ctx, const struct storage_event *events, size_t n, int err)
{
	struct etcd_test_rec *rec = ctx;

	pthread_mutex_lock(&rec->lock);
	if (rec->err)
		rec->failed = true; /* a call after the final one */
	for (size_t i = 0; i < n; i++)
		rec_add(rec, &events[i]);
	if ((n == 0) != (err != 0))
		rec->failed = true;
	rec->err = err;
	rec->batches++;
	pthread_cond_broadcast(&rec->cond);
	pthread_mutex_unlock(&rec->lock);
}

bool etcd_test_rec_wait(struct etcd_test_rec *rec, size_t n, int64_t timeout_ms)
{
	int64_t end = time_mono_ns() + timeout_ms * K8C_NSEC_PER_MSEC;
	bool ok;

	pthread_mutex_lock(&rec->lock);
	while (rec->n < n && !rec->err && time_mono_ns() < end) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * K8C_NSEC_PER_MSEC;
		if (ts.tv_nsec >= K8C_NSEC_PER_SEC) {
			ts.tv_sec++;
			ts.tv_nsec -= K8C_NSEC_PER_SEC;
		}
		pthread_cond_timedwait(&rec->cond, &rec->lock, &ts);
	}
	ok = rec->n >= n;
	pthread_mutex_unlock(&rec->lock);
	return ok;
}
