/*
 * test_watch.c - unit tests for watch streams against the scripted fake_server: events
 * split across chunks and very long lines, the query sent, 410 as an ERROR event and as
 * an HTTP status, stopping from the callback, and cancelling from another thread.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "base/timeutil.h"
#include "api/kinds.h"
#include "api/types.gen.h"
#include "client/watch.h"
#include "test/client/fake_server.h"
#include "test/ktest.h"

#define MS K8C_NSEC_PER_MSEC

static struct k8c_client *client_for(const char *url)
{
	struct k8c_rest_config cfg = { .server = (char *)url, .qps = -1 };
	struct k8c_client *c = NULL;
	if (k8c_client_new(&cfg, &c) < 0)
		abort();
	return c;
}

struct seen {
	int n;
	enum k8c_watch_event_type types[16];
	char *names[16];
	size_t long_len;
	int stop_after; /* return non-zero after this many events; 0 = never */
	atomic_int count;
};

static int on_event(struct k8c_watch_event *ev, void *ud)
{
	struct seen *s = ud;
	const cJSON *md = cJSON_GetObjectItem(ev->object, "metadata");
	const cJSON *name = cJSON_GetObjectItem(md, "name");
	const cJSON *big = cJSON_GetObjectItem(ev->object, "big");
	if (s->n < 16) {
		s->types[s->n] = ev->type;
		s->names[s->n] = xstrdup(cJSON_IsString(name) ? name->valuestring : "");
	}
	if (cJSON_IsString(big))
		s->long_len = strlen(big->valuestring);
	s->n++;
	atomic_fetch_add(&s->count, 1);
	return s->stop_after && s->n >= s->stop_after;
}

static void seen_release(struct seen *s)
{
	for (int i = 0; i < s->n && i < 16; i++)
		free(s->names[i]);
}

/* A long event cut into many chunks, and events sharing chunks. */
static void chunked_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	fake_reply_add_chunk(reply,
			     "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n"
			     "{\"type\":\"MODI");
	fake_reply_add_chunk(reply, "FIED\",\"object\":{\"metadata\":{\"name\":\"b\"}}}");
	fake_reply_add_chunk(reply,
			     "\n{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
			     "{\"resourceVersion\":\"9\"}}}\n{\"type\":\"DELETED\",\"object\":"
			     "{\"metadata\":{\"name\":\"c\"},\"big\":\"");
	struct strbuf big = STRBUF_INIT;
	for (int i = 0; i < 64; i++) {
		strbuf_reset(&big);
		for (int j = 0; j < 16384; j++)
			strbuf_addch(&big, 'a' + (j % 26));
		fake_reply_add_chunk(reply, big.buf);
	}
	strbuf_release(&big);
	fake_reply_add_chunk(reply, "\"}}\n");
}

TEST(events_split_across_chunks_and_long_lines)
{
	struct fake_server *s = fake_server_start(chunked_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s));
	struct k8c_watch *w = k8c_watch_new(c);
	struct seen seen = { 0 };
	struct k8c_watch_options o = { .path = "/api/v1/namespaces/d/pods?labelSelector=app%3Dx",
				       .resource_version = "5",
				       .timeout_seconds = 30,
				       .allow_bookmarks = true,
				       .fn = on_event,
				       .userdata = &seen };
	CHECK_INT(k8c_watch_run(w, &o, NULL), K8C_WATCH_CLOSED);
	REQUIRE(seen.n == 4);
	CHECK_INT(seen.types[0], K8C_WATCH_ADDED);
	CHECK_STR(seen.names[0], "a");
	CHECK_INT(seen.types[1], K8C_WATCH_MODIFIED);
	CHECK_STR(seen.names[1], "b");
	CHECK_INT(seen.types[2], K8C_WATCH_BOOKMARK);
	CHECK_INT(seen.types[3], K8C_WATCH_DELETED);
	CHECK_STR(seen.names[3], "c");
	CHECK_INT(seen.long_len, 64 * 16384);
	struct fake_request last;
	fake_server_last_request(s, &last);
	CHECK_STR(last.path, "/api/v1/namespaces/d/pods?labelSelector=app=x&resourceVersion=5"
			     "&timeoutSeconds=30&watch=true&allowWatchBookmarks=true");
	fake_request_release(&last);
	seen_release(&seen);
	/* the same watch runs again */
	struct seen again = { 0 };
	o.userdata = &again;
	CHECK_INT(k8c_watch_run(w, &o, NULL), K8C_WATCH_CLOSED);
	CHECK_INT(again.n, 4);
	seen_release(&again);
	k8c_watch_free(w);
	k8c_client_free(c);
	fake_server_stop(s);
}

