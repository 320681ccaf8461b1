/*
 * test_validation.c - unit tests for api/validation: name formats with
 * Kubernetes' exact messages, field error texts, ObjectMeta helpers.
 */
#include "api/validation/field_err.h"
#include "api/validation/names.h"
#include "api/validation/object_meta.h"
#include "test/ktest.h"

#define SUBDOMAIN_MSG                                                                              \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
	"regex "                                                                                   \
	"used for validation is "                                                                  \
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_MSG                                                                                  \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "   \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "   \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define QNAME_NAME_MSG                                                                             \
	"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "  \
	"end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "  \
	"used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

/* The only message of a check that must fail with exactly one. */
static const char *one_msg(bool ok, const struct k8c_name_msgs *m)
{
	return !ok && m->n == 1 ? m->msg[0] : "(not exactly one message)";
}

TEST(dns1123_subdomain)
{
	struct k8c_name_msgs m;
	CHECK(k8c_is_dns1123_subdomain("example.com", &m));
	CHECK(k8c_is_dns1123_subdomain("a", NULL));
	CHECK(k8c_is_dns1123_subdomain("web-1.default", &m) && m.n == 0);
	CHECK_STR(one_msg(k8c_is_dns1123_subdomain("Web", &m), &m), SUBDOMAIN_MSG);
	CHECK(!k8c_is_dns1123_subdomain("", NULL));
	CHECK(!k8c_is_dns1123_subdomain("a..b", NULL));
	CHECK(!k8c_is_dns1123_subdomain("-a", NULL));
	CHECK(!k8c_is_dns1123_subdomain("a.", NULL));
	char longname[300];
	memset(longname, 'a', 254);
	longname[254] = '\0';
	CHECK(!k8c_is_dns1123_subdomain(longname, &m));
	REQUIRE(m.n == 1);
	CHECK_STR(m.msg[0], "must be no more than 253 characters");
	longname[253] = '\0';
	CHECK(k8c_is_dns1123_subdomain(longname, NULL));
}

TEST(dns_labels)
{
	struct k8c_name_msgs m;
	CHECK(k8c_is_dns1123_label("123-abc", &m));
	CHECK_STR(one_msg(k8c_is_dns1123_label("a.b", &m), &m), "must not contain dots");
	CHECK_STR(one_msg(k8c_is_dns1123_label("A", &m), &m), LABEL_MSG);
	char l64[65];
	memset(l64, 'a', 64);
	l64[64] = '\0';
	CHECK(!k8c_is_dns1123_label(l64, &m) && m.n == 1);
	CHECK_STR(m.msg[0], "must be no more than 63 characters");
	CHECK(k8c_is_dns1035_label("my-name", NULL));
	CHECK_STR(
		one_msg(k8c_is_dns1035_label("1abc", &m), &m),
		"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
		"with an alphabetic character, and end with an alphanumeric character (e.g. "
		"'my-name',  or 'abc-123', regex used for validation is "
		"'[a-z]([-a-z0-9]*[a-z0-9])?')");
	CHECK(!k8c_is_dns1035_label("abc-", NULL));
}

TEST(qualified_names)
{
	struct k8c_name_msgs m;
	CHECK(k8c_is_qualified_name("app", &m));
	CHECK(k8c_is_qualified_name("app.kubernetes.io/name", &m));
	CHECK(k8c_is_qualified_name("My_Name.1", &m));
	CHECK_STR(one_msg(k8c_is_qualified_name("-app", &m), &m), QNAME_NAME_MSG);
	CHECK_STR(one_msg(k8c_is_qualified_name("/app", &m), &m), "prefix part must be non-empty");
	CHECK(!k8c_is_qualified_name("example.com/", &m) && m.n == 2);
	CHECK_STR(m.msg[0], "name part must be non-empty");
	CHECK_STR(one_msg(k8c_is_qualified_name("Example.com/a", &m), &m),
		  "prefix part " SUBDOMAIN_MSG);
	CHECK_STR(
		one_msg(k8c_is_qualified_name("a/b/c", &m), &m),
		"a qualified name must consist of alphanumeric characters, '-', '_' or '.', and "
		"must start and end with an alphanumeric character (e.g. 'MyName',  or "
		"'my.name',  or '123-abc', regex used for validation is "
		"'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
		"and '/' (e.g. 'example.com/MyName')");
	char name64[80] = "x/";
	memset(name64 + 2, 'n', 64);
	name64[66] = '\0';
	CHECK_STR(one_msg(k8c_is_qualified_name(name64, &m), &m),
		  "name part must be no more than 63 characters");
}

