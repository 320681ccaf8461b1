/*
 * service_alloc.c - services' cluster IPs and node ports, handed out from what the
 * watch cache shows plus recent reservations; see service_alloc.h.
 */
#include "apiserver/service_alloc.h"

#include <arpa/inet.h>
#include <pthread.h>

#include "api/object.h"
#include "api/validation/field_err.h"
#include "api/validation/govalue.h"
#include "apiserver/server.h"
#include "base/random.h"
#include "base/timeutil.h"

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

void service_alloc(struct api_request *r, struct k8c_service *svc, struct field_errors *errs)
{
	struct k8c_service_spec *spec = &svc->spec;
	if (!spec->type || !strcmp(spec->type, "ExternalName"))
		return;
	const char *dry_run = http_query(r->http, "dryRun");
	bool dry = dry_run && !strcmp(dry_run, "All");
	struct strbuf owner = STRBUF_INIT;
	strbuf_addf(&owner, "%s/%s", str_or_empty(svc->metadata.namespace),
		    str_or_empty(svc->metadata.name));
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
