/*
 * subsets.c - the pods and ports of a Service's Endpoints (endpoints
 * controller's syncService, the part that needs no I/O); see subsets.h.
 */
#include "controllers/endpoints/subsets.h"

#include "api/codec.h"
#include "controllers/podutil.h"

#define TOLERATE_UNREADY_ANNOTATION "service.alpha.kubernetes.io/tolerate-unready-endpoints"

bool endpoints_service_selects(const struct k8c_service *svc, const struct k8c_pod *pod)
{
	const struct k8c_strmap *sel = &svc->spec.selector;
	if (!sel->n || !streq_null(svc->metadata.namespace, pod->metadata.namespace))
		return false;
	for (size_t i = 0; i < sel->n; i++) {
		const char *v = k8c_strmap_get(&pod->metadata.labels, sel->items[i].key);
		if (!v || strcmp(v, sel->items[i].value))
			return false;
	}
	return true;
}

static const char *protocol_or_tcp(const char *p)
{
	return p && *p ? p : "TCP";
}

int endpoints_find_port(const struct k8c_pod *pod, const struct k8c_service_port *sp,
			int32_t *ret)
{
	const struct k8c_intstr *tp = &sp->target_port;
	if (tp->type == K8C_INTSTR_INT) {
		*ret = tp->ival;
		return 0;
	}
	if (tp->type != K8C_INTSTR_STRING) { /* defaulting makes targetPort the port */
		*ret = sp->port;
		return 0;
	}
	const char *proto = protocol_or_tcp(sp->protocol);
	for (size_t i = 0; i < pod->spec.n_containers; i++) {
		const struct k8c_container *c = &pod->spec.containers[i];
		for (size_t j = 0; j < c->n_ports; j++) {
			const struct k8c_container_port *p = &c->ports[j];
			if (streq_null(p->name, tp->sval) &&
			    !strcmp(protocol_or_tcp(p->protocol), proto)) {
				*ret = p->container_port;
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* publishNotReadyAddresses, or the older annotation saying the same. */
static bool tolerates_unready(const struct k8c_service *svc)
{
	const char *a = k8c_strmap_get(&svc->metadata.annotations, TOLERATE_UNREADY_ANNOTATION);
	return svc->spec.publish_not_ready_addresses || (a && !strcmp(a, "true"));
}

/* ShouldPodBeInEndpoints: an IP, not terminal, not being deleted unless tolerated. */
static bool pod_included(const struct k8c_pod *pod, bool tolerate_unready)
{
	const char *phase = pod->status.phase ? pod->status.phase : "";
	if (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))
		return false;
	if (!pod->status.pod_ip || !*pod->status.pod_ip)
		return false;
	return tolerate_unready || !pod->metadata.deletion_timestamp;
}

/* podToEndpointAddressForService. */
static void pod_address(const struct k8c_service *svc, const struct k8c_pod *pod,
			struct k8c_endpoint_address *a)
{
	memset(a, 0, sizeof(*a));
	a->ip = xstrdup(pod->status.pod_ip);
	if (pod->spec.node_name && *pod->spec.node_name) /* "" is not a valid nodeName */
		a->node_name = xstrdup(pod->spec.node_name);
	a->target_ref = xcalloc(1, sizeof(*a->target_ref));
	a->target_ref->kind = xstrdup("Pod");
	a->target_ref->namespace = xstrdup(pod->metadata.namespace);
	a->target_ref->name = xstrdup(pod->metadata.name);
	a->target_ref->uid = xstrdup(pod->metadata.uid);
	if (pod->spec.hostname && *pod->spec.hostname &&
	    streq_null(pod->spec.subdomain, svc->metadata.name))
		a->hostname = xstrdup(pod->spec.hostname);
}

struct subset_list {
	struct k8c_endpoint_subset *items;
	size_t n, alloc;
};

/* addEndpointSubset: one subset of one address and (at most) one port. */
static void add_subset(struct subset_list *l, const struct k8c_endpoint_address *a, bool ready,
		       const struct k8c_service_port *sp, int32_t port)
{
	ALLOC_GROW(l->items, l->n + 1, l->alloc);
	struct k8c_endpoint_subset *s = &l->items[l->n++];
	memset(s, 0, sizeof(*s));
	struct k8c_endpoint_address *copy = xcalloc(1, sizeof(*copy));
	k8c_copy(&k8c_type_endpoint_address, copy, a);
	if (ready) {
		s->addresses = copy;
		s->n_addresses = 1;
	} else {
		s->not_ready_addresses = copy;
		s->n_not_ready_addresses = 1;
	}
	if (!sp)
		return;
	s->ports = xcalloc(1, sizeof(*s->ports));
	s->n_ports = 1;
	s->ports->name = xstrdup(sp->name);
	s->ports->port = port;
	s->ports->has_port = true;
	s->ports->protocol = xstrdup(protocol_or_tcp(sp->protocol));
	s->ports->app_protocol = xstrdup(sp->app_protocol);
}

static void add_pod(struct subset_list *l, const struct k8c_service *svc,
		    const struct k8c_pod *pod, bool tolerate)
{
	struct k8c_endpoint_address a;
	pod_address(svc, pod, &a);
	bool ready = tolerate || podutil_is_ready(pod);
	if (!svc->spec.n_ports && streq_null(svc->spec.cluster_ip, "None"))
		add_subset(l, &a, ready, NULL, 0); /* headless without ports: addresses only */
	for (size_t i = 0; i < svc->spec.n_ports; i++) {
		int32_t port;
		if (endpoints_find_port(pod, &svc->spec.ports[i], &port) == 0)
			add_subset(l, &a, ready, &svc->spec.ports[i], port);
	}
	k8c_release(&k8c_type_endpoint_address, &a);
}

void endpoints_compute(const struct k8c_service *svc, const struct k8c_pod *const *pods, size_t n,
		       struct k8c_endpoint_subset **ret, size_t *ret_n)
{
	struct subset_list l = { 0 };
	bool tolerate = tolerates_unready(svc);
	for (size_t i = 0; i < n; i++)
		if (endpoints_service_selects(svc, pods[i]) && pod_included(pods[i], tolerate))
			add_pod(&l, svc, pods[i], tolerate);
	endpoints_repack(l.items, l.n, ret, ret_n);
	endpoints_subsets_free(l.items, l.n);
}
