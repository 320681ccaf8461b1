/*
 * describe_node.c - `k8c describe node`: kubectl 1.20's describeNode (roles, taints,
 * lease, conditions, addresses, capacity, system info) and describeNodeResource (the
 * non-terminated pods on the node with their requests and limits as a share of the
 * node's allocatable resources, and the totals).
 */
#include "api/resource/quantity.h"
#include "client/path.h"
#include "kubectl/describe.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"

/* The quantity of name in a resource list (zero when absent). */
static struct quantity qty(const cJSON *list, const char *name)
{
	struct quantity q;
	const char *v = kj_map_str(list, NULL, name);
	if (!v || quantity_parse(v, &q) < 0)
		quantity_set_scaled(&q, 0, 0, QUANTITY_DECIMAL_SI);
	return q;
}

static void qty_text(const struct quantity *q, struct strbuf *out)
{
	quantity_format(q, out);
}

/* kubectl's PodRequestsAndLimits for one resource: containers summed, init containers
 * as a minimum, overhead added (to limits only when a limit is set). */
static struct quantity pod_total(const cJSON *pod, const char *field, const char *name)
{
	struct quantity sum;
	quantity_set_scaled(&sum, 0, 0, QUANTITY_DECIMAL_SI);
	bool has = false;
	const cJSON *c;
	cJSON_ArrayForEach(c, kj_get(pod, "spec.containers")) {
		const cJSON *l = kj_get(kj_get(c, "resources"), field);
		if (kj_map_str(l, NULL, name)) {
			struct quantity q = qty(l, name);
			quantity_add(&sum, &q);
			has = true;
		}
	}
	cJSON_ArrayForEach(c, kj_get(pod, "spec.initContainers")) {
		const cJSON *l = kj_get(kj_get(c, "resources"), field);
		struct quantity q = qty(l, name);
		if (kj_map_str(l, NULL, name) && quantity_cmp(&q, &sum) > 0) {
			sum = q;
			has = true;
		}
	}
	const cJSON *over = kj_get(pod, "spec.overhead");
	if (kj_map_str(over, NULL, name) && (has || !strcmp(field, "requests"))) {
		struct quantity q = qty(over, name);
		quantity_add(&sum, &q);
	}
	return sum;
}

/* value as a whole percentage of alloc (milli-units for cpu), 0 when alloc is 0. */
static long long percent(const struct quantity *value, const struct quantity *alloc, bool milli)
{
	int64_t v = 0, a = 0;
	if (milli) {
		quantity_milli_value(value, &v);
		quantity_milli_value(alloc, &a);
	} else {
		quantity_value(value, &v);
		quantity_value(alloc, &a);
	}
	return a ? (long long)((double)v / (double)a * 100) : 0;
}

static void share(struct strbuf *out, const struct quantity *q, const struct quantity *alloc,
		  bool milli)
{
	qty_text(q, out);
	strbuf_addf(out, " (%lld%%)", percent(q, alloc, milli));
}

static void pod_row(struct dwriter *w, const cJSON *pod, const cJSON *alloc)
{
	struct quantity cpu_a = qty(alloc, "cpu"), mem_a = qty(alloc, "memory");
	struct quantity cr = pod_total(pod, "requests", "cpu"), cl = pod_total(pod, "limits", "cpu");
	struct quantity mr = pod_total(pod, "requests", "memory");
	struct quantity ml = pod_total(pod, "limits", "memory");
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT, d = STRBUF_INIT;
	struct strbuf age = STRBUF_INIT;
	share(&a, &cr, &cpu_a, true);
	share(&b, &cl, &cpu_a, true);
	share(&c, &mr, &mem_a, false);
	share(&d, &ml, &mem_a, false);
	dw_age(w, &age, kj_str(pod, "metadata.creationTimestamp"));
	dw_printf(w, 1, "%s\t%s\t\t%s\t%s\t%s\t%s\t%s\n", kj_str_or(pod, "metadata.namespace", ""),
		  kj_str_or(pod, "metadata.name", ""), a.buf, b.buf, c.buf, d.buf, age.buf);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	strbuf_release(&d);
	strbuf_release(&age);
}

