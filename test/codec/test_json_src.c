/*
 * test_json_src.c - the one-pass text decoder (k8c_decode_json) against the
 * cJSON tree decoder it replaced on the request path: for hand-picked corner
 * cases of the JSON grammar and of the typed decode, and for thousands of
 * mutations of real manifests, both must accept the same texts, decode them
 * to the same object and report the same errors, in the same order.
 */
#include <cjson/cJSON.h>

#include "api/codec.h"
#include "api/json_src.h"
#include "api/types.gen.h"
#include "test/ktest.h"

static char *read_fixture(const char *name)
{
	return ktest_read_file("K8C_FIXTURES", name);
}

/* One decode's outcome as text: "BAD", or the errors and the re-encoded object. */
static void outcome(const struct k8c_type *t, void *obj, const struct field_errors *errs,
		    bool bad, struct strbuf *out)
{
	if (bad) {
		strbuf_addstr(out, "BAD");
		return;
	}
	for (size_t i = 0; i < errs->n; i++)
		strbuf_addf(out, "%d|%s|%s\n", errs->items[i].type, errs->items[i].field,
			    errs->items[i].detail);
	k8c_encode(t, obj, out);
}

static void via_tree(const struct k8c_type *t, const char *text, size_t len, unsigned flags,
		     struct strbuf *out)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, false);
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, t->size);
	if (j)
		k8c_decode(t, j, obj, flags, "", &errs);
	outcome(t, obj, &errs, !j, out);
	k8c_free(t, obj);
	field_errors_release(&errs);
	cJSON_Delete(j);
}

static void via_text(const struct k8c_type *t, const char *text, size_t len, unsigned flags,
		     struct strbuf *out)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, t->size);
	size_t at = 0;
	int r = k8c_decode_json(t, text, len, obj, flags, &errs, &at);
	if (r == -EBADMSG && (errs.n != 1 || at > len))
		ktest_fail(__FILE__, __LINE__, "malformed: %zu errors, offset %zu", errs.n, at);
	outcome(t, obj, &errs, r == -EBADMSG, out);
	k8c_free(t, obj);
	field_errors_release(&errs);
}

static int mismatches;

static void check_same(const struct k8c_type *t, const char *text, size_t len)
{
	for (unsigned flags = 0; flags <= K8C_DECODE_STRICT; flags++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		via_tree(t, text, len, flags, &a);
		via_text(t, text, len, flags, &b);
		if (strcmp(a.buf, b.buf) && mismatches++ < 5)
			ktest_fail(__FILE__, __LINE__, "decoders differ on %.*s\ntree: %s\ntext: %s",
				   (int)len, text, a.buf, b.buf);
		strbuf_release(&a);
		strbuf_release(&b);
	}
}

static void check_str(const struct k8c_type *t, const char *text)
{
	check_same(t, text, strlen(text));
}