TEST(label_values)
{
	struct k8c_name_msgs m;
	CHECK(k8c_is_label_value("", &m));
	CHECK(k8c_is_label_value("v1.2_x-y", &m));
	CHECK_STR(one_msg(k8c_is_label_value("a b", &m), &m),
		  "a valid label must be an empty string or consist of alphanumeric characters, "
		  "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
		  "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
		  "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	CHECK(!k8c_is_label_value("x-", NULL));
}

TEST(ports)
{
	struct k8c_name_msgs m;
	CHECK(k8c_is_port_num(1, &m) && k8c_is_port_num(65535, &m));
	CHECK_STR(one_msg(k8c_is_port_num(0, &m), &m), "must be between 1 and 65535, inclusive");
	CHECK(!k8c_is_port_num(65536, NULL));
	CHECK(k8c_is_port_name("http", &m));
	CHECK(k8c_is_port_name("h2c-web-8080", &m));
	CHECK_STR(one_msg(k8c_is_port_name("8080", &m), &m),
		  "must contain at least one letter (a-z)");
	CHECK_STR(one_msg(k8c_is_port_name("a--b", &m), &m),
		  "must not contain consecutive hyphens");
	CHECK_STR(one_msg(k8c_is_port_name("-ab", &m), &m), "must not begin or end with a hyphen");
	CHECK(!k8c_is_port_name("Http", &m) && m.n == 1);
	CHECK_STR(m.msg[0],
		  "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	CHECK(!k8c_is_port_name("abcdefghijklmnop", &m) && m.n == 1);
	CHECK_STR(m.msg[0], "must be no more than 15 characters");
	CHECK(!k8c_is_port_name("", &m) && m.n == 2);
}

TEST(env_and_keys)
{
	struct k8c_name_msgs m;
	CHECK(k8c_is_env_var_name("MY_VAR", &m));
	CHECK(k8c_is_env_var_name("1.weird-but ok", &m));
	CHECK_STR(one_msg(k8c_is_env_var_name("A=B", &m), &m),
		  "a valid environment variable name must consist only of printable ASCII "
		  "characters other than '='");
	CHECK_STR(one_msg(k8c_is_env_var_name("", &m), &m),
		  "environment variable name must be non-empty");
	CHECK(!k8c_is_env_var_name("tab\there", NULL));
	CHECK(k8c_is_env_var_name_strict("my.env-name", &m));
	CHECK(!k8c_is_env_var_name_strict("1A", &m) && m.n == 1);
	CHECK(!k8c_is_env_var_name_strict("..x", &m) && m.n == 1);
	CHECK_STR(m.msg[0], "must not start with '..'");
	CHECK(k8c_is_config_map_key("key.name", &m));
	CHECK(!k8c_is_config_map_key("..", &m) && m.n == 1);
	CHECK_STR(m.msg[0], "must not be '..'");
	CHECK(!k8c_is_config_map_key("a/b", &m));
}

TEST(percent_path_ip)
{
	struct k8c_name_msgs m;
	CHECK(k8c_is_percent("25%", &m));
	CHECK_STR(one_msg(k8c_is_percent("25", &m), &m),
		  "a valid percent string must be a numeric string followed by an ending '%' (e.g. "
		  "'1%',  or '93%', regex used for validation is '[0-9]+%')");
	CHECK(!k8c_is_percent("%", NULL));
	CHECK(!k8c_is_percent("1.5%", NULL));
	CHECK(k8c_is_path_segment_name("a:b", &m));
	CHECK_STR(one_msg(k8c_is_path_segment_name("..", &m), &m), "may not be '..'");
	CHECK(!k8c_is_path_segment_name("a/b%c", &m) && m.n == 2);
	CHECK(k8c_is_valid_ip("10.9.8.7", &m));
	CHECK(k8c_is_valid_ip("010.009.008.007", &m));
	CHECK(k8c_is_valid_ip("2001:db8::ffff", &m));
	CHECK(k8c_is_valid_ip("::ffff:1.2.3.4", &m));
	CHECK(k8c_is_ipv4("0.0.0.0") && !k8c_is_ipv4("::1") && k8c_is_ipv6("::1"));
	CHECK_STR(one_msg(k8c_is_valid_ip("256.1.1.1", &m), &m),
		  "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	CHECK(!k8c_is_valid_ip("1.2.3", NULL));
	CHECK(!k8c_is_valid_ip("1.2.3.4.5", NULL));
	CHECK(!k8c_is_valid_ip("fe80::1%eth0", NULL));
	CHECK(!k8c_is_valid_ip("10.0.0.0/8", NULL));
	CHECK(!k8c_is_valid_ip("", NULL));
}

TEST(field_error_texts)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	struct strbuf sb = STRBUF_INIT;
	field_err_quote(&sb, "a\"b\\c\n\x01\xff\xc3\xa9");
	CHECK_STR(sb.buf, "\"a\\\"b\\\\c\\n\\x01\\xff\xc3\xa9\"");
	field_err_required(&errs, "spec.x", "");
	field_err_forbidden(&errs, "metadata.namespace", "not allowed on this type");
	static const char *const ops[] = { "In", "NotIn" };
	field_err_not_supported(&errs, "op", "Foo", ops, 2);
	field_err_too_long(&errs, "metadata.annotations", 262144);
	field_err_duplicate(&errs, "spec.ports[1]", "http");
	field_err_invalid_json(&errs, "values", "[]", "must not be empty");
	REQUIRE(errs.n == 6);
	CHECK_STR(errs.items[0].detail, "Required value");
	CHECK_STR(errs.items[1].detail, "Forbidden: not allowed on this type");
	CHECK_STR(errs.items[2].detail,
		  "Unsupported value: \"Foo\": supported values: \"In\", \"NotIn\"");
	CHECK_INT(errs.items[2].type, FIELD_ERROR_NOT_SUPPORTED);
	CHECK_STR(errs.items[3].detail, "Too long: must have at most 262144 bytes");
	CHECK_STR(errs.items[4].detail, "Duplicate value: \"http\"");
	CHECK_STR(errs.items[5].detail, "Invalid value: []: must not be empty");
	strbuf_release(&sb);
	field_errors_release(&errs);
}

TEST(object_names)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	k8c_validate_object_name(K8C_NAME_DNS1123_SUBDOMAIN, "Web", "metadata.name", &errs);
	REQUIRE(errs.n == 1);
	CHECK_STR(errs.items[0].field, "metadata.name");
	CHECK_STR(errs.items[0].detail, "Invalid value: \"Web\": " SUBDOMAIN_MSG);
	struct strbuf sb = STRBUF_INIT;
	field_errors_format(&errs, &sb);
	CHECK_STR(sb.buf, "metadata.name: Invalid value: \"Web\": " SUBDOMAIN_MSG);
	field_errors_release(&errs);

	k8c_validate_object_name(K8C_NAME_DNS1123_SUBDOMAIN, "", "metadata.name", &errs);
	k8c_validate_object_name(K8C_NAME_DNS1123_SUBDOMAIN, "web.v1", "metadata.name", &errs);
	REQUIRE(errs.n == 1);
	CHECK_STR(errs.items[0].detail, "Required value: name or generateName is required");
	CHECK_INT(errs.items[0].type, FIELD_ERROR_REQUIRED);
	field_errors_release(&errs);

	CHECK_INT(k8c_name_rule_for_kind("Namespace"), K8C_NAME_DNS1123_LABEL);
	CHECK_INT(k8c_name_rule_for_kind("Service"), K8C_NAME_DNS1035_LABEL);
	CHECK_INT(k8c_name_rule_for_kind("Pod"), K8C_NAME_DNS1123_SUBDOMAIN);
	k8c_validate_object_name(K8C_NAME_DNS1035_LABEL, "1web", "metadata.name", &errs);
	k8c_validate_object_name(K8C_NAME_DNS1123_LABEL, "kube.system", "metadata.name", &errs);
	REQUIRE(errs.n == 2);
	CHECK(strstr(errs.items[0].detail, "DNS-1035 label") != NULL);
	CHECK_STR(errs.items[1].detail, "Invalid value: \"kube.system\": must not contain dots");
	field_errors_release(&errs);
	strbuf_release(&sb);
}

TEST(generate_name_and_namespace)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	k8c_validate_generate_name(K8C_NAME_DNS1123_SUBDOMAIN, "web-", "metadata.generateName",
				   &errs);
	k8c_validate_generate_name(K8C_NAME_DNS1123_SUBDOMAIN, NULL, "metadata.generateName",
				   &errs);
	k8c_validate_generate_name(K8C_NAME_DNS1035_LABEL, "x-", "metadata.generateName", &errs);
	CHECK_INT(errs.n, 0);
	CHECK(k8c_check_name(K8C_NAME_DNS1123_SUBDOMAIN, "a-", true, NULL));
	CHECK(!k8c_check_name(K8C_NAME_DNS1123_SUBDOMAIN, "a-", false, NULL));
	k8c_validate_generate_name(K8C_NAME_DNS1123_SUBDOMAIN, "Web-", "metadata.generateName",
				   &errs);
	REQUIRE(errs.n == 1);
	CHECK_STR(errs.items[0].detail, "Invalid value: \"Web-\": " SUBDOMAIN_MSG);
	field_errors_release(&errs);

	k8c_validate_namespace("default", true, "metadata.namespace", &errs);
	k8c_validate_namespace(NULL, false, "metadata.namespace", &errs);
	CHECK_INT(errs.n, 0);
	k8c_validate_namespace("", true, "metadata.namespace", &errs);
	k8c_validate_namespace("default", false, "metadata.namespace", &errs);
	k8c_validate_namespace("Bad", true, "metadata.namespace", &errs);
	REQUIRE(errs.n == 3);
	CHECK_STR(errs.items[0].detail, "Required value");
	CHECK_STR(errs.items[1].detail, "Forbidden: not allowed on this type");
	CHECK_STR(errs.items[2].detail, "Invalid value: \"Bad\": " LABEL_MSG);
	field_errors_release(&errs);
}

