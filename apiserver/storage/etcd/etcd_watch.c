/*
 * etcd_watch.c - storage_watch() for etcd: every watch of a handle is one
 * etcd watcher on the handle's single Watch stream (etcd_stream.c), created
 * with a watch_id we choose (so replies map to handles without waiting for
 * each "created"), a prefix range, start_revision = last delivered + 1 and
 * prev_kv (so DELETE events carry the old value), and progress_notify (so an
 * idle watch still learns how far it is synced).
 *
 * When the stream reconnects every live watch is created again from its last
 * delivered revision + 1, and events at or below it are dropped: no gap, no
 * duplicate. A compact_revision in a reply ends the watch with
 * STORAGE_ECOMPACTED. Callbacks run on the stream thread, one at a time;
 * watch_stop() waits for a running callback of its watch before it returns
 * (unless called from that very callback).
 */
#include "apiserver/storage/etcd/etcd_stream.h"

#include "base/strbuf.h"
#include "apiserver/storage/etcd/etcd_wire.h"

struct storage_watch {
	struct etcd_stream *st;
	int64_t id;   /* etcd watch_id on the stream, > 0 */
	char *prefix; /* range [prefix, end) */
	char *end;
	size_t prefix_len, end_len;
	int64_t last_rev; /* (L) every event up to here was delivered */
	bool ended;	  /* (L) the final error callback was made (or is being made) */
	storage_watch_fn fn;
	void *ctx;
};

static void id_key(int64_t id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)id);
}

/* Queues the WatchCreateRequest of w. Lock held. */
static void send_create_locked(struct etcd_stream *st, struct storage_watch *w)
{
	Etcdserverpb__WatchRequest req = ETCDSERVERPB__WATCH_REQUEST__INIT;
	Etcdserverpb__WatchCreateRequest create = ETCDSERVERPB__WATCH_CREATE_REQUEST__INIT;

	create.key = etcd_wire_bin(w->prefix, w->prefix_len);
	create.range_end = etcd_wire_bin(w->end, w->end_len);
	create.start_revision = w->last_rev + 1;
	create.progress_notify = true;
	create.prev_kv = true;
	create.watch_id = w->id;
	req.request_union_case = ETCDSERVERPB__WATCH_REQUEST__REQUEST_UNION_CREATE_REQUEST;
	req.create_request = &create;
	etcd_stream_send_locked(st, &req);
}

static void send_cancel_locked(struct etcd_stream *st, int64_t id)
{
	Etcdserverpb__WatchRequest req = ETCDSERVERPB__WATCH_REQUEST__INIT;
	Etcdserverpb__WatchCancelRequest cancel = ETCDSERVERPB__WATCH_CANCEL_REQUEST__INIT;

	cancel.watch_id = id;
	req.request_union_case = ETCDSERVERPB__WATCH_REQUEST__REQUEST_UNION_CANCEL_REQUEST;
	req.cancel_request = &cancel;
	etcd_stream_send_locked(st, &req);
}

void etcd_watch_resume_locked(struct etcd_stream *st)
{
	struct hashmap_entry *e;
	size_t pos = 0;

	while ((e = hashmap_next(&st->watches, &pos))) {
		struct storage_watch *w = e->value;

		if (!w->ended)
			send_create_locked(st, w);
	}
}

/* Calls w's callback with the lock released; w may be stopped meanwhile. Lock held. */
static void deliver_locked(struct etcd_stream *st, struct storage_watch *w,
			   const struct storage_event *events, size_t n, int err)
{
	storage_watch_fn fn = w->fn;
	void *ctx = w->ctx;

	st->delivering = w;
	pthread_mutex_unlock(&st->lock);
	fn(ctx, events, n, err);
	pthread_mutex_lock(&st->lock);
	st->delivering = NULL;
	pthread_cond_broadcast(&st->cond);
}

/* Where one event's key and value live in the batch's buffer. */
struct event_text {
	size_t key_off, value_off;
};

/* Copies key and value NUL-terminated into buf; fills ev but for the pointers. */
static void event_convert(const Mvccpb__Event *e, struct strbuf *buf, struct storage_event *ev,
			  struct event_text *txt)
{
	const Mvccpb__KeyValue *kv = e->kv;
	const Mvccpb__KeyValue *src = kv;

	ev->mod_rev = kv->mod_revision;
	ev->create_rev = kv->create_revision;
	if (e->type == MVCCPB__EVENT__EVENT_TYPE__DELETE) {
		ev->type = STORAGE_EVENT_DELETE;
		src = e->prev_kv; /* the last value; NULL if already compacted */
		ev->create_rev = src ? src->create_revision : 0;
	} else {
		ev->type = kv->create_revision == kv->mod_revision ? STORAGE_EVENT_CREATE
								   : STORAGE_EVENT_UPDATE;
	}
	txt->key_off = buf->len;
	strbuf_add(buf, kv->key.data, kv->key.len);
	strbuf_addch(buf, '\0');
	txt->value_off = buf->len;
	ev->value_len = src ? src->value.len : 0;
	strbuf_add(buf, src ? src->value.data : NULL, ev->value_len);
	strbuf_addch(buf, '\0');
}

