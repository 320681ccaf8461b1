/*
 * test_rest.c - unit tests for the REST client and the JSON verbs, against the scripted
 * fake_server: headers, Status errors, retries (503, 429 + Retry-After, refused
 * connections, never POST on 500), keep-alive reuse, rate limiting, timeouts.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "base/timeutil.h"
#include "client/verbs.h"
#include "test/client/fake_server.h"
#include "test/ktest.h"

#define MS K8C_NSEC_PER_MSEC

/* A client for url with no rate limit (unless the test sets one) and quick retries. */
static struct k8c_client *client_for(const char *url, double qps, int max_retries)
{
	struct k8c_rest_config cfg = { 0 };
	cfg.server = (char *)url;
	cfg.bearer_token = (char *)"tok";
	cfg.qps = qps;
	cfg.burst = 1;
	cfg.max_retries = max_retries;
	struct k8c_client *c = NULL;
	if (k8c_client_new(&cfg, &c) < 0)
		abort();
	return c;
}

static void reply_json(struct fake_reply *reply, int code, const char *json)
{
	reply->code = code;
	strbuf_addstr(&reply->body, json);
}

static void echo_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	reply_json(reply, !strcmp(req->method, "POST") ? 201 : 200,
		   req->body && *req->body ? req->body : "{\"kind\":\"Pod\"}");
}

TEST(get_sends_headers_and_parses_json)
{
	struct fake_server *s = fake_server_start(echo_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	cJSON *obj = NULL;
	CHECK_INT(k8c_get(c, "/api/v1/namespaces/default/pods/x", &obj, NULL), 0);
	CHECK_STR(cJSON_GetObjectItem(obj, "kind")->valuestring, "Pod");
	cJSON_Delete(obj);
	struct fake_request last;
	fake_server_last_request(s, &last);
	CHECK_STR(last.method, "GET");
	CHECK_STR(last.path, "/api/v1/namespaces/default/pods/x");
	CHECK_STR(last.authorization, "Bearer tok");
	CHECK(str_has_prefix(last.user_agent, "k8c/"));
	CHECK_STR(last.accept, "application/json");
	fake_request_release(&last);
	k8c_client_free(c);
	fake_server_stop(s);

	struct k8c_rest_config bad = { .server = (char *)"ftp://x" };
	CHECK_INT(k8c_client_new(&bad, &c), -EINVAL);
}

static void status_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	const char *p = req->path;
	if (!strcmp(p, "/nf"))
		reply_json(reply, 404,
			   "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
			   "\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" not found\","
			   "\"reason\":\"NotFound\",\"details\":{\"name\":\"x\",\"kind\":"
			   "\"pods\"},\"code\":404}");
	else if (!strcmp(p, "/exists"))
		reply_json(reply, 409,
			   "{\"kind\":\"Status\",\"reason\":\"AlreadyExists\","
			   "\"message\":\"already exists\",\"code\":409}");
	else if (!strcmp(p, "/conflict"))
		reply_json(reply, 409,
			   "{\"kind\":\"Status\",\"reason\":\"Conflict\",\"message\":"
			   "\"the object has been modified\",\"code\":409}");
	else if (!strcmp(p, "/invalid"))
		reply_json(reply, 422,
			   "{\"kind\":\"Status\",\"reason\":\"Invalid\",\"message\":\"bad\","
			   "\"details\":{\"kind\":\"Deployment\",\"causes\":[{\"reason\":"
			   "\"FieldValueInvalid\",\"field\":\"spec.replicas\"}]},"
			   "\"code\":422}");
	else
		reply_json(reply, 500, "oops");
}

TEST(errors_are_parsed_statuses)
{
	struct fake_server *s = fake_server_start(status_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	cJSON *obj = NULL;
	CHECK_INT(k8c_get(c, "/nf", &obj, &err), -ENOENT);
	CHECK(obj == NULL);
	CHECK_INT(err.code, 404);
	CHECK(k8c_status_is(&err, "NotFound"));
	CHECK_STR(err.message, "pods \"x\" not found");
	CHECK_STR(err.name, "x");
	CHECK_STR(err.kind, "pods");
	CHECK_INT(k8c_create(c, "/exists", NULL, NULL, &err), -EEXIST);
	CHECK(k8c_status_is(&err, "AlreadyExists"));
	CHECK_INT(k8c_update(c, "/conflict", NULL, NULL, &err), -EBUSY);
	CHECK(k8c_status_is(&err, "Conflict"));
	CHECK_INT(k8c_create(c, "/invalid", NULL, NULL, &err), -EINVAL);
	const cJSON *causes =
		cJSON_GetObjectItem(cJSON_GetObjectItem(err.status, "details"), "causes");
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(causes, 0), "field")->valuestring,
		  "spec.replicas");
	/* a body that is not a Status: client-go's generic wording */
	CHECK_INT(k8c_create(c, "/other", NULL, NULL, &err), -EIO);
	CHECK_INT(err.code, 500);
	CHECK(k8c_status_is(&err, "InternalError"));
	k8c_status_error_release(&err);
	k8c_client_free(c);
	fake_server_stop(s);
}