/* One "Allocated resources" line: the resource's totals over every pod. */
static void allocated_line(struct dwriter *w, const cJSON *pods, const cJSON *alloc,
			   const char *name, bool with_share)
{
	struct quantity req, lim, a = qty(alloc, name);
	quantity_set_scaled(&req, 0, 0, QUANTITY_DECIMAL_SI);
	quantity_set_scaled(&lim, 0, 0, QUANTITY_DECIMAL_SI);
	const cJSON *p;
	cJSON_ArrayForEach(p, pods) {
		struct quantity r = pod_total(p, "requests", name), l = pod_total(p, "limits", name);
		quantity_add(&req, &r);
		quantity_add(&lim, &l);
	}
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	bool milli = !strcmp(name, "cpu");
	if (with_share) {
		share(&x, &req, &a, milli);
		share(&y, &lim, &a, milli);
	} else {
		qty_text(&req, &x);
		qty_text(&lim, &y);
	}
	dw_printf(w, 1, "%s\t%s\t%s\n", name, x.buf, y.buf);
	strbuf_release(&x);
	strbuf_release(&y);
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void node_resources(struct dwriter *w, const cJSON *node, const cJSON *pods)
{
	const cJSON *alloc = kj_get(node, "status.allocatable"), *p;
	if (!cJSON_GetArraySize(alloc))
		alloc = kj_get(node, "status.capacity");
	dw_printf(w, 0, "Non-terminated Pods:\t(%d in total)\n", cJSON_GetArraySize(pods));
	dw_printf(w, 1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory "
			"Limits\tAGE\n");
	dw_printf(w, 1, "---------\t----\t\t------------\t----------\t---------------\t"
			"-------------\t---\n");
	cJSON_ArrayForEach(p, pods)
		pod_row(w, p, alloc);
	dw_printf(w, 0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
			"overcommitted.)\n");
	dw_printf(w, 1, "Resource\tRequests\tLimits\n");
	dw_printf(w, 1, "--------\t--------\t------\n");
	allocated_line(w, pods, alloc, "cpu", true);
	allocated_line(w, pods, alloc, "memory", true);
	allocated_line(w, pods, alloc, "ephemeral-storage", true);
	size_t n = 0;
	const char **other = xcalloc((size_t)cJSON_GetArraySize(alloc) + 1, sizeof(*other));
	for (const cJSON *c = alloc ? alloc->child : NULL; c; c = c->next)
		if (strcmp(c->string, "cpu") && strcmp(c->string, "memory") &&
		    strcmp(c->string, "ephemeral-storage") && strcmp(c->string, "pods"))
			other[n++] = c->string;
	qsort(other, n, sizeof(*other), cmp_key);
	for (int huge = 1; huge >= 0; huge--)
		for (size_t i = 0; i < n; i++)
			if (str_has_prefix(other[i], "hugepages-") == (bool)huge)
				allocated_line(w, pods, alloc, other[i], huge);
	free(other);
}

static void resource_block(struct dwriter *w, const char *title, const cJSON *list)
{
	size_t n;
	const cJSON **v = kj_sorted(list, NULL, &n);
	if (n)
		dw_printf(w, 0, "%s:\n", title);
	for (size_t i = 0; i < n; i++) {
		struct quantity q = qty(list, v[i]->string);
		struct strbuf t = STRBUF_INIT;
		qty_text(&q, &t);
		dw_printf(w, 1, "%s:\t%s\n", v[i]->string, t.buf);
		strbuf_release(&t);
	}
	free(v);
}

static int cmp_taint(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int r = strcmp(kj_str_or(x, "effect", ""), kj_str_or(y, "effect", ""));
	return r ? r : strcmp(kj_str_or(x, "key", ""), kj_str_or(y, "key", ""));
}

static void taints(struct dwriter *w, const cJSON *list)
{
	size_t n;
	const cJSON **v = kj_sorted(list, cmp_taint, &n);
	dw_printf(w, 0, "Taints:\t%s", n ? "" : "<none>\n");
	for (size_t i = 0; i < n; i++) {
		const char *val = kj_str_or(v[i], "value", "");
		dw_printf(w, 0, "%s%s%s%s:%s\n", i ? "\t" : "", kj_str_or(v[i], "key", ""),
			  *val ? "=" : "", val, kj_str_or(v[i], "effect", ""));
	}
	free(v);
}

static void roles(const cJSON *labels, struct strbuf *out)
{
	size_t n = 0;
	const char **r = xcalloc((size_t)cJSON_GetArraySize(labels) + 1, sizeof(*r));
	for (const cJSON *c = labels ? labels->child : NULL; c; c = c->next) {
		if (str_has_prefix(c->string, "node-role.kubernetes.io/") && c->string[24])
			r[n++] = c->string + 24;
		else if (!strcmp(c->string, "kubernetes.io/role") && cJSON_IsString(c) &&
			 *c->valuestring)
			r[n++] = c->valuestring;
	}
	qsort(r, n, sizeof(*r), cmp_key);
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(r[i], r[i - 1]))
			strbuf_addf(out, "%s%s", out->len ? "," : "", r[i]);
	if (!out->len)
		strbuf_addstr(out, "<none>");
	free(r);
}

