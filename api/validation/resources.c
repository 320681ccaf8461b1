/*
 * resources.c - container resource requirements (core/v1
 * validateResourceRequirements with validateContainerResourceName and
 * ValidateResourceQuantityValue): standard names, non-negative quantities,
 * whole numbers for integer resources, requests not above limits (equal for
 * resources that cannot be overcommitted). Quantities are kept as the client
 * wrote them, so an unparsable one is reported here (upstream rejects it
 * while decoding).
 */
#include "api/validation/pod_internal.h"

#include "api/resource/quantity.h"

/* helper.IsStandardResourceName (without the hugepages- prefix, checked apart). */
static const char *const standard_resources[] = {
	"configmaps",
	"cpu",
	"ephemeral-storage",
	"limits.cpu",
	"limits.ephemeral-storage",
	"limits.memory",
	"memory",
	"persistentvolumeclaims",
	"pods",
	"replicationcontrollers",
	"requests.cpu",
	"requests.ephemeral-storage",
	"requests.memory",
	"requests.storage",
	"resourcequotas",
	"secrets",
	"services",
	"services.loadbalancers",
	"services.nodeports",
	"storage",
};
static const char *const container_resources[] = { "cpu", "memory", "ephemeral-storage" };

static bool is_hugepages(const char *name)
{
	return str_has_prefix(name, "hugepages-");
}

/* IsNativeResource: unprefixed or in the kubernetes.io domain. */
static bool is_native(const char *name)
{
	return !strchr(name, '/') || strstr(name, "kubernetes.io/") != NULL;
}

/* Overcommit is allowed for native resources other than hugepages. */
static bool overcommit_allowed(const char *name)
{
	return is_native(name) && !is_hugepages(name);
}

/* validateContainerResourceName at the current path. */
static void resource_name(struct vctx *v, const char *name)
{
	if (!vctx_qualified_name(v, NULL, name))
		return;
	if (strchr(name, '/'))
		return;
	bool standard = is_hugepages(name) ||
			vctx_one_of(name, standard_resources, ARRAY_SIZE(standard_resources));
	if (!standard)
		vctx_invalid(v, NULL, name, "must be a standard resource type or fully qualified");
	if (!is_hugepages(name) &&
	    !vctx_one_of(name, container_resources, ARRAY_SIZE(container_resources)))
		vctx_invalid(v, NULL, name, "must be a standard resource for containers");
}

void vctx_quantity_value(struct vctx *v, const char *resource, const char *text)
{
	struct quantity q;
	int rc = quantity_parse(vstr(text), &q);
	if (rc < 0) {
		vctx_invalid(v, NULL, text, quantity_strerror(rc));
		return;
	}
	int64_t milli = 0;
	bool negative = quantity_sign(&q) < 0;
	/* extended resources (and the quota counts) hold whole units */
	bool fraction = !is_native(resource) &&
			(quantity_milli_value(&q, &milli) < 0 || milli % 1000);
	if (!negative && !fraction) /* the canonical text only for an error: a tenth of a check */
		return;
	struct strbuf canon = STRBUF_INIT;
	quantity_format(&q, &canon);
	if (negative)
		vctx_invalid(v, NULL, canon.buf, "must be greater than or equal to 0");
	if (fraction)
		vctx_invalid(v, NULL, canon.buf, "must be an integer");
	strbuf_release(&canon);
}

/* One resource list (limits or requests): names and quantities at <path>.<which>[name]. */
static void resource_list(struct vctx *v, const char *which, const struct k8c_strmap *list)
{
	size_t m = vctx_child(v, which);
	for (size_t i = 0; list && i < list->n; i++) {
		size_t mk = vctx_key(v, list->items[i].key);
		resource_name(v, list->items[i].key);
		vctx_quantity_value(v, list->items[i].key, list->items[i].value);
		vctx_pop(v, mk);
	}
	vctx_pop(v, m);
}

/* A request compared with its limit; errors at <path>.requests as upstream. */
static void request_vs_limit(struct vctx *v, const char *name, const char *req_text,
			     const struct k8c_strmap *limits)
{
	const char *lim_text = limits ? k8c_strmap_get(limits, name) : NULL;
	struct quantity req, lim;
	if (!lim_text) {
		if (!overcommit_allowed(name))
			vctx_required(v, "limits", "Limit must be set for non overcommitable resources");
		return;
	}
	if (quantity_parse(req_text, &req) < 0 || quantity_parse(lim_text, &lim) < 0)
		return;
	int cmp = quantity_cmp(&req, &lim);
	bool equal_needed = !overcommit_allowed(name);
	if ((equal_needed && cmp != 0) || cmp > 0) {
		struct strbuf rq = STRBUF_INIT, lq = STRBUF_INIT, d = STRBUF_INIT;
		quantity_format(&req, &rq);
		quantity_format(&lim, &lq);
		strbuf_addf(&d, "must be %s %s limit of %s",
			    equal_needed ? "equal to" : "less than or equal to", name, lq.buf);
		vctx_invalid(v, "requests", rq.buf, d.buf);
		strbuf_release(&rq);
		strbuf_release(&lq);
		strbuf_release(&d);
	}
}

void vctx_resources(struct vctx *v, const struct k8c_strmap *limits,
		    const struct k8c_strmap *requests)
{
	bool cpu_or_mem = false, huge = false;
	resource_list(v, "limits", limits);
	resource_list(v, "requests", requests);
	const struct k8c_strmap *lists[] = { limits, requests };
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
		for (size_t i = 0; lists[l] && i < lists[l]->n; i++) {
			const char *name = lists[l]->items[i].key;
			huge |= is_hugepages(name);
			cpu_or_mem |= !strcmp(name, "cpu") || !strcmp(name, "memory");
			if (l == 1)
				request_vs_limit(v, name, lists[l]->items[i].value, limits);
		}
	if (huge && !cpu_or_mem)
		vctx_forbidden(v, NULL, "HugePages require cpu or memory");
}
