/*
 * core.c - defaults of the core/v1 kinds other than pods: SetDefaults_Service
 * with the IP-family fields the service REST allocator fills in,
 * SetDefaults_Endpoints, SetDefaults_Namespace(+Status), SetDefaults_Secret
 * with the stringData-into-data conversion, SetDefaults_NodeStatus.
 */
#include "api/defaults/defaults_internal.h"

#include "api/codec.h"
#include "api/validation/names.h"
#include "base/base64.h"

static void strings_set(char ***v, size_t *n, const char *const *items, size_t count)
{
	*v = xcalloc(count + 1, sizeof(**v));
	for (size_t i = 0; i < count; i++)
		(*v)[i] = xstrdup(items[i]);
	*n = count;
}

static void default_ports(struct k8c_service_spec *spec)
{
	for (size_t i = 0; i < spec->n_ports; i++) {
		struct k8c_service_port *p = &spec->ports[i];
		dflt_str(&p->protocol, "TCP");
		struct k8c_intstr *t = &p->target_port;
		bool unset = t->type == K8C_INTSTR_UNSET || (t->type == K8C_INTSTR_INT && !t->ival) ||
			     (t->type == K8C_INTSTR_STRING && dflt_empty(t->sval));
		if (unset) {
			free(t->sval);
			*t = (struct k8c_intstr){ .type = K8C_INTSTR_INT, .ival = p->port };
		}
	}
}

static void session_affinity(struct k8c_service_spec *spec)
{
	dflt_str(&spec->session_affinity, "None");
	if (!strcmp(spec->session_affinity, "None")) {
		k8c_free(&k8c_type_session_affinity_config, spec->session_affinity_config);
		spec->session_affinity_config = NULL;
		return;
	}
	if (strcmp(spec->session_affinity, "ClientIP"))
		return;
	if (!spec->session_affinity_config)
		spec->session_affinity_config = xcalloc(1, sizeof(*spec->session_affinity_config));
	struct k8c_session_affinity_config *c = spec->session_affinity_config;
	if (!c->client_ip)
		c->client_ip = xcalloc(1, sizeof(*c->client_ip));
	DFLT_OPT(c->client_ip, timeout_seconds, 10800);
}

/*
 * The allocator-side defaults of a service with cluster IPs: clusterIP and
 * clusterIPs in step, ipFamilyPolicy (RequireDualStack for a headless
 * service without selector, else SingleStack) and ipFamilies from the IPs
 * (this cluster is IPv4 single-stack).
 */
static void ip_families(struct k8c_service_spec *spec)
{
	if (!dflt_empty(spec->cluster_ip) && !spec->n_cluster_ips) {
		const char *ip = spec->cluster_ip;
		strings_set(&spec->cluster_ips, &spec->n_cluster_ips, &ip, 1);
	} else if (dflt_empty(spec->cluster_ip) && spec->n_cluster_ips) {
		free(spec->cluster_ip);
		spec->cluster_ip = xstrdup(spec->cluster_ips[0]);
	}
	bool headless = spec->n_cluster_ips == 1 && !strcmp(spec->cluster_ips[0], "None");
	if (!spec->ip_family_policy)
		spec->ip_family_policy = xstrdup(headless && !spec->selector.n ? "RequireDualStack"
									: "SingleStack");
	if (spec->n_ip_families)
		return;
	const char *fams[2];
	size_t n = 0;
	for (size_t i = 0; i < spec->n_cluster_ips && n < 2; i++)
		if (k8c_is_valid_ip(spec->cluster_ips[i], NULL))
			fams[n++] = k8c_is_ipv6(spec->cluster_ips[i]) ? "IPv6" : "IPv4";
	if (!n)
		fams[n++] = "IPv4";
	strings_set(&spec->ip_families, &spec->n_ip_families, fams, n);
}

void k8c_default_service(void *obj)
{
	struct k8c_service_spec *spec = &((struct k8c_service *)obj)->spec;
	session_affinity(spec);
	dflt_str(&spec->type, "ClusterIP");
	default_ports(spec);
	bool node_ports = !strcmp(spec->type, "NodePort") || !strcmp(spec->type, "LoadBalancer");
	bool external = node_ports || (!strcmp(spec->type, "ClusterIP") && spec->n_external_ips);
	if (external)
		dflt_str(&spec->external_traffic_policy, "Cluster");
	if (!spec->internal_traffic_policy && (node_ports || !strcmp(spec->type, "ClusterIP")))
		spec->internal_traffic_policy = xstrdup("Cluster");
	if (!strcmp(spec->type, "LoadBalancer"))
		DFLT_OPT(spec, allocate_load_balancer_node_ports, true);
	if (strcmp(spec->type, "ExternalName"))
		ip_families(spec);
}

void k8c_default_endpoints(void *obj)
{
	struct k8c_endpoints *ep = obj;
	for (size_t i = 0; i < ep->n_subsets; i++)
		for (size_t j = 0; j < ep->subsets[i].n_ports; j++)
			dflt_str(&ep->subsets[i].ports[j].protocol, "TCP");
}

void k8c_default_namespace(void *obj)
{
	struct k8c_namespace *ns = obj;
	if (!dflt_empty(ns->metadata.name))
		k8c_strmap_set(&ns->metadata.labels, "kubernetes.io/metadata.name",
			       ns->metadata.name);
	dflt_str(&ns->status.phase, "Active");
}

void k8c_default_secret(void *obj)
{
	struct k8c_secret *s = obj;
	dflt_str(&s->type, "Opaque");
	/* stringData is write-only: it is merged into data, overriding, and never stored */
	for (size_t i = 0; i < s->string_data.n; i++) {
		struct strbuf b64 = STRBUF_INIT;
		const char *value = s->string_data.items[i].value;
		base64_encode(&b64, value, strlen(value));
		k8c_strmap_set(&s->data, s->string_data.items[i].key, b64.buf);
		strbuf_release(&b64);
	}
	k8c_strmap_release(&s->string_data);
}

void k8c_default_node(void *obj)
{
	struct k8c_node_status *st = &((struct k8c_node *)obj)->status;
	if (!st->allocatable.n && st->capacity.n) {
		k8c_strmap_release(&st->allocatable);
		k8c_strmap_copy(&st->allocatable, &st->capacity);
	}
}
