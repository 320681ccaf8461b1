/*
 * service.c - v1 Services (core/v1 ValidateService, validateServicePort,
 * ValidateServiceClusterIPsRelatedFields, ValidateServiceUpdate). The
 * cluster is IPv4 single-stack, as k8c's allocator serves 10.96.0.0/12
 * only; a healthCheckNodePort left at 0 is the allocator's to fill, as
 * upstream allocates before validating.
 */
#include "api/validation/field_err.h"
#include "api/validation/formats.h"
#include "api/validation/govalue.h"
#include "api/validation/object_meta.h"
#include "api/validation/pod_internal.h"
#include "api/validation/validation.h"

static const char *const protocols[] = { "SCTP", "TCP", "UDP" };

static bool is_type(const struct k8c_service_spec *s, const char *type)
{
	return vis(s->type, type);
}

static bool headless(const struct k8c_service_spec *s)
{
	return s->n_cluster_ips == 1 && vis(s->cluster_ips[0], "None");
}

/* validateServicePort at spec.ports[i]. */
static void service_port(struct vctx *v, const struct k8c_service_spec *s, size_t i)
{
	const struct k8c_service_port *sp = &s->ports[i];
	struct k8c_name_msgs msgs;
	if (s->n_ports > 1 && vempty(sp->name)) {
		vctx_required(v, "name", "");
	} else if (!vempty(sp->name)) {
		vctx_dns1123_label(v, "name", sp->name);
		for (size_t j = 0; j < i; j++)
			if (vis(s->ports[j].name, sp->name)) {
				vctx_duplicate(v, "name", sp->name);
				break;
			}
	}
	if (!k8c_is_port_num(sp->port, &msgs))
		vctx_invalid_int(v, "port", sp->port, msgs.msg[0]);
	vctx_enum(v, "protocol", sp->protocol, protocols, ARRAY_SIZE(protocols), true);
	vctx_port_num_or_name(v, "targetPort", &sp->target_port);
	if (sp->app_protocol)
		vctx_qualified_name(v, "appProtocol", sp->app_protocol);
}

/* core.ServicePort as %#v (the value of a duplicate (protocol, port) pair). */
static void render_port_key(struct strbuf *r, const struct k8c_service_port *p)
{
	strbuf_addstr(r, "core.ServicePort{Name:\"\", Protocol:");
	field_err_quote(r, vstr(p->protocol));
	strbuf_addf(r, ", AppProtocol:(*string)(nil), Port:%d, TargetPort:intstr.IntOrString{Type:0, "
		    "IntVal:0, StrVal:\"\"}, NodePort:0}", p->port);
}