TEST(grammar_corners)
{
	static const char *const texts[] = {
		"", " ", "{", "}", "{}", " \t\r\n{} ", "\x01{}\x02", "{} trailing", "{}}", "[]", "[1",
		"\"x\"", "12", "-", "null", "true", "nul", "\xEF\xBB\xBF{}", "\xEF\xBB\xBF",
		"{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", "{\"kind\"  :  \"Pod\" }",
		"{'kind':'Pod'}", "{\"kind\":\"Pod\",}", "{\"kind\":\"Po\\d\"}", "{\"kind\":\"P\\",
		"{\"kind\":\"P\\\"\"}", "{\"kind\":\"\\u0050od\"}", "{\"kind\":\"\\u00e9\\u4e2d\"}",
		"{\"kind\":\"\\ud83d\\ude00\"}", "{\"kind\":\"\\ud83d\"}", "{\"kind\":\"\\ude00x\"}",
		"{\"kind\":\"\\ud83dx\\ude00\"}", "{\"kind\":\"\\uZZZZ tail\"}", "{\"kind\":\"\\u12\"}",
		"{\"kind\":\"a\\u0000b\"}", "{\"ki\\u0000x\":\"Pod\"}", "{\"kind\":\"\x01\x7f\xff\"}",
		"{\"kind\":\"\\/\\b\\f\\n\\r\\t\\\\\"}", "{\"kind\":nullx}", "{\"kind\":truefalse}",
		"{\"metadata\":{\"generation\":1.0}}", "{\"metadata\":{\"generation\":01}}",
		"{\"metadata\":{\"generation\":+1}}", "{\"metadata\":{\"generation\":1e3}}",
		"{\"metadata\":{\"generation\":1E+3}}", "{\"metadata\":{\"generation\":1.2.3}}",
		"{\"metadata\":{\"generation\":-}}", "{\"metadata\":{\"generation\":1e}}",
		"{\"metadata\":{\"generation\":0x10}}", "{\"metadata\":{\"generation\":-0}}",
		"{\"metadata\":{\"generation\":1.5}}", "{\"metadata\":{\"generation\":9e18}}",
		"{\"metadata\":{\"generation\":1e400}}", "{\"metadata\":{\"generation\":\"1\"}}",
		/* the plain-integer fast path: at and past 15 digits, signs, leading zeros */
		"{\"metadata\":{\"generation\":999999999999999}}",
		"{\"metadata\":{\"generation\":9007199254740993}}",
		"{\"metadata\":{\"generation\":-123456789012345}}",
		"{\"metadata\":{\"generation\":-0012}}", "{\"metadata\":{\"generation\":12-3}}",
		"{\"spec\":{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":-1}]}]}}",
		"{\"metadata\":{\"generation\":1234567890123456789012345678901234567890123456789012345"
		"678901234567890}}",
		"{\"metadata\":{\"labels\":{\"a\":\"1\",\"a\":\"2\",\"b\":null,\"c\":3,\"d\":\"4\"}}}",
		"{\"metadata\":{\"labels\":[1]},\"spec\":{\"nodeName\":5}}",
		"{\"metadata\":{\"name\":\"a\",\"name\":null}}", "{\"metadata\":null,\"spec\":[]}",
		"{\"metadata\":{\"finalizers\":[\"a\",null,1,\"b\"]}}",
		"{\"metadata\":{\"creationTimestamp\":\"\",\"deletionTimestamp\":\"nope\"}}",
		"{\"metadata\":{\"creationTimestamp\":5}}",
		"{\"metadata\":{\"managedFields\":[{\"manager\":\"kubectl\",\"fieldsV1\":{\"f:spec\":"
		"{\"f:x\":{},\"k:{\\\"a\\\":1}\":[1,2.5,true,null,\"s\"]}}},{\"fieldsV1\":\"str\"},"
		"{\"fieldsV1\":[1,{\"a\":[]}]},{\"fieldsV1\":{\"bad\":}}]}}",
		"{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{\"containerPort\":\"80\"}],"
		"\"resources\":{\"limits\":{\"cpu\":1.5,\"memory\":1e3,\"x\":true}},"
		"\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"},\"tcpSocket\":{\"port\":1.5}}},"
		"null,5,{\"bogus\":1,\"name\":\"d\"}],\"unknown\":{\"deep\":[{}]}}}",
		"{\"spec\":{\"securityContext\":{\"supplementalGroups\":[1,2,\"3\",4.5,null]},"
		"\"hostNetwork\":1,\"priority\":2147483648,\"activeDeadlineSeconds\":-5}}",
		"{\"status\":{\"startTime\":\"2026-01-02T03:04:05Z\",\"conditions\":[{\"type\":\"Ready\","
		"\"lastTransitionTime\":\"2026-01-02T03:04:05.123456Z\"}]}}",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
		check_str(&k8c_type_pod, texts[i]);
	/* a length that stops before the NUL, and bytes after it that must not be read */
	check_same(&k8c_type_pod, "{\"kind\":\"Pod\"}garbage", 14);
	check_same(&k8c_type_pod, "{\"kind\":\"Pod\"}", 13);
	check_same(&k8c_type_pod, "{\"kind\":\"Pod\\", 12);
}

