/*
 * workloads.c - the rows of the pod controllers: Deployments ("2/3" ready,
 * up-to-date, available) and ReplicaSets (desired, current, ready), each with
 * its template's containers and images and its selector; see printers.h.
 */
#include "api/printers/printers.h"

#include "api/printers/printers_internal.h"

/* spec.replicas as the server stores it: defaulted to 1 when absent. */
static int64_t desired(bool has_replicas, int32_t replicas)
{
	return has_replicas ? replicas : 1;
}

/*
 * The Selector cell: the formatted selector; when it formats to nothing,
 * empty (may be NULL: ""), and when it is invalid, invalid.
 */
static void cell_selector(struct printers__row *r, const struct k8c_label_selector *sel,
			  const char *empty, const char *invalid)
{
	struct strbuf text = STRBUF_INIT;
	if (printers__format_selector(&text, sel) < 0)
		printers__cell_str(r, invalid);
	else
		printers__cell_str(r, text.len ? text.buf : empty);
	strbuf_release(&text);
}

void k8c_deployment_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_deployment *d = obj;
	const struct k8c_pod_spec *pod = &d->spec.template.spec;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);
	struct strbuf ready = STRBUF_INIT;

	strbuf_addf(&ready, "%d/%lld", (int)d->status.ready_replicas,
		    (long long)desired(d->spec.has_replicas, d->spec.replicas));
	printers__cell_str(&r, d->metadata.name);
	printers__cell_str(&r, ready.buf);
	printers__cell_int(&r, d->status.updated_replicas);
	printers__cell_int(&r, d->status.available_replicas);
	printers__cell_age(&r, d->metadata.creation_timestamp);
	printers__cell_containers(&r, pod->containers, pod->n_containers);
	/* printDeployment prints selector.String() as is: "" when empty */
	cell_selector(&r, d->spec.selector, "", "<invalid>");
	strbuf_release(&ready);
}

void k8c_replicaset_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_replica_set *rs = obj;
	const struct k8c_pod_spec *pod = &rs->spec.template.spec;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);

	printers__cell_str(&r, rs->metadata.name);
	printers__cell_int(&r, desired(rs->spec.has_replicas, rs->spec.replicas));
	printers__cell_int(&r, rs->status.replicas);
	printers__cell_int(&r, rs->status.ready_replicas);
	printers__cell_age(&r, rs->metadata.creation_timestamp);
	printers__cell_containers(&r, pod->containers, pod->n_containers);
	/* metav1.FormatLabelSelector: "<none>" when empty, "<error>" when invalid */
	cell_selector(&r, rs->spec.selector, "<none>", "<error>");
}
