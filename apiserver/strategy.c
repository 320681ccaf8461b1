/*
 * strategy.c - per-kind create/update preparation, which validation a write
 * gets (ObjectMeta, owner references, finalizers, the kind's hooks), and the
 * service cluster IP / node port allocator; see strategy.h.
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

static const char *vstr_or_empty(const char *s)
{
	return s ? s : "";
}

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
	return !strcmp(vstr_or_empty(a), vstr_or_empty(b));
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
			if (was && !strcmp(vstr_or_empty(p->name), vstr_or_empty(o->spec.ports[j].name)) &&
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

void strategy_validate_meta(const struct k8c_kind *k, const void *obj, const void *old,
			    struct field_errors *errs)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
	enum k8c_name_rule rule = k8c_name_rule_for_kind(k->kind);
	if (!old) {
		k8c_validate_object_name(rule, m->name, "metadata.name", errs);
		k8c_validate_generate_name(rule, m->generate_name, "metadata.generateName", errs);
	}
	k8c_validate_namespace(m->namespace, k->flags & K8C_KIND_NAMESPACED, "metadata.namespace",
			       errs);
	const struct k8c_object_meta *o = old ? &((const struct k8c_object *)old)->metadata : NULL;
	if (o && !streq_null(m->uid, o->uid)) /* clients name the uid to guard a write */
		field_err_invalid(errs, "metadata.uid", m->uid ? m->uid : "", "field is immutable");
	k8c_validate_labels(&m->labels, "metadata.labels", errs);
	k8c_validate_annotations(&m->annotations, "metadata.annotations", errs);
	if (m->has_deletion_grace_period_seconds)
		k8c_validate_nonnegative(m->deletion_grace_period_seconds,
					 "metadata.deletionGracePeriodSeconds", errs);
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

/*
 * --- service cluster IPs and node ports ---
 *
 * What is in use is read from the watch cache (every service's clusterIPs
 * and nodePorts) plus the values handed out in the last RESERVE_NS that
 * the cache may not show yet (the create is still on its way to storage,
 * or failed). One mutex covers looking and picking, so two creates never
 * get the same value from this API server. Several API servers sharing an
 * etcd do not coordinate (upstream keeps a bitmap in etcd for that).
 */

#define SERVICE_NET 0x0a600000u /* 10.96.0.0/12 */
#define SERVICE_NET_BITS 20
#define SERVICE_RANGE "10.96.0.0/12"
#define NODE_PORT_MIN 30000
#define NODE_PORT_MAX 32767
#define RESERVE_NS (30 * K8C_NSEC_PER_SEC)
/* a create has reached the cache by then (it waits 2 s for it): an absent owner is gone */
#define SETTLE_NS (3 * K8C_NSEC_PER_SEC)

struct reservation {
	char *owner;   /* "namespace/name" */
	uint32_t ip;   /* host order; 0 for a port */
	int port;      /* 0 for an IP */
	int64_t at_ns; /* monotonic */
};

static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reservation *reserved; /* under alloc_lock */
static size_t n_reserved, alloc_reserved;

/* The values one stored service holds. */
struct svc_values {
	char *owner;
	uint32_t *ips;
	size_t n_ips;
	int *ports;
	size_t n_ports;
};

/* What is taken, for one allocation. */
struct in_use {
	uint8_t *ips;   /* bitmap over the service range */
	uint8_t ports[(NODE_PORT_MAX - NODE_PORT_MIN + 8) / 8];
	struct svc_values *svcs;
	size_t n_svcs;
};

static bool parse_ipv4(const char *s, uint32_t *ret)
{
	struct in_addr a;
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return false;
	*ret = ntohl(a.s_addr);
	return true;
}

static bool in_range(uint32_t ip)
{
	return (ip >> SERVICE_NET_BITS) == (SERVICE_NET >> SERVICE_NET_BITS);
}

static void mark_ip(struct in_use *u, uint32_t ip)
{
	if (in_range(ip))
		u->ips[(ip - SERVICE_NET) / 8] |= (uint8_t)(1u << ((ip - SERVICE_NET) % 8));
}

static bool ip_taken(const struct in_use *u, uint32_t ip)
{
	return u->ips[(ip - SERVICE_NET) / 8] & (1u << ((ip - SERVICE_NET) % 8));
}