/* Node ports: none for ClusterIP services; no (protocol, nodePort) or (protocol, port) twice. */
static void port_pairs(struct vctx *v, const struct k8c_service_spec *s)
{
	size_t m = vctx_child(v, "ports");
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct k8c_service_port *p = &s->ports[i];
		size_t mi = vctx_index(v, i);
		if (is_type(s, "ClusterIP") && p->node_port)
			vctx_forbidden(v, "nodePort", "may not be used when `type` is 'ClusterIP'");
		bool dup_np = false, dup_port = false;
		for (size_t j = 0; j < i; j++) {
			bool same_proto = !strcmp(vstr(s->ports[j].protocol), vstr(p->protocol));
			dup_np |= p->node_port && same_proto && s->ports[j].node_port == p->node_port;
			dup_port |= same_proto && s->ports[j].port == p->port;
		}
		if (dup_np)
			vctx_duplicate_int(v, "nodePort", p->node_port);
		if (dup_port) {
			struct strbuf r = STRBUF_INIT;
			render_port_key(&r, p);
			vctx_duplicate_go(v, NULL, r.buf, NULL);
			strbuf_release(&r);
		}
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* The clusterIPs themselves; returns false when one is invalid (upstream stops there). */
static bool cluster_ip_values(struct vctx *v, const struct k8c_service_spec *s)
{
	bool ok = true;
	for (size_t i = 0; i < s->n_cluster_ips; i++) {
		if (i == 0 && vis(s->cluster_ips[0], "None")) {
			if (s->n_cluster_ips > 1) {
				ok = false;
				vctx_invalid_strings(v, "clusterIPs", s->cluster_ips, s->n_cluster_ips,
					    "'None' must be the first and only value");
			}
			continue;
		}
		size_t m = vctx_child(v, "clusterIPs");
		vctx_index(v, i);
		ok &= vctx_ip(v, NULL, s->cluster_ips[i]);
		vctx_pop(v, m);
	}
	if (s->n_cluster_ips > 2)
		vctx_invalid_strings(v, "clusterIPs", s->cluster_ips, s->n_cluster_ips,
			    "may only hold up to 2 values");
	return ok;
}

/* ipFamilies: supported, unique, and (single-stack cluster) IPv4. */
static void ip_families(struct vctx *v, const struct k8c_service_spec *s)
{
	static const char *const families[] = { "IPv4", "IPv6" };
	size_t m = vctx_child(v, "ipFamilies");
	for (size_t i = 0; i < s->n_ip_families; i++) {
		const char *f = s->ip_families[i];
		size_t mi = vctx_index(v, i);
		if (!vctx_one_of(f, families, ARRAY_SIZE(families)))
			vctx_not_supported(v, NULL, f, families, ARRAY_SIZE(families));
		else if (!strcmp(f, "IPv6"))
			vctx_invalid(v, NULL, f, "not configured on this cluster");
		for (size_t j = 0; j < i; j++)
			if (!strcmp(vstr(s->ip_families[j]), vstr(f))) {
				vctx_duplicate(v, NULL, f);
				break;
			}
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* ValidateServiceClusterIPsRelatedFields (not for ExternalName services). */
static void cluster_ips(struct vctx *v, const struct k8c_service_spec *s)
{
	static const char *const policies[] = { "PreferDualStack", "RequireDualStack",
						"SingleStack" };
	if (!vempty(s->cluster_ip)) {
		if (!s->n_cluster_ips)
			vctx_required(v, "clusterIPs", "");
		else if (strcmp(vstr(s->cluster_ips[0]), s->cluster_ip))
			vctx_invalid_strings(v, "clusterIPs", s->cluster_ips, s->n_cluster_ips,
				    "first value must match `clusterIP`");
	} else if (s->n_cluster_ips) {
		vctx_invalid_strings(v, "clusterIPs", s->cluster_ips, s->n_cluster_ips,
			    "must be empty when `clusterIP` is not specified");
	}
	ip_families(v, s);
	if (s->ip_family_policy) {
		if (!vctx_one_of(s->ip_family_policy, policies, ARRAY_SIZE(policies)))
			vctx_not_supported(v, "ipFamilyPolicy", s->ip_family_policy, policies,
					   ARRAY_SIZE(policies));
		else if (!strcmp(s->ip_family_policy, "RequireDualStack") && !headless(s))
			vctx_invalid(v, "ipFamilyPolicy", s->ip_family_policy,
				     "this cluster is not configured for dual-stack services");
	}
	if (!cluster_ip_values(v, s) || headless(s))
		return;
	if (s->n_cluster_ips == 2 &&
	    k8c_is_ipv6(s->cluster_ips[0]) == k8c_is_ipv6(s->cluster_ips[1]))
		vctx_invalid_strings(v, "clusterIPs", s->cluster_ips, s->n_cluster_ips,
			    "may specify no more than one IP for each IP family");
	for (size_t i = 0; i < s->n_cluster_ips && i < s->n_ip_families; i++) {
		bool v6 = k8c_is_ipv6(s->cluster_ips[i]);
		const char *fam = s->ip_families[i];
		if (vis(fam, v6 ? "IPv4" : "IPv6")) {
			struct strbuf d = STRBUF_INIT;
			strbuf_addf(&d, "expected an %s value as indicated by `ipFamilies[%zu]`", fam, i);
			size_t m = vctx_child(v, "clusterIPs");
			vctx_index(v, i);
			vctx_invalid(v, NULL, s->cluster_ips[i], d.buf);
			vctx_pop(v, m);
			strbuf_release(&d);
		}
	}
}

/* The ExternalName rules: no cluster IP fields, a DNS name. */
static void external_name(struct vctx *v, const struct k8c_service_spec *s)
{
	if (s->n_cluster_ips || !vempty(s->cluster_ip))
		vctx_forbidden(v, "clusterIPs", "may not be set for ExternalName services");
	if (s->n_ip_families)
		vctx_forbidden(v, "ipFamilies", "may not be set for ExternalName services");
	if (s->ip_family_policy)
		vctx_forbidden(v, "ipFamilyPolicy", "may not be set for ExternalName services");
	_cleanup_free_ char *cname = xstrdup(vstr(s->external_name));
	size_t len = strlen(cname);
	if (len && cname[len - 1] == '.')
		cname[--len] = '\0';
	if (len)
		vctx_dns1123_subdomain(v, "externalName", cname);
	else
		vctx_required(v, "externalName", "");
}

static void session_affinity(struct vctx *v, const struct k8c_service_spec *s)
{
	static const char *const kinds[] = { "ClientIP", "None" };
	vctx_enum(v, "sessionAffinity", s->session_affinity, kinds, ARRAY_SIZE(kinds), true);
	const struct k8c_session_affinity_config *c = s->session_affinity_config;
	if (vis(s->session_affinity, "None") && c)
		vctx_forbidden(v, "sessionAffinityConfig", "must not be set when session affinity "
			       "is None");
	if (!vis(s->session_affinity, "ClientIP"))
		return;
	static const char when[] = "when session affinity type is ClientIP";
	if (!c)
		vctx_required(v, "sessionAffinityConfig", when);
	else if (!c->client_ip)
		vctx_required(v, "sessionAffinityConfig.clientIP", when);
	else if (!c->client_ip->has_timeout_seconds)
		vctx_required(v, "sessionAffinityConfig.clientIP.timeoutSeconds", when);
	else if (c->client_ip->timeout_seconds <= 0 || c->client_ip->timeout_seconds > 86400)
		vctx_invalid_int(v, "sessionAffinityConfig.clientIP.timeoutSeconds",
				 c->client_ip->timeout_seconds,
				 "must be greater than 0 and less than 86400");
}

static void external_ips(struct vctx *v, const struct k8c_service_spec *s)
{
	size_t m = vctx_child(v, "externalIPs");
	for (size_t i = 0; i < s->n_external_ips; i++) {
		size_t mi = vctx_index(v, i);
		if (vctx_ip(v, NULL, s->external_ips[i]))
			vctx_non_special_ip(v, NULL, s->external_ips[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* loadBalancerSourceRanges, allocateLoadBalancerNodePorts, loadBalancerClass. */
static void load_balancer(struct vctx *v, const struct k8c_service_spec *s)
{
	static const char only_lb[] = "may only be used when `type` is 'LoadBalancer'";
	bool lb = is_type(s, "LoadBalancer");
	if (s->n_load_balancer_source_ranges) {
		size_t m = vctx_child(v, "LoadBalancerSourceRanges"); /* sic, upstream's path */
		if (!lb)
			vctx_forbidden(v, NULL, only_lb);
		for (size_t i = 0; i < s->n_load_balancer_source_ranges; i++) {
			_cleanup_free_ char *r = xstrdup(vstr(s->load_balancer_source_ranges[i]));
			char *b = r + strspn(r, " \t"), *e = b + strlen(b);
			while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
			size_t mi = vctx_index(v, i);
			vctx_cidr(v, NULL, b);
			vctx_pop(v, mi);
		}
		vctx_pop(v, m);
	}
	if (s->has_allocate_load_balancer_node_ports && !lb)
		vctx_forbidden(v, "allocateLoadBalancerNodePorts", only_lb);
	if (lb && !s->has_allocate_load_balancer_node_ports)
		field_err_required(v->errs, "allocateLoadBalancerNodePorts", "");
	if (s->load_balancer_class && lb)
		vctx_qualified_name(v, "loadBalancerClass", s->load_balancer_class);
	else if (s->load_balancer_class)
		vctx_forbidden(v, "loadBalancerClass", only_lb);
}

/* validateServiceExternalTrafficPolicy and validateServiceInternalTrafficFieldsValue. */
static void traffic_policies(struct vctx *v, const struct k8c_service_spec *s)
{
	static const char *const policies[] = { "Cluster", "Local" };
	bool node_ports = is_type(s, "NodePort") || is_type(s, "LoadBalancer");
	bool accessible = node_ports || (is_type(s, "ClusterIP") && s->n_external_ips);
	if (!accessible && !vempty(s->external_traffic_policy))
		vctx_invalid(v, "externalTrafficPolicy", s->external_traffic_policy,
			     "may only be set for externally-accessible services");
	else if (accessible)
		vctx_enum(v, "externalTrafficPolicy", s->external_traffic_policy, policies,
			  ARRAY_SIZE(policies), true);
	bool needs_hc = is_type(s, "LoadBalancer") && vis(s->external_traffic_policy, "Local");
	if (!needs_hc && s->health_check_node_port)
		vctx_invalid_int(v, "healthCheckNodePort", s->health_check_node_port,
				 "may only be set when `type` is 'LoadBalancer' and "
				 "`externalTrafficPolicy` is 'Local'");
	else if (needs_hc && s->health_check_node_port)
		vctx_int_range(v, "healthCheckNodePort", s->health_check_node_port, 1, 65535);
	if (!s->internal_traffic_policy && (node_ports || is_type(s, "ClusterIP")))
		vctx_required(v, "internalTrafficPolicy", "");
	else if (s->internal_traffic_policy)
		vctx_enum(v, "internalTrafficPolicy", s->internal_traffic_policy, policies,
			  ARRAY_SIZE(policies), false);
}

static void service_spec(struct vctx *v, const struct k8c_service_spec *s)
{
	static const char *const types[] = { "ClusterIP", "ExternalName", "LoadBalancer",
					     "NodePort" };
	if (!s->n_ports && !headless(s) && !is_type(s, "ExternalName"))
		vctx_required(v, "ports", "");
	if ((is_type(s, "LoadBalancer") || is_type(s, "NodePort")) && headless(s)) {
		size_t m = vctx_child(v, "clusterIPs");
		vctx_index(v, 0);
		vctx_invalid(v, NULL, "None", is_type(s, "NodePort") ?
			     "may not be set to 'None' for NodePort services" :
			     "may not be set to 'None' for LoadBalancer services");
		vctx_pop(v, m);
	}
	if (is_type(s, "ExternalName"))
		external_name(v, s);
	size_t m = vctx_child(v, "ports");
	for (size_t i = 0; i < s->n_ports; i++) {
		size_t mi = vctx_index(v, i);
		service_port(v, s, i);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
	m = vctx_child(v, "selector");
	k8c_validate_labels(&s->selector, v->path.buf, v->errs);
	vctx_pop(v, m);
	session_affinity(v, s);
	if (!is_type(s, "ExternalName"))
		cluster_ips(v, s);
	external_ips(v, s);
	vctx_enum(v, "type", s->type, types, ARRAY_SIZE(types), true);
	port_pairs(v, s);
	load_balancer(v, s);
	traffic_policies(v, s);
}

void k8c_validate_service(const void *obj, struct field_errors *errs)
{
	struct vctx v;
	vctx_init(&v, errs, "spec");
	service_spec(&v, &((const struct k8c_service *)obj)->spec);
	vctx_release(&v);
}

/* validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes. */
static void cluster_ips_update(struct vctx *v, const struct k8c_service_spec *s,
			       const struct k8c_service_spec *o)
{
	static const char changed[] = "may not change once set";
	if (is_type(s, "ExternalName") || is_type(o, "ExternalName") || (headless(s) && headless(o)))
		return;
	size_t m = vctx_child(v, "clusterIPs");
	if (s->n_cluster_ips == o->n_cluster_ips) {
		for (size_t i = 0; i < o->n_cluster_ips; i++)
			if (strcmp(vstr(o->cluster_ips[i]), vstr(s->cluster_ips[i]))) {
				size_t mi = vctx_index(v, i);
				vctx_invalid_strings(v, NULL, s->cluster_ips, s->n_cluster_ips, changed);
				vctx_pop(v, mi);
			}
	} else {
		size_t mi = vctx_index(v, 0);
		if (!s->n_cluster_ips)
			vctx_invalid_strings(v, NULL, s->cluster_ips, 0, "primary clusterIP can not be unset");
		else if (o->n_cluster_ips && strcmp(vstr(s->cluster_ips[0]), vstr(o->cluster_ips[0])))
			vctx_invalid_strings(v, NULL, s->cluster_ips, s->n_cluster_ips, changed);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* validateUpgradeDowngradeIPFamilies (the primary family) and the health check port. */
static void families_update(struct vctx *v, const struct k8c_service_spec *s,
			    const struct k8c_service_spec *o)
{
	bool skip = is_type(s, "ExternalName") || is_type(o, "ExternalName") ||
		    headless(s) != headless(o) || headless(s);
	if (!skip && s->n_ip_families && o->n_ip_families &&
	    strcmp(vstr(s->ip_families[0]), vstr(o->ip_families[0]))) {
		size_t m = vctx_child(v, "ipFamilies");
		vctx_index(v, 0);
		vctx_invalid_strings(v, NULL, s->ip_families, s->n_ip_families, "may not change once set");
		vctx_pop(v, m);
	}
	bool hc_new = is_type(s, "LoadBalancer") && vis(s->external_traffic_policy, "Local");
	bool hc_old = is_type(o, "LoadBalancer") && vis(o->external_traffic_policy, "Local");
	if (hc_new && hc_old && s->health_check_node_port && o->health_check_node_port &&
	    s->health_check_node_port != o->health_check_node_port)
		vctx_forbidden(v, "healthCheckNodePort", "field is immutable");
	if (is_type(s, "LoadBalancer") && is_type(o, "LoadBalancer") &&
	    strcmp(vstr(s->load_balancer_class), vstr(o->load_balancer_class)))
		vctx_invalid(v, "loadBalancerClass", s->load_balancer_class,
			     "may not change once set");
}

void k8c_validate_service_update(const void *obj, const void *old, struct field_errors *errs)
{
	const struct k8c_service_spec *s = &((const struct k8c_service *)obj)->spec;
	const struct k8c_service_spec *o = &((const struct k8c_service *)old)->spec;
	struct vctx v;
	vctx_init(&v, errs, "spec");
	cluster_ips_update(&v, s, o);
	families_update(&v, s, o);
	service_spec(&v, s);
	vctx_release(&v);
}