struct flaky {
	int failures; /* answer this many requests with code, then 200 */
	int code;
	int retry_after;
};

static void flaky_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	struct flaky *f = ud;
	if (req->index < f->failures) {
		reply_json(reply, f->code, "{\"kind\":\"Status\",\"code\":0}");
		reply->retry_after = f->retry_after;
		return;
	}
	reply_json(reply, 200, "{\"ok\":true}");
}

TEST(retries_503_then_succeeds)
{
	struct flaky f = { 2, 503, 0 };
	struct fake_server *s = fake_server_start(flaky_handler, &f);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	struct k8c_request req = { .method = "GET", .path = "/x" };
	struct k8c_response resp = K8C_RESPONSE_INIT;
	CHECK_INT(k8c_client_do(c, &req, &resp, NULL), 0);
	CHECK_INT(resp.code, 200);
	CHECK_INT(resp.attempts, 3);
	CHECK_STR(resp.content_type, "application/json");
	CHECK_STR(resp.body.buf, "{\"ok\":true}");
	CHECK_INT(fake_server_requests(s), 3);
	k8c_response_release(&resp);
	k8c_client_free(c);
	fake_server_stop(s);
}

TEST(retries_429_after_retry_after_even_for_post)
{
	struct flaky f = { 1, 429, 1 };
	struct fake_server *s = fake_server_start(flaky_handler, &f);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	int64_t start = time_mono_ns();
	cJSON *body = cJSON_Parse("{\"a\":1}");
	CHECK_INT(k8c_create(c, "/x", body, NULL, NULL), 0);
	int64_t took = time_mono_ns() - start;
	CHECK(took >= 950 * MS);
	CHECK(took < 5000 * MS);
	CHECK_INT(fake_server_requests(s), 2);
	cJSON_Delete(body);
	k8c_client_free(c);
	fake_server_stop(s);
}

TEST(never_retries_post_on_500)
{
	struct flaky f = { 5, 500, 0 };
	struct fake_server *s = fake_server_start(flaky_handler, &f);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	CHECK_INT(k8c_create(c, "/x", NULL, NULL, &err), -EIO);
	CHECK_INT(fake_server_requests(s), 1);
	CHECK_INT(k8c_patch(c, "/x", K8C_PATCH_MERGE, NULL, NULL, &err), -EIO);
	CHECK_INT(fake_server_requests(s), 2);
	/* the same answer to a GET is retried */
	CHECK_INT(k8c_get(c, "/x", NULL, &err), 0);
	CHECK_INT(fake_server_requests(s), 6);
	k8c_status_error_release(&err);
	k8c_client_free(c);
	fake_server_stop(s);
}

TEST(retries_refused_connections_then_reports_them)
{
	/* a port nobody listens on: start a server, remember its URL, stop it */
	struct fake_server *s = fake_server_start(echo_handler, NULL);
	char url[64];
	snprintf(url, sizeof(url), "%s", fake_server_url(s));
	fake_server_stop(s);
	struct k8c_client *c = client_for(url, -1, 2);
	struct k8c_request req = { .method = "POST", .path = "/x", .body = "{}", .body_len = 2 };
	struct k8c_response resp = K8C_RESPONSE_INIT;
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	CHECK_INT(k8c_client_do(c, &req, &resp, &err), -ECONNREFUSED);
	CHECK_INT(resp.attempts, 3);
	CHECK_INT(err.code, 0);
	CHECK(strstr(err.message, url) != NULL);
	k8c_status_error_release(&err);
	k8c_response_release(&resp);
	k8c_client_free(c);
}

struct hammer {
	struct k8c_client *c;
	atomic_int failures;
};

static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	for (int i = 0; i < 25; i++) {
		if (k8c_get(h->c, "/x", NULL, NULL) != 0)
			atomic_fetch_add(&h->failures, 1);
	}
	return NULL;
}

TEST(keep_alive_reuses_connections_across_calls_and_threads)
{
	struct fake_server *s = fake_server_start(echo_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	for (int i = 0; i < 20; i++)
		CHECK_INT(k8c_get(c, "/x", NULL, NULL), 0);
	CHECK_INT(fake_server_connections(s), 1);
	CHECK_INT(k8c_client_connections_opened(c), 1);
	struct hammer h = { c, 0 };
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer_thread, &h);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(atomic_load(&h.failures), 0);
	CHECK_INT(fake_server_requests(s), 120);
	CHECK(fake_server_connections(s) <= 4);
	CHECK_INT(k8c_client_connections_opened(c), fake_server_connections(s));
	k8c_client_free(c);
	fake_server_stop(s);
}

TEST(rate_limiter_holds_qps)
{
	struct fake_server *s = fake_server_start(echo_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s), 20, 0);
	int64_t start = time_mono_ns();
	for (int i = 0; i < 11; i++)
		CHECK_INT(k8c_get(c, "/x", NULL, NULL), 0);
	int64_t took = time_mono_ns() - start;
	/* burst 1, then 10 more at 20 qps: 500 ms */
	CHECK(took >= 450 * MS);
	CHECK(took < 3000 * MS);
	k8c_client_free(c);
	fake_server_stop(s);
}