static void mark_port(struct in_use *u, int port)
{
	if (port >= NODE_PORT_MIN && port <= NODE_PORT_MAX)
		u->ports[(port - NODE_PORT_MIN) / 8] |= (uint8_t)(1u << ((port - NODE_PORT_MIN) % 8));
}

static bool port_taken(const struct in_use *u, int port)
{
	return u->ports[(port - NODE_PORT_MIN) / 8] & (1u << ((port - NODE_PORT_MIN) % 8));
}

/* Reads the clusterIPs and node ports of a stored service (JSON) into sv. */
static void read_values(const cJSON *spec, struct svc_values *sv)
{
	const cJSON *ips = cJSON_GetObjectItemCaseSensitive(spec, "clusterIPs"), *e;
	const cJSON *one = cJSON_GetObjectItemCaseSensitive(spec, "clusterIP");
	const cJSON *ports = cJSON_GetObjectItemCaseSensitive(spec, "ports");
	const cJSON *hc = cJSON_GetObjectItemCaseSensitive(spec, "healthCheckNodePort");
	size_t max = (size_t)cJSON_GetArraySize(ips) + 1, maxp = (size_t)cJSON_GetArraySize(ports) + 1;
	sv->ips = xcalloc(max, sizeof(*sv->ips));
	sv->ports = xcalloc(maxp, sizeof(*sv->ports));
	uint32_t ip;
	if (cJSON_IsString(one) && parse_ipv4(one->valuestring, &ip))
		sv->ips[sv->n_ips++] = ip;
	cJSON_ArrayForEach(e, ips)
		if (sv->n_ips < max && cJSON_IsString(e) && parse_ipv4(e->valuestring, &ip))
			sv->ips[sv->n_ips++] = ip;
	cJSON_ArrayForEach(e, ports) {
		const cJSON *np = cJSON_GetObjectItemCaseSensitive(e, "nodePort");
		if (cJSON_IsNumber(np) && sv->n_ports < maxp)
			sv->ports[sv->n_ports++] = np->valueint;
	}
	if (cJSON_IsNumber(hc) && hc->valueint) {
		sv->ports = xrealloc(sv->ports, (sv->n_ports + 1) * sizeof(*sv->ports));
		sv->ports[sv->n_ports++] = hc->valueint;
	}
}

/* Collects the values of every stored service but self ("ns/name"). */
static void collect_stored(struct api_request *r, const char *self, struct in_use *u)
{
	struct cache_list l = { 0 };
	struct cache_filter f = { 0 };
	watch_cache_list(r->s->cache, r->kind, &f, NULL, 0, &l);
	u->svcs = xcalloc(l.n + 1, sizeof(*u->svcs));
	for (size_t i = 0; i < l.n; i++) {
		struct svc_values *sv = &u->svcs[u->n_svcs];
		struct strbuf owner = STRBUF_INIT;
		strbuf_addf(&owner, "%s/%s", l.items[i]->ns, l.items[i]->name);
		cJSON *json = cJSON_ParseWithLength(l.items[i]->json, l.items[i]->len);
		if (!json || !strcmp(owner.buf, self)) {
			cJSON_Delete(json);
			strbuf_release(&owner);
			continue;
		}
		read_values(cJSON_GetObjectItemCaseSensitive(json, "spec"), sv);
		sv->owner = strbuf_detach(&owner, NULL);
		for (size_t j = 0; j < sv->n_ips; j++)
			mark_ip(u, sv->ips[j]);
		for (size_t j = 0; j < sv->n_ports; j++)
			mark_port(u, sv->ports[j]);
		u->n_svcs++;
		cJSON_Delete(json);
	}
	cache_list_release(&l);
}

/*
 * True when the reservation can go: the cache shows its owner holding the
 * value (the cache covers it now), or, once settled, shows no such owner
 * (its create failed, or it was deleted).
 */
static bool reservation_done(const struct in_use *u, const struct reservation *rv,
			     int64_t age)
{
	bool owner_stored = false;
	for (size_t i = 0; i < u->n_svcs; i++) {
		if (strcmp(u->svcs[i].owner, rv->owner))
			continue;
		owner_stored = true;
		for (size_t j = 0; rv->ip && j < u->svcs[i].n_ips; j++)
			if (u->svcs[i].ips[j] == rv->ip)
				return true;
		for (size_t j = 0; rv->port && j < u->svcs[i].n_ports; j++)
			if (u->svcs[i].ports[j] == rv->port)
				return true;
	}
	return !owner_stored && age > SETTLE_NS;
}

