/*
 * test_path.c - unit tests for the pure parts of client/: paths and queries, Status
 * parsing and errno mapping, and the watch stream decoder.
 */
#include "client/path.h"
#include "client/status.h"
#include "client/watch_decoder.h"
#include "test/ktest.h"

static void check_path(const struct k8c_resource_path *p, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	k8c_path_append(&sb, p);
	CHECK_STR(sb.buf, want);
	strbuf_release(&sb);
}

TEST(paths)
{
	check_path(
		&(struct k8c_resource_path){ .namespace = "ns", .resource = "pods", .name = "x" },
		"/api/v1/namespaces/ns/pods/x");
	check_path(&(struct k8c_resource_path){ .group = "apps",
						.version = "v1",
						.namespace = "d",
						.resource = "deployments",
						.name = "web",
						.subresource = "scale" },
		   "/apis/apps/v1/namespaces/d/deployments/web/scale");
	check_path(&(struct k8c_resource_path){ .resource = "nodes" }, "/api/v1/nodes");
	check_path(&(struct k8c_resource_path){ .group = "apps", .version = "v1" },
		   "/apis/apps/v1");
	check_path(&(struct k8c_resource_path){ .resource = "pods", .name = "a b/c" },
		   "/api/v1/pods/a%20b%2Fc");
}

TEST(queries)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "/api/v1/pods");
	struct k8c_list_options o = { .label_selector = "app=web,tier!=db",
				      .field_selector = "metadata.name=x",
				      .resource_version = "105",
				      .continue_token = "abc==",
				      .limit = 500,
				      .timeout_seconds = 300,
				      .watch = true,
				      .allow_watch_bookmarks = true };
	k8c_list_options_append(&sb, &o);
	CHECK_STR(sb.buf, "/api/v1/pods?labelSelector=app%3Dweb%2Ctier%21%3Ddb"
			  "&fieldSelector=metadata.name%3Dx&resourceVersion=105&continue=abc%3D%3D"
			  "&limit=500&timeoutSeconds=300&watch=true&allowWatchBookmarks=true");
	strbuf_reset(&sb);
	k8c_list_options_append(&sb, &(struct k8c_list_options){ 0 });
	CHECK_STR(sb.buf, "");
	strbuf_release(&sb);
}

TEST(status_parsing_and_errno)
{
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	const char *body = "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"too old "
			   "resource version: 105 (200)\",\"reason\":\"Expired\",\"code\":410}";
	k8c_status_error_from_response(&e, 200, body, strlen(body));
	CHECK_INT(e.code, 410);
	CHECK(k8c_status_is(&e, "Expired"));
	CHECK_INT(k8c_status_errno(&e), -ETIME);
	k8c_status_error_from_response(&e, 503, "<html>", 6);
	CHECK(k8c_status_is(&e, "ServiceUnavailable"));
	CHECK_STR(e.message, "the server is currently unable to handle the request");
	CHECK_INT(k8c_status_errno(&e), -EIO);
	k8c_status_error_from_response(&e, 429, NULL, 0);
	CHECK_INT(k8c_status_errno(&e), -EAGAIN);
	k8c_status_error_from_response(&e, 403, "{\"kind\":\"Status\",\"code\":403}", 29);
	CHECK(k8c_status_is(&e, "Forbidden")); /* reason filled in from the code */
	CHECK_INT(k8c_status_errno(&e), -EACCES);
	k8c_status_error_from_response(&e, 418, "", 0);
	CHECK_STR(e.reason, "");
	CHECK_INT(k8c_status_errno(&e), -EIO);
	k8c_status_error_set_transport(&e, "connection refused");
	CHECK_INT(e.code, 0);
	CHECK_STR(e.message, "connection refused");
	CHECK(!k8c_status_is(NULL, "NotFound"));
	k8c_status_error_release(&e);
}

TEST(watch_event_parse)
{
	struct k8c_watch_event ev;
	const char *l = "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\"}}";
	REQUIRE(k8c_watch_event_parse(l, strlen(l), &ev) == 0);
	CHECK_INT(ev.type, K8C_WATCH_BOOKMARK);
	CHECK_STR(cJSON_GetObjectItem(ev.object, "kind")->valuestring, "Pod");
	cJSON_Delete(ev.object);
	const char *bad[] = { "{\"type\":\"NOPE\",\"object\":{}}", "{\"type\":\"ADDED\"}",
			      "not json", "{\"type\":\"ADDED\",\"object\":[]}" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_INT(k8c_watch_event_parse(bad[i], strlen(bad[i]), &ev), -EPROTO);
	CHECK_STR(k8c_watch_event_type_name(K8C_WATCH_DELETED), "DELETED");
}

struct lines {
	struct strbuf all;
	int n;
	int stop_at;
};

static int collect(const char *line, size_t len, void *ud)
{
	struct lines *l = ud;
	strbuf_add(&l->all, line, len);
	strbuf_addch(&l->all, '|');
	return ++l->n == l->stop_at ? 42 : 0;
}

TEST(decoder_splits_lines_across_chunks)
{
	const char *stream = "one\n\ntwo\r\nthree\n  \nfour";
	/* every way of cutting the stream into two chunks, and byte by byte */
	for (size_t cut = 0; cut <= strlen(stream); cut++) {
		struct k8c_watch_decoder d;
		struct lines l = { STRBUF_INIT, 0, 0 };
		k8c_watch_decoder_init(&d, 0);
		CHECK_INT(k8c_watch_decoder_feed(&d, stream, cut, collect, &l), 0);
		CHECK_INT(
			k8c_watch_decoder_feed(&d, stream + cut, strlen(stream) - cut, collect, &l),
			0);
		CHECK_STR(l.all.buf, "one|two\r|three|");
		CHECK(k8c_watch_decoder_has_partial(&d));
		k8c_watch_decoder_release(&d);
		strbuf_release(&l.all);
	}
	struct k8c_watch_decoder d;
	struct lines l = { STRBUF_INIT, 0, 2 };
	k8c_watch_decoder_init(&d, 0);
	for (const char *p = stream; *p; p++) {
		int r = k8c_watch_decoder_feed(&d, p, 1, collect, &l);
		if (r) {
			CHECK_INT(r, 42); /* the callback's result stops the feed */
			break;
		}
	}
	CHECK_STR(l.all.buf, "one|two\r|");
	k8c_watch_decoder_release(&d);
	strbuf_release(&l.all);
}

TEST(decoder_limits_line_length)
{
	struct k8c_watch_decoder d;
	struct lines l = { STRBUF_INIT, 0, 0 };
	k8c_watch_decoder_init(&d, 10);
	CHECK_INT(k8c_watch_decoder_feed(&d, "0123456789\nab", 13, collect, &l), 0);
	CHECK_INT(k8c_watch_decoder_feed(&d, "cdefghijk", 9, collect, &l), -EMSGSIZE);
	k8c_watch_decoder_release(&d);
	strbuf_release(&l.all);
}
