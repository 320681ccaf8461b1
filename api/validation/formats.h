/*
 * formats.h - the string formats core/v1 validation checks beside the name
 * rules of names.h: CIDRs, "special" IPs (loopback, link-local...), HTTP
 * header names, sysctl names, and relative file paths inside volumes, with
 * Kubernetes' messages. Predicates are pure; the vctx_* reporters append to
 * the context's error list. Thread-safe on distinct contexts.
 */
#ifndef K8C_API_VALIDATION_FORMATS_H
#define K8C_API_VALIDATION_FORMATS_H

#include "api/validation/vctx.h"

/* IsValidCIDR's (legacy) message. */
#define K8C_CIDR_MSG "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

/* An IPv4 or IPv6 CIDR ("10.0.0.0/8", "2001:db8::/64"); *ret_v6 tells which (may be NULL). */
bool k8c_is_cidr(const char *value, bool *ret_v6);

/* IsValidCIDR at child: Invalid K8C_CIDR_MSG. Returns true if valid. */
bool vctx_cidr(struct vctx *v, const char *child, const char *value);

/*
 * ValidateNonSpecialIP at child: Invalid for an unparsable, unspecified,
 * loopback, link-local or link-local multicast address.
 */
void vctx_non_special_ip(struct vctx *v, const char *child, const char *value);

/* IsHTTPHeaderName: [-A-Za-z0-9]+ ; reports at child with the regex message. */
void vctx_http_header_name(struct vctx *v, const char *child, const char *value);

/* A sysctl name as IsValidSysctlName accepts it (segments joined by '.' or '/', <= 253). */
bool k8c_is_sysctl_name(const char *value);

/* validatePathNoBacksteps: Invalid "must not contain '..'" for a ".." element. */
void vctx_no_backsteps(struct vctx *v, const char *child, const char *value);
/* validateLocalDescendingPath: relative and without ".." elements. */
void vctx_local_descending_path(struct vctx *v, const char *child, const char *value);
/* ValidateLocalNonReservedPath: as above, and not starting with "..". */
void vctx_local_non_reserved_path(struct vctx *v, const char *child, const char *value);

/* A file mode between 0 and 0777 (volume defaultMode, items' mode). */
void vctx_file_mode(struct vctx *v, const char *child, bool has, int32_t mode);

#endif
