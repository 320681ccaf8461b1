/*
 * test_quantity.c - unit tests for api/resource/quantity: parsing every form
 * Kubernetes accepts (vectors from apimachinery's own tests), rejection of
 * malformed text, canonical formatting, integer views, comparison and the
 * JSON-number helper.
 */
#include <math.h>

#include "api/resource/quantity.h"
#include "test/ktest.h"

/* Canonical text of in, or "ERR<rc>" when it does not parse. */
static const char *canon(const char *in)
{
	static struct strbuf sb = STRBUF_INIT;
	strbuf_reset(&sb);
	int rc = quantity_canonicalize(in, &sb);
	if (rc < 0)
		strbuf_addf(&sb, "ERR%d", rc);
	return sb.buf;
}

static struct quantity q(const char *in)
{
	struct quantity r = { 0 };
	if (quantity_parse(in, &r) < 0)
		ktest_fail(__FILE__, __LINE__, "cannot parse %s", in);
	return r;
}

TEST(parse_and_canonical_forms)
{
	static const char *const cases[][2] = {
		{ "500m", "500m" },
		{ "128Mi", "128Mi" },
		{ "1G", "1G" },
		{ "1e3", "1e3" },
		{ "1E3", "1e3" },
		{ "0.5", "500m" },
		{ "+1", "1" },
		{ "-2", "-2" },
		{ ".5", "500m" },
		{ "1.5Gi", "1536Mi" },
		{ "100k", "100k" },
		{ "5n", "5n" },
		{ "3u", "3u" },
		{ "1000m", "1" },
		{ "1024Mi", "1Gi" },
		{ "1.5", "1500m" },
		{ "1000M", "1G" },
		{ ".001Ki", "1024m" },
		{ ".000001Ki", "1024u" },
		{ ".000000001Ki", "1024n" },
		{ ".000000000001Ki", "2n" },
		{ "-.001Ki", "-1024m" },
		{ "0", "0" },
		{ "0Mi", "0" },
		{ "-0", "0" },
		{ "0.0", "0" },
		{ "50k", "50k" },
		{ "40T", "40T" },
		{ "1.01E", "1010P" },
		{ "12E", "12E" },
		{ "100.035k", "100035" },
		{ "0.0005k", "500m" },
		{ "3.001n", "4n" },
		{ "1.1E-9", "2e-9" },
		{ "0.00000012345", "124n" },
		{ "9Ei", "9223372036854775807" },
		{ "8Ei", "9223372036854775807" },
		{ "7Ei", "7Ei" },
		{ "100.035Ki", "102435840m" },
		{ "0.5Mi", "512Ki" },
		{ "0.05Gi", "53687091200m" },
		{ "1.G", "1G" },
		{ "1.", "1" },
		{ "1e+3", "1e3" },
		{ "1.3E+6", "1300e3" },
		{ "1234567M", "1234567M" },
		{ "1080n", "1080n" },
		{ "5000m", "5" },
		{ "-1Gi", "-1Gi" },
		{ "1Ki", "1Ki" },
		{ "1025", "1025" },
		{ "1e100", "10e99" },
		{ "80e-3", "80e-3" },
		{ "0.001e0", "1e-3" },
		{ ".001e12", "1e9" },
		{ "1000e-12", "1e-9" },
		{ "1e-100", "1e-9" },
		{ "1000E", "1e21" },
		{ "0.9n", "1n" },
		{ "-0.9n", "-1n" },
		{ "6.987654321G", "6987654321" },
		{ "1.53E12", "1530e9" },
		{ "007", "7" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_STR(canon(cases[i][0]), cases[i][1]);
}

TEST(formats_are_kept)
{
	CHECK_INT(q("1Ki").format, QUANTITY_BINARY_SI);
	CHECK_INT(q("1e3").format, QUANTITY_DECIMAL_EXPONENT);
	CHECK_INT(q("1E").format, QUANTITY_DECIMAL_SI);
	CHECK_INT(q("5").format, QUANTITY_DECIMAL_SI);
	/* a binary amount below 1 becomes decimal, as upstream */
	CHECK_INT(q("0.000000000001Ki").format, QUANTITY_DECIMAL_SI);
	CHECK_INT(q("0.5Ki").format, QUANTITY_BINARY_SI);
	CHECK_STR(canon("0.5Ki"), "512");
}

TEST(rejects_malformed)
{
	static const char *const bad[] = {
		"",	 "1.2.3",  "Mi",    "5 Mi",  "1ZZ",  " 1",   "1 ",
		"1.1.M", "1+1.0M", "0.1am", "aoeu",  "1..5", "++1",  "1,5",
		"0x10",	 "Inf",	   "NaN",   "-",     "+",    ".",    "1KiB",
		"1e3k",	 "1E3Ki",  "1e+-3", "1e1.5", "1Zi",  "1 Ki", "\xc2\xb5",
	};
	struct quantity r = { .mant = 42 };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (quantity_parse(bad[i], &r) != -EINVAL)
			ktest_fail(__FILE__, __LINE__, "'%s' not rejected as malformed", bad[i]);
	}
	CHECK(r.mant == 42); /* untouched on failure */
	static const char *const bad_suffix[] = { "1i",	 ".5i",	    "-3.01i", "0.1mi", "1e",
						  "1e+", "-3.01e-", "1ki",    "1-" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_suffix); i++)
		CHECK_INT(quantity_parse(bad_suffix[i], &r), -EILSEQ);
	CHECK_INT(quantity_parse("1e999999999", &r), -ERANGE);
	CHECK_INT(quantity_parse("1234567890123456789012345678901234567", &r), -ERANGE);
	CHECK_INT(quantity_parse("123456789012345678901234567890123456", &r), 0);
	CHECK_STR(quantity_strerror(-EINVAL), "quantities must match the regular expression "
					      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	CHECK_STR(quantity_strerror(-EILSEQ), "unable to parse quantity's suffix");
}

static int64_t milli(const char *in)
{
	struct quantity x = q(in);
	int64_t v = INT64_MIN;
	CHECK_INT(quantity_milli_value(&x, &v), 0);
	return v;
}

static int64_t units(const char *in)
{
	struct quantity x = q(in);
	int64_t v = INT64_MIN;
	CHECK_INT(quantity_value(&x, &v), 0);
	return v;
}

TEST(integer_views)
{
	CHECK_INT(milli("1"), 1000);
	CHECK_INT(milli("500m"), 500);
	CHECK_INT(milli("0.5"), 500);
	CHECK_INT(milli("1e3"), 1000000);
	CHECK_INT(milli("0.1m"), 1);
	CHECK_INT(milli("-0.1m"), -1);
	CHECK_INT(milli("2.5u"), 1);
	CHECK_INT(units("128Mi"), 134217728);
	CHECK_INT(units("1G"), 1000000000);
	CHECK_INT(units("1.5"), 2);
	CHECK_INT(units("100m"), 1);
	CHECK_INT(units("-100m"), -1);
	CHECK_INT(units("1Ei"), 1152921504606846976LL);
	CHECK_INT(units("9223372036854775807"), INT64_MAX);
	CHECK_INT(units("1e-100"), 1);
	struct quantity x = q("1e19");
	int64_t v = 7;
	CHECK_INT(quantity_value(&x, &v), -ERANGE);
	x = q("9223372036854775807");
	CHECK_INT(quantity_milli_value(&x, &v), -ERANGE);
	x = q("1e100");
	CHECK_INT(quantity_milli_value(&x, &v), -ERANGE);
	CHECK_INT(v, 7);
	x = q("5n");
	CHECK_INT(quantity_scaled_value(&x, -9, &v), 0);
	CHECK_INT(v, 5);
}

static int cmp(const char *a, const char *b)
{
	struct quantity x = q(a), y = q(b);
	return quantity_cmp(&x, &y);
}

TEST(compare)
{
	CHECK_INT(cmp("0", "0"), 0);
	CHECK_INT(cmp("100m", "50m"), 1);
	CHECK_INT(cmp("50m", "100m"), -1);
	CHECK_INT(cmp("10000T", "100Gi"), 1);
	CHECK_INT(cmp("1", "1000m"), 0);
	CHECK_INT(cmp("1Ki", "1024"), 0);
	CHECK_INT(cmp("1e3", "1k"), 0);
	CHECK_INT(cmp("-1", "0"), -1);
	CHECK_INT(cmp("-1", "-2"), 1);
	CHECK_INT(cmp("1e100", "9Ei"), 1);
	CHECK_INT(cmp("-1e100", "1n"), -1);
	CHECK_INT(cmp("1n", "1u"), -1);
	CHECK_INT(cmp("123456789012345678901234567890123456", "1e36"), -1);
	struct quantity x = q("-5");
	CHECK_INT(quantity_sign(&x), -1);
}

TEST(set_scaled)
{
	struct quantity x;
	struct strbuf sb = STRBUF_INIT;
	quantity_set_scaled(&x, 1500, -3, QUANTITY_DECIMAL_SI);
	quantity_format(&x, &sb);
	CHECK_STR(sb.buf, "1500m");
	strbuf_reset(&sb);
	quantity_set_scaled(&x, 1, -12, QUANTITY_DECIMAL_SI);
	quantity_format(&x, &sb);
	CHECK_STR(sb.buf, "1n");
	strbuf_reset(&sb);
	quantity_set_scaled(&x, 8LL << 30, 0, QUANTITY_BINARY_SI);
	quantity_format(&x, &sb);
	CHECK_STR(sb.buf, "8Gi");
	strbuf_reset(&sb);
	quantity_set_scaled(&x, INT64_MIN, 0, QUANTITY_DECIMAL_SI);
	quantity_format(&x, &sb);
	CHECK_STR(sb.buf, "-9223372036854775808");
	strbuf_reset(&sb);
	quantity_set_scaled(&x, 0, 6, QUANTITY_BINARY_SI);
	quantity_format(&x, &sb);
	CHECK_STR(sb.buf, "0");
	strbuf_release(&sb);
}

static const char *from_double(double v)
{
	static struct strbuf sb = STRBUF_INIT;
	strbuf_reset(&sb);
	if (quantity_text_from_double(v, &sb) < 0)
		strbuf_addstr(&sb, "ERR");
	return sb.buf;
}

TEST(json_numbers)
{
	CHECK_STR(from_double(0.5), "0.5");
	CHECK_STR(from_double(1), "1");
	CHECK_STR(from_double(1e3), "1000");
	CHECK_STR(from_double(0), "0");
	CHECK_STR(from_double(-2.5), "-2.5");
	CHECK_STR(from_double(0.1), "0.1");
	CHECK_STR(from_double(123456789), "123456789");
	CHECK_STR(from_double(1.5e-6), "0.0000015");
	CHECK_STR(from_double(1e20), "100000000000000000000");
	CHECK_STR(from_double(1e21), "1e+21");
	CHECK_STR(from_double(1.25e22), "1.25e+22");
	CHECK_STR(from_double(1e-7), "1e-7");
	CHECK_STR(from_double(-3.5e-10), "-3.5e-10");
	CHECK_STR(from_double(NAN), "ERR");
	CHECK_STR(from_double(INFINITY), "ERR");
	/* every such text is a quantity */
	static const double vals[] = { 0.5, 1e21, 1e-7, -2.5, 1.25e22, 0.1 };
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++) {
		struct quantity x;
		CHECK_INT(quantity_parse(from_double(vals[i]), &x), 0);
	}
	CHECK_STR(canon(from_double(0.5)), "500m");
	CHECK_STR(canon(from_double(1e21)), "1e21");
}

/* Sum of a and b as canonical text (the format of the first non-zero term). */
static const char *sum(const char *a, const char *b)
{
	static struct strbuf sb = STRBUF_INIT;
	struct quantity x = q(a), y = q(b);
	strbuf_reset(&sb);
	int rc = quantity_add(&x, &y);
	if (rc < 0)
		strbuf_addf(&sb, "ERR%d", rc);
	else
		quantity_format(&x, &sb);
	return sb.buf;
}

TEST(add)
{
	CHECK_STR(sum("100m", "250m"), "350m");
	CHECK_STR(sum("1", "500m"), "1500m");
	CHECK_STR(sum("64Mi", "64Mi"), "128Mi");
	CHECK_STR(sum("0", "64Mi"), "64Mi");
	CHECK_STR(sum("1Gi", "1"), "1073741825");
	CHECK_STR(sum("1", "-1"), "0");
	CHECK_STR(sum("1e30", "1n"), "ERR-34");
}
