/*
 * endpoints.c - the endpoints row: "ip:port" for each address and port,
 * port by port within each subset, at most three of them followed by
 * " + N more..." (formatEndpoints in printers.go); see printers.h.
 */
#include "api/printers/printers.h"

#include "api/printers/printers_internal.h"

#define MAX_SHOWN 3

struct endpoint_list {
	struct strbuf text;
	size_t shown, count;
};

/* Adds one address (with port unless port < 0); net.JoinHostPort brackets IPv6. */
static void add_endpoint(struct endpoint_list *l, const char *ip, int64_t port)
{
	l->count++;
	if (l->shown == MAX_SHOWN)
		return;
	if (l->shown++ > 0)
		strbuf_addch(&l->text, ',');
	ip = ip ? ip : "";
	if (port < 0)
		strbuf_addstr(&l->text, ip);
	else if (strchr(ip, ':'))
		strbuf_addf(&l->text, "[%s]:%lld", ip, (long long)port);
	else
		strbuf_addf(&l->text, "%s:%lld", ip, (long long)port);
}

/* The ready addresses of ss, each with every port (a headless subset has none). */
static void add_subset(struct endpoint_list *l, const struct k8c_endpoint_subset *ss)
{
	for (size_t a = 0; ss->n_ports == 0 && a < ss->n_addresses; a++)
		add_endpoint(l, ss->addresses[a].ip, -1);
	for (size_t p = 0; p < ss->n_ports; p++)
		for (size_t a = 0; a < ss->n_addresses; a++)
			add_endpoint(l, ss->addresses[a].ip, ss->ports[p].port);
}

void k8c_endpoints_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_endpoints *ep = obj;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);
	struct endpoint_list l = { .text = STRBUF_INIT };

	for (size_t i = 0; i < ep->n_subsets; i++)
		add_subset(&l, &ep->subsets[i]);
	if (ep->n_subsets == 0)
		strbuf_addstr(&l.text, "<none>");
	else if (l.count > MAX_SHOWN)
		strbuf_addf(&l.text, " + %zu more...", l.count - MAX_SHOWN);
	printers__cell_str(&r, ep->metadata.name);
	printers__cell_str(&r, l.text.buf);
	printers__cell_age(&r, ep->metadata.creation_timestamp);
	strbuf_release(&l.text);
}
