/*
 * test_parsers_robust.c - deterministic mutation tests of the text parsers
 * that take outside input (label selectors, field selectors, quantities,
 * patches): thousands of inputs derived from valid ones by byte edits with
 * a fixed seed. None may crash or leak (the sanitizer build runs this too),
 * and whatever parses must print to text that parses to a stable form.
 */
#include "api/patch/patch.h"
#include "api/resource/quantity.h"
#include "api/selector/fields.h"
#include "api/selector/labels.h"
#include "test/ktest.h"

#define ROUNDS 3000

static uint32_t rng = 2463534242u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* One to three random edits (delete, insert, replace a byte) of in, into out. */
static void mutate(const char *in, struct strbuf *out)
{
	static const char alphabet[] = "=!(),<>aZ09.-_/\\ \t~$eEimKk+\"{}[]:";
	strbuf_reset(out);
	strbuf_addstr(out, in);
	for (uint32_t edits = 1 + next() % 3; edits; edits--) {
		size_t pos = out->len ? next() % (out->len + 1) : 0;
		char c = alphabet[next() % (sizeof(alphabet) - 1)];
		switch (next() % 3) {
		case 0:
			if (pos < out->len) {
				memmove(out->buf + pos, out->buf + pos + 1, out->len - pos);
				out->len--;
			}
			break;
		case 1:
			strbuf_insert(out, pos, &c, 1);
			break;
		default:
			if (pos < out->len)
				out->buf[pos] = c;
		}
	}
}

/* Parses and prints text with one of the parsers; 0 on success. */
typedef int (*roundtrip_fn)(const char *text, struct strbuf *out);

static int labels_rt(const char *text, struct strbuf *out)
{
	struct label_selector sel;
	int rc = label_selector_parse(text, &sel, out);
	strbuf_reset(out);
	if (rc == 0) {
		label_selector_format(&sel, out);
		label_selector_release(&sel);
	}
	return rc;
}

static int fields_rt(const char *text, struct strbuf *out)
{
	struct field_selector sel;
	int rc = field_selector_parse(text, &sel, out);
	strbuf_reset(out);
	if (rc == 0) {
		field_selector_format(&sel, out);
		field_selector_release(&sel);
	}
	return rc;
}

static int quantity_rt(const char *text, struct strbuf *out)
{
	strbuf_reset(out);
	return quantity_canonicalize(text, out);
}

/* Mutates the corpus; checks that printed forms parse and settle after one more round. */
static int fuzz(roundtrip_fn fn, const char *const *corpus, size_t n)
{
	struct strbuf in = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	int parsed = 0;
	for (int i = 0; i < ROUNDS; i++) {
		mutate(corpus[i % n], &in);
		if (fn(in.buf, &a) < 0)
			continue;
		parsed++;
		if (fn(a.buf, &b) < 0 || fn(b.buf, &c) < 0 || strcmp(b.buf, c.buf))
			ktest_fail(__FILE__, __LINE__, "'%s' -> '%s' -> '%s' -> '%s'", in.buf,
				   a.buf, b.buf, c.buf);
	}
	strbuf_release(&in);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	return parsed;
}

TEST(label_selectors)
{
	static const char *const corpus[] = {
		"a=b",	   "a in (x,y)",       "!a,b", "a notin (x),b!=c", "k8s.io/app==web",
		"a>5,b<7", "x in (foo,,baz),y"
	};
	CHECK(fuzz(labels_rt, corpus, ARRAY_SIZE(corpus)) > ROUNDS / 10);
}

TEST(field_selectors)
{
	static const char *const corpus[] = { "metadata.name=web", "a!=b\\,c",
					      "x==y,z=", "spec.nodeName=n1,status.phase!=Running" };
	CHECK(fuzz(fields_rt, corpus, ARRAY_SIZE(corpus)) > ROUNDS / 10);
}

TEST(quantities)
{
	static const char *const corpus[] = { "500m", "1.5Gi", "1e3",	      "-0.001Ki", ".5",
					      "9Ei",  "100k",  "0.000000001", "12E",	  "+7Mi" };
	CHECK(fuzz(quantity_rt, corpus, ARRAY_SIZE(corpus)) > ROUNDS / 10);
}

TEST(patches)
{
	static const char *const docs[] = {
		"{\"a\":{\"b\":[1,2]},\"l\":[{\"name\":\"x\"}]}",
		"[{\"op\":\"add\",\"path\":\"/a/b/-\",\"value\":3}]",
		"{\"l\":[{\"$patch\":\"delete\",\"name\":\"x\"}],\"$setElementOrder/l\":[]}",
	};
	struct strbuf in = STRBUF_INIT;
	int parsed = 0;
	for (int i = 0; i < ROUNDS; i++) {
		mutate(docs[i % ARRAY_SIZE(docs)], &in);
		cJSON *patch = cJSON_Parse(in.buf), *doc = cJSON_Parse(docs[0]);
		if (patch && doc) {
			parsed++;
			merge_patch_apply(&doc, patch);
			json_patch_apply(&doc, patch, NULL);
			strategic_patch_apply(&doc, patch, NULL, NULL);
		}
		cJSON_Delete(patch);
		cJSON_Delete(doc);
	}
	CHECK(parsed > 0);
	strbuf_release(&in);
}
