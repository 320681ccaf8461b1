/*
 * test_selector.c - unit tests for api/selector: label selector parsing
 * (every operator, whitespace, Kubernetes' error texts), building from
 * matchLabels / matchExpressions, matching, canonical text, metav1
 * validation; field selector parsing, escaping, matching and the queries the
 * API server makes.
 */
#include "api/selector/fields.h"
#include "api/selector/labels.h"
#include "test/ktest.h"

/* Canonical text of a parsed label (or field) selector, or "ERR: <message>". */
static const char *roundtrip(bool labels, const char *text)
{
	static struct strbuf sb = STRBUF_INIT;
	struct label_selector ls;
	struct field_selector fs;
	strbuf_reset(&sb);
	int rc = labels ? label_selector_parse(text, &ls, &sb)
			: field_selector_parse(text, &fs, &sb);
	if (rc < 0) {
		strbuf_insert(&sb, 0, "ERR: ", 5);
	} else if (labels) {
		label_selector_format(&ls, &sb);
		label_selector_release(&ls);
	} else {
		field_selector_format(&fs, &sb);
		field_selector_release(&fs);
	}
	return sb.buf;
}

static const char *reparse(const char *text)
{
	return roundtrip(true, text);
}

static const char *fparse(const char *text)
{
	return roundtrip(false, text);
}

