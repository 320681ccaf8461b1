/*
 * service.c - the service row: type, cluster IP, the external IPs (or
 * "<pending>" for a load balancer still waiting for one), ports as
 * "80/TCP" or "80:30080/TCP", and the selector; see printers.h.
 */
#include "api/printers/printers.h"

#include "api/printers/printers_internal.h"

static const char *service_type(const struct k8c_service *svc)
{
	return svc->spec.type && *svc->spec.type ? svc->spec.type : "ClusterIP";
}

/* Appends list (n strings) comma-joined, after a comma unless out is empty. */
static void join_more(struct strbuf *out, char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0 || out->len > 0)
			strbuf_addch(out, ',');
		strbuf_addstr(out, list[i] ? list[i] : "");
	}
}

/* loadBalancerStatusStringer (wide): the ingress IPs, else hostnames, sorted and unique. */
static void add_lb_ingress(struct strbuf *out, const struct k8c_load_balancer_status *lb)
{
	size_t n = 0;
	_cleanup_free_ const char **addrs = xcalloc(lb->n_ingress + 1, sizeof(*addrs));
	for (size_t i = 0; i < lb->n_ingress; i++) {
		const struct k8c_load_balancer_ingress *in = &lb->ingress[i];
		const char *addr = in->ip && *in->ip ? in->ip : in->hostname;
		if (addr && *addr)
			addrs[n++] = addr;
	}
	printers__add_sorted_set(out, addrs, n);
}

/* getServiceExternalIP. */
static void add_external_ip(struct strbuf *out, const struct k8c_service *svc)
{
	const struct k8c_service_spec *spec = &svc->spec;
	const char *type = service_type(svc);

	if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort")) {
		join_more(out, spec->external_ips, spec->n_external_ips);
		if (out->len == 0)
			strbuf_addstr(out, "<none>");
	} else if (!strcmp(type, "LoadBalancer")) {
		add_lb_ingress(out, &svc->status.load_balancer);
		join_more(out, spec->external_ips, spec->n_external_ips);
		if (out->len == 0)
			strbuf_addstr(out, "<pending>");
	} else if (!strcmp(type, "ExternalName")) {
		strbuf_addstr(out, spec->external_name ? spec->external_name : "");
	} else {
		strbuf_addstr(out, "<unknown>");
	}
}

/* makePortString, or "<none>" without ports. */
static void add_ports(struct strbuf *out, const struct k8c_service_spec *spec)
{
	for (size_t i = 0; i < spec->n_ports; i++) {
		const struct k8c_service_port *p = &spec->ports[i];
		const char *proto = p->protocol && *p->protocol ? p->protocol : "TCP";
		if (i > 0)
			strbuf_addch(out, ',');
		strbuf_addi64(out, p->port);
		if (p->node_port > 0)
			strbuf_addf(out, ":%d", (int)p->node_port);
		strbuf_addf(out, "/%s", proto);
	}
	if (out->len == 0)
		strbuf_addstr(out, "<none>");
}

void k8c_service_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_service *svc = obj;
	const struct k8c_service_spec *spec = &svc->spec;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);
	struct strbuf text = STRBUF_INIT;

	printers__cell_str(&r, svc->metadata.name);
	printers__cell_str(&r, service_type(svc));
	/* clusterIPs[0]; conversion fills clusterIPs from clusterIP for old objects */
	printers__cell_or_none(&r, spec->n_cluster_ips ? spec->cluster_ips[0] : spec->cluster_ip);
	add_external_ip(&text, svc);
	printers__cell_str(&r, text.buf);
	strbuf_reset(&text);
	add_ports(&text, spec);
	printers__cell_str(&r, text.buf);
	printers__cell_age(&r, svc->metadata.creation_timestamp);
	strbuf_reset(&text);
	printers__format_labels(&text, &spec->selector);
	printers__cell_str(&r, text.buf);
	strbuf_release(&text);
}
