/*
 * basic.c - the rows of the kinds whose cells are plain fields: namespaces
 * (phase), config maps and secrets (number of keys), leases (holder); see
 * printers.h.
 */
#include "api/printers/printers.h"

#include "api/printers/printers_internal.h"

void k8c_namespace_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_namespace *ns = obj;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);

	printers__cell_str(&r, ns->metadata.name);
	printers__cell_str(&r, ns->status.phase);
	printers__cell_age(&r, ns->metadata.creation_timestamp);
}

void k8c_configmap_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_config_map *cm = obj;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);

	printers__cell_str(&r, cm->metadata.name);
	printers__cell_int(&r, (int64_t)(cm->data.n + cm->binary_data.n));
	printers__cell_age(&r, cm->metadata.creation_timestamp);
}

void k8c_secret_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_secret *s = obj;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);

	printers__cell_str(&r, s->metadata.name);
	printers__cell_str(&r, s->type);
	printers__cell_int(&r, (int64_t)s->data.n);
	printers__cell_age(&r, s->metadata.creation_timestamp);
}

void k8c_lease_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_lease *l = obj;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);

	printers__cell_str(&r, l->metadata.name);
	printers__cell_str(&r, l->spec.holder_identity);
	printers__cell_age(&r, l->metadata.creation_timestamp);
}