/* Drops stale reservations and marks the others taken (unless they are self's). */
static void apply_reservations(struct in_use *u, const char *self)
{
	int64_t now = time_mono_ns();
	size_t keep = 0;
	for (size_t i = 0; i < n_reserved; i++) {
		struct reservation *rv = &reserved[i];
		int64_t age = now - rv->at_ns;
		if (age > RESERVE_NS || (strcmp(rv->owner, self) && reservation_done(u, rv, age))) {
			free(rv->owner);
			continue;
		}
		if (strcmp(rv->owner, self)) {
			if (rv->ip)
				mark_ip(u, rv->ip);
			else
				mark_port(u, rv->port);
		}
		reserved[keep++] = *rv;
	}
	n_reserved = keep;
}

static void reserve(const char *owner, uint32_t ip, int port)
{
	ALLOC_GROW(reserved, n_reserved + 1, alloc_reserved);
	reserved[n_reserved++] = (struct reservation){ xstrdup(owner), ip, port, time_mono_ns() };
}

static void in_use_release(struct in_use *u)
{
	for (size_t i = 0; i < u->n_svcs; i++) {
		free(u->svcs[i].owner);
		free(u->svcs[i].ips);
		free(u->svcs[i].ports);
	}
	free(u->svcs);
	free(u->ips);
}

/* A free address of the range from a random start (not the network, .1 or broadcast). */
static bool pick_ip(const struct in_use *u, uint32_t *ret)
{
	uint32_t size = 1u << SERVICE_NET_BITS, start = (uint32_t)random_below(size);
	for (uint32_t i = 0; i < size; i++) {
		uint32_t off = (start + i) % size;
		if (off < 2 || off == size - 1 || ip_taken(u, SERVICE_NET + off))
			continue;
		*ret = SERVICE_NET + off;
		return true;
	}
	return false;
}

static bool pick_port(const struct in_use *u, int *ret)
{
	int size = NODE_PORT_MAX - NODE_PORT_MIN + 1, start = (int)random_below((uint64_t)size);
	for (int i = 0; i < size; i++) {
		int port = NODE_PORT_MIN + (start + i) % size;
		if (!port_taken(u, port)) {
			*ret = port;
			return true;
		}
	}
	return false;
}

static void set_cluster_ip(struct k8c_service_spec *spec, uint32_t ip)
{
	char text[INET_ADDRSTRLEN];
	struct in_addr a = { .s_addr = htonl(ip) };
	inet_ntop(AF_INET, &a, text, sizeof(text));
	free(spec->cluster_ip);
	spec->cluster_ip = xstrdup(text);
	for (size_t i = 0; i < spec->n_cluster_ips; i++)
		free(spec->cluster_ips[i]);
	free(spec->cluster_ips);
	spec->cluster_ips = xcalloc(2, sizeof(char *));
	spec->cluster_ips[0] = xstrdup(text);
	spec->n_cluster_ips = 1;
}

/* The clusterIP rules: allocate when empty, check a requested one; errors at spec.clusterIPs. */
static void alloc_cluster_ip(struct k8c_service_spec *spec, struct in_use *u, const char *owner,
			     bool dry, struct field_errors *errs)
{
	const char *want = spec->cluster_ip;
	uint32_t ip = 0;
	if (want && (!strcmp(want, "None") || !parse_ipv4(want, &ip)))
		return; /* headless, or an address validation has already judged */
	struct strbuf why = STRBUF_INIT;
	if (!want || !*want) {
		if (!pick_ip(u, &ip))
			strbuf_addstr(&why, "failed to allocate a serviceIP: range is full");
		else
			set_cluster_ip(spec, ip);
	} else if (!in_range(ip)) {
		strbuf_addf(&why, "failed to allocate IP %s: the provided IP (%s) is not in the valid "
			    "range. The range of valid IPs is %s", want, want, SERVICE_RANGE);
	} else if (ip_taken(u, ip)) {
		strbuf_addf(&why, "failed to allocate IP %s: provided IP is already allocated", want);
	}
	if (why.len) {
		struct strbuf v = STRBUF_INIT;
		govalue_strings(&v, spec->cluster_ips, spec->n_cluster_ips);
		field_err_invalid_json(errs, "spec.clusterIPs", v.buf, why.buf);
		strbuf_release(&v);
	} else if (!dry) {
		reserve(owner, ip, 0);
	}
	strbuf_release(&why);
}

