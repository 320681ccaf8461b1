/*
 * repack.c - endpoints_repack(): Kubernetes' RepackSubsets. Every distinct
 * port gets a row saying, for every distinct address, whether the address
 * offers the port ready, not ready, or not at all; ports with equal rows
 * form one subset. Sorted: addresses by IP then uid, ports by name, number
 * and protocol, subsets by their contents (Kubernetes sorts subsets by a
 * hash; any fixed order serves, what matters is that equal inputs repack
 * equally).
 */
#include "controllers/endpoints/subsets.h"

#include "api/codec.h"
#include "base/hashmap.h"

enum { ABSENT = 0, READY = 1, NOT_READY = 2 };

struct repack {
	const struct k8c_endpoint_address **addrs; /* distinct, sorted once collected */
	size_t n_addrs, alloc_addrs;
	struct hashmap by_key; /* "ip/uid" -> index + 1 */
	const struct k8c_endpoint_port **ports;    /* distinct; NULL = "no ports" sentinel */
	size_t n_ports, alloc_ports;
	uint8_t *state; /* n_ports rows of n_addrs */
};

static void addr_key(const struct k8c_endpoint_address *a, struct strbuf *out)
{
	strbuf_reset(out);
	strbuf_addf(out, "%s/%s", a->ip ? a->ip : "",
		    a->target_ref && a->target_ref->uid ? a->target_ref->uid : "");
}

static int addr_cmp(const void *pa, const void *pb)
{
	const struct k8c_endpoint_address *a = *(const struct k8c_endpoint_address *const *)pa;
	const struct k8c_endpoint_address *b = *(const struct k8c_endpoint_address *const *)pb;
	int c = strcmp(a->ip ? a->ip : "", b->ip ? b->ip : "");
	if (c)
		return c;
	const char *ua = a->target_ref && a->target_ref->uid ? a->target_ref->uid : "";
	const char *ub = b->target_ref && b->target_ref->uid ? b->target_ref->uid : "";
	return strcmp(ua, ub);
}

static int port_cmp(const void *pa, const void *pb)
{
	const struct k8c_endpoint_port *a = *(const struct k8c_endpoint_port *const *)pa;
	const struct k8c_endpoint_port *b = *(const struct k8c_endpoint_port *const *)pb;
	int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
	if (c)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	c = strcmp(a->protocol ? a->protocol : "", b->protocol ? b->protocol : "");
	return c ? c : strcmp(a->app_protocol ? a->app_protocol : "",
			      b->app_protocol ? b->app_protocol : "");
}

static void add_addr(struct repack *r, const struct k8c_endpoint_address *a, struct strbuf *key)
{
	addr_key(a, key);
	if (hashmap_contains(&r->by_key, key->buf))
		return;
	ALLOC_GROW(r->addrs, r->n_addrs + 1, r->alloc_addrs);
	r->addrs[r->n_addrs++] = a;
	hashmap_put(&r->by_key, key->buf, NULL);
}

static void add_port(struct repack *r, const struct k8c_endpoint_port *p)
{
	for (size_t i = 0; i < r->n_ports; i++)
		if (r->ports[i] == p || (r->ports[i] && p &&
					 k8c_equal(&k8c_type_endpoint_port, r->ports[i], p)))
			return;
	ALLOC_GROW(r->ports, r->n_ports + 1, r->alloc_ports);
	r->ports[r->n_ports++] = p;
}

static size_t port_index(const struct repack *r, const struct k8c_endpoint_port *p)
{
	for (size_t i = 0; i < r->n_ports; i++)
		if (r->ports[i] == p || (r->ports[i] && p &&
					 k8c_equal(&k8c_type_endpoint_port, r->ports[i], p)))
			return i;
	return 0; /* not reached: every port was added first */
}

/* Pass one: the distinct addresses (then sorted and indexed) and ports. */
static void collect(struct repack *r, const struct k8c_endpoint_subset *subs, size_t n)
{
	struct strbuf key = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct k8c_endpoint_subset *s = &subs[i];
		for (size_t j = 0; j < s->n_addresses; j++)
			add_addr(r, &s->addresses[j], &key);
		for (size_t j = 0; j < s->n_not_ready_addresses; j++)
			add_addr(r, &s->not_ready_addresses[j], &key);
		if (!s->n_addresses && !s->n_not_ready_addresses)
			continue; /* ports nobody offers vanish, as upstream */
		if (!s->n_ports)
			add_port(r, NULL);
		for (size_t j = 0; j < s->n_ports; j++)
			add_port(r, &s->ports[j]);
	}
	if (r->n_addrs)
		qsort(r->addrs, r->n_addrs, sizeof(*r->addrs), addr_cmp);
	for (size_t i = 0; i < r->n_addrs; i++) {
		addr_key(r->addrs[i], &key);
		hashmap_put(&r->by_key, key.buf, (void *)(uintptr_t)(i + 1));
	}
	strbuf_release(&key);
}

