/*
 * formats.c - CIDR, special-IP, header, sysctl and local path checks; see
 * formats.h.
 */
#include "api/validation/formats.h"

#include <arpa/inet.h>
#include <ctype.h>

bool k8c_is_cidr(const char *value, bool *ret_v6)
{
	const char *slash = strchr(value, '/');
	if (!slash || !slash[1] || strlen(slash + 1) > 3)
		return false;
	_cleanup_free_ char *ip = xstrndup(value, (size_t)(slash - value));
	bool v6 = k8c_is_ipv6(ip);
	if (!v6 && !k8c_is_ipv4(ip))
		return false;
	int bits = 0;
	for (const char *p = slash + 1; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		bits = bits * 10 + (*p - '0');
	}
	if (bits > (v6 ? 128 : 32))
		return false;
	if (ret_v6)
		*ret_v6 = v6;
	return true;
}

bool vctx_cidr(struct vctx *v, const char *child, const char *value)
{
	if (k8c_is_cidr(vstr(value), NULL))
		return true;
	vctx_invalid(v, child, value, K8C_CIDR_MSG);
	return false;
}

/* The special ranges ValidateNonSpecialIP rejects, as Go's net.IP predicates define them. */
static void special_ip_msgs(struct vctx *v, const char *child, const char *value,
			    const unsigned char *a, bool v6)
{
	static const unsigned char zero[16];
	static const unsigned char loop6[16] = { [15] = 1 };
	bool unspec = v6 ? !memcmp(a, zero, 16) : !memcmp(a, zero, 4);
	bool loop = v6 ? !memcmp(a, loop6, 16) : a[0] == 127;
	bool ll_uni = v6 ? (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) : (a[0] == 169 && a[1] == 254);
	bool ll_multi = v6 ? (a[0] == 0xff && (a[1] & 0x0f) == 0x02)
			   : (a[0] == 224 && a[1] == 0 && a[2] == 0);
	if (unspec) {
		struct strbuf d = STRBUF_INIT;
		strbuf_addf(&d, "may not be unspecified (%s)", value);
		vctx_invalid(v, child, value, d.buf);
		strbuf_release(&d);
	}
	if (loop)
		vctx_invalid(v, child, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)");
	if (ll_uni)
		vctx_invalid(v, child, value,
			     "may not be in the link-local range (169.254.0.0/16, fe80::/10)");
	if (ll_multi)
		vctx_invalid(v, child, value,
			     "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
}

/* Parses an IPv4 address sloppily (leading zeros allowed) into 4 bytes. */
static void parse_ipv4(const char *s, unsigned char *a)
{
	for (int i = 0; i < 4; i++) {
		a[i] = (unsigned char)strtoul(s, (char **)&s, 10);
		if (*s == '.')
			s++;
	}
}

void vctx_non_special_ip(struct vctx *v, const char *child, const char *value)
{
	unsigned char a[16] = { 0 };
	value = vstr(value);
	if (k8c_is_ipv4(value)) {
		parse_ipv4(value, a);
		special_ip_msgs(v, child, value, a, false);
	} else if (k8c_is_ipv6(value) && inet_pton(AF_INET6, value, a) == 1) {
		static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
		if (!memcmp(a, mapped, 12)) /* Go treats ::ffff:a.b.c.d as IPv4 */
			special_ip_msgs(v, child, value, a + 12, false);
		else
			special_ip_msgs(v, child, value, a, true);
	} else {
		vctx_invalid(v, child, value, "must be a valid IP address");
	}
}

void vctx_http_header_name(struct vctx *v, const char *child, const char *value)
{
	const char *s = vstr(value);
	bool ok = *s != '\0';
	for (; *s && ok; s++)
		ok = isalnum((unsigned char)*s) || *s == '-';
	if (!ok)
		vctx_invalid(v, child, value,
			     "a valid HTTP header must consist of alphanumeric characters or '-' "
			     "(e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')");
}

/* One sysctl segment: [a-z0-9]([-_a-z0-9]*[a-z0-9])?; returns its length or 0. */
static size_t sysctl_segment(const char *s)
{
	size_t n = 0;
	while (islower((unsigned char)s[n]) || isdigit((unsigned char)s[n]) || s[n] == '-' ||
	       s[n] == '_')
		n++;
	if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return 0;
	return n;
}

bool k8c_is_sysctl_name(const char *value)
{
	if (strlen(value) > 253)
		return false;
	for (const char *p = value;;) {
		size_t n = sysctl_segment(p);
		if (n == 0)
			return false;
		p += n;
		if (*p == '\0')
			return true;
		if (*p != '.' && *p != '/')
			return false;
		p++;
	}
}

void vctx_no_backsteps(struct vctx *v, const char *child, const char *value)
{
	const char *s = vstr(value);
	for (const char *p = s; p;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			vctx_invalid(v, child, s, "must not contain '..'");
			return;
		}
		p = slash ? slash + 1 : NULL;
	}
}

void vctx_local_descending_path(struct vctx *v, const char *child, const char *value)
{
	if (vstr(value)[0] == '/')
		vctx_invalid(v, child, value, "must be a relative path");
	vctx_no_backsteps(v, child, value);
}

void vctx_local_non_reserved_path(struct vctx *v, const char *child, const char *value)
{
	const char *s = vstr(value);
	vctx_local_descending_path(v, child, s);
	if (str_has_prefix(s, "..") && !str_has_prefix(s, "../"))
		vctx_invalid(v, child, s, "must not start with '..'");
}

void vctx_file_mode(struct vctx *v, const char *child, bool has, int32_t mode)
{
	if (has && (mode > 0777 || mode < 0))
		vctx_invalid_int(v, child, mode,
				 "must be a number between 0 and 0777 (octal), both inclusive");
}
