/*
 * node.c - the node row: "Ready"/"NotReady"/"Unknown" from the Ready
 * condition plus ",SchedulingDisabled" when cordoned, the roles from
 * node-role.kubernetes.io/<role> and kubernetes.io/role labels, the kubelet
 * version, and the wide columns from status.addresses and nodeInfo; see
 * printers.h.
 */
#include "api/printers/printers.h"

#include "api/printers/printers_internal.h"

#define ROLE_PREFIX "node-role.kubernetes.io/"

/* Ready when the last Ready condition is True, NotReady otherwise, Unknown without one. */
static void add_status(struct strbuf *out, const struct k8c_node *node)
{
	const struct k8c_node_condition *ready = NULL;
	for (size_t i = 0; i < node->status.n_conditions; i++)
		if (streq_null(node->status.conditions[i].type, "Ready"))
			ready = &node->status.conditions[i];
	if (!ready)
		strbuf_addstr(out, "Unknown");
	else
		strbuf_addstr(out, streq_null(ready->status, "True") ? "Ready" : "NotReady");
	if (node->spec.unschedulable)
		strbuf_addstr(out, ",SchedulingDisabled");
}

/* findNodeRoles, sorted and unique, comma-joined; "<none>" without roles. */
static void add_roles(struct strbuf *out, const struct k8c_strmap *labels)
{
	size_t n = 0;
	_cleanup_free_ const char **roles = xcalloc(labels->n + 1, sizeof(*roles));
	for (size_t i = 0; i < labels->n; i++) {
		const struct k8c_strpair *p = &labels->items[i];
		if (str_has_prefix(p->key, ROLE_PREFIX) && p->key[strlen(ROLE_PREFIX)])
			roles[n++] = p->key + strlen(ROLE_PREFIX);
		else if (!strcmp(p->key, "kubernetes.io/role") && p->value && *p->value)
			roles[n++] = p->value;
	}
	printers__add_sorted_set(out, roles, n);
	if (n == 0)
		strbuf_addstr(out, "<none>");
}

/* getNodeInternalIP/ExternalIP: the first address of this type as is, else "<none>". */
static void cell_address(struct printers__row *r, const struct k8c_node *node, const char *type)
{
	for (size_t i = 0; i < node->status.n_addresses; i++) {
		if (streq_null(node->status.addresses[i].type, type)) {
			printers__cell_str(r, node->status.addresses[i].address);
			return;
		}
	}
	printers__cell_str(r, "<none>");
}

/* A nodeInfo cell: "<unknown>" when the kubelet did not report it. */
static void cell_info(struct printers__row *r, const char *s)
{
	printers__cell_str(r, s && *s ? s : "<unknown>");
}

void k8c_node_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_node *node = obj;
	const struct k8c_node_system_info *info = &node->status.node_info;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);
	struct strbuf text = STRBUF_INIT;

	printers__cell_str(&r, node->metadata.name);
	add_status(&text, node);
	printers__cell_str(&r, text.buf);
	strbuf_reset(&text);
	add_roles(&text, &node->metadata.labels);
	printers__cell_str(&r, text.buf);
	printers__cell_age(&r, node->metadata.creation_timestamp);
	printers__cell_str(&r, info->kubelet_version);
	cell_address(&r, node, "InternalIP");
	cell_address(&r, node, "ExternalIP");
	cell_info(&r, info->os_image);
	cell_info(&r, info->kernel_version);
	cell_info(&r, info->container_runtime_version);
	strbuf_release(&text);
}
