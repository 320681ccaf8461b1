/*
 * workloads.c - apps/v1 defaults (SetDefaults_Deployment,
 * SetDefaults_ReplicaSet) and the PodSpec defaults of their templates.
 */
#include "api/defaults/defaults_internal.h"

/* An IntOrString that is absent becomes the string value. */
static void default_intstr(struct k8c_intstr *x, const char *value)
{
	if (x->type != K8C_INTSTR_UNSET)
		return;
	x->type = K8C_INTSTR_STRING;
	x->sval = xstrdup(value);
}

static void default_strategy(struct k8c_deployment_spec *spec)
{
	if (!spec->strategy)
		spec->strategy = xcalloc(1, sizeof(*spec->strategy));
	struct k8c_deployment_strategy *s = spec->strategy;
	dflt_str(&s->type, "RollingUpdate");
	if (strcmp(s->type, "RollingUpdate"))
		return;
	if (!s->rolling_update)
		s->rolling_update = xcalloc(1, sizeof(*s->rolling_update));
	default_intstr(&s->rolling_update->max_unavailable, "25%");
	default_intstr(&s->rolling_update->max_surge, "25%");
}

void k8c_default_deployment(void *obj)
{
	struct k8c_deployment *d = obj;
	struct k8c_deployment_spec *spec = &d->spec;
	DFLT_OPT(spec, replicas, 1);
	default_strategy(spec);
	DFLT_OPT(spec, revision_history_limit, 10);
	DFLT_OPT(spec, progress_deadline_seconds, 600);
	k8c_default_pod_spec(&spec->template.spec);
}

void k8c_default_replica_set(void *obj)
{
	struct k8c_replica_set *rs = obj;
	DFLT_OPT(&rs->spec, replicas, 1);
	k8c_default_pod_spec(&rs->spec.template.spec);
}
