/*
 * recorder.c - the event recorder of recorder.h, as client-go's EventBroadcaster with
 * StartRecordingToSink: callers build the Event at once (name "<object>.<hex unix
 * nanos>", source, involvedObject, timestamps, count 1) and queue it without waiting;
 * one writer thread correlates each (correlator.h) and creates or patches it, retrying
 * transport failures (12 tries, 10 s apart, the first sleep randomized) and giving up on
 * an answer the server rejected. The backlog holds 1000 events (client-go's
 * maxQueuedEvents); more are dropped and counted.
 */
#include "client/recorder.h"

#include <pthread.h>
#include <stdarg.h>

#include "api/codec.h"
#include "api/object.h"
#include "base/log.h"
#include "base/random.h"
#include "base/timeutil.h"
#include "client/cond.h"
#include "client/correlator.h"
#include "client/path.h"
#include "client/typed.h"

#define BACKLOG		   1000
#define MAX_TRIES	   12
#define RETRY_SLEEP_NS	   (10 * K8C_NSEC_PER_SEC)
#define REQUEST_TIMEOUT_MS 10000
#define FREE_FLUSH_MS	   1000

struct k8c_recorder {
	struct k8c_client *client;
	char *component, *host;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* an event was queued, or stop */
	pthread_cond_t idle; /* the backlog is empty and nothing is being written */
	/* Under lock: */
	struct k8c_event *queue[BACKLOG]; /* a ring from head, len entries */
	size_t head, len;
	bool busy, stopping;
	uint64_t dropped;
	/* The writer thread's own: */
	struct correlator corr;
};

/* ---- the caller's side ------------------------------------------------------------ */

static bool type_valid(const char *type)
{
	return type && (!strcmp(type, "Normal") || !strcmp(type, "Warning"));
}

/* makeEvent + generateEvent: the Event about o as client-go first writes it. */
static struct k8c_event *event_new(const struct k8c_recorder *r, const struct k8c_object *o,
				   const char *type, const char *reason, char *message, int64_t now)
{
	struct k8c_event *ev = xcalloc(1, sizeof(*ev));
	const struct k8c_object_meta *m = &o->metadata;
	struct strbuf name = STRBUF_INIT;
	strbuf_addf(&name, "%s.%llx", m->name ? m->name : "", (unsigned long long)now);
	ev->kind = xstrdup("Event");
	ev->api_version = xstrdup("v1");
	ev->metadata.name = strbuf_detach(&name, NULL);
	ev->metadata.namespace = xstrdup(m->namespace && *m->namespace ? m->namespace : "default");
	ev->involved_object.kind = xstrdup(o->kind);
	ev->involved_object.api_version = xstrdup(o->api_version);
	ev->involved_object.namespace = xstrdup(m->namespace);
	ev->involved_object.name = xstrdup(m->name);
	ev->involved_object.uid = xstrdup(m->uid);
	ev->involved_object.resource_version = xstrdup(m->resource_version);
	ev->reason = xstrdup(reason);
	ev->message = message;
	ev->type = xstrdup(type);
	ev->first_timestamp = ev->last_timestamp = now;
	ev->count = 1;
	ev->has_count = true;
	ev->source.component = xstrdup(r->component);
	ev->source.host = xstrdup(r->host);
	ev->reporting_component = xstrdup(r->component);
	ev->reporting_instance = xstrdup(r->host);
	return ev;
}

void k8c_recorder_eventf(struct k8c_recorder *r, const void *obj, const char *type,
			 const char *reason, const char *fmt, ...)
{
	if (!r)
		return;
	const struct k8c_object *o = obj;
	if (!o || !o->kind || !o->api_version || !o->metadata.name || !type_valid(type)) {
		__atomic_add_fetch(&r->dropped, 1, __ATOMIC_RELAXED);
		return; /* client-go: "Could not construct reference" / "Unsupported event type" */
	}
	struct strbuf message = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&message, fmt, ap);
	va_end(ap);
	struct k8c_event *ev =
		event_new(r, o, type, reason, strbuf_detach(&message, NULL), time_now_ns());
	pthread_mutex_lock(&r->lock);
	bool queued = !r->stopping && r->len < BACKLOG;
	if (queued) {
		r->queue[(r->head + r->len++) % BACKLOG] = ev;
		pthread_cond_signal(&r->wake);
	} else {
		__atomic_add_fetch(&r->dropped, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&r->lock);
	if (!queued)
		k8c_free(&k8c_type_event, ev);
}

/* ---- the writer thread ------------------------------------------------------------ */

static char *events_path(const char *ns, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	struct k8c_resource_path p = { .version = "v1", .namespace = ns, .resource = "events",
				       .name = name };
	k8c_path_append(&sb, &p);
	return strbuf_detach(&sb, NULL);
}

/* The strategic merge patch client-go computes for a repeat: count, lastTimestamp, message. */
static void repeat_patch(const struct k8c_event *ev, struct strbuf *out)
{
	strbuf_addf(out, "{\"count\":%d,\"lastTimestamp\":\"", (int)ev->count);
	time_format_rfc3339(out, ev->last_timestamp);
	strbuf_addstr(out, "\",\"message\":");
	strbuf_add_json_str(out, ev->message ? ev->message : "");
	strbuf_addch(out, '}');
}

