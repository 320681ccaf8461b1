/*
 * rules.c - turns Services and Endpoints into iptables-restore input (see
 * rules.h). Each table is written as two buffers, the chain declarations
 * (which iptables-restore wants before any rule, and which flush the chain)
 * and the rules, joined at the end.
 */
#include "proxy/rules.h"

#include "base/hashmap.h"

struct table {
	struct strbuf chains;
	struct strbuf rules;
	struct hashmap declared; /* chain name -> NULL */
};

struct build {
	const struct rules_input *in;
	struct table nat, filter;
	struct hashmap endpoints; /* "ns/name" -> const struct k8c_endpoints * */
	struct rules_stats stats;
};

/* One DNAT target of a service port. */
struct target {
	char *ip;
	int32_t port;
};

static uint64_t fnv64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

void rules_chain_name(struct strbuf *out, const char *prefix, const char *kind, const char *what)
{
	strbuf_addf(out, "%s-%s-%012llx", prefix, kind,
		    (unsigned long long)(fnv64(what) & 0xffffffffffffull));
}

static void declare(struct table *t, const char *chain)
{
	if (hashmap_contains(&t->declared, chain))
		return;
	hashmap_put(&t->declared, chain, NULL);
	strbuf_addf(&t->chains, ":%s - [0:0]\n", chain);
}

/* "tcp" for "TCP" (the default), NULL for a protocol iptables rules are not written for. */
static const char *proto_match(const char *protocol)
{
	if (!protocol || !*protocol || !strcmp(protocol, "TCP"))
		return "tcp";
	if (!strcmp(protocol, "UDP"))
		return "udp";
	if (!strcmp(protocol, "SCTP"))
		return "sctp";
	return NULL;
}

static int target_cmp(const void *a, const void *b)
{
	const struct target *x = a, *y = b;
	int c = strcmp(x->ip, y->ip);
	return c ? c : (x->port > y->port) - (x->port < y->port);
}

/*
 * The ready addresses of eps for the service port named name (NULL or "" for an
 * unnamed port) and protocol, sorted and without duplicates. Strings borrowed from eps.
 */
static size_t port_targets(const struct k8c_endpoints *eps, const char *name, const char *proto,
			   struct target **ret)
{
	struct target *t = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; eps && i < eps->n_subsets; i++) {
		const struct k8c_endpoint_subset *s = &eps->subsets[i];
		for (size_t j = 0; j < s->n_ports; j++) {
			const struct k8c_endpoint_port *p = &s->ports[j];
			const char *pn = p->name ? p->name : "";
			if (strcmp(pn, name ? name : "") || !streq_null(proto_match(p->protocol), proto))
				continue;
			for (size_t k = 0; k < s->n_addresses; k++) {
				if (!s->addresses[k].ip)
					continue;
				ALLOC_GROW(t, n + 1, alloc);
				t[n++] = (struct target){ s->addresses[k].ip, p->port };
			}
		}
	}
	if (n)
		qsort(t, n, sizeof(*t), target_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || target_cmp(&t[u - 1], &t[i]))
			t[u++] = t[i];
	*ret = t;
	return u;
}

/* One port of one Service, as its rules name it. */
struct svc_port {
	const struct k8c_service *svc;
	const struct k8c_service_port *port;
	const char *proto;   /* "tcp", "udp", "sctp" */
	struct strbuf id;    /* "ns/name:port" ("ns/name" for an unnamed port), comment-safe */
	struct strbuf chain; /* its <prefix>-SVC-... chain */
};

/* Appends s keeping only characters that need no quoting inside a rule comment. */
static void add_comment_safe(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '.' || c == '_';
		strbuf_addch(out, ok ? c : '_');
	}
}

static bool is_ipv4(const char *s)
{
	unsigned a, b, c, d;
	char end;
	return s && sscanf(s, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &end) == 4 && a < 256 &&
	       b < 256 && c < 256 && d < 256;
}

static bool valid_port(int32_t p)
{
	return p > 0 && p < 65536;
}

static void write_endpoint(struct build *b, const struct svc_port *sp, const struct target *t,
			   size_t i, size_t n)
{
	struct strbuf what = STRBUF_INIT, sep = STRBUF_INIT;
	strbuf_addf(&what, "%s/%s/%s:%d", sp->id.buf, sp->proto, t->ip, t->port);
	rules_chain_name(&sep, b->in->prefix, "SEP", what.buf);
	declare(&b->nat, sep.buf);
	struct strbuf *r = &b->nat.rules;
	strbuf_addf(r, "-A %s -m comment --comment \"%s\"", sp->chain.buf, sp->id.buf);
	/* rule i of n is taken with probability 1/(n-i): an equal share for every endpoint */
	if (i + 1 < n)
		strbuf_addf(r, " -m statistic --mode random --probability %.10f",
			    1.0 / (double)(n - i));
	strbuf_addf(r, " -j %s\n", sep.buf);
	strbuf_addf(r, "-A %s -m comment --comment \"%s\" -p %s -m %s -j DNAT --to-destination %s:%d\n",
		    sep.buf, sp->id.buf, sp->proto, sp->proto, t->ip, t->port);
	b->stats.endpoints++;
	strbuf_release(&what);
	strbuf_release(&sep);
}

