/*
 * names.c - Kubernetes' string-format checks without a regex engine; the
 * messages are built at compile time from the same pieces upstream uses
 * (MaxLenError, RegexError with its double space between examples).
 */
#include "api/validation/names.h"

#include <arpa/inet.h>

#define MAX_LEN(n)		"must be no more than " #n " characters"
#define EX1(a)			"(e.g. '" a "', "
#define EX2(a, b)		"(e.g. '" a "',  or '" b "', "
#define EX3(a, b, c)		"(e.g. '" a "',  or '" b "',  or '" c "', "
#define REGEX_ERR(msg, fmt, ex) msg " " ex "regex used for validation is '" fmt "')"

#define DNS1123_LABEL_FMT     "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define DNS1123_SUBDOMAIN_MSG                                                                      \
	REGEX_ERR("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "        \
		  "characters, '-' or '.', and must start and end with an alphanumeric character", \
		  DNS1123_SUBDOMAIN_FMT, EX1("example.com"))
#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_MSG                                                                                  \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end "        \
	"with an alphanumeric character"

static const char msg_dns1123_label[] =
	REGEX_ERR("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
		  "or '-', and must start and end with an alphanumeric character",
		  DNS1123_LABEL_FMT, EX2("my-name", "123-abc"));
static const char msg_dns1035_label[] =
	REGEX_ERR("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
		  "start with an alphabetic character, and end with an alphanumeric character",
		  "[a-z]([-a-z0-9]*[a-z0-9])?", EX2("my-name", "abc-123"));
static const char msg_label_value[] =
	REGEX_ERR("a valid label must be an empty string or consist of alphanumeric characters, "
		  "'-', '_' or '.', and must start and end with an alphanumeric character",
		  "(" QNAME_FMT ")?", EX3("MyValue", "my_value", "12345"));
static const char msg_qname_whole[] = "a qualified name " REGEX_ERR(
	QNAME_MSG, QNAME_FMT,
	EX3("MyName", "my.name", "123-abc")) " with an optional DNS subdomain prefix and '/' (e.g. "
					     "'example.com/MyName')";
static const char msg_qname_name[] =
	"name part " REGEX_ERR(QNAME_MSG, QNAME_FMT, EX3("MyName", "my.name", "123-abc"));
static const char msg_env_strict[] =
	REGEX_ERR("a valid environment variable name must consist of alphabetic characters, "
		  "digits, '_', '-', or '.', and must not start with a digit",
		  "[-._a-zA-Z][-._a-zA-Z0-9]*", EX3("my.env-name", "MY_ENV.NAME", "MyEnvName1"));
static const char msg_config_key[] =
	REGEX_ERR("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
		  "[-._a-zA-Z0-9]+", EX3("key.name", "KEY_NAME", "key-name"));
static const char msg_percent[] =
	REGEX_ERR("a valid percent string must be a numeric string followed by an ending '%'",
		  "[0-9]+%", EX2("1%", "93%"));

static bool add(struct k8c_name_msgs *out, const char *msg)
{
	if (out && out->n < K8C_NAME_MSGS_MAX)
		out->msg[out->n++] = msg;
	return false;
}

