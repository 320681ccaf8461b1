/*
 * podinfo.c - a pod's requests, host ports and owner as the scheduler counts
 * them (Kubernetes' computePodResourceRequest and the non-zero scoring
 * defaults); see podinfo.h.
 */
#include "scheduler/podinfo.h"

#include "base/hashmap.h"

#include "api/resource/quantity.h"

static int64_t quantity_of(const struct k8c_strmap *list, const char *name, bool milli)
{
	const char *text = k8c_strmap_get(list, name);
	struct quantity q;
	int64_t v = 0;
	if (!text || quantity_parse(text, &q) < 0)
		return 0;
	if ((milli ? quantity_milli_value(&q, &v) : quantity_value(&q, &v)) < 0)
		return 0;
	return v;
}

void sched_resources_from_list(const struct k8c_strmap *list, struct sched_resources *ret)
{
	ret->cpu_milli = quantity_of(list, "cpu", true);
	ret->memory = quantity_of(list, "memory", false);
	ret->ephemeral = quantity_of(list, "ephemeral-storage", false);
	ret->pods = quantity_of(list, "pods", false);
}

void sched_resources_add(struct sched_resources *a, const struct sched_resources *b)
{
	a->cpu_milli += b->cpu_milli;
	a->memory += b->memory;
	a->ephemeral += b->ephemeral;
	a->pods += b->pods;
}

void sched_resources_sub(struct sched_resources *a, const struct sched_resources *b)
{
	a->cpu_milli -= b->cpu_milli;
	a->memory -= b->memory;
	a->ephemeral -= b->ephemeral;
	a->pods -= b->pods;
}

static void resources_max(struct sched_resources *a, const struct sched_resources *b)
{
	if (b->cpu_milli > a->cpu_milli)
		a->cpu_milli = b->cpu_milli;
	if (b->memory > a->memory)
		a->memory = b->memory;
	if (b->ephemeral > a->ephemeral)
		a->ephemeral = b->ephemeral;
}

/* A container's requests; with nonzero, the scoring defaults fill what it leaves out. */
static void container_requests(const struct k8c_container *c, bool nonzero,
			       struct sched_resources *ret)
{
	static const struct k8c_strmap empty;
	const struct k8c_strmap *req = c->resources ? &c->resources->requests : &empty;
	/* requests default to limits (SetDefaults_ResourceRequirements); read both */
	const struct k8c_strmap *lim = c->resources ? &c->resources->limits : &empty;
	sched_resources_from_list(req->n ? req : lim, ret);
	if (req->n && lim->n) {
		struct sched_resources l;
		sched_resources_from_list(lim, &l);
		if (!k8c_strmap_get(req, "cpu"))
			ret->cpu_milli = l.cpu_milli;
		if (!k8c_strmap_get(req, "memory"))
			ret->memory = l.memory;
	}
	ret->pods = 0;
	if (!nonzero)
		return;
	if (!k8c_strmap_get(req, "cpu") && !k8c_strmap_get(lim, "cpu"))
		ret->cpu_milli = SCHED_DEFAULT_MILLI_CPU;
	if (!k8c_strmap_get(req, "memory") && !k8c_strmap_get(lim, "memory"))
		ret->memory = SCHED_DEFAULT_MEMORY;
}

static void pod_requests(const struct k8c_pod_spec *spec, bool nonzero,
			 struct sched_resources *ret)
{
	struct sched_resources sum = { 0 }, init_max = { 0 }, c;
	for (size_t i = 0; i < spec->n_containers; i++) {
		container_requests(&spec->containers[i], nonzero, &c);
		sched_resources_add(&sum, &c);
	}
	for (size_t i = 0; i < spec->n_init_containers; i++) {
		container_requests(&spec->init_containers[i], nonzero, &c);
		resources_max(&init_max, &c);
	}
	resources_max(&sum, &init_max);
	if (spec->overhead.n) {
		sched_resources_from_list(&spec->overhead, &c);
		c.pods = 0;
		sched_resources_add(&sum, &c);
	}
	sum.pods = 1;
	*ret = sum;
}

static void add_ports(struct sched_podinfo *info, const struct k8c_container *c)
{
	for (size_t i = 0; i < c->n_ports; i++) {
		const struct k8c_container_port *p = &c->ports[i];
		if (!p->has_host_port || p->host_port <= 0)
			continue;
		info->ports = xrealloc(info->ports, (info->n_ports + 1) * sizeof(*info->ports));
		struct sched_port *sp = &info->ports[info->n_ports++];
		memset(sp, 0, sizeof(*sp));
		snprintf(sp->protocol, sizeof(sp->protocol), "%s", p->protocol ? p->protocol : "TCP");
		const char *ip = p->host_ip ? p->host_ip : "";
		snprintf(sp->ip, sizeof(sp->ip), "%s", strcmp(ip, "0.0.0.0") ? ip : "");
		sp->port = p->host_port;
	}
}

void sched_podinfo_init(struct sched_podinfo *ret, const struct k8c_pod *pod)
{
	memset(ret, 0, sizeof(*ret));
	pod_requests(&pod->spec, false, &ret->req);
	pod_requests(&pod->spec, true, &ret->nonzero);
	for (size_t i = 0; i < pod->spec.n_containers; i++)
		add_ports(ret, &pod->spec.containers[i]);
	const struct k8c_object_meta *m = &pod->metadata;
	for (size_t i = 0; i < m->n_owner_references && !ret->owner_uid; i++)
		if (m->owner_references[i].controller && m->owner_references[i].uid) {
			/* the first controller reference, as metav1.GetControllerOf */
			ret->owner_uid = xstrdup(m->owner_references[i].uid);
			ret->owner_hash = hashmap_hash(ret->owner_uid);
		}
}

void sched_podinfo_release(struct sched_podinfo *info)
{
	free(info->ports);
	free(info->owner_uid);
	memset(info, 0, sizeof(*info));
}

bool sched_pod_is_terminal(const struct k8c_pod *pod)
{
	const char *phase = pod->status.phase;
	return phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"));
}