/* One node port: allocate when 0, check a requested one; marks it taken. */
static void alloc_port(int32_t *port, bool *has, const char *path, struct in_use *u,
		       const char *owner, bool dry, struct field_errors *errs)
{
	int p = *port;
	const char *why = NULL;
	if (!p && !pick_port(u, &p))
		why = "range is full";
	else if (p < NODE_PORT_MIN || p > NODE_PORT_MAX)
		why = "provided port is not in the valid range. The range of valid ports is "
		      "30000-32767";
	else if (*port && port_taken(u, p))
		why = "provided port is already allocated";
	if (why) {
		field_err_invalid_int(errs, path, p, why);
		return;
	}
	*port = p;
	*has = true;
	mark_port(u, p);
	if (!dry)
		reserve(owner, 0, p);
}

static void alloc_node_ports(struct k8c_service_spec *spec, struct in_use *u, const char *owner,
			     bool dry, struct field_errors *errs)
{
	bool lb = !strcmp(spec->type, "LoadBalancer");
	bool node_ports = !strcmp(spec->type, "NodePort") ||
			  (lb && (!spec->has_allocate_load_balancer_node_ports ||
				  spec->allocate_load_balancer_node_ports));
	struct strbuf path = STRBUF_INIT;
	for (size_t i = 0; node_ports && i < spec->n_ports; i++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "spec.ports[%zu].nodePort", i);
		alloc_port(&spec->ports[i].node_port, &spec->ports[i].has_node_port, path.buf, u,
			   owner, dry, errs);
	}
	if (lb && spec->external_traffic_policy && !strcmp(spec->external_traffic_policy, "Local"))
		alloc_port(&spec->health_check_node_port, &spec->has_health_check_node_port,
			   "spec.healthCheckNodePort", u, owner, dry, errs);
	strbuf_release(&path);
}

static void alloc_service(struct api_request *r, void *obj, struct field_errors *errs)
{
	struct k8c_service *svc = obj;
	struct k8c_service_spec *spec = &svc->spec;
	if (!spec->type || !strcmp(spec->type, "ExternalName"))
		return;
	const char *dry_run = http_query(r->http, "dryRun");
	bool dry = dry_run && !strcmp(dry_run, "All");
	struct strbuf owner = STRBUF_INIT;
	strbuf_addf(&owner, "%s/%s", vstr_or_empty(svc->metadata.namespace),
		    vstr_or_empty(svc->metadata.name));
	struct in_use u = { .ips = xcalloc((1u << SERVICE_NET_BITS) / 8, 1) };
	pthread_mutex_lock(&alloc_lock);
	collect_stored(r, owner.buf, &u);
	apply_reservations(&u, owner.buf);
	alloc_cluster_ip(spec, &u, owner.buf, dry, errs);
	if (!errs->n)
		alloc_node_ports(spec, &u, owner.buf, dry, errs);
	pthread_mutex_unlock(&alloc_lock);
	in_use_release(&u);
	strbuf_release(&owner);
}

/* --- validation --- */

/* ParseGroupVersion's version of an apiVersion ("v1", "apps/v1"); "" when malformed. */
static const char *api_version_version(const char *av)
{
	const char *slash = strchr(av, '/');
	if (!slash)
		return av;
	return strchr(slash + 1, '/') ? "" : slash + 1;
}