/* Records addresses of one subset for port row p; not ready always trumps ready. */
static void mark(struct repack *r, size_t p, const struct k8c_endpoint_address *a, size_t n,
		 uint8_t st, struct strbuf *key)
{
	for (size_t i = 0; i < n; i++) {
		addr_key(&a[i], key);
		size_t idx = (uintptr_t)hashmap_get(&r->by_key, key->buf) - 1;
		uint8_t *cell = &r->state[p * r->n_addrs + idx];
		if (*cell != NOT_READY)
			*cell = st;
	}
}

/* Pass two: the port x address matrix. */
static void fill(struct repack *r, const struct k8c_endpoint_subset *subs, size_t n)
{
	struct strbuf key = STRBUF_INIT;
	r->state = xcalloc(r->n_ports * r->n_addrs + 1, 1);
	for (size_t i = 0; i < n; i++) {
		const struct k8c_endpoint_subset *s = &subs[i];
		size_t np = s->n_ports ? s->n_ports : 1;
		for (size_t j = 0; j < np; j++) {
			size_t p = port_index(r, s->n_ports ? &s->ports[j] : NULL);
			mark(r, p, s->addresses, s->n_addresses, READY, &key);
			mark(r, p, s->not_ready_addresses, s->n_not_ready_addresses, NOT_READY,
			     &key);
		}
	}
	strbuf_release(&key);
}

static void append_addr(struct k8c_endpoint_address **arr, size_t *n,
			const struct k8c_endpoint_address *a)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	k8c_copy(&k8c_type_endpoint_address, &(*arr)[(*n)++], a);
}

/* The subset of the ports whose rows equal row `first`'s; marks them used. */
static void build_subset(struct repack *r, size_t first, bool *used, struct k8c_endpoint_subset *s)
{
	const uint8_t *row = &r->state[first * r->n_addrs];
	memset(s, 0, sizeof(*s));
	for (size_t a = 0; a < r->n_addrs; a++) {
		if (row[a] == READY)
			append_addr(&s->addresses, &s->n_addresses, r->addrs[a]);
		else if (row[a] == NOT_READY)
			append_addr(&s->not_ready_addresses, &s->n_not_ready_addresses,
				    r->addrs[a]);
	}
	const struct k8c_endpoint_port **ports = xcalloc(r->n_ports, sizeof(*ports));
	size_t np = 0;
	for (size_t p = first; p < r->n_ports; p++) {
		if (used[p] || memcmp(row, &r->state[p * r->n_addrs], r->n_addrs))
			continue;
		used[p] = true;
		if (r->ports[p])
			ports[np++] = r->ports[p];
	}
	if (np)
		qsort(ports, np, sizeof(*ports), port_cmp);
	s->ports = np ? xcalloc(np, sizeof(*s->ports)) : NULL;
	for (size_t i = 0; i < np; i++)
		k8c_copy(&k8c_type_endpoint_port, &s->ports[i], ports[i]);
	s->n_ports = np;
	free(ports);
}

/* Orders subsets by their addresses (ready before not ready), then by their ports. */
static int subset_cmp(const void *pa, const void *pb)
{
	const struct k8c_endpoint_subset *a = pa, *b = pb;
	const struct k8c_endpoint_address *la[] = { a->addresses, a->not_ready_addresses };
	const struct k8c_endpoint_address *lb[] = { b->addresses, b->not_ready_addresses };
	size_t na[] = { a->n_addresses, a->n_not_ready_addresses };
	size_t nb[] = { b->n_addresses, b->n_not_ready_addresses };
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < na[k] && i < nb[k]; i++) {
			const struct k8c_endpoint_address *x = &la[k][i], *y = &lb[k][i];
			int c = addr_cmp(&x, &y);
			if (c)
				return c;
		}
		if (na[k] != nb[k])
			return na[k] > nb[k] ? -1 : 1;
	}
	for (size_t i = 0; i < a->n_ports && i < b->n_ports; i++) {
		const struct k8c_endpoint_port *x = &a->ports[i], *y = &b->ports[i];
		int c = port_cmp(&x, &y);
		if (c)
			return c;
	}
	return a->n_ports < b->n_ports ? -1 : a->n_ports > b->n_ports;
}

void endpoints_repack(const struct k8c_endpoint_subset *subs, size_t n,
		      struct k8c_endpoint_subset **ret, size_t *ret_n)
{
	struct repack r = { .by_key = HASHMAP_INIT };
	collect(&r, subs, n);
	fill(&r, subs, n);
	struct k8c_endpoint_subset *out = r.n_ports ? xcalloc(r.n_ports, sizeof(*out)) : NULL;
	size_t n_out = 0;
	bool *used = xcalloc(r.n_ports + 1, sizeof(*used));
	for (size_t p = 0; p < r.n_ports; p++)
		if (!used[p])
			build_subset(&r, p, used, &out[n_out++]);
	if (n_out > 1)
		qsort(out, n_out, sizeof(*out), subset_cmp);
	free(used);
	free(r.state);
	free(r.addrs);
	free(r.ports);
	hashmap_release(&r.by_key, NULL);
	if (!n_out) {
		free(out);
		out = NULL;
	}
	*ret = out;
	*ret_n = n_out;
}

void endpoints_subsets_free(struct k8c_endpoint_subset *subs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		k8c_release(&k8c_type_endpoint_subset, &subs[i]);
	free(subs);
}