/* The portal rules of a port that has endpoints: cluster IP and node port to its chain. */
static void write_portals(struct build *b, const struct svc_port *sp)
{
	const struct k8c_service_port *p = sp->port;
	const char *pfx = b->in->prefix;
	strbuf_addf(&b->nat.rules,
		    "-A %s-SERVICES -d %s/32 -p %s -m %s --dport %d -m comment --comment \"%s cluster "
		    "IP\" -j %s\n",
		    pfx, sp->svc->spec.cluster_ip, sp->proto, sp->proto, p->port, sp->id.buf,
		    sp->chain.buf);
	if (p->has_node_port && valid_port(p->node_port))
		strbuf_addf(&b->nat.rules,
			    "-A %s-NODEPORTS -p %s -m %s --dport %d -m comment --comment \"%s\" -j %s\n",
			    pfx, sp->proto, sp->proto, p->node_port, sp->id.buf, sp->chain.buf);
}

/* The filter rules of a port without endpoints: refuse at once, as kube-proxy does. */
static void write_reject(struct build *b, const struct svc_port *sp)
{
	const struct k8c_service_port *p = sp->port;
	const char *pfx = b->in->prefix;
	strbuf_addf(&b->filter.rules,
		    "-A %s-SERVICES -d %s/32 -p %s -m %s --dport %d -m comment --comment \"%s has no "
		    "endpoints\" -j REJECT --reject-with icmp-port-unreachable\n",
		    pfx, sp->svc->spec.cluster_ip, sp->proto, sp->proto, p->port, sp->id.buf);
	if (p->has_node_port && valid_port(p->node_port))
		strbuf_addf(&b->filter.rules,
			    "-A %s-SERVICES -m addrtype --dst-type LOCAL -p %s -m %s --dport %d -m "
			    "comment --comment \"%s has no endpoints\" -j REJECT --reject-with "
			    "icmp-port-unreachable\n",
			    pfx, sp->proto, sp->proto, p->node_port, sp->id.buf);
	b->stats.no_endpoints++;
}

static void write_service_port(struct build *b, struct svc_port *sp,
			       const struct k8c_endpoints *eps)
{
	const struct k8c_service *s = sp->svc;
	add_comment_safe(&sp->id, s->metadata.namespace);
	strbuf_addch(&sp->id, '/');
	add_comment_safe(&sp->id, s->metadata.name);
	if (sp->port->name && *sp->port->name) {
		strbuf_addch(&sp->id, ':');
		add_comment_safe(&sp->id, sp->port->name);
	}
	struct strbuf what = STRBUF_INIT;
	strbuf_addf(&what, "%s/%s", sp->id.buf, sp->proto);
	rules_chain_name(&sp->chain, b->in->prefix, "SVC", what.buf);
	strbuf_release(&what);

	struct target *t;
	size_t n = port_targets(eps, sp->port->name, sp->proto, &t), valid = 0;
	for (size_t i = 0; i < n; i++)
		if (is_ipv4(t[i].ip) && valid_port(t[i].port))
			t[valid++] = t[i];
	b->stats.service_ports++;
	if (!valid) {
		write_reject(b, sp);
		free(t);
		return;
	}
	declare(&b->nat, sp->chain.buf);
	write_portals(b, sp);
	strbuf_addf(&b->nat.rules, "-A %s -m comment --comment \"%s\" -j %s-MARK-MASQ\n",
		    sp->chain.buf, sp->id.buf, b->in->prefix);
	for (size_t i = 0; i < valid; i++)
		write_endpoint(b, sp, &t[i], i, valid);
	free(t);
}

static void write_service(struct build *b, const struct k8c_service *s)
{
	const struct k8c_service_spec *spec = &s->spec;
	if (!is_ipv4(spec->cluster_ip) || (spec->type && !strcmp(spec->type, "ExternalName")))
		return; /* headless ("None"), not allocated yet, IPv6, or a DNS alias */
	struct strbuf key = STRBUF_INIT;
	strbuf_addf(&key, "%s/%s", s->metadata.namespace ? s->metadata.namespace : "",
		    s->metadata.name ? s->metadata.name : "");
	const struct k8c_endpoints *eps = hashmap_get(&b->endpoints, key.buf);
	strbuf_release(&key);
	for (size_t i = 0; i < spec->n_ports; i++) {
		struct svc_port sp = { .svc = s, .port = &spec->ports[i], .id = STRBUF_INIT,
				       .chain = STRBUF_INIT };
		sp.proto = proto_match(sp.port->protocol);
		if (sp.proto && valid_port(sp.port->port))
			write_service_port(b, &sp, eps);
		strbuf_release(&sp.id);
		strbuf_release(&sp.chain);
	}
}