TEST(nesting_limit)
{
	for (size_t depth = 990; depth <= 1002; depth += 3) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, "{\"spec\":{\"x\":");
		for (size_t i = 2; i < depth; i++)
			strbuf_addstr(&sb, i % 2 ? "{\"a\":" : "[");
		strbuf_addch(&sb, '1');
		for (size_t i = depth; i-- > 2;)
			strbuf_addch(&sb, i % 2 ? '}' : ']');
		strbuf_addstr(&sb, "}}");
		check_same(&k8c_type_pod, sb.buf, sb.len);
		strbuf_release(&sb);
	}
}

/* A small deterministic generator, so a failure can be replayed. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void mutate(const char *text, size_t len, uint64_t *seed, struct strbuf *out)
{
	static const char pieces[] = "{}[]\",:\\ 0123456789.-+eEtrufalsn\x01\xff";
	strbuf_add(out, text, len);
	for (int edits = 1 + (int)(next_rand(seed) % 3); edits > 0 && out->len; edits--) {
		size_t at = next_rand(seed) % out->len;
		char c = pieces[next_rand(seed) % (sizeof(pieces) - 1)];
		switch (next_rand(seed) % 4) {
		case 0: memmove(out->buf + at, out->buf + at + 1, out->len - at); out->len--; break;
		case 1: strbuf_insert(out, at, &c, 1); break;
		case 2: out->buf[at] = c; break;
		default: strbuf_setlen(out, at);
		}
	}
}

static void check_mutations(const struct k8c_type *t, const char *fixture, int rounds)
{
	_cleanup_free_ char *text = read_fixture(fixture);
	REQUIRE(text);
	size_t len = strlen(text);
	check_same(t, text, len);
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < rounds; i++) {
		struct strbuf m = STRBUF_INIT;
		mutate(text, len, &seed, &m);
		check_same(t, m.buf, m.len);
		strbuf_release(&m);
	}
}

TEST(mutated_manifests)
{
	check_mutations(&k8c_type_pod, "rich-pod.json", 3000);
	check_mutations(&k8c_type_deployment, "rich-deployment.json", 3000);
}

TEST(tree_cursor_on_built_trees)
{
	/* trees built in code (patch results) may hold what no parse makes: a NULL tree */
	struct field_errors errs = FIELD_ERRORS_INIT;
	struct k8c_pod p = { 0 };
	CHECK(k8c_decode(&k8c_type_pod, NULL, &p, 0, "", &errs) == -EINVAL);
	REQUIRE(errs.n == 1);
	CHECK_STR(errs.items[0].detail, "cannot unmarshal object into Go value of type Pod");
	field_errors_release(&errs);
	k8c_release(&k8c_type_pod, &p);
}

TEST(null_list_elements_are_zero_values)
{
	/* Go decodes null into a []string element as ""; a NULL element once crashed the encoder */
	const char *text = "{\"spec\":{\"containers\":[{\"name\":\"c\",\"args\":[null,\"x\"]}]}}";
	struct field_errors errs = FIELD_ERRORS_INIT;
	struct k8c_pod p = { 0 };
	CHECK(k8c_decode_json(&k8c_type_pod, text, strlen(text), &p, 0, &errs, NULL) == 0);
	REQUIRE(p.spec.n_containers == 1 && p.spec.containers[0].n_args == 2);
	CHECK_STR(p.spec.containers[0].args[0], "");
	struct strbuf out = STRBUF_INIT;
	k8c_encode(&k8c_type_pod, &p, &out);
	CHECK(strstr(out.buf, "\"args\":[\"\",\"x\"]"));
	strbuf_release(&out);
	field_errors_release(&errs);
	k8c_release(&k8c_type_pod, &p);
}

/* k8c_equal() must say exactly what comparing the two encodings says. */
static void check_equal_as_encoded(const struct k8c_type *t, const void *a, const void *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	k8c_encode(t, a, &x);
	k8c_encode(t, b, &y);
	bool same = !strcmp(x.buf, y.buf);
	if (k8c_equal(t, a, b) != same || k8c_equal(t, b, a) != same)
		ktest_fail(__FILE__, __LINE__, "k8c_equal says %d for\n%s\n%s", !same, x.buf, y.buf);
	strbuf_release(&x);
	strbuf_release(&y);
}

