/*
 * podspec.c - a whole PodSpec (core/v1 ValidatePodSpec) and pod templates
 * (ValidatePodTemplateSpec): the pieces in the other pod files plus the
 * pod-level policies, DNS settings, names and scheduling fields.
 */
#include "api/validation/govalue.h"
#include "api/validation/object_meta.h"
#include "api/validation/pod_internal.h"

#define MAX_INT32 2147483647LL

/* validatePodHostNetworkDeps: with hostNetwork, hostPort must equal containerPort. */
static void host_network_ports(struct podv *p)
{
	const struct k8c_pod_spec *spec = p->spec;
	if (!spec->host_network)
		return;
	size_t m = vctx_child(p->v, "containers");
	for (size_t i = 0; i < spec->n_containers; i++) {
		const struct k8c_container *c = &spec->containers[i];
		for (size_t j = 0; j < c->n_ports; j++) {
			int32_t hp = c->ports[j].host_port, cp = c->ports[j].container_port;
			if (!((p->is_pod || hp != 0) && hp != cp))
				continue;
			size_t mi = vctx_index(p->v, i);
			vctx_child(p->v, "ports");
			vctx_index(p->v, j);
			vctx_invalid_int(p->v, "hostPort", hp,
					 "must match `containerPort` when `hostNetwork` is true");
			vctx_pop(p->v, mi);
		}
	}
	vctx_pop(p->v, m);
}

void vctx_invalid_strings(struct vctx *v, const char *child, char *const *items, size_t n,
			  const char *detail)
{
	struct strbuf r = STRBUF_INIT;
	govalue_strings(&r, items, n);
	vctx_invalid_go(v, child, r.buf, detail);
	strbuf_release(&r);
}