static void time_or_unset(const cJSON *obj, const char *path, struct strbuf *out)
{
	if (kj_str(obj, path))
		dw_time(out, kj_str(obj, path));
	else
		strbuf_addstr(out, "<unset>");
}

static void lease(struct dwriter *w, const char *name)
{
	struct strbuf path = STRBUF_INIT, a = STRBUF_INIT, r = STRBUF_INIT;
	kres_path(&path, k8c_kind_lookup("leases.coordination.k8s.io"), "kube-node-lease", name,
		  NULL);
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	cJSON *l = dw_get(w, path.buf, &e);
	if (!l) {
		dw_printf(w, 0, "Lease:\tFailed to get lease: %s\n", e.message ? e.message : "");
	} else {
		dw_printf(w, 0, "Lease:\n");
		dw_printf(w, 1, "HolderIdentity:\t%s\n", kj_str_or(l, "spec.holderIdentity", "<unset>"));
		time_or_unset(l, "spec.acquireTime", &a);
		time_or_unset(l, "spec.renewTime", &r);
		dw_printf(w, 1, "AcquireTime:\t%s\n", a.buf);
		dw_printf(w, 1, "RenewTime:\t%s\n", r.buf);
	}
	cJSON_Delete(l);
	k8c_status_error_release(&e);
	strbuf_release(&path);
	strbuf_release(&a);
	strbuf_release(&r);
}

static void conditions(struct dwriter *w, const cJSON *list)
{
	const cJSON *c;
	if (!cJSON_GetArraySize(list))
		return;
	dw_printf(w, 0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason"
			"\tMessage\n");
	dw_printf(w, 1, "----\t------\t-----------------\t------------------\t------\t-------\n");
	cJSON_ArrayForEach(c, list) {
		struct strbuf hb = STRBUF_INIT, tr = STRBUF_INIT;
		dw_time(&hb, kj_str(c, "lastHeartbeatTime"));
		dw_time(&tr, kj_str(c, "lastTransitionTime"));
		dw_printf(w, 1, "%s \t%s \t%s \t%s \t%s \t%s\n", kj_str_or(c, "type", ""),
			  kj_str_or(c, "status", ""), hb.buf, tr.buf, kj_str_or(c, "reason", ""),
			  kj_str_or(c, "message", ""));
		strbuf_release(&hb);
		strbuf_release(&tr);
	}
}

