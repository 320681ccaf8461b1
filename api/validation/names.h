/*
 * names.h - the string-format checks of apimachinery's util/validation
 * (IsDNS1123Label, IsQualifiedName, IsValidPortName, IsValidIP, ...), with
 * Kubernetes' exact message texts.
 *
 * Each check returns true when value is valid. When out is non-NULL it is
 * reset and receives the failure messages in upstream order, as static
 * strings (never freed, valid for the life of the program), e.g.
 * "must be no more than 63 characters". Callers wrap them into field errors
 * (field_err.h, object_meta.h). Pure functions; thread-safe.
 */
#ifndef K8C_API_VALIDATION_NAMES_H
#define K8C_API_VALIDATION_NAMES_H

#include "base/base.h"

#define K8C_NAME_MSGS_MAX 8

struct k8c_name_msgs {
	const char *msg[K8C_NAME_MSGS_MAX];
	size_t n;
};

/* Lengths Kubernetes enforces. */
#define K8C_DNS1123_LABEL_MAX	  63
#define K8C_DNS1123_SUBDOMAIN_MAX 253
#define K8C_DNS1035_LABEL_MAX	  63
#define K8C_LABEL_VALUE_MAX	  63
#define K8C_QUALIFIED_NAME_MAX	  63
#define K8C_ANNOTATIONS_MAX_BYTES (256 * 1024)

/* RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 bytes (IsDNS1123Label). */
bool k8c_is_dns1123_label(const char *value, struct k8c_name_msgs *out);
/* RFC 1123 subdomain: labels joined by '.', at most 253 bytes (IsDNS1123Subdomain). */
bool k8c_is_dns1123_subdomain(const char *value, struct k8c_name_msgs *out);
/* RFC 1035 label: starts with a letter, at most 63 bytes (IsDNS1035Label). */
bool k8c_is_dns1035_label(const char *value, struct k8c_name_msgs *out);
/*
 * Qualified name (label and annotation keys, IsQualifiedName): an optional
 * DNS subdomain prefix and '/', then a name of at most 63 bytes of
 * [-A-Za-z0-9_.] starting and ending alphanumeric.
 */
bool k8c_is_qualified_name(const char *value, struct k8c_name_msgs *out);
/* Label value: empty, or a qualified name part of at most 63 bytes (IsValidLabelValue). */
bool k8c_is_label_value(const char *value, struct k8c_name_msgs *out);
/* Port number 1..65535 (IsValidPortNum). */
bool k8c_is_port_num(int64_t port, struct k8c_name_msgs *out);
/* IANA_SVC_NAME (IsValidPortName): <= 15 bytes of [-a-z0-9], a letter, no "--", no edge '-'. */
bool k8c_is_port_name(const char *value, struct k8c_name_msgs *out);
/*
 * Environment variable name as Kubernetes accepts it now (IsRelaxedEnvVarName):
 * non-empty, printable ASCII except '='.
 */
bool k8c_is_env_var_name(const char *value, struct k8c_name_msgs *out);
/* The strict, older rule (IsEnvVarName): [-._a-zA-Z][-._a-zA-Z0-9]*, not '.', '..' or '..*'. */
bool k8c_is_env_var_name_strict(const char *value, struct k8c_name_msgs *out);
/* ConfigMap / Secret data key (IsConfigMapKey): [-._a-zA-Z0-9]+, <= 253 bytes, not '.'/'..'. */
bool k8c_is_config_map_key(const char *value, struct k8c_name_msgs *out);
/* A percentage string "[0-9]+%" (IsValidPercent). */
bool k8c_is_percent(const char *value, struct k8c_name_msgs *out);
/* A name usable as one URL path segment (IsValidPathSegmentName): not '.'/'..', no '/' or '%'. */
bool k8c_is_path_segment_name(const char *value, struct k8c_name_msgs *out);
/*
 * An IPv4 or IPv6 address (IsValidIP, "sloppy" like Go's ParseIPSloppy:
 * IPv4 octets may have leading zeros). Zones ("%eth0") and CIDRs are rejected.
 */
bool k8c_is_valid_ip(const char *value, struct k8c_name_msgs *out);
/* Plain predicates, no messages. */
bool k8c_is_ipv4(const char *value);
bool k8c_is_ipv6(const char *value);

#endif
