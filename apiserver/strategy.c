/*
 * strategy.c - per-kind create/update preparation and when a deletion is
 * complete; which validation a write gets is strategy_validate.c. See strategy.h.
 */
#include "apiserver/strategy.h"

#include <arpa/inet.h>
#include <pthread.h>

#include "api/codec.h"
#include "api/object.h"
#include "api/validation/field_err.h"
#include "api/validation/govalue.h"
#include "api/validation/object_meta.h"
#include "apiserver/server.h"
#include "base/random.h"
#include "base/timeutil.h"

static bool is(const struct k8c_kind *k, const char *resource)
{
	return !strcmp(k->resource, resource);
}

static const char *pod_qos_class(const struct k8c_pod *p)
{
	bool any = false, guaranteed = true;
	for (size_t i = 0; i < p->spec.n_containers; i++) {
		const struct k8c_resource_requirements *rr = p->spec.containers[i].resources;
		if (!rr || (!rr->requests.n && !rr->limits.n)) {
			guaranteed = false;
			continue;
		}
		any = true;
		static const char *names[] = { "cpu", "memory" };
		for (size_t j = 0; j < ARRAY_SIZE(names); j++) {
			const char *lim = k8c_strmap_get(&rr->limits, names[j]);
			const char *req = k8c_strmap_get(&rr->requests, names[j]);
			if (!lim || (req && strcmp(req, lim)))
				guaranteed = false;
		}
	}
	return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

void strategy_prepare_create(const struct k8c_kind *k, void *obj)
{
	if ((k->flags & K8C_KIND_STATUS) && !is(k, "nodes"))
		k8c_object_field_clear(k, obj, "status");
	if (is(k, "pods")) {
		struct k8c_pod *p = obj;
		p->status.phase = xstrdup("Pending");
		p->status.qos_class = xstrdup(pod_qos_class(p));
	} else if (is(k, "namespaces")) {
		struct k8c_namespace *ns = obj;
		ns->status.phase = xstrdup("Active");
		if (!ns->spec.n_finalizers) {
			ns->spec.finalizers = xcalloc(1, sizeof(char *));
			ns->spec.finalizers[0] = xstrdup("kubernetes");
			ns->spec.n_finalizers = 1;
		}
	}
}

/* needsClusterIP / needsNodePort of the service strategy (before defaulting). */
static bool needs_cluster_ip(const struct k8c_service *s)
{
	return !s->spec.type || strcmp(s->spec.type, "ExternalName");
}

static bool needs_node_ports(const struct k8c_service *s)
{
	const char *t = s->spec.type ? s->spec.type : "";
	return !strcmp(t, "NodePort") ||
	       (!strcmp(t, "LoadBalancer") && (!s->spec.has_allocate_load_balancer_node_ports ||
					       s->spec.allocate_load_balancer_node_ports));
}

static bool needs_health_check(const struct k8c_service *s)
{
	return s->spec.type && !strcmp(s->spec.type, "LoadBalancer") &&
	       s->spec.external_traffic_policy && !strcmp(s->spec.external_traffic_policy, "Local");
}

static bool port_in(const struct k8c_service_spec *spec, int32_t np)
{
	for (size_t i = 0; i < spec->n_ports; i++)
		if (spec->ports[i].node_port == np)
			return true;
	return false;
}

static bool same_str(const char *a, const char *b)
{
	return !strcmp(str_or_empty(a), str_or_empty(b));
}

static bool same_strings(char *const *a, size_t na, char *const *b, size_t nb)
{
	for (size_t i = 0; na == nb && i < na; i++)
		if (!same_str(a[i], b[i]))
			return false;
	return na == nb;
}

static void free_strings(char ***v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

static bool same_node_ports(const struct k8c_service_spec *a, const struct k8c_service_spec *b)
{
	for (size_t i = 0; a->n_ports == b->n_ports && i < a->n_ports; i++)
		if (a->ports[i].node_port != b->ports[i].node_port)
			return false;
	return a->n_ports == b->n_ports;
}

/*
 * dropTypeDependentFields: a service changed to a type that does not use
 * its cluster IPs, node ports or health check port loses them, unless the
 * client changed them in the same update (then validation has its say).
 */
static void drop_type_dependent(struct k8c_service *n, const struct k8c_service *o)
{
	struct k8c_service_spec *ns = &n->spec;
	const struct k8c_service_spec *os = &o->spec;
	if (needs_cluster_ip(o) && !needs_cluster_ip(n)) {
		if (same_str(ns->cluster_ip, os->cluster_ip) &&
		    same_strings(ns->cluster_ips, ns->n_cluster_ips, os->cluster_ips, os->n_cluster_ips)) {
			free(ns->cluster_ip);
			ns->cluster_ip = NULL;
			free_strings(&ns->cluster_ips, &ns->n_cluster_ips);
		}
		if (same_strings(ns->ip_families, ns->n_ip_families, os->ip_families, os->n_ip_families))
			free_strings(&ns->ip_families, &ns->n_ip_families);
		if (same_str(ns->ip_family_policy, os->ip_family_policy)) {
			free(ns->ip_family_policy);
			ns->ip_family_policy = NULL;
		}
	}
	if (needs_node_ports(o) && !needs_node_ports(n) && same_node_ports(ns, os))
		for (size_t i = 0; i < ns->n_ports; i++) {
			ns->ports[i].node_port = 0;
			ns->ports[i].has_node_port = false;
		}
	if (needs_health_check(o) && !needs_health_check(n) &&
	    ns->health_check_node_port == os->health_check_node_port) {
		ns->health_check_node_port = 0;
		ns->has_health_check_node_port = false;
	}
	bool was_lb = same_str(os->type, "LoadBalancer"), is_lb = same_str(ns->type, "LoadBalancer");
	if (was_lb && !is_lb && ns->has_allocate_load_balancer_node_ports &&
	    os->has_allocate_load_balancer_node_ports &&
	    ns->allocate_load_balancer_node_ports == os->allocate_load_balancer_node_ports)
		ns->has_allocate_load_balancer_node_ports = false;
	bool was_external = needs_node_ports(o) || was_lb || (same_str(os->type, "ClusterIP") &&
							     os->n_external_ips);
	bool is_external = same_str(ns->type, "NodePort") || is_lb ||
			   ((!ns->type || same_str(ns->type, "ClusterIP")) && ns->n_external_ips);
	if (was_external && !is_external &&
	    same_str(ns->external_traffic_policy, os->external_traffic_policy)) {
		free(ns->external_traffic_policy);
		ns->external_traffic_policy = NULL;
	}
	if (!is_lb)
		k8c_release(&k8c_type_load_balancer_status, &n->status.load_balancer);
}

/*
 * patchAllocatedValues: an update that leaves out the cluster IPs or node
 * ports (a PUT of a manifest) keeps the ones the service has.
 */
static void keep_allocated(struct k8c_service *n, const struct k8c_service *o)
{
	if (needs_cluster_ip(n) && needs_cluster_ip(o)) {
		if (!n->spec.cluster_ip || !*n->spec.cluster_ip) {
			free(n->spec.cluster_ip);
			n->spec.cluster_ip = xstrdup(o->spec.cluster_ip);
		}
		if (!n->spec.n_cluster_ips && o->spec.n_cluster_ips) {
			n->spec.cluster_ips = xcalloc(o->spec.n_cluster_ips + 1, sizeof(char *));
			for (size_t i = 0; i < o->spec.n_cluster_ips; i++)
				n->spec.cluster_ips[i] = xstrdup(o->spec.cluster_ips[i]);
			n->spec.n_cluster_ips = o->spec.n_cluster_ips;
		}
	}
	if (needs_health_check(n) && needs_health_check(o) && !n->spec.health_check_node_port) {
		n->spec.health_check_node_port = o->spec.health_check_node_port;
		n->spec.has_health_check_node_port = o->spec.has_health_check_node_port;
	}
	if (!needs_node_ports(n) || !needs_node_ports(o))
		return;
	for (size_t i = 0; i < n->spec.n_ports; i++) {
		struct k8c_service_port *p = &n->spec.ports[i];
		for (size_t j = 0; !p->node_port && j < o->spec.n_ports; j++) {
			int32_t was = o->spec.ports[j].node_port;
			/* by name, unless another port of the new spec already uses it */
			if (was && !strcmp(str_or_empty(p->name), str_or_empty(o->spec.ports[j].name)) &&
			    !port_in(&n->spec, was)) {
				p->node_port = was;
				p->has_node_port = true;
			}
		}
	}
}

void strategy_prepare_update(const struct k8c_kind *k, void *obj, const void *old)
{
	if (is(k, "namespaces")) /* spec.finalizers change only through /finalize */
		k8c_object_field_copy(k, obj, old, "spec");
	if (is(k, "services")) {
		drop_type_dependent(obj, old);
		keep_allocated(obj, old);
	}
	if (is(k, "pods")) { /* the QoS class is set once */
		struct k8c_pod *p = obj;
		const struct k8c_pod *o = old;
		free(p->status.qos_class);
		p->status.qos_class = xstrdup(o->status.qos_class);
	}
}

bool strategy_deletion_complete(const struct k8c_kind *k, const void *obj)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
	if (!m->deletion_timestamp || m->n_finalizers)
		return false;
	if (is(k, "namespaces"))
		return ((const struct k8c_namespace *)obj)->spec.n_finalizers == 0;
	if (is(k, "pods")) /* a graceful pod deletion ends with the kubelet's grace-0 delete */
		return m->has_deletion_grace_period_seconds && m->deletion_grace_period_seconds == 0;
	return true;
}