/* ValidateOwnerReferences; upstream reports at the list's path, not the entry's. */
static void owner_references(const struct k8c_object_meta *m, struct field_errors *errs)
{
	static const char path[] = "metadata.ownerReferences";
	const struct k8c_owner_reference *controller = NULL;
	for (size_t i = 0; i < m->n_owner_references; i++) {
		const struct k8c_owner_reference *o = &m->owner_references[i];
		const char *av = vstr_or_empty(o->api_version), *kind = vstr_or_empty(o->kind);
		if (!*api_version_version(av))
			field_err_invalid(errs, "metadata.ownerReferences.apiVersion", av,
					  "version must not be empty");
		if (!*kind)
			field_err_invalid(errs, "metadata.ownerReferences.kind", kind,
					  "kind must not be empty");
		if (!o->name || !*o->name)
			field_err_invalid(errs, "metadata.ownerReferences.name", "",
					  "name must not be empty");
		if (!o->uid || !*o->uid)
			field_err_invalid(errs, "metadata.ownerReferences.uid", "",
					  "uid must not be empty");
		if (!strcmp(av, "v1") && !strcmp(kind, "Event"))
			field_errors_add(errs, FIELD_ERROR_INVALID, path, "Invalid value: "
					 "v1.OwnerReference{...}: /v1, Kind=Event is disallowed from "
					 "being an owner");
		if (!o->has_controller || !o->controller)
			continue;
		if (!controller) {
			controller = o;
			continue;
		}
		field_errors_add(errs, FIELD_ERROR_INVALID, path, "Invalid value: "
				 "[]v1.OwnerReference{...}: Only one reference can have Controller set "
				 "to true. Found \"true\" in references for %s/%s and %s/%s",
				 vstr_or_empty(controller->kind), vstr_or_empty(controller->name), kind,
				 vstr_or_empty(o->name));
	}
}

/* ValidateFinalizers plus core's validateKubeFinalizerName, at metadata.finalizers[i]. */
static void finalizers(const struct k8c_object_meta *m, struct field_errors *errs)
{
	bool orphan = false, foreground = false;
	struct strbuf path = STRBUF_INIT;
	for (size_t i = 0; i < m->n_finalizers; i++) {
		const char *f = vstr_or_empty(m->finalizers[i]);
		struct k8c_name_msgs msgs;
		strbuf_reset(&path);
		strbuf_addf(&path, "metadata.finalizers[%zu]", i);
		if (!k8c_is_qualified_name(f, &msgs))
			for (size_t j = 0; j < msgs.n; j++)
				field_err_invalid(errs, path.buf, f, msgs.msg[j]);
		orphan |= !strcmp(f, "orphan");
		foreground |= !strcmp(f, "foregroundDeletion");
		if (!strchr(f, '/') && strcmp(f, "kubernetes") && strcmp(f, "orphan") &&
		    strcmp(f, "foregroundDeletion"))
			field_err_invalid(errs, path.buf, f, "name is neither a standard finalizer name "
					  "nor is it fully qualified");
	}
	if (orphan && foreground) {
		struct strbuf v = STRBUF_INIT;
		govalue_strings(&v, m->finalizers, m->n_finalizers);
		field_err_invalid_json(errs, "metadata.finalizers", v.buf,
				       "finalizer orphan and foregroundDeletion cannot be both set");
		strbuf_release(&v);
	}
	strbuf_release(&path);
}

/* Writes that cannot change the spec: upstream validates them with strategies of their own. */
static bool spec_frozen(const struct api_request *r)
{
	const char *sub = r->route.subresource;
	return r->verb == VERB_DELETE || r->verb == VERB_DELETECOLLECTION ||
	       !strcmp(sub, "status") || !strcmp(sub, "binding") || !strcmp(sub, "finalize");
}

void strategy_validate(struct api_request *r, void *obj, const void *old,
		       struct field_errors *errs)
{
	const struct k8c_kind *k = r->kind;
	strategy_validate_meta(k, obj, old, errs);
	if (r->verb != VERB_DELETE && r->verb != VERB_DELETECOLLECTION) {
		/* deletion marks add their own finalizers; upstream does not validate those writes */
		const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
		owner_references(m, errs);
		finalizers(m, errs);
	}
	if (!spec_frozen(r)) {
		if (old && k->validate_update) {
			void *stored = k8c_dup(k->type, old);
			if (k->defaults) /* as objects decoded from storage are */
				k->defaults(stored);
			k->validate_update(obj, stored, errs);
			k8c_free(k->type, stored);
		} else if (k->validate) {
			k->validate(obj, errs);
		}
	}
	if (!errs->n && is(k, "services") && !spec_frozen(r))
		alloc_service(r, obj, errs);
}