static void system_info(struct dwriter *w, const cJSON *info)
{
	static const char *const rows[][2] = {
		{ "Machine ID", "machineID" },
		{ "System UUID", "systemUUID" },
		{ "Boot ID", "bootID" },
		{ "Kernel Version", "kernelVersion" },
		{ "OS Image", "osImage" },
		{ "Operating System", "operatingSystem" },
		{ "Architecture", "architecture" },
		{ "Container Runtime Version", "containerRuntimeVersion" },
		{ "Kubelet Version", "kubeletVersion" },
		{ "Kube-Proxy Version", "kubeProxyVersion" },
	};
	dw_printf(w, 0, "System Info:\n");
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		dw_printf(w, 1, "%s:\t%s\n", rows[i][0], kj_str_or(info, rows[i][1], ""));
}

static void node_pods(struct dwriter *w, const cJSON *node)
{
	struct strbuf fs = STRBUF_INIT, path = STRBUF_INIT;
	strbuf_addf(&fs, "spec.nodeName=%s,status.phase!=Failed,status.phase!=Succeeded",
		    kj_str_or(node, "metadata.name", ""));
	kres_path(&path, k8c_kind_lookup("pods"), NULL, NULL, NULL);
	cJSON *pods = dw_list(w, path.buf, NULL, fs.buf);
	if (pods)
		node_resources(w, node, kj_get(pods, "items"));
	else
		dw_printf(w, 0, "Pods:\tnot authorized\n");
	cJSON_Delete(pods);
	strbuf_release(&fs);
	strbuf_release(&path);
}

void describe_node(struct dwriter *w, const cJSON *node)
{
	const char *name = kj_str_or(node, "metadata.name", "");
	struct strbuf r = STRBUF_INIT, t = STRBUF_INIT;
	roles(kj_get(node, "metadata.labels"), &r);
	dw_time(&t, kj_str(node, "metadata.creationTimestamp"));
	dw_printf(w, 0, "Name:\t%s\n", name);
	dw_printf(w, 0, "Roles:\t%s\n", r.buf);
	dw_labels(w, "Labels", kj_get(node, "metadata.labels"));
	dw_annotations(w, "Annotations", kj_get(node, "metadata.annotations"));
	dw_printf(w, 0, "CreationTimestamp:\t%s\n", t.buf);
	taints(w, kj_get(node, "spec.taints"));
	dw_printf(w, 0, "Unschedulable:\t%s\n", kj_true(node, "spec.unschedulable") ? "true" : "false");
	lease(w, name);
	conditions(w, kj_get(node, "status.conditions"));
	dw_printf(w, 0, "Addresses:\n");
	const cJSON *a;
	cJSON_ArrayForEach(a, kj_get(node, "status.addresses"))
		dw_printf(w, 1, "%s:\t%s\n", kj_str_or(a, "type", ""), kj_str_or(a, "address", ""));
	resource_block(w, "Capacity", kj_get(node, "status.capacity"));
	resource_block(w, "Allocatable", kj_get(node, "status.allocatable"));
	system_info(w, kj_get(node, "status.nodeInfo"));
	if (*kj_str_or(node, "spec.podCIDR", ""))
		dw_printf(w, 0, "PodCIDR:\t%s\n", kj_str(node, "spec.podCIDR"));
	if (cJSON_GetArraySize(kj_get(node, "spec.podCIDRs"))) {
		struct strbuf c = STRBUF_INIT;
		const cJSON *s;
		cJSON_ArrayForEach(s, kj_get(node, "spec.podCIDRs"))
			strbuf_addf(&c, "%s%s", c.len ? "," : "", cJSON_IsString(s) ? s->valuestring : "");
		dw_printf(w, 0, "PodCIDRs:\t%s\n", c.buf);
		strbuf_release(&c);
	}
	if (*kj_str_or(node, "spec.providerID", ""))
		dw_printf(w, 0, "ProviderID:\t%s\n", kj_str(node, "spec.providerID"));
	node_pods(w, node);
	dw_events(w, node, "Node", name, "");
	strbuf_release(&r);
	strbuf_release(&t);
}
