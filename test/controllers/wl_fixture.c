/*
 * wl_fixture.c - workload objects for unit tests (wl_fixture.h).
 */
#include "test/controllers/wl_fixture.h"

#include "api/values.h"

struct k8c_pod *wl_pod(const char *name, const char *node, const char *phase, int64_t ready_at,
		       int32_t restarts, int64_t created)
{
	struct k8c_pod *p = xcalloc(1, sizeof(*p));

	p->metadata.name = xstrdup(name);
	p->metadata.namespace = xstrdup("default");
	p->metadata.creation_timestamp = created;
	p->spec.node_name = node && *node ? xstrdup(node) : NULL;
	p->status.phase = xstrdup(phase);
	p->status.conditions = xcalloc(1, sizeof(*p->status.conditions));
	p->status.n_conditions = 1;
	p->status.conditions[0].type = xstrdup("Ready");
	p->status.conditions[0].status = xstrdup(ready_at ? "True" : "False");
	p->status.conditions[0].last_transition_time = ready_at;
	p->status.container_statuses = xcalloc(1, sizeof(*p->status.container_statuses));
	p->status.n_container_statuses = 1;
	p->status.container_statuses[0].name = xstrdup("c");
	p->status.container_statuses[0].restart_count = restarts;
	p->status.container_statuses[0].has_restart_count = true;
	return p;
}

static void set_intstr(struct k8c_intstr *v, const char *text)
{
	char *end;
	long n = text ? strtol(text, &end, 10) : 0;

	memset(v, 0, sizeof(*v));
	if (!text)
		return;
	if (!*end) {
		v->type = K8C_INTSTR_INT;
		v->ival = (int32_t)n;
	} else {
		v->type = K8C_INTSTR_STRING;
		v->sval = xstrdup(text);
	}
}

void wl_strategy(struct k8c_deployment *d, const char *type, const char *surge,
		 const char *unavailable)
{
	struct k8c_deployment_strategy *s = d->spec.strategy;

	if (!s)
		s = d->spec.strategy = xcalloc(1, sizeof(*s));
	free(s->type);
	s->type = xstrdup(type);
	if (!strcmp(type, "RollingUpdate")) {
		if (!s->rolling_update)
			s->rolling_update = xcalloc(1, sizeof(*s->rolling_update));
		free(s->rolling_update->max_surge.sval);
		free(s->rolling_update->max_unavailable.sval);
		set_intstr(&s->rolling_update->max_surge, surge);
		set_intstr(&s->rolling_update->max_unavailable, unavailable);
	}
}

struct k8c_deployment *wl_deployment(int32_t replicas, const char *image)
{
	struct k8c_deployment *d = xcalloc(1, sizeof(*d));

	d->kind = xstrdup("Deployment");
	d->api_version = xstrdup("apps/v1");
	d->metadata.name = xstrdup("web");
	d->metadata.namespace = xstrdup("default");
	d->metadata.uid = xstrdup("d-uid");
	d->metadata.generation = 1;
	d->metadata.has_generation = true;
	d->spec.replicas = replicas;
	d->spec.has_replicas = true;
	d->spec.selector = xcalloc(1, sizeof(*d->spec.selector));
	k8c_strmap_set(&d->spec.selector->match_labels, "app", "web");
	k8c_strmap_set(&d->spec.template.metadata.labels, "app", "web");
	d->spec.template.spec.containers = xcalloc(1, sizeof(*d->spec.template.spec.containers));
	d->spec.template.spec.n_containers = 1;
	d->spec.template.spec.containers[0].name = xstrdup("app");
	d->spec.template.spec.containers[0].image = xstrdup(image);
	return d;
}

struct k8c_replica_set *wl_rs(const char *name, int32_t replicas, int64_t created, int revision)
{
	struct k8c_replica_set *rs = xcalloc(1, sizeof(*rs));
	char rev[16];

	rs->kind = xstrdup("ReplicaSet");
	rs->api_version = xstrdup("apps/v1");
	rs->metadata.name = xstrdup(name);
	rs->metadata.namespace = xstrdup("default");
	rs->metadata.uid = xstrdup(name);
	rs->metadata.creation_timestamp = created * WL_SEC;
	rs->spec.replicas = replicas;
	rs->spec.has_replicas = true;
	if (revision) {
		snprintf(rev, sizeof(rev), "%d", revision);
		k8c_strmap_set(&rs->metadata.annotations, "deployment.kubernetes.io/revision", rev);
	}
	return rs;
}