/* Delivers the events of resp that w has not seen yet, as one batch. Lock held. */
static void deliver_events_locked(struct etcd_stream *st, struct storage_watch *w,
				  const Etcdserverpb__WatchResponse *resp)
{
	struct storage_event *evs = xcalloc(resp->n_events, sizeof(*evs));
	struct event_text *txt = xcalloc(resp->n_events, sizeof(*txt));
	struct strbuf buf = STRBUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < resp->n_events; i++) {
		const Mvccpb__Event *e = resp->events[i];

		if (!e->kv || e->kv->mod_revision <= w->last_rev)
			continue;
		event_convert(e, &buf, &evs[n], &txt[n]);
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		evs[i].key = buf.buf + txt[i].key_off;
		evs[i].value = buf.buf + txt[i].value_off;
	}
	if (n) {
		w->last_rev = evs[n - 1].mod_rev;
		deliver_locked(st, w, evs, n, 0);
	}
	strbuf_release(&buf);
	free(txt);
	free(evs);
}

/* The watch is over on etcd's side: tell its owner, once. Lock held. */
static void end_locked(struct etcd_stream *st, struct storage_watch *w, int err)
{
	w->ended = true;
	deliver_locked(st, w, NULL, 0, err);
}

void etcd_watch_on_response(struct etcd_stream *st, const Etcdserverpb__WatchResponse *resp)
{
	struct storage_watch *w;
	char key[24];

	if (resp->compact_revision > 0)
		etcd_note_compacted(st->es, resp->compact_revision);
	id_key(resp->watch_id, key);
	pthread_mutex_lock(&st->lock);
	w = hashmap_get(&st->watches, key);
	if (!w || w->ended) {
		pthread_mutex_unlock(&st->lock);
		return;
	}
	if (resp->compact_revision > 0)
		end_locked(st, w, STORAGE_ECOMPACTED);
	else if (resp->canceled)
		end_locked(st, w, STORAGE_EINTERNAL);
	else if (resp->n_events)
		deliver_events_locked(st, w, resp);
	else if (!resp->created && resp->header && resp->header->revision > w->last_rev)
		w->last_rev = resp->header->revision; /* progress: synced up to here */
	pthread_mutex_unlock(&st->lock);
}

static void watch_free(struct storage_watch *w)
{
	free(w->prefix);
	free(w->end);
	free(w);
}

static void watch_free_value(void *w)
{
	watch_free(w);
}

void etcd_watch_free_all(struct etcd_stream *st)
{
	hashmap_release(&st->watches, watch_free_value);
}

/* A watch of the keys under prefix ("" = every key: the range ["\0", "\0")). */
static struct storage_watch *watch_new(struct etcd_stream *st, const char *prefix,
				       int64_t after_rev, storage_watch_fn fn, void *ctx)
{
	struct storage_watch *w = xcalloc(1, sizeof(*w));
	size_t plen = strlen(prefix);

	w->st = st;
	w->prefix = plen ? xstrdup(prefix) : xcalloc(1, 1);
	w->prefix_len = plen ? plen : 1;
	w->end = xmalloc(plen + 1);
	w->end_len = etcd_prefix_end(prefix, plen, w->end);
	w->last_rev = after_rev;
	w->fn = fn;
	w->ctx = ctx;
	return w;
}

static struct etcd_stream *stream_get(struct etcd_storage *es)
{
	struct etcd_stream *st;

	pthread_mutex_lock(&es->stream_lock);
	if (!es->stream)
		es->stream = etcd_stream_new(es);
	st = es->stream;
	pthread_mutex_unlock(&es->stream_lock);
	return st;
}

/* STORAGE_ECOMPACTED when the history after after_rev is (known to be) gone, else 0. */
static int check_history(struct etcd_storage *es, int64_t after_rev)
{
	if (after_rev + 1 < atomic_load(&es->compacted))
		return STORAGE_ECOMPACTED;
	if (after_rev > 0 && etcd_check_rev(es, after_rev + 1) == STORAGE_ECOMPACTED)
		return STORAGE_ECOMPACTED;
	return 0;
}

int etcd_watch(struct storage *s, const char *prefix, int64_t after_rev, storage_watch_fn fn,
	       void *ctx, struct storage_watch **ret_watch)
{
	struct etcd_storage *es = etcd_storage_of(s);
	struct storage_watch *w;
	struct etcd_stream *st;
	char key[24];
	int r;

	if (!fn || after_rev < 0)
		return STORAGE_EINVAL;
	if ((r = check_history(es, after_rev)) < 0)
		return r;
	st = stream_get(es);
	w = watch_new(st, prefix ? prefix : "", after_rev, fn, ctx);
	pthread_mutex_lock(&st->lock);
	w->id = st->next_id++;
	id_key(w->id, key);
	hashmap_put(&st->watches, key, w);
	send_create_locked(st, w);
	pthread_mutex_unlock(&st->lock);
	*ret_watch = w;
	return 0;
}

void etcd_watch_stop(struct storage_watch *w)
{
	struct etcd_stream *st;
	char key[24];

	if (!w)
		return;
	st = w->st;
	id_key(w->id, key);
	pthread_mutex_lock(&st->lock);
	hashmap_remove(&st->watches, key);
	if (!etcd_stream_on_thread(st)) {
		while (st->delivering == w)
			pthread_cond_wait(&st->cond, &st->lock);
	}
	if (!w->ended)
		send_cancel_locked(st, w->id);
	pthread_mutex_unlock(&st->lock);
	watch_free(w);
}