static void dns_searches(struct vctx *v, const struct k8c_pod_dns_config *dc)
{
	size_t total = 0;
	for (size_t i = 0; i < dc->n_searches; i++)
		total += strlen(vstr(dc->searches[i])) + (i ? 1 : 0);
	if (dc->n_searches > 32)
		vctx_invalid_strings(v, "searches", dc->searches, dc->n_searches,
			     "must not have more than 32 search paths");
	if (total > 2048)
		vctx_invalid_strings(v, "searches", dc->searches, dc->n_searches,
			     "must not have more than 2048 characters (including spaces) in the "
			     "search list");
	size_t m = vctx_child(v, "searches");
	for (size_t i = 0; i < dc->n_searches; i++) {
		_cleanup_free_ char *s = xstrdup(vstr(dc->searches[i]));
		size_t len = strlen(s);
		if (len && s[len - 1] == '.')
			s[len - 1] = '\0';
		size_t mi = vctx_index(v, i);
		vctx_dns1123_subdomain(v, NULL, s);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* validatePodDNSConfig at <spec>.dnsConfig. */
static void dns_config(struct vctx *v, const struct k8c_pod_spec *spec)
{
	const struct k8c_pod_dns_config *dc = spec->dns_config;
	if (vis(spec->dns_policy, "None")) {
		if (!dc) {
			vctx_required(v, "dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None");
			return;
		}
		if (!dc->n_nameservers) {
			vctx_required(v, "dnsConfig.nameservers", "must provide at least one DNS "
				      "nameserver when `dnsPolicy` is None");
			return;
		}
	}
	if (!dc)
		return;
	size_t m = vctx_child(v, "dnsConfig");
	if (dc->n_nameservers > 3)
		vctx_invalid_strings(v, "nameservers", dc->nameservers, dc->n_nameservers,
			     "must not have more than 3 nameservers");
	size_t mn = vctx_child(v, "nameservers");
	for (size_t i = 0; i < dc->n_nameservers; i++) {
		size_t mi = vctx_index(v, i);
		vctx_ip(v, NULL, dc->nameservers[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, mn);
	dns_searches(v, dc);
	mn = vctx_child(v, "options");
	for (size_t i = 0; i < dc->n_options; i++) {
		size_t mi = vctx_index(v, i);
		if (vempty(dc->options[i].name))
			vctx_required(v, NULL, "must not be empty");
		vctx_pop(v, mi);
	}
	vctx_pop(v, mn);
	vctx_pop(v, m);
}

/* readinessGates and schedulingGates: qualified names, gates unique. */
static void gates(struct vctx *v, const struct k8c_pod_spec *spec)
{
	size_t m = vctx_child(v, "readinessGates");
	for (size_t i = 0; i < spec->n_readiness_gates; i++) {
		size_t mi = vctx_index(v, i);
		vctx_qualified_name(v, "conditionType", vstr(spec->readiness_gates[i].condition_type));
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
	m = vctx_child(v, "schedulingGates");
	for (size_t i = 0; i < spec->n_scheduling_gates; i++) {
		const char *name = vstr(spec->scheduling_gates[i].name);
		size_t mi = vctx_index(v, i);
		vctx_qualified_name(v, NULL, name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(vstr(spec->scheduling_gates[j].name), name)) {
				vctx_duplicate(v, NULL, name);
				break;
			}
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

static void host_aliases(struct vctx *v, const struct k8c_pod_spec *spec)
{
	size_t m = vctx_child(v, "hostAliases");
	for (size_t i = 0; i < spec->n_host_aliases; i++) {
		const struct k8c_host_alias *a = &spec->host_aliases[i];
		size_t mi = vctx_index(v, i);
		vctx_ip(v, "ip", a->ip);
		size_t mh = vctx_child(v, "hostnames");
		for (size_t j = 0; j < a->n_hostnames; j++) {
			size_t mj = vctx_index(v, j);
			vctx_dns1123_subdomain(v, NULL, a->hostnames[j]);
			vctx_pop(v, mj);
		}
		vctx_pop(v, mh);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* The optional name-like fields of a PodSpec. */
static void names(struct vctx *v, const struct k8c_pod_spec *spec)
{
	if (!vempty(spec->service_account_name))
		vctx_dns1123_subdomain(v, "serviceAccountName", spec->service_account_name);
	if (!vempty(spec->node_name))
		vctx_dns1123_subdomain(v, "nodeName", spec->node_name);
	if (!vempty(spec->hostname))
		vctx_dns1123_label(v, "hostname", spec->hostname);
	if (!vempty(spec->subdomain))
		vctx_dns1123_label(v, "subdomain", spec->subdomain);
	if (!vempty(spec->priority_class_name))
		vctx_dns1123_subdomain(v, "priorityClassName", spec->priority_class_name);
	if (spec->runtime_class_name)
		vctx_dns1123_subdomain(v, "runtimeClassName", spec->runtime_class_name);
}

/* preemptionPolicy, overhead and os. */
static void extras(struct vctx *v, const struct k8c_pod_spec *spec)
{
	static const char *const preempt[] = { "PreemptLowerPriority", "Never" };
	static const char *const oses[] = { "linux", "windows" };
	if (spec->preemption_policy)
		vctx_enum(v, "preemptionPolicy", spec->preemption_policy, preempt,
			  ARRAY_SIZE(preempt), true);
	if (spec->overhead.n) {
		size_t m = vctx_child(v, "overhead");
		vctx_resources(v, &spec->overhead, NULL);
		vctx_pop(v, m);
	}
	if (!spec->os)
		return;
	if (vempty(spec->os->name))
		vctx_required(v, "os.name", "cannot be empty");
	else if (!vctx_one_of(spec->os->name, oses, ARRAY_SIZE(oses)))
		vctx_not_supported(v, "os", spec->os->name, oses, ARRAY_SIZE(oses));
	else if (!strcmp(spec->os->name, "linux") && spec->security_context &&
		 spec->security_context->windows_options)
		vctx_forbidden(v, "securityContext.windowsOptions",
			       "windows options cannot be set for a linux pod");
}

void podv_spec(struct podv *p)
{
	static const char *const restart[] = { "Always", "OnFailure", "Never" };
	static const char *const dns[] = { "ClusterFirstWithHostNet", "ClusterFirst", "Default",
					   "None" };
	const struct k8c_pod_spec *spec = p->spec;
	struct vctx *v = p->v;
	if (!spec->has_termination_grace_period_seconds)
		vctx_required(v, "terminationGracePeriodSeconds", "");
	podv_volumes(p);
	podv_containers(p);
	podv_init_containers(p);
	host_network_ports(p);
	vctx_enum(v, "restartPolicy", spec->restart_policy, restart, ARRAY_SIZE(restart), true);
	vctx_enum(v, "dnsPolicy", spec->dns_policy, dns, ARRAY_SIZE(dns), true);
	size_t m = vctx_child(v, "nodeSelector");
	k8c_validate_labels(&spec->node_selector, v->path.buf, v->errs);
	vctx_pop(v, m);
	podv_security_context(p);
	vctx_affinity(v, spec->affinity);
	dns_config(v, spec);
	gates(v, spec);
	vctx_topology_spread(v, spec->topology_spread_constraints,
			     spec->n_topology_spread_constraints);
	names(v, spec);
	if (spec->has_active_deadline_seconds)
		vctx_int_range(v, "activeDeadlineSeconds", spec->active_deadline_seconds, 1,
			       MAX_INT32);
	m = vctx_child(v, "tolerations");
	vctx_tolerations(v, spec->tolerations, spec->n_tolerations);
	vctx_pop(v, m);
	host_aliases(v, spec);
	extras(v, spec);
}

void vctx_podv_run(struct vctx *v, const struct k8c_pod_spec *spec, bool is_pod)
{
	struct podv p = { .v = v, .spec = spec, .is_pod = is_pod };
	podv_spec(&p);
	free(p.vols);
}

void vctx_pod_template(struct vctx *v, const struct k8c_pod_template_spec *t)
{
	size_t m = vctx_child(v, "labels");
	k8c_validate_labels(&t->metadata.labels, v->path.buf, v->errs);
	vctx_pop(v, m);
	m = vctx_child(v, "annotations");
	k8c_validate_annotations(&t->metadata.annotations, v->path.buf, v->errs);
	vctx_pop(v, m);
	m = vctx_child(v, "spec");
	vctx_podv_run(v, &t->spec, false);
	if (t->spec.n_ephemeral_containers)
		vctx_forbidden(v, "ephemeralContainers",
			       "ephemeral containers not allowed in pod template");
	vctx_pop(v, m);
}
