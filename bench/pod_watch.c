/*
 * pod_watch.c - the density benchmark's pod observer; see pod_watch.h.
 * libcurl reads the stream (chunked framing) on the watch's own thread;
 * each event line goes through the API server's validating scanner
 * (json_scan.h), which picks out the four members wanted without building a
 * tree, so the observer costs little of the CPU the cluster under test
 * shares with it.
 */
#include "bench/pod_watch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>

#include "apiserver/json_scan.h"
#include "base/hashmap.h"
#include "base/strbuf.h"
#include "base/timeutil.h"

struct pod_watch {
	CURL *curl;
	pthread_t thread;
	size_t expect, running;
	atomic_llong deadline_ns; /* pod_watch_free sets 0 to end the watch */
	struct strbuf line; /* an event's text not complete yet */
	struct hashmap index; /* pod name -> 1 + its position in moments */
	struct pod_moments *moments;
	size_t n, alloc;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int state; /* 0 opening, 1 open, 2 ended */
	long status;
	const char *why;
};

enum { F_TYPE, F_NAME, F_NODE, F_PHASE, N_FIELDS };
static const char *const fields[N_FIELDS] = {
	"type", "object.metadata.name", "object.spec.nodeName", "object.status.phase",
};

static void set_state(struct pod_watch *w, int state, const char *why)
{
	pthread_mutex_lock(&w->mu);
	if (state > w->state) {
		w->state = state;
		if (why && !w->why)
			w->why = why;
	}
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->mu);
}

static struct pod_moments *moments_of(struct pod_watch *w, const char *name, int64_t now)
{
	uintptr_t at = (uintptr_t)hashmap_get(&w->index, name);
	if (at)
		return &w->moments[at - 1];
	ALLOC_GROW(w->moments, w->n + 1, w->alloc);
	w->moments[w->n] = (struct pod_moments){ .seen = now };
	hashmap_put(&w->index, name, (void *)(uintptr_t)++w->n);
	return &w->moments[w->n - 1];
}

/* One event line; false when the watch should end (an ERROR event). */
static bool on_event(struct pod_watch *w, const char *text, size_t len)
{
	int64_t now = time_mono_ns();
	char *v[N_FIELDS] = { 0 };
	struct json_scan s = { .fields = fields, .n_fields = N_FIELDS, .values = v };
	bool ok = json_scan(text, len, &s) == 0 && v[F_TYPE];
	if (!ok)
		w->why = "a watch event that is not a JSON object with a type";
	else if (!strcmp(v[F_TYPE], "ERROR"))
		ok = false, w->why = "the server ended the watch with an ERROR event";
	else if (v[F_NAME] && strcmp(v[F_TYPE], "BOOKMARK")) {
		struct pod_moments *m = moments_of(w, v[F_NAME], now);
		if (!m->bound && v[F_NODE] && *v[F_NODE])
			m->bound = now;
		if (!m->running && v[F_PHASE] && !strcmp(v[F_PHASE], "Running")) {
			m->running = now;
			w->running++;
		}
	}
	for (int i = 0; i < N_FIELDS; i++)
		free(v[i]);
	return ok;
}

/* Stream bytes: complete lines are events. Returning less than given ends the transfer. */
static size_t on_data(char *data, size_t size, size_t nmemb, void *ud)
{
	struct pod_watch *w = ud;
	size_t len = size * nmemb;
	strbuf_add(&w->line, data, len);
	size_t start = 0;
	for (size_t i = w->line.len - len; i < w->line.len; i++) {
		if (w->line.buf[i] != '\n')
			continue;
		if (i > start && !on_event(w, w->line.buf + start, i - start))
			return 0;
		start = i + 1;
		if (w->running >= w->expect)
			return 0;
	}
	memmove(w->line.buf, w->line.buf + start, w->line.len - start);
	strbuf_setlen(&w->line, w->line.len - start);
	return len;
}

/* The end of the headers: the watch is open (or refused). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct pod_watch *w = ud;
	size_t len = size * nmemb;
	if (len <= 2 && (data[0] == '\r' || data[0] == '\n')) {
		curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &w->status);
		if (w->status != 200) {
			set_state(w, 2, "the server refused the watch");
			return 0;
		}
		set_state(w, 1, NULL);
	}
	return len;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct pod_watch *w = ud;
	if (time_mono_ns() < w->deadline_ns)
		return 0;
	w->why = "the deadline passed";
	return 1;
}

static void *watch_main(void *arg)
{
	struct pod_watch *w = arg;
	CURLcode rc = curl_easy_perform(w->curl);
	const char *why = w->running >= w->expect ? NULL :
			  w->why ? w->why :
			  rc == CURLE_OK ? "the server ended the watch" : curl_easy_strerror(rc);
	set_state(w, 2, why);
	return NULL;
}

static void setup_curl(struct pod_watch *w, const char *url)
{
	curl_easy_setopt(w->curl, CURLOPT_URL, url);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(w->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(w->curl, CURLOPT_HEADERDATA, w);
	curl_easy_setopt(w->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(w->curl, CURLOPT_XFERINFODATA, w);
	curl_easy_setopt(w->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(w->curl, CURLOPT_BUFFERSIZE, 256L * 1024);
}

int pod_watch_start(const char *base, const char *ns, size_t expect, int64_t deadline_ns,
		    struct pod_watch **ret)
{
	struct pod_watch *w = xcalloc(1, sizeof(*w));
	struct strbuf url = STRBUF_INIT;
	strbuf_addf(&url, "%s/api/v1/namespaces/%s/pods?watch=true", base, ns);
	w->expect = expect;
	w->deadline_ns = deadline_ns;
	strbuf_init(&w->line, 0);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->curl = curl_easy_init();
	setup_curl(w, url.buf);
	strbuf_release(&url);
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
		curl_easy_cleanup(w->curl);
		free(w);
		return -EAGAIN;
	}
	pthread_mutex_lock(&w->mu);
	while (w->state == 0)
		pthread_cond_wait(&w->cond, &w->mu);
	bool open = w->status == 200;
	pthread_mutex_unlock(&w->mu);
	if (!open) {
		pod_watch_free(w);
		return -EIO;
	}
	*ret = w;
	return 0;
}

size_t pod_watch_wait(struct pod_watch *w, const char **ret_why)
{
	pthread_mutex_lock(&w->mu);
	while (w->state < 2)
		pthread_cond_wait(&w->cond, &w->mu);
	pthread_mutex_unlock(&w->mu);
	if (ret_why)
		*ret_why = w->why;
	return w->running;
}

const struct pod_moments *pod_watch_moments(const struct pod_watch *w, size_t *ret_n)
{
	*ret_n = w->n;
	return w->moments;
}

void pod_watch_free(struct pod_watch *w)
{
	if (!w)
		return;
	w->deadline_ns = 0; /* the next progress call ends a watch still open */
	pthread_join(w->thread, NULL);
	curl_easy_cleanup(w->curl);
	hashmap_release(&w->index, NULL);
	strbuf_release(&w->line);
	free(w->moments);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cond);
	free(w);
}