TEST(labels_and_annotations)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	struct k8c_strmap labels = { 0 };
	k8c_strmap_set(&labels, "app", "web");
	k8c_strmap_set(&labels, "app.kubernetes.io/name", "");
	k8c_validate_labels(&labels, "metadata.labels", &errs);
	k8c_validate_labels(NULL, "metadata.labels", &errs);
	CHECK_INT(errs.n, 0);
	k8c_strmap_set(&labels, "-bad", "bad value");
	k8c_validate_labels(&labels, "metadata.labels", &errs);
	REQUIRE(errs.n == 2);
	CHECK_STR(errs.items[0].field, "metadata.labels");
	CHECK_STR(errs.items[0].detail, "Invalid value: \"-bad\": " QNAME_NAME_MSG);
	CHECK(str_has_prefix(errs.items[1].detail, "Invalid value: \"bad value\": a valid label"));
	field_errors_release(&errs);
	k8c_strmap_release(&labels);

	struct k8c_strmap ann = { 0 };
	k8c_strmap_set(&ann, "Example.COM/Key", "x"); /* case does not matter for annotations */
	k8c_validate_annotations(&ann, "metadata.annotations", &errs);
	CHECK_INT(errs.n, 0);
	char *big = xmalloc(K8C_ANNOTATIONS_MAX_BYTES);
	memset(big, 'v', K8C_ANNOTATIONS_MAX_BYTES - 1);
	big[K8C_ANNOTATIONS_MAX_BYTES - 1] = '\0';
	k8c_strmap_set(&ann, "k", big); /* 1 + 262143 + the other pair: over the limit */
	k8c_validate_annotations(&ann, "metadata.annotations", &errs);
	REQUIRE(errs.n == 1);
	CHECK_INT(errs.items[0].type, FIELD_ERROR_TOO_LONG);
	CHECK_STR(errs.items[0].detail, "Too long: must have at most 262144 bytes");
	field_errors_release(&errs);
	k8c_strmap_remove(&ann, "Example.COM/Key");
	k8c_validate_annotations(&ann, "metadata.annotations", &errs);
	CHECK_INT(errs.n, 0); /* exactly 262144 bytes is allowed */
	k8c_strmap_set(&ann, "a/b/c", "");
	k8c_validate_annotations(&ann, "metadata.annotations", &errs);
	CHECK_INT(errs.n, 2); /* bad key, and over the limit again */
	field_errors_release(&errs);
	free(big);
	k8c_strmap_release(&ann);
}