/* The chains every sync writes, whatever the services. */
static void write_fixed(struct build *b)
{
	const char *pfx = b->in->prefix;
	struct strbuf name = STRBUF_INIT;
	static const char *const nat_chains[] = { "SERVICES", "NODEPORTS", "POSTROUTING",
						  "MARK-MASQ" };
	for (size_t i = 0; i < sizeof(nat_chains) / sizeof(nat_chains[0]); i++) {
		strbuf_reset(&name);
		strbuf_addf(&name, "%s-%s", pfx, nat_chains[i]);
		declare(&b->nat, name.buf);
	}
	strbuf_reset(&name);
	strbuf_addf(&name, "%s-SERVICES", pfx);
	declare(&b->filter, name.buf);
	strbuf_release(&name);

	struct strbuf *r = &b->nat.rules;
	strbuf_addf(r, "-A %s-POSTROUTING -m mark ! --mark %s/%s -j RETURN\n", pfx, RULES_MASQ_MARK,
		    RULES_MASQ_MARK);
	/* clear the mark so a packet that is re-routed is not masqueraded twice */
	strbuf_addf(r, "-A %s-POSTROUTING -j MARK --xor-mark %s\n", pfx, RULES_MASQ_MARK);
	strbuf_addf(r, "-A %s-POSTROUTING -m comment --comment \"k8c service traffic requiring "
		       "SNAT\" -j MASQUERADE\n", pfx);
	strbuf_addf(r, "-A %s-MARK-MASQ -j MARK --or-mark %s\n", pfx, RULES_MASQ_MARK);
}

/* Flushes and deletes the chains of the prefix that exist but were not written again. */
static void delete_stale(struct build *b, struct table *t, char *const *chains, size_t n)
{
	struct strbuf mine = STRBUF_INIT, del = STRBUF_INIT;
	strbuf_addf(&mine, "%s-", b->in->prefix);
	for (size_t i = 0; i < n; i++) {
		if (!str_has_prefix(chains[i], mine.buf) || hashmap_contains(&t->declared, chains[i]))
			continue;
		declare(t, chains[i]); /* declaring flushes it, so -X can delete it */
		strbuf_addf(&del, "-X %s\n", chains[i]);
		b->stats.stale_chains++;
	}
	strbuf_add(&t->rules, del.buf, del.len);
	strbuf_release(&mine);
	strbuf_release(&del);
}

static void table_init(struct table *t)
{
	strbuf_init(&t->chains, 256);
	strbuf_init(&t->rules, 1024);
	t->declared = (struct hashmap)HASHMAP_INIT;
}

static void table_emit(struct table *t, const char *name, struct strbuf *out)
{
	strbuf_addf(out, "*%s\n", name);
	strbuf_add(out, t->chains.buf, t->chains.len);
	strbuf_add(out, t->rules.buf, t->rules.len);
	strbuf_addstr(out, "COMMIT\n");
	strbuf_release(&t->chains);
	strbuf_release(&t->rules);
	hashmap_release(&t->declared, NULL);
}

void rules_build(const struct rules_input *in, struct strbuf *out, struct rules_stats *stats)
{
	struct build b = { .in = in, .endpoints = HASHMAP_INIT };
	table_init(&b.nat);
	table_init(&b.filter);
	struct strbuf key = STRBUF_INIT;
	for (size_t i = 0; i < in->n_endpoints; i++) {
		const struct k8c_object_meta *m = &in->endpoints[i]->metadata;
		strbuf_reset(&key);
		strbuf_addf(&key, "%s/%s", m->namespace ? m->namespace : "", m->name ? m->name : "");
		hashmap_put(&b.endpoints, key.buf, (void *)in->endpoints[i]);
	}
	strbuf_release(&key);

	write_fixed(&b);
	for (size_t i = 0; i < in->n_services; i++)
		write_service(&b, in->services[i]);
	/* node ports last: a cluster IP portal is more specific */
	strbuf_addf(&b.nat.rules,
		    "-A %s-SERVICES -m comment --comment \"k8c service nodeports\" -m addrtype "
		    "--dst-type LOCAL -j %s-NODEPORTS\n", in->prefix, in->prefix);
	delete_stale(&b, &b.nat, in->nat_chains, in->n_nat_chains);
	delete_stale(&b, &b.filter, in->filter_chains, in->n_filter_chains);
	table_emit(&b.nat, "nat", out);
	table_emit(&b.filter, "filter", out);
	hashmap_release(&b.endpoints, NULL);
	if (stats)
		*stats = b.stats;
}