static void expired_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	if (strstr(req->path, "http410")) {
		reply->code = 410;
		strbuf_addstr(&reply->body,
			      "{\"kind\":\"Status\",\"reason\":\"Expired\",\"code\":410}");
		return;
	}
	fake_reply_add_chunk(reply,
			     "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n");
	fake_reply_add_chunk(reply,
			     "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
			     "\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old "
			     "resource version: 105 (200)\",\"reason\":\"Expired\","
			     "\"code\":410}}\n");
	reply->hold_open = true; /* the client must end the stream itself */
}

TEST(expired_is_reported_as_etime)
{
	struct fake_server *s = fake_server_start(expired_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s));
	struct k8c_watch *w = k8c_watch_new(c);
	struct seen seen = { 0 };
	struct k8c_watch_options o = {
		.path = "/api/v1/pods", .resource_version = "105", .fn = on_event, .userdata = &seen
	};
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	CHECK_INT(k8c_watch_run(w, &o, &err), -ETIME);
	CHECK_INT(seen.n, 1); /* the ERROR event itself is not delivered */
	CHECK_INT(err.code, 410);
	CHECK(k8c_status_is(&err, "Expired"));
	CHECK_STR(err.message, "too old resource version: 105 (200)");
	o.path = "/http410";
	CHECK_INT(k8c_watch_run(w, &o, &err), -ETIME);
	CHECK_INT(err.code, 410);
	k8c_status_error_release(&err);
	seen_release(&seen);
	k8c_watch_free(w);
	k8c_client_free(c);
	fake_server_stop(s);
}

static void endless_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	for (int i = 0; i < 3; i++)
		fake_reply_add_chunk(reply, "{\"type\":\"ADDED\",\"object\":{\"metadata\":{}}}\n");
	reply->hold_open = true;
}

TEST(callback_stops_the_watch)
{
	struct fake_server *s = fake_server_start(endless_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s));
	struct k8c_watch *w = k8c_watch_new(c);
	struct seen seen = { .stop_after = 2 };
	struct k8c_watch_options o = { .path = "/api/v1/pods", .fn = on_event, .userdata = &seen };
	CHECK_INT(k8c_watch_run(w, &o, NULL), K8C_WATCH_STOPPED);
	CHECK_INT(seen.n, 2);
	seen_release(&seen);
	k8c_watch_free(w);
	k8c_client_free(c);
	fake_server_stop(s);
}

struct runner {
	struct k8c_watch *w;
	struct k8c_watch_options o;
	struct seen seen;
	int result;
	atomic_llong ended_ns;
};

static void *run_watch(void *arg)
{
	struct runner *r = arg;
	r->result = k8c_watch_run(r->w, &r->o, NULL);
	atomic_store(&r->ended_ns, time_mono_ns());
	return NULL;
}

TEST(cancel_from_another_thread_returns_promptly)
{
	struct fake_server *s = fake_server_start(endless_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s));
	static struct runner r;
	r.w = k8c_watch_new(c);
	r.o = (struct k8c_watch_options){ .path = "/api/v1/pods",
					  .fn = on_event,
					  .userdata = &r.seen };
	pthread_t t;
	pthread_create(&t, NULL, run_watch, &r);
	/* wait (with a deadline) until the stream is flowing and idle */
	int64_t deadline = time_mono_ns() + 5000 * MS;
	while (atomic_load(&r.seen.count) < 3 && time_mono_ns() < deadline)
		time_sleep_ms(1);
	REQUIRE(atomic_load(&r.seen.count) == 3);
	time_sleep_ms(20); /* let the client go back to waiting on the socket */
	int64_t start = time_mono_ns();
	k8c_watch_cancel(r.w);
	pthread_join(t, NULL);
	int64_t took = atomic_load(&r.ended_ns) - start;
	CHECK_INT(r.result, K8C_WATCH_CANCELLED);
	CHECK(took < 100 * MS);
	/* sticky: a later run ends at once */
	CHECK_INT(k8c_watch_run(r.w, &r.o, NULL), K8C_WATCH_CANCELLED);
	seen_release(&r.seen);
	k8c_watch_free(r.w);
	k8c_client_free(c);
	fake_server_stop(s);
}

static void garbage_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	fake_reply_add_chunk(reply, strstr(req->path, "partial") ? "{\"type\":\"ADDED\""
								 : "this is not json\n");
}