static void slow_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	reply_json(reply, 200, "{}");
	reply->delay_ms = 1500;
}

TEST(per_request_timeout)
{
	struct fake_server *s = fake_server_start(slow_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	struct k8c_request req = { .method = "GET", .path = "/slow", .timeout_ms = 200 };
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int64_t start = time_mono_ns();
	CHECK_INT(k8c_client_do(c, &req, NULL, &err), -ETIMEDOUT);
	int64_t took = time_mono_ns() - start;
	CHECK(took >= 190 * MS);
	CHECK(took < 1200 * MS);
	k8c_status_error_release(&err);
	k8c_client_free(c);
	fake_server_stop(s);
}

TEST(verbs_send_methods_bodies_and_content_types)
{
	struct fake_server *s = fake_server_start(echo_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	struct fake_request last;
	cJSON *obj = cJSON_Parse("{\"metadata\":{\"name\":\"x\"}}"), *got = NULL;
	CHECK_INT(k8c_create(c, "/api/v1/namespaces/d/pods", obj, &got, NULL), 0);
	CHECK(cJSON_Compare(obj, got, true));
	cJSON_Delete(got);
	fake_server_last_request(s, &last);
	CHECK_STR(last.method, "POST");
	CHECK_STR(last.content_type, "application/json");
	CHECK_STR(last.body, "{\"metadata\":{\"name\":\"x\"}}");
	fake_request_release(&last);

	CHECK_INT(k8c_update(c, "/p", obj, NULL, NULL), 0);
	fake_server_last_request(s, &last);
	CHECK_STR(last.method, "PUT");
	fake_request_release(&last);

	CHECK_INT(k8c_patch(c, "/p", K8C_PATCH_STRATEGIC, obj, NULL, NULL), 0);
	fake_server_last_request(s, &last);
	CHECK_STR(last.method, "PATCH");
	CHECK_STR(last.content_type, "application/strategic-merge-patch+json");
	fake_request_release(&last);

	cJSON *opts = cJSON_Parse("{\"propagationPolicy\":\"Background\"}");
	CHECK_INT(k8c_delete(c, "/p", opts, NULL, NULL), 0);
	fake_server_last_request(s, &last);
	CHECK_STR(last.method, "DELETE");
	CHECK_STR(last.body, "{\"propagationPolicy\":\"Background\"}");
	fake_request_release(&last);

	struct k8c_list_options lo = { .label_selector = "app=web", .limit = 500 };
	CHECK_INT(k8c_list(c, "/api/v1/pods", &lo, NULL, NULL), 0);
	fake_server_last_request(s, &last);
	CHECK_STR(last.path, "/api/v1/pods?labelSelector=app=web&limit=500");
	fake_request_release(&last);

	cJSON_Delete(opts);
	cJSON_Delete(obj);
	k8c_client_free(c);
	fake_server_stop(s);
}

/* /log answers three chunks; /missing a NotFound Status. */
static void log_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	if (str_has_prefix(req->path, "/missing")) {
		reply_json(reply, 404,
			   "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
			   "\"message\":\"pods \\\"x\\\" not found\",\"reason\":\"NotFound\","
			   "\"code\":404}");
		return;
	}
	reply->content_type = "text/plain";
	fake_reply_add_chunk(reply, "line 1\n");
	fake_reply_add_chunk(reply, "line 2\n");
	fake_reply_add_chunk(reply, "line 3\n");
}

struct collected {
	struct strbuf text;
	int calls, stop_after;
};

static int collect(const char *data, size_t len, void *ud)
{
	struct collected *c = ud;
	strbuf_add(&c->text, data, len);
	return ++c->calls == c->stop_after;
}

TEST(stream_hands_over_the_body_and_statuses)
{
	struct fake_server *s = fake_server_start(log_handler, NULL);
	struct k8c_client *c = client_for(fake_server_url(s), -1, 0);
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	struct collected got = { STRBUF_INIT, 0, 0 };
	struct k8c_request req = { .method = "GET", .path = "/log?follow=true" };
	CHECK_INT(k8c_client_stream(c, &req, collect, &got, &err), 0);
	CHECK_STR(got.text.buf, "line 1\nline 2\nline 3\n");
	/* the callback may end the stream early */
	strbuf_reset(&got.text);
	got.calls = 0;
	got.stop_after = 1;
	CHECK_INT(k8c_client_stream(c, &req, collect, &got, &err), 0);
	CHECK_INT(got.calls, 1);
	req.path = "/missing/log";
	CHECK_INT(k8c_client_stream(c, &req, collect, &got, &err), -ENOENT);
	CHECK(k8c_status_is(&err, "NotFound"));
	CHECK_STR(err.message, "pods \"x\" not found");
	k8c_status_error_release(&err);
	strbuf_release(&got.text);
	k8c_client_free(c);
	fake_server_stop(s);
}
