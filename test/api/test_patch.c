/*
 * test_patch.c - unit tests for api/patch: JSON merge patch (every example
 * of RFC 7386 appendix A), JSON patch (each RFC 6902 operation, pointer
 * escapes, "-", index bounds, atomicity, kubectl's rollout undo patch) and
 * the PATCH content types.
 */
#include "api/patch/patch.h"
#include "test/api/patch_test_util.h"
#include "test/ktest.h"

TEST(merge_patch_rfc7386_examples)
{
	static const char *const cases[][3] = {
		{ "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
		{ "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}" },
		{ "{\"a\":\"b\"}", "{\"a\":null}", "{}" },
		{ "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}" },
		{ "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
		{ "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}" },
		{ "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
		  "{\"a\":{\"b\":\"d\"}}" },
		{ "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}" },
		{ "[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]" },
		{ "{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]" },
		{ "{\"a\":\"foo\"}", "null", "null" },
		{ "{\"a\":\"foo\"}", "\"bar\"", "\"bar\"" },
		{ "{\"e\":null}", "{\"a\":1}", "{\"a\":1,\"e\":null}" },
		{ "[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}" },
		{ "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}" },
		/* kubectl scale */
		{ "{\"spec\":{\"replicas\":1,\"x\":true}}", "{\"spec\":{\"replicas\":4}}",
		  "{\"spec\":{\"replicas\":4,\"x\":true}}" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *doc = pt_json(cases[i][0]), *patch = pt_json(cases[i][1]);
		merge_patch_apply(&doc, patch);
		CHECK_STR(pt_text(doc, 0), pt_canon(cases[i][2], 1));
		cJSON_Delete(doc);
		cJSON_Delete(patch);
	}
}

TEST(merge_patch_keeps_member_order)
{
	cJSON *doc = pt_json("{\"a\":1,\"b\":{\"x\":1},\"c\":3}");
	cJSON *patch = pt_json("{\"a\":2,\"b\":{\"y\":2},\"d\":4}");
	merge_patch_apply(&doc, patch);
	char *s = cJSON_PrintUnformatted(doc);
	CHECK_STR(s, "{\"a\":2,\"b\":{\"x\":1,\"y\":2},\"c\":3,\"d\":4}");
	cJSON_free(s);
	cJSON_Delete(doc);
	cJSON_Delete(patch);
}

/* Applies a JSON patch to doc text; returns the result, or "ERR <code>: <message>". */
static const char *jp(const char *doc_text, const char *patch_text)
{
	struct strbuf err = STRBUF_INIT;
	cJSON *doc = pt_json(doc_text), *patch = pt_json(patch_text);
	int rc = json_patch_apply(&doc, patch, &err); /* before reading doc: it may be replaced */
	const char *out = pt_outcome(rc, doc, doc_text, err.buf);
	cJSON_Delete(doc);
	cJSON_Delete(patch);
	strbuf_release(&err);
	return out;
}

TEST(json_patch_operations)
{
	static const char *const cases[][3] = {
		{ "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2}]",
		  "{\"a\":1,\"b\":2}" },
		{ "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a\",\"value\":2}]", "{\"a\":2}" },
		{ "{\"l\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/l/1\",\"value\":9}]",
		  "{\"l\":[1,9,2]}" },
		{ "{\"l\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/l/-\",\"value\":9}]",
		  "{\"l\":[1,2,9]}" },
		{ "{\"l\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/l/2\",\"value\":9}]",
		  "{\"l\":[1,2,9]}" },
		{ "{\"a\":1,\"b\":2}", "[{\"op\":\"remove\",\"path\":\"/a\"}]", "{\"b\":2}" },
		{ "{\"l\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/l/0\"}]", "{\"l\":[2,3]}" },
		{ "{\"a\":{\"b\":1}}", "[{\"op\":\"replace\",\"path\":\"/a/b\",\"value\":[1]}]",
		  "{\"a\":{\"b\":[1]}}" },
		{ "{\"l\":[1,2]}", "[{\"op\":\"replace\",\"path\":\"/l/1\",\"value\":5}]",
		  "{\"l\":[1,5]}" },
		{ "{\"a\":{\"b\":1},\"c\":{}}",
		  "[{\"op\":\"move\",\"from\":\"/a/b\",\"path\":\"/c/d\"}]",
		  "{\"a\":{},\"c\":{\"d\":1}}" },
		{ "{\"l\":[1,2,3]}", "[{\"op\":\"move\",\"from\":\"/l/0\",\"path\":\"/l/-\"}]",
		  "{\"l\":[2,3,1]}" },
		{ "{\"a\":{\"b\":1}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"}]",
		  "{\"a\":{\"b\":1},\"c\":{\"b\":1}}" },
		{ "{\"a\":[1,{\"x\":true}]}",
		  "[{\"op\":\"test\",\"path\":\"/a\",\"value\":[1,{\"x\":true}]}]",
		  "{\"a\":[1,{\"x\":true}]}" },
		{ "{\"a/b\":1,\"m~n\":2}",
		  "[{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":3},"
		  "{\"op\":\"remove\",\"path\":\"/m~0n\"}]",
		  "{\"a/b\":3}" },
		{ "{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":[true]}]", "[true]" },
		{ "{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}]", "{\"a\":1}" },
		{ "{\"a\":1}", "[]", "{\"a\":1}" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_STR(jp(cases[i][0], cases[i][1]), pt_canon(cases[i][2], 2));
}

TEST(json_patch_failures_are_atomic)
{
	static const char *const cases[][3] = {
		{ "{\"a\":1}",
		  "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},"
		  "{\"op\":\"remove\",\"path\":\"/zz\"}]",
		  "ERR 422: remove operation does not apply: doc is missing path: /zz" },
		{ "{\"spec\":{\"replicas\":2}}",
		  "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":3}]",
		  "ERR 422: testing value /spec/replicas failed: test failed" },
		{ "{\"l\":[1]}", "[{\"op\":\"add\",\"path\":\"/l/2\",\"value\":0}]",
		  "ERR 422: add operation does not apply: doc is missing path: /l/2" },
		{ "{\"l\":[1]}", "[{\"op\":\"replace\",\"path\":\"/l/-\",\"value\":0}]",
		  "ERR 422: replace operation does not apply: doc is missing key: /l/-" },
		{ "{\"l\":[1,2]}", "[{\"op\":\"remove\",\"path\":\"/l/01\"}]",
		  "ERR 422: remove operation does not apply: doc is missing path: /l/01" },
		{ "{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":0}]",
		  "ERR 422: replace operation does not apply: doc is missing key: /b" },
		{ "{\"a\":{}}", "[{\"op\":\"add\",\"path\":\"/x/y\",\"value\":0}]",
		  "ERR 422: add operation does not apply: doc is missing path: /x/y" },
		{ "{\"a\":{\"b\":{}}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b/c\"}]",
		  "ERR 422: move operation does not apply: \"from\" /a is a parent of \"path\" "
		  "/a/b/c" },
		{ "{\"a\":1}", "[{\"op\":\"copy\",\"from\":\"/nope\",\"path\":\"/b\"}]",
		  "ERR 422: copy operation does not apply: doc is missing from path: /nope" },
		{ "{\"a\":1}", "[{\"op\":\"frob\",\"path\":\"/a\"}]",
		  "ERR 400: Unexpected kind: frob" },
		{ "{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a\"}]",
		  "ERR 400: add operation 0 has no \"value\"" },
		{ "{\"a\":1}", "[{\"op\":\"move\",\"path\":\"/a\"}]",
		  "ERR 400: move operation 0 has no \"from\"" },
		{ "{\"a\":1}", "[{\"path\":\"/a\"}]",
		  "ERR 400: invalid JSON patch operation 0: \"op\" and \"path\" must be strings" },
		{ "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"a\"}]",
		  "ERR 400: JSON pointer must be empty or start with a \"/\": a" },
		{ "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/a~2\"}]",
		  "ERR 400: invalid JSON pointer escape in a~2" },
		{ "{\"a\":1}", "{\"op\":\"remove\",\"path\":\"/a\"}",
		  "ERR 400: a JSON patch must be an array of operations" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_STR(jp(cases[i][0], cases[i][1]), cases[i][2]);
}