TEST(malformed_streams_are_errors)
{
	struct fake_server *s = fake_server_start(garbage_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s));
	struct k8c_watch *w = k8c_watch_new(c);
	struct seen seen = { 0 };
	struct k8c_watch_options o = { .path = "/api/v1/pods", .fn = on_event, .userdata = &seen };
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	CHECK_INT(k8c_watch_run(w, &o, &err), -EPROTO);
	CHECK_STR(err.message, "malformed watch event");
	o.path = "/partial";
	CHECK_INT(k8c_watch_run(w, &o, &err), -EPROTO);
	CHECK_INT(seen.n, 0);
	k8c_status_error_release(&err);
	k8c_watch_free(w);
	k8c_client_free(c);
	fake_server_stop(s);
}

/* With options.kind: the usual layout decoded from text, another one through a tree. */
static void typed_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	if (strstr(req->path, "broken")) {
		fake_reply_add_chunk(reply, "{\"type\":\"ADDED\",\"object\":{\"metadata\":}\n");
		return;
	}
	fake_reply_add_chunk(reply,
			     "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\","
			     "\"resourceVersion\":\"7\"},\"spec\":{\"nodeName\":\"n1\"}}}  \n"
			     "{ \"object\": {\"metadata\":{\"name\":\"b\"},\"spec\":{\"priority\":"
			     "\"high\"}}, \"type\": \"MODIFIED\" }\n"
			     "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
			     "{\"resourceVersion\":\"9\"}}}\n");
}

struct typed_seen {
	int n;
	char names[4][8], nodes[4][8], rvs[4][8];
	bool partial[4], tree[4];
};

static int on_typed(struct k8c_watch_event *ev, void *ud)
{
	struct typed_seen *s = ud;
	const struct k8c_pod *pod = ev->typed;
	if (s->n < 4) {
		snprintf(s->names[s->n], 8, "%s", str_or_empty(pod->metadata.name));
		snprintf(s->nodes[s->n], 8, "%s", str_or_empty(pod->spec.node_name));
		snprintf(s->rvs[s->n], 8, "%s", str_or_empty(pod->metadata.resource_version));
		s->partial[s->n] = ev->partial;
		s->tree[s->n] = ev->object != NULL;
	}
	s->n++;
	return 0;
}

TEST(typed_events_decode_from_text)
{
	struct fake_server *s = fake_server_start(typed_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s));
	struct k8c_watch *w = k8c_watch_new(c);
	struct typed_seen seen = { 0 };
	struct k8c_watch_options o = { .path = "/api/v1/pods", .kind = k8c_kind_lookup("pods"),
				       .fn = on_typed, .userdata = &seen };
	CHECK_INT(k8c_watch_run(w, &o, NULL), K8C_WATCH_CLOSED);
	REQUIRE(seen.n == 3);
	CHECK_STR(seen.names[0], "a");
	CHECK_STR(seen.nodes[0], "n1");
	CHECK_STR(seen.rvs[0], "7");
	CHECK(!seen.partial[0] && !seen.tree[0]);
	CHECK_STR(seen.names[1], "b");
	CHECK(seen.partial[1] && seen.tree[1]); /* a string priority is left out */
	CHECK_STR(seen.rvs[2], "9");
	CHECK(!seen.tree[2]);
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	o.path = "/broken";
	seen.n = 0;
	CHECK_INT(k8c_watch_run(w, &o, &err), -EPROTO);
	CHECK_STR(err.message, "malformed watch event");
	CHECK_INT(seen.n, 0);
	k8c_status_error_release(&err);
	k8c_watch_free(w);
	k8c_client_free(c);
	fake_server_stop(s);
}

TEST(event_split_wants_the_usual_layout)
{
	enum k8c_watch_event_type t;
	const char *obj;
	size_t n;
	const char *line = "{\"type\":\"DELETED\",\"object\":{\"a\":1}}\r\n";
	CHECK_INT(k8c_watch_event_split(line, strlen(line), &t, &obj, &n), 0);
	CHECK_INT(t, K8C_WATCH_DELETED);
	CHECK_INT(n, 7);
	CHECK(!strncmp(obj, "{\"a\":1}", n));
	static const char *const others[] = {
		"{\"type\":\"ERROR\",\"object\":{}}", "{\"type\":\"ADDEDX\",\"object\":{}}",
		"{\"type\":\"ADDED\",\"object\":", "{\"type\":\"ADDED\"}", "{\"type\":\"",
		"{\"object\":{},\"type\":\"ADDED\"}", "",
	};
	for (size_t i = 0; i < ARRAY_SIZE(others); i++)
		CHECK_INT(k8c_watch_event_split(others[i], strlen(others[i]), &t, &obj, &n),
			  -ENOENT);
}
