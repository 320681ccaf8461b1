/*
 * test_json_scan.c - unit tests for apiserver/json_scan.c: labels and fields
 * found where cJSON finds them (escapes, nesting, duplicates, booleans,
 * other types), everything else skipped, malformed text rejected.
 */
#include <cjson/cJSON.h>

#include "apiserver/json_scan.h"
#include "base/strbuf.h"
#include "test/ktest.h"

static const char *const fields[] = { "spec.nodeName", "spec.unschedulable", "status.phase",
				      "type" };

struct result {
	struct strbuf labels; /* "k=v;" per label, in order */
	char *values[4];
	int ret;
};

static void on_label(void *ctx, const char *key, const char *value)
{
	struct strbuf *sb = ctx;
	strbuf_addf(sb, "%s=%s;", key, value);
}

static void scan(const char *text, struct result *res)
{
	memset(res, 0, sizeof(*res));
	strbuf_init(&res->labels, 0);
	struct json_scan s = { .labels_path = "metadata.labels", .on_label = on_label,
			       .ctx = &res->labels, .fields = fields, .n_fields = 4,
			       .values = res->values };
	res->ret = json_scan(text, strlen(text), &s);
}

static void result_release(struct result *res)
{
	strbuf_release(&res->labels);
	for (int i = 0; i < 4; i++)
		free(res->values[i]);
}

TEST(json_scan_finds_labels_and_fields)
{
	struct result r;
	scan("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"labels\":{\"app\":\"web\","
	     "\"x\\\"y\":\"\\u00e9\\n\\ud83d\\ude00\"},\"annotations\":{\"spec.nodeName\":\"no\"}},"
	     "\"spec\":{\"containers\":[{\"name\":\"c\",\"spec\":{\"nodeName\":\"deep\"}}],"
	     "\"nodeName\":\"n1\",\"unschedulable\":true,\"x\":[1,-2.5e+3,null,false,{}]},"
	     "\"status\":{\"phase\":\"Running\"},\"type\":7}", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.labels.buf, "app=web;x\"y=\xc3\xa9\n\xf0\x9f\x98\x80;");
	CHECK_STR(r.values[0], "n1");
	CHECK_STR(r.values[1], "true");
	CHECK_STR(r.values[2], "Running");
	CHECK(r.values[3] == NULL); /* a number: neither string nor boolean */
	result_release(&r);
}

TEST(json_scan_first_duplicate_wins_and_absent_is_null)
{
	struct result r;
	scan(" {\"spec\":{\"nodeName\":\"a\",\"nodeName\":\"b\"},\"spec\":{\"nodeName\":\"c\"},"
	     "\"metadata\":{\"labels\":null}} ", &r);
	CHECK_INT(r.ret, 0);
	CHECK_STR(r.values[0], "a");
	CHECK(r.values[1] == NULL && r.values[2] == NULL);
	CHECK_STR(r.labels.buf, "");
	result_release(&r);
}

TEST(json_scan_rejects_malformed_text)
{
	static const char *const bad[] = {
		"", "[]", "\"x\"", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1.}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":tru}", "{\"a\":1} x", "{a:1}",
		"{\"a\":\"ctl\x01\"}", "{\"a\":[1 2]}", "{\"a\":\"open}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct result r;
		scan(bad[i], &r);
		if (r.ret != -EINVAL)
			ktest_fail(__FILE__, __LINE__, "accepted malformed '%s'", bad[i]);
		result_release(&r);
	}
}

TEST(json_scan_bounds_nesting)
{
	struct strbuf deep = STRBUF_INIT;
	strbuf_addstr(&deep, "{\"a\":");
	for (int i = 0; i < 10000; i++)
		strbuf_addch(&deep, '[');
	struct result r;
	scan(deep.buf, &r);
	CHECK_INT(r.ret, -EINVAL);
	result_release(&r);
	strbuf_release(&deep);
}

/* Whatever cJSON accepts as an object of our shapes, the scanner reads the same way. */
TEST(json_scan_agrees_with_cjson)
{
	static const char *const docs[] = {
		"{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"\"}},\"spec\":{\"nodeName\":\"\"}}",
		"{\"spec\":{\"unschedulable\":false},\"status\":{\"phase\":{\"x\":1}}}",
		"{\"type\":\"kubernetes.io/tls\",\"metadata\":{\"labels\":{\"n\":5,\"s\":\"t\"}}}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		struct result r;
		cJSON *j = cJSON_Parse(docs[i]);
		scan(docs[i], &r);
		CHECK_INT(r.ret, 0);
		for (int f = 0; f < 4; f++) {
			struct strbuf path = STRBUF_INIT;
			strbuf_addstr(&path, fields[f]);
			const cJSON *n = j;
			for (char *save, *seg = strtok_r(path.buf, ".", &save); seg && n;
			     seg = strtok_r(NULL, ".", &save))
				n = cJSON_GetObjectItemCaseSensitive(n, seg);
			const char *want = cJSON_IsString(n) ? n->valuestring :
					   cJSON_IsBool(n) ? (cJSON_IsTrue(n) ? "true" : "false") :
					   NULL;
			if (!streq_null(want, r.values[f]))
				ktest_fail(__FILE__, __LINE__, "doc %zu field %s: '%s' vs '%s'", i,
					   fields[f], want ? want : "(null)",
					   r.values[f] ? r.values[f] : "(null)");
			strbuf_release(&path);
		}
		cJSON_Delete(j);
		result_release(&r);
	}
}
