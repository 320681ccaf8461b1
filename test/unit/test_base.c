/*
 * test_base.c - unit tests for base/: strbuf, hashmap, time, base64, random.
 */
#include "base/base64.h"
#include "base/hashmap.h"
#include "base/random.h"
#include "base/strbuf.h"
#include "base/timeutil.h"
#include "test/ktest.h"

TEST(strbuf_basics)
{
	struct strbuf sb = STRBUF_INIT;
	CHECK_STR(sb.buf, "");
	strbuf_addstr(&sb, "abc");
	strbuf_addf(&sb, "-%d-", 42);
	strbuf_addi64(&sb, -9223372036854775807LL - 1);
	CHECK_STR(sb.buf, "abc-42--9223372036854775808");
	strbuf_reset(&sb);
	strbuf_add_json_str(&sb, "a\"b\\c\n\x01");
	CHECK_STR(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\"");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "{}");
	strbuf_insert(&sb, 1, "\"x\":1", 5);
	CHECK_STR(sb.buf, "{\"x\":1}");
	size_t len;
	char *s = strbuf_detach(&sb, &len);
	CHECK_INT(len, 7);
	CHECK_STR(sb.buf, "");
	free(s);
	s = strbuf_detach(&sb, NULL);
	CHECK_STR(s, "");
	free(s);
}

/* The run JSON copies as is ends at the first '"', '\\' or control byte, at any offset
 * (inside and across the eight-byte steps); bytes >= 0x80 (UTF-8) are plain. */
TEST(str_json_plain_span)
{
	static const char stops[] = { '"', '\\', 0x00, 0x01, 0x1f };
	char buf[40];
	for (size_t s = 0; s < sizeof(stops); s++)
		for (size_t at = 0; at < 24; at++) {
			memset(buf, 'a', sizeof(buf));
			buf[1] = (char)0xc3; /* a UTF-8 lead byte is plain */
			buf[at] = stops[s];
			CHECK_INT(str_json_plain_span(buf, sizeof(buf)), at);
			CHECK_INT(str_json_plain_span(buf, at), at); /* the length bounds the run */
		}
	memset(buf, ' ', sizeof(buf));
	CHECK_INT(str_json_plain_span(buf, sizeof(buf)), sizeof(buf));
	CHECK_INT(str_json_plain_span(buf, 0), 0);
	struct strbuf sb = STRBUF_INIT;
	strbuf_add_json_str(&sb, "0123456789\"abcdefgh\x7f\xc3\xa9");
	CHECK_STR(sb.buf, "\"0123456789\\\"abcdefgh\x7f\xc3\xa9\"");
	strbuf_release(&sb);
}

TEST(hashmap_put_get_remove)
{
	struct hashmap m = HASHMAP_INIT;
	char key[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		CHECK(hashmap_put(&m, key, (void *)(intptr_t)(i + 1)) == NULL);
	}
	CHECK_INT(m.count, 1000);
	for (int i = 0; i < 1000; i += 2) {
		snprintf(key, sizeof(key), "k%d", i);
		CHECK_INT((intptr_t)hashmap_remove(&m, key), i + 1);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		CHECK_INT((intptr_t)hashmap_get(&m, key), i % 2 ? i + 1 : 0);
	}
	CHECK_INT((intptr_t)hashmap_put(&m, "k1", (void *)7), 2);
	size_t pos = 0, n = 0;
	while (hashmap_next(&m, &pos))
		n++;
	CHECK_INT(n, 500);
	hashmap_release(&m, NULL);
}

TEST(time_rfc3339)
{
	int64_t ns = 0;
	CHECK(time_parse_rfc3339("2026-11-25T04:48:19Z", &ns) == 0);
	CHECK_INT(ns, 1795582099LL * K8C_NSEC_PER_SEC);
	CHECK(time_parse_rfc3339("2026-11-25T04:48:19.123Z", &ns) == 0);
	CHECK_INT(ns % K8C_NSEC_PER_SEC, 123000000);
	CHECK(time_parse_rfc3339("2026-11-25T05:48:19+01:00", &ns) == 0);
	CHECK_INT(ns, 1795582099LL * K8C_NSEC_PER_SEC);
	CHECK(time_parse_rfc3339("2026-11-25 04:48:19", &ns) == -EINVAL);
	CHECK(time_parse_rfc3339("yesterday", &ns) == -EINVAL);
	/* int64 nanoseconds end in 2262: later (or before 1678) is refused, never wrapped */
	CHECK(time_parse_rfc3339("2262-01-01T00:00:00Z", &ns) == 0);
	CHECK(time_parse_rfc3339("2326-11-25T04:48:19Z", &ns) == -EINVAL);
	CHECK(time_parse_rfc3339("9999-12-31T23:59:59Z", &ns) == -EINVAL);
	CHECK(time_parse_rfc3339("0001-01-01T00:00:00Z", &ns) == -EINVAL);
	struct strbuf sb = STRBUF_INIT;
	time_format_rfc3339(&sb, 1795582099LL * K8C_NSEC_PER_SEC + 5000);
	CHECK_STR(sb.buf, "2026-11-25T04:48:19Z");
	strbuf_reset(&sb);
	time_format_rfc3339_micro(&sb, 1795582099LL * K8C_NSEC_PER_SEC + 5000);
	CHECK_STR(sb.buf, "2026-11-25T04:48:19.000005Z");
	strbuf_release(&sb);
}

TEST(base64_round_trip)
{
	const char *cases[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	const char *enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		base64_encode(&a, cases[i], strlen(cases[i]));
		CHECK_STR(a.buf, enc[i]);
		CHECK(base64_decode(&b, a.buf) == 0);
		CHECK_STR(b.buf, cases[i]);
		strbuf_release(&a);
		strbuf_release(&b);
	}
	struct strbuf c = STRBUF_INIT;
	CHECK(base64_decode(&c, "Zm9") == -EINVAL);
	CHECK(base64_decode(&c, "Z!==") == -EINVAL);
	strbuf_release(&c);
}

TEST(random_ids)
{
	char a[37], b[37], s[6];
	random_uuid(a);
	random_uuid(b);
	CHECK_INT(strlen(a), 36);
	CHECK(a[14] == '4');
	CHECK(strcmp(a, b) != 0);
	random_name_suffix(s, 5);
	CHECK_INT(strlen(s), 5);
	CHECK(strspn(s, "bcdfghjklmnpqrstvwxz2456789") == 5);
}