static void *decode_or_null(const struct k8c_type *t, const char *text, size_t len)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, t->size);
	int r = k8c_decode_json(t, text, len, obj, 0, &errs, NULL);
	field_errors_release(&errs);
	if (r == -EBADMSG || r == -ENOMSG) {
		k8c_free(t, obj);
		return NULL;
	}
	return obj;
}

TEST(equal_matches_encoding)
{
	static const char *const pairs[][2] = {
		/* same second, different nanoseconds; micro times to the microsecond */
		{ "{\"metadata\":{\"creationTimestamp\":\"2026-01-02T03:04:05.1Z\"}}",
		  "{\"metadata\":{\"creationTimestamp\":\"2026-01-02T03:04:05.9Z\"}}" },
		{ "{\"metadata\":{\"creationTimestamp\":\"1960-01-02T03:04:05.1Z\"}}",
		  "{\"metadata\":{\"creationTimestamp\":\"1960-01-02T03:04:05.9Z\"}}" },
		{ "{\"metadata\":{\"creationTimestamp\":\"1960-01-02T03:04:05Z\"}}",
		  "{\"metadata\":{\"creationTimestamp\":\"1960-01-02T03:04:04.9Z\"}}" },
		/* a required field absent on one side and zero on the other */
		{ "{\"status\":{\"containerStatuses\":[{\"name\":\"c\"}]}}",
		  "{\"status\":{\"containerStatuses\":[{\"name\":\"c\",\"ready\":false,\"image\":\"\"}]}}" },
		{ "{\"status\":{\"containerStatuses\":[{\"name\":\"c\"}]}}",
		  "{\"status\":{\"containerStatuses\":[{\"name\":\"c\",\"restartCount\":1}]}}" },
		{ "{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{\"containerPort\":0}]}]}}",
		  "{\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":[{}]}]}}" },
		{ "{\"spec\":{\"containers\":[{\"name\":\"c\",\"args\":[null]}]}}",
		  "{\"spec\":{\"containers\":[{\"name\":\"c\",\"args\":[\"\"]}]}}" },
		{ "{\"spec\":{\"containers\":[{\"name\":\"c\",\"livenessProbe\":{\"httpGet\":{\"port\":80}}}]}}",
		  "{\"spec\":{\"containers\":[{\"name\":\"c\",\"livenessProbe\":{\"httpGet\":{\"port\":\"80\"}}}]}}" },
		{ "{\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"f:a\":{}}}]}}",
		  "{\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"f:a\":{} }}]}}" },
		{ "{\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"f:a\":{}}}]}}",
		  "{\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"f:b\":{}}}]}}" },
		{ "{\"spec\":{\"nodeSelector\":{\"a\":\"1\"}}}", "{\"spec\":{\"nodeSelector\":{\"a\":\"2\"}}}" },
		{ "{\"spec\":{\"hostNetwork\":false}}", "{\"spec\":{}}" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
		void *a = decode_or_null(&k8c_type_pod, pairs[i][0], strlen(pairs[i][0]));
		void *b = decode_or_null(&k8c_type_pod, pairs[i][1], strlen(pairs[i][1]));
		REQUIRE(a && b);
		check_equal_as_encoded(&k8c_type_pod, a, b);
		k8c_free(&k8c_type_pod, a);
		k8c_free(&k8c_type_pod, b);
	}
	/* and the rich pod against its mutations that still decode */
	_cleanup_free_ char *text = read_fixture("rich-pod.json");
	REQUIRE(text);
	void *orig = decode_or_null(&k8c_type_pod, text, strlen(text));
	REQUIRE(orig);
	uint64_t seed = 12345;
	for (int i = 0; i < 2000; i++) {
		struct strbuf m = STRBUF_INIT;
		mutate(text, strlen(text), &seed, &m);
		void *other = decode_or_null(&k8c_type_pod, m.buf, m.len);
		if (other) {
			check_equal_as_encoded(&k8c_type_pod, orig, other);
			void *copy = k8c_dup(&k8c_type_pod, other);
			check_equal_as_encoded(&k8c_type_pod, copy, other);
			k8c_free(&k8c_type_pod, copy);
		}
		k8c_free(&k8c_type_pod, other);
		strbuf_release(&m);
	}
	k8c_free(&k8c_type_pod, orig);
}