TEST(json_patch_rollout_undo)
{
	/* what `kubectl rollout undo` sends */
	const char *doc =
		"{\"metadata\":{\"name\":\"web\",\"annotations\":{\"a\":\"1\",\"b\":\"2\"}},"
		"\"spec\":{\"replicas\":2,\"template\":{\"spec\":{\"containers\":"
		"[{\"name\":\"nginx\",\"image\":\"nginx:1.26\"}]}}}}";
	const char *patch = "[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":{\"spec\":"
			    "{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.25\"}]}}},"
			    "{\"op\":\"replace\",\"path\":\"/metadata/annotations\",\"value\":"
			    "{\"deployment.kubernetes.io/revision\":\"3\"}}]";
	CHECK_STR(jp(doc, patch),
		  pt_canon("{\"metadata\":{\"name\":\"web\",\"annotations\":{"
			   "\"deployment.kubernetes.io/revision\":\"3\"}},\"spec\":{\"replicas\":2,"
			   "\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
			   "\"image\":\"nginx:1.25\"}]}}}}",
			   1));
}

TEST(json_patch_operation_limit)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addch(&sb, '[');
	for (int i = 0; i <= 10000; i++)
		strbuf_addstr(&sb, i ? ",{\"op\":\"test\",\"path\":\"\",\"value\":{}}"
				     : "{\"op\":\"test\",\"path\":\"\",\"value\":{}}");
	strbuf_addch(&sb, ']');
	CHECK_STR(jp("{}", sb.buf),
		  "ERR 400: The allowed maximum operations in a JSON patch is 10000, got 10001");
	strbuf_release(&sb);
}

TEST(patch_media_types)
{
	CHECK_INT(patch_type_from_media_type("application/json-patch+json"), PATCH_TYPE_JSON);
	CHECK_INT(patch_type_from_media_type("application/merge-patch+json; charset=utf-8"),
		  PATCH_TYPE_MERGE);
	CHECK_INT(patch_type_from_media_type("application/strategic-merge-patch+json"),
		  PATCH_TYPE_STRATEGIC);
	CHECK_INT(patch_type_from_media_type("Application/Apply-Patch+YAML"), PATCH_TYPE_APPLY);
	CHECK_INT(patch_type_from_media_type("application/json"), PATCH_TYPE_UNKNOWN);
	CHECK_INT(patch_type_from_media_type(NULL), PATCH_TYPE_UNKNOWN);
}