TEST(int_or_percent)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	struct k8c_intstr v = { .type = K8C_INTSTR_INT, .ival = 3 };
	k8c_validate_int_or_percent(&v, "spec.strategy.rollingUpdate.maxSurge", &errs);
	v = (struct k8c_intstr){ .type = K8C_INTSTR_STRING, .sval = "25%" };
	k8c_validate_int_or_percent(&v, "spec.strategy.rollingUpdate.maxSurge", &errs);
	CHECK_INT(errs.n, 0);
	v = (struct k8c_intstr){ .type = K8C_INTSTR_INT, .ival = -1 };
	k8c_validate_int_or_percent(&v, "maxSurge", &errs);
	v = (struct k8c_intstr){ .type = K8C_INTSTR_STRING, .sval = "abc" };
	k8c_validate_int_or_percent(&v, "maxSurge", &errs);
	v = (struct k8c_intstr){ .type = K8C_INTSTR_UNSET };
	k8c_validate_int_or_percent(&v, "maxSurge", &errs);
	REQUIRE(errs.n == 3);
	CHECK_STR(errs.items[0].detail, "Invalid value: -1: must be greater than or equal to 0");
	CHECK(str_has_prefix(errs.items[1].detail,
			     "Invalid value: \"abc\": a valid percent string must be"));
	CHECK_STR(errs.items[2].detail,
		  "Invalid value: \"\": must be an integer or percentage (e.g '5%')");
	field_errors_release(&errs);
}