static void reset(struct k8c_name_msgs *out)
{
	if (out)
		out->n = 0;
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..len). */
static bool match_dns_label(const char *s, size_t len)
{
	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	for (size_t i = 1; i + 1 < len; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool match_dns_subdomain(const char *s)
{
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		if (!match_dns_label(s, len))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..len). */
static bool match_qname_part(const char *s, size_t len)
{
	if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return false;
	for (size_t i = 1; i + 1 < len; i++)
		if (!is_alnum(s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

bool k8c_is_dns1123_label(const char *value, struct k8c_name_msgs *out)
{
	size_t len = strlen(value);
	bool ok = true;
	reset(out);
	if (len > K8C_DNS1123_LABEL_MAX)
		ok = add(out, MAX_LEN(63));
	if (!match_dns_label(value, len)) {
		/* a valid subdomain that is not a label (the length was checked): dots */
		ok = add(out,
			 match_dns_subdomain(value) ? "must not contain dots" : msg_dns1123_label);
	}
	return ok;
}

bool k8c_is_dns1123_subdomain(const char *value, struct k8c_name_msgs *out)
{
	bool ok = true;
	reset(out);
	if (strlen(value) > K8C_DNS1123_SUBDOMAIN_MAX)
		ok = add(out, MAX_LEN(253));
	if (!match_dns_subdomain(value))
		ok = add(out, DNS1123_SUBDOMAIN_MSG);
	return ok;
}

bool k8c_is_dns1035_label(const char *value, struct k8c_name_msgs *out)
{
	size_t len = strlen(value);
	bool ok = true;
	reset(out);
	if (len > K8C_DNS1035_LABEL_MAX)
		ok = add(out, MAX_LEN(63));
	if (!match_dns_label(value, len) || !(value[0] >= 'a' && value[0] <= 'z'))
		ok = add(out, msg_dns1035_label);
	return ok;
}

static bool check_prefix(const char *prefix, size_t len, struct k8c_name_msgs *out)
{
	if (len == 0)
		return add(out, "prefix part must be non-empty");
	bool ok = true;
	if (len > K8C_DNS1123_SUBDOMAIN_MAX)
		ok = add(out, "prefix part " MAX_LEN(253));
	char *copy = xstrndup(prefix, len);
	if (!match_dns_subdomain(copy))
		ok = add(out, "prefix part " DNS1123_SUBDOMAIN_MSG);
	free(copy);
	return ok;
}

bool k8c_is_qualified_name(const char *value, struct k8c_name_msgs *out)
{
	const char *slash = strchr(value, '/');
	const char *name = value;
	bool ok = true;
	reset(out);
	if (slash && strchr(slash + 1, '/'))
		return add(out, msg_qname_whole);
	if (slash) {
		ok = check_prefix(value, (size_t)(slash - value), out);
		name = slash + 1;
	}
	size_t len = strlen(name);
	if (len == 0)
		ok = add(out, "name part must be non-empty");
	else if (len > K8C_QUALIFIED_NAME_MAX)
		ok = add(out, "name part " MAX_LEN(63));
	if (!match_qname_part(name, len))
		ok = add(out, msg_qname_name);
	return ok;
}

bool k8c_is_label_value(const char *value, struct k8c_name_msgs *out)
{
	size_t len = strlen(value);
	bool ok = true;
	reset(out);
	if (len > K8C_LABEL_VALUE_MAX)
		ok = add(out, MAX_LEN(63));
	if (len && !match_qname_part(value, len))
		ok = add(out, msg_label_value);
	return ok;
}

bool k8c_is_port_num(int64_t port, struct k8c_name_msgs *out)
{
	reset(out);
	if (port >= 1 && port <= 65535)
		return true;
	return add(out, "must be between 1 and 65535, inclusive");
}

bool k8c_is_port_name(const char *value, struct k8c_name_msgs *out)
{
	size_t len = strlen(value);
	bool ok = true, charset = len > 0, letter = false;
	reset(out);
	for (size_t i = 0; i < len; i++) {
		charset = charset && (is_lower_alnum(value[i]) || value[i] == '-');
		letter = letter || (value[i] >= 'a' && value[i] <= 'z');
	}
	if (len > 15)
		ok = add(out, MAX_LEN(15));
	if (!charset)
		ok = add(out,
			 "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	if (!letter)
		ok = add(out, "must contain at least one letter (a-z)");
	if (strstr(value, "--"))
		ok = add(out, "must not contain consecutive hyphens");
	if (len && (value[0] == '-' || value[len - 1] == '-'))
		ok = add(out, "must not begin or end with a hyphen");
	return ok;
}

bool k8c_is_env_var_name(const char *value, struct k8c_name_msgs *out)
{
	bool ok = true;
	reset(out);
	if (!*value)
		ok = add(out, "environment variable name must be non-empty");
	for (const char *p = value; *p; p++) {
		if (*p < 0x20 || *p > 0x7e || *p == '=') {
			ok = add(out, "a valid environment variable name must consist only of "
				      "printable ASCII characters other than '='");
			break;
		}
	}
	return ok;
}

/* hasChDirPrefix: names that would change directory when used as a file name. */
static bool check_chdir(const char *value, struct k8c_name_msgs *out)
{
	if (strcmp(value, ".") == 0)
		return add(out, "must not be '.'");
	if (strcmp(value, "..") == 0)
		return add(out, "must not be '..'");
	if (str_has_prefix(value, ".."))
		return add(out, "must not start with '..'");
	return true;
}

static bool all_chars(const char *s, const char *extra, bool digits)
{
	for (; *s; s++) {
		bool alpha = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z');
		if (!alpha && !(digits && *s >= '0' && *s <= '9') && !strchr(extra, *s))
			return false;
	}
	return true;
}

bool k8c_is_env_var_name_strict(const char *value, struct k8c_name_msgs *out)
{
	bool ok = true;
	reset(out);
	if (!*value || (*value >= '0' && *value <= '9') || !all_chars(value, "-._", true))
		ok = add(out, msg_env_strict);
	return check_chdir(value, out) && ok;
}

bool k8c_is_config_map_key(const char *value, struct k8c_name_msgs *out)
{
	bool ok = true;
	reset(out);
	if (strlen(value) > K8C_DNS1123_SUBDOMAIN_MAX)
		ok = add(out, MAX_LEN(253));
	if (!*value || !all_chars(value, "-._", true))
		ok = add(out, msg_config_key);
	return check_chdir(value, out) && ok;
}

bool k8c_is_percent(const char *value, struct k8c_name_msgs *out)
{
	size_t len = strlen(value), i = 0;
	reset(out);
	while (i < len && value[i] >= '0' && value[i] <= '9')
		i++;
	if (i > 0 && i + 1 == len && value[i] == '%')
		return true;
	return add(out, msg_percent);
}

bool k8c_is_path_segment_name(const char *value, struct k8c_name_msgs *out)
{
	bool ok = true;
	reset(out);
	if (strcmp(value, ".") == 0)
		return add(out, "may not be '.'");
	if (strcmp(value, "..") == 0)
		return add(out, "may not be '..'");
	if (strchr(value, '/'))
		ok = add(out, "may not contain '/'");
	if (strchr(value, '%'))
		ok = add(out, "may not contain '%'");
	return ok;
}

bool k8c_is_ipv4(const char *value)
{
	const char *p = value;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;
		if (part && *p++ != '.')
			return false;
		/* sloppy like Go's ParseIPSloppy: leading zeros are decimal */
		while (*p >= '0' && *p <= '9') {
			if (v <= 255)
				v = v * 10 + (unsigned)(*p - '0');
			p++;
			digits++;
		}
		if (digits == 0 || v > 255)
			return false;
	}
	return *p == '\0';
}

bool k8c_is_ipv6(const char *value)
{
	struct in6_addr addr;
	return strchr(value, ':') && inet_pton(AF_INET6, value, &addr) == 1;
}

bool k8c_is_valid_ip(const char *value, struct k8c_name_msgs *out)
{
	reset(out);
	if (k8c_is_ipv4(value) || k8c_is_ipv6(value))
		return true;
	return add(out, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
}