TEST(label_parse_forms)
{
	static const char *const cases[][2] = {
		{ "", "" },
		{ "a=b", "a=b" },
		{ "a==b", "a==b" },
		{ "a!=b", "a!=b" },
		{ "a in (x,y)", "a in (x,y)" },
		{ "a in (y, x, y)", "a in (x,y)" },
		{ "a notin (x)", "a notin (x)" },
		{ "a", "a" },
		{ "!a", "!a" },
		{ "  tier in ( a , b ) ,  app = web ,!canary  ", "app=web,!canary,tier in (a,b)" },
		{ "x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()" },
		{ "a=", "a=" },
		{ "a>5,b<3", "a>5,b<3" },
		{ "in in (in, notin)", "in in (in,notin)" },
		{ "app.kubernetes.io/name=web", "app.kubernetes.io/name=web" },
		{ "a=b\tc", "ERR: found 'c', expected: ',' or 'end of string'" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_STR(reparse(cases[i][0]), cases[i][1]);
}

TEST(label_parse_errors)
{
	static const char *const cases[][2] = {
		{ "a b", "ERR: unable to parse requirement: found 'b', expected: in, "
			 "notin, =, ==, !=, gt, lt" },
		{ "a in x", "ERR: unable to parse requirement: found 'x' expected: '('" },
		{ "a in (x", "ERR: unable to parse requirement: found '', expected: ',' or ')'" },
		{ "a in (=)",
		  "ERR: unable to parse requirement: found '=', expected: ',', ')' or identifier" },
		{ "a,", "ERR: found '', expected: identifier after ','" },
		{ "a=b c", "ERR: found 'c', expected: ',' or 'end of string'" },
		{ "=a", "ERR: found '=', expected: !, identifier, or 'end of string'" },
		{ "!=a", "ERR: found '!=', expected: !, identifier, or 'end of string'" },
		{ "a>=5", "ERR: unable to parse requirement: found '=', expected: identifier" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_STR(reparse(cases[i][0]), cases[i][1]);
	CHECK_STR(
		reparse("a>x"),
		"ERR: unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' "
		"operators, the value must be an integer");
	CHECK_STR(
		reparse("-a=b"),
		"ERR: unable to parse requirement: <nil>: Invalid value: \"-a\": name part must "
		"consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
		"an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
		"used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
	CHECK_STR(
		reparse("a=-b"),
		"ERR: unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid "
		"label must be an empty string or consist of alphanumeric characters, '-', '_' or "
		"'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
		"'my_value',  or '12345', regex used for validation is "
		"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	struct label_selector sel = { .n = 99 };
	CHECK_INT(label_selector_parse("a b", &sel, NULL), -EINVAL);
	CHECK_INT(sel.n, 99); /* untouched */
}

static struct k8c_strmap labels2(const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct k8c_strmap m = { 0 };
	if (k1)
		k8c_strmap_set(&m, k1, v1);
	if (k2)
		k8c_strmap_set(&m, k2, v2);
	return m;
}

static bool match(const char *text, const struct k8c_strmap *labels)
{
	struct label_selector sel;
	if (label_selector_parse(text, &sel, NULL) < 0) {
		ktest_fail(__FILE__, __LINE__, "cannot parse %s", text);
		return false;
	}
	bool ok = label_selector_matches(&sel, labels);
	label_selector_release(&sel);
	return ok;
}

TEST(label_matching)
{
	struct k8c_strmap web = labels2("app", "web", "tier", "front");
	struct k8c_strmap none = { 0 };
	CHECK(match("", &web) && match("", &none) && match("", NULL));
	CHECK(match("app=web", &web) && match("app==web", &web) && !match("app=db", &web));
	CHECK(!match("app=web", &none));
	CHECK(match("app!=db", &web) && !match("app!=web", &web) && match("app!=web", &none));
	CHECK(match("tier in (back,front)", &web) && !match("tier in (back)", &web));
	CHECK(!match("tier in (front)", &none));
	CHECK(match("tier notin (back)", &web) && !match("tier notin (front)", &web));
	CHECK(match("tier notin (front)", &none));
	CHECK(match("app", &web) && !match("app", &none));
	CHECK(!match("!app", &web) && match("!app", &none));
	CHECK(match("app=web,tier=front", &web) && !match("app=web,tier=back", &web));
	struct k8c_strmap num = labels2("n", "7", "s", "x");
	CHECK(match("n>5", &num) && !match("n>7", &num) && match("n<8", &num));
	CHECK(!match("s>1", &num) && !match("m<1", &num));
	struct label_selector nothing;
	label_selector_init_nothing(&nothing);
	CHECK(!label_selector_matches(&nothing, &web) && !label_selector_matches(&nothing, &none));
	CHECK(!label_selector_is_everything(&nothing));
	label_selector_release(&nothing);
	k8c_strmap_release(&web);
	k8c_strmap_release(&num);
}

TEST(label_build_from_label_selector)
{
	struct label_selector sel = LABEL_SELECTOR_INIT;
	struct strbuf sb = STRBUF_INIT;
	CHECK(label_selector_is_everything(&sel));
	CHECK_INT(label_selector_add_match_label(&sel, "app", "web", &sb), 0);
	static const char *const tiers[] = { "b", "a" };
	CHECK_INT(label_selector_add(&sel, "tier", "In", tiers, 2, &sb), 0);
	CHECK_INT(label_selector_add(&sel, "canary", "DoesNotExist", NULL, 0, &sb), 0);
	CHECK_INT(label_selector_add(&sel, "env", "Exists", NULL, 0, &sb), 0);
	label_selector_format(&sel, &sb);
	CHECK_STR(sb.buf, "app=web,!canary,env,tier in (a,b)");
	strbuf_reset(&sb);
	const char *v = NULL;
	CHECK(label_selector_exact_match(&sel, "app", &v));
	CHECK_STR(v, "web");
	CHECK(!label_selector_exact_match(&sel, "tier", &v));
	CHECK(!label_selector_exact_match(&sel, "nope", &v));
	struct k8c_strmap l = labels2("app", "web", "tier", "a");
	CHECK(!label_selector_matches(&sel, &l)); /* env missing */
	k8c_strmap_set(&l, "env", "prod");
	CHECK(label_selector_matches(&sel, &l));
	k8c_strmap_release(&l);

	CHECK_INT(label_selector_add(&sel, "x", "Foo", NULL, 0, &sb), -EINVAL);
	CHECK_STR(sb.buf, "\"Foo\" is not a valid label selector operator");
	strbuf_reset(&sb);
	CHECK_INT(label_selector_add(&sel, "x", "In", NULL, 0, &sb), -EINVAL);
	CHECK_STR(sb.buf, "values: Invalid value: null: for 'in', 'notin' operators, values set "
			  "can't be empty");
	strbuf_reset(&sb);
	CHECK_INT(label_selector_add(&sel, "x", "Exists", tiers, 2, &sb), -EINVAL);
	CHECK_STR(sb.buf, "values: Invalid value: [\"b\",\"a\"]: values set must be empty for "
			  "exists and does not exist");
	strbuf_reset(&sb);
	CHECK_INT(label_selector_add_match_label(&sel, "a b", "c d", &sb), -EINVAL);
	CHECK(str_has_prefix(sb.buf, "[key: Invalid value: \"a b\": name part must consist"));
	CHECK(strstr(sb.buf, ", values[0][a b]: Invalid value: \"c d\": a valid label") != NULL);
	CHECK_INT(sel.n, 4); /* failures add nothing */
	label_selector_release(&sel);
	strbuf_release(&sb);
}

TEST(label_nothing_and_scale_selector)
{
	struct label_selector sel;
	struct strbuf sb = STRBUF_INIT;
	label_selector_init_nothing(&sel);
	CHECK_INT(label_selector_add_match_label(&sel, "app", "web", NULL), 0);
	label_selector_format(&sel, &sb);
	CHECK_STR(sb.buf, "");
	CHECK(!label_selector_matches(&sel, NULL));
	label_selector_release(&sel);
	CHECK(label_selector_is_everything(&sel)); /* released = empty */
	/* Scale.status.selector of a deployment selecting app=web */
	CHECK_INT(label_selector_add_match_label(&sel, "app", "web", NULL), 0);
	label_selector_format(&sel, &sb);
	CHECK_STR(sb.buf, "app=web");
	label_selector_release(&sel);
	strbuf_release(&sb);
}

TEST(label_requirement_validation)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	static const char *const vals[] = { "a", "-b" };
	label_selector_validate_requirement("tier", "In", vals, 1,
					    "spec.selector.matchExpressions[0]", &errs);
	label_selector_validate_requirement("tier", "Exists", NULL, 0, "m[1]", &errs);
	CHECK_INT(errs.n, 0);
	label_selector_validate_requirement("tier", "In", NULL, 0, "m[0]", &errs);
	label_selector_validate_requirement("tier", "DoesNotExist", vals, 1, "m[1]", &errs);
	label_selector_validate_requirement("tier", "Gt", NULL, 0, "m[2]", &errs);
	label_selector_validate_requirement("-k", "NotIn", vals, 2, "m[3]", &errs);
	REQUIRE(errs.n == 5);
	CHECK_STR(errs.items[0].field, "m[0].values");
	CHECK_INT(errs.items[0].type, FIELD_ERROR_REQUIRED);
	CHECK_STR(errs.items[0].detail,
		  "Required value: must be specified when `operator` is 'In' or 'NotIn'");
	CHECK_STR(errs.items[1].field, "m[1].values");
	CHECK_STR(errs.items[1].detail, "Forbidden: may not be specified when `operator` is "
					"'Exists' or 'DoesNotExist'");
	CHECK_STR(errs.items[2].field, "m[2].operator");
	CHECK_STR(errs.items[2].detail, "Invalid value: \"Gt\": not a valid selector operator");
	CHECK_STR(errs.items[3].field, "m[3].key");
	CHECK_STR(errs.items[4].field, "m[3].values[1]");
	CHECK(str_has_prefix(errs.items[4].detail, "Invalid value: \"-b\": a valid label must"));
	field_errors_release(&errs);
}

/* Field getter over a NULL-terminated list of name, value pairs. */
static const char *get_field(const char *field, void *ctx)
{
	for (const char *const *p = ctx; *p; p += 2)
		if (strcmp(*p, field) == 0)
			return p[1];
	return NULL;
}

TEST(field_parse_and_format)
{
	static const char *const cases[][2] = {
		{ "", "" },
		{ "metadata.name=web", "metadata.name=web" },
		{ "spec.nodeName!=n1,metadata.name==web", "metadata.name=web,spec.nodeName!=n1" },
		{ ",a=b,,", "a=b" },
		{ "a=x\\,y\\=z\\\\", "a=x\\,y\\=z\\\\" },
		{ "a=", "a=" },
		{ "a", "ERR: invalid selector: 'a'; can't understand 'a'" },
		{ "b=1,a", "ERR: invalid selector: 'b=1,a'; can't understand 'a'" },
		{ "a=b=c", "ERR: invalid field selector: unescaped character in value: =" },
		{ "a=b\\q", "ERR: invalid field selector: invalid escape sequence: \\q" },
		{ "a=b\\", "ERR: invalid field selector: invalid escape sequence: \\" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_STR(fparse(cases[i][0]), cases[i][1]);
	struct field_selector sel;
	CHECK_INT(field_selector_parse("a=x\\,y", &sel, NULL), 0);
	REQUIRE(sel.n == 1);
	CHECK_STR(sel.terms[0].value, "x,y");
	field_selector_release(&sel);
}

TEST(field_matching_and_queries)
{
	static const char *const pod[] = {
		"metadata.name", "web", "spec.nodeName", "n2", "status.phase", "Running", NULL
	};
	struct field_selector sel;
	REQUIRE(field_selector_parse("spec.nodeName!=n1,metadata.name=web", &sel, NULL) == 0);
	CHECK(field_selector_matches(&sel, get_field, (void *)pod));
	static const char *const supported[] = { "metadata.name", "metadata.namespace",
						 "spec.nodeName" };
	CHECK(field_selector_unsupported(&sel, supported, 3) == NULL);
	CHECK_STR(field_selector_unsupported(&sel, supported, 1), "spec.nodeName");
	const char *v = NULL;
	CHECK(field_selector_exact_match(&sel, "metadata.name", &v));
	CHECK_STR(v, "web");
	CHECK(!field_selector_exact_match(&sel, "spec.nodeName", &v));
	CHECK(!field_selector_single_name(&sel, &v));
	field_selector_release(&sel);

	REQUIRE(field_selector_parse("spec.nodeName=", &sel, NULL) == 0);
	CHECK(!field_selector_matches(&sel, get_field, (void *)pod));
	static const char *const unscheduled[] = { "metadata.name", "x", NULL };
	CHECK(field_selector_matches(&sel, get_field, (void *)unscheduled)); /* missing = "" */
	field_selector_release(&sel);

	REQUIRE(field_selector_parse("metadata.name=web", &sel, NULL) == 0);
	CHECK(field_selector_single_name(&sel, &v));
	CHECK_STR(v, "web");
	field_selector_release(&sel);
	REQUIRE(field_selector_parse("metadata.name!=web", &sel, NULL) == 0);
	CHECK(!field_selector_single_name(&sel, &v));
	CHECK(!field_selector_matches(&sel, get_field, (void *)pod));
	field_selector_release(&sel);
	CHECK(field_selector_is_everything(&sel));
	field_selector_add(&sel, "status.phase", "Running", false);
	CHECK(field_selector_matches(&sel, get_field, (void *)pod));
	field_selector_release(&sel);
}