/* Sends ev: PATCH when it repeats an Event, else (or when that is gone) POST. */
static int event_send(struct k8c_recorder *r, struct k8c_event *ev, bool patch,
		      struct k8c_event *got, struct k8c_status_error *err)
{
	struct strbuf body = STRBUF_INIT;
	int res = -ENOENT;
	if (patch) {
		char *path = events_path(ev->metadata.namespace, ev->metadata.name);
		repeat_patch(ev, &body);
		struct k8c_request req = { .method = "PATCH", .path = path, .body = body.buf,
					   .body_len = body.len,
					   .content_type = "application/strategic-merge-patch+json",
					   .timeout_ms = REQUEST_TIMEOUT_MS };
		res = k8c_typed_do(r->client, &req, &k8c_type_event, got, err);
		free(path);
	}
	if (res == -ENOENT) { /* not a repeat, or the Event expired meanwhile */
		free(ev->metadata.resource_version);
		ev->metadata.resource_version = NULL;
		char *path = events_path(ev->metadata.namespace, NULL);
		strbuf_reset(&body);
		k8c_encode(&k8c_type_event, ev, &body);
		struct k8c_request req = { .method = "POST", .path = path, .body = body.buf,
					   .body_len = body.len, .timeout_ms = REQUEST_TIMEOUT_MS };
		res = k8c_typed_do(r->client, &req, &k8c_type_event, got, err);
		free(path);
	}
	strbuf_release(&body);
	return res;
}

/* recordToSink: correlate, then write with retries while the server cannot be reached. */
static void event_write(struct k8c_recorder *r, struct k8c_event *ev)
{
	char *key = NULL;
	enum correlator_action a = correlator_observe(&r->corr, ev, time_mono_ns(), &key);
	if (a == CORRELATOR_SKIP)
		return;
	for (int tries = 1;; tries++) {
		struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
		struct k8c_event got = { 0 };
		int res = event_send(r, ev, a == CORRELATOR_PATCH, &got, &err);
		if (res == 0)
			correlator_written(&r->corr, key, &got);
		else if (err.code && res != -EEXIST)
			log_warn("server rejected event '%s/%s': %s (will not retry)",
				 ev->metadata.namespace, ev->metadata.name, err.message);
		bool retry = res < 0 && !err.code;
		if (retry && tries >= MAX_TRIES)
			log_warn("unable to write event '%s/%s': %s (retry limit exceeded)",
				 ev->metadata.namespace, ev->metadata.name, err.message);
		k8c_release(&k8c_type_event, &got);
		k8c_status_error_release(&err);
		if (!retry || tries >= MAX_TRIES)
			break;
		int64_t delay = tries == 1 ? (int64_t)random_below(RETRY_SLEEP_NS) : RETRY_SLEEP_NS;
		if (k8c_cond_sleep_unless(&r->wake, &r->lock, &r->stopping, delay))
			break;
	}
	free(key);
}

static void *writer_main(void *arg)
{
	struct k8c_recorder *r = arg;
	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->len && !r->stopping)
			pthread_cond_wait(&r->wake, &r->lock);
		if (r->stopping)
			break;
		struct k8c_event *ev = r->queue[r->head];
		r->head = (r->head + 1) % BACKLOG;
		r->len--;
		r->busy = true;
		pthread_mutex_unlock(&r->lock);
		event_write(r, ev);
		k8c_free(&k8c_type_event, ev);
		pthread_mutex_lock(&r->lock);
		r->busy = false;
		if (!r->len)
			pthread_cond_broadcast(&r->idle);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* ---- life cycle ------------------------------------------------------------------- */

struct k8c_recorder *k8c_recorder_new(struct k8c_client *client, const char *component,
				      const char *host)
{
	if (!client || !component || !*component)
		return NULL;
	struct k8c_recorder *r = xcalloc(1, sizeof(*r));
	r->client = client;
	r->component = xstrdup(component);
	r->host = host && *host ? xstrdup(host) : NULL;
	pthread_mutex_init(&r->lock, NULL);
	k8c_cond_init_mono(&r->wake);
	k8c_cond_init_mono(&r->idle);
	correlator_init(&r->corr);
	if (pthread_create(&r->thread, NULL, writer_main, r) != 0) {
		r->stopping = true; /* nothing to join */
		k8c_recorder_free(r);
		return NULL;
	}
	return r;
}

bool k8c_recorder_flush(struct k8c_recorder *r, int64_t timeout_ms)
{
	int64_t deadline = time_mono_ns() + timeout_ms * K8C_NSEC_PER_MSEC;
	pthread_mutex_lock(&r->lock);
	while ((r->len || r->busy) && !r->stopping && time_mono_ns() < deadline)
		k8c_cond_wait_until(&r->idle, &r->lock, deadline);
	bool done = !r->len && !r->busy;
	pthread_mutex_unlock(&r->lock);
	return done;
}

uint64_t k8c_recorder_dropped(struct k8c_recorder *r)
{
	return __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
}

void k8c_recorder_free(struct k8c_recorder *r)
{
	if (!r)
		return;
	if (!r->stopping) {
		k8c_recorder_flush(r, FREE_FLUSH_MS);
		pthread_mutex_lock(&r->lock);
		r->stopping = true;
		pthread_cond_broadcast(&r->wake);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	for (; r->len; r->len--, r->head = (r->head + 1) % BACKLOG)
		k8c_free(&k8c_type_event, r->queue[r->head]);
	correlator_release(&r->corr);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
	pthread_cond_destroy(&r->idle);
	free(r->component);
	free(r->host);
	free(r);
}
