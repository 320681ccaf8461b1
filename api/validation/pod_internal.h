/*
 * pod_internal.h - the pieces of PodSpec validation (core/v1
 * ValidatePodSpec) shared by the files that implement them: volumes,
 * containers, env, probes, resources, scheduling constraints and security
 * contexts. Every function reports at the context's current path, which the
 * caller has set to the value being checked (e.g. "spec.containers[0]").
 * Internal to api/validation.
 */
#ifndef K8C_API_VALIDATION_POD_INTERNAL_H
#define K8C_API_VALIDATION_POD_INTERNAL_H

#include "api/types.gen.h"
#include "api/validation/vctx.h"

/* A PodSpec under validation. */
struct podv {
	struct vctx *v;                  /* path: the PodSpec ("spec", "spec.template.spec") */
	const struct k8c_pod_spec *spec;
	bool is_pod;                     /* a Pod, not a template (opts.ResourceIsPod) */
	const struct k8c_volume **vols;  /* volumes that validated clean (borrowed) */
	size_t n_vols;
};

/* Validates spec.volumes (at <path>.volumes) and records the clean ones in p->vols. */
void podv_volumes(struct podv *p);
/* The clean volume called name, or NULL. */
const struct k8c_volume *podv_volume(const struct podv *p, const char *name);

/* validateKeyToPath of an items[i] entry at the current path. */
void vctx_key_to_path(struct vctx *v, const struct k8c_key_to_path *kp);

/* validateDownwardAPIVolumeFile; upstream reports at the source's path, not the item's. */
void vctx_downward_api_file(struct vctx *v, const struct k8c_downward_api_volume_file *f);
/* validateProjectionSources at the projected source's path. */
void vctx_projected_sources(struct vctx *v, const struct k8c_projected_volume_source *pr);

/* validateContainers / validateInitContainers at <path>.containers / .initContainers. */
void podv_containers(struct podv *p);
void podv_init_containers(struct podv *p);

/* ValidateEnv / ValidateEnvFrom of a container at its path. */
void vctx_env(struct vctx *v, const struct k8c_env_var *env, size_t n);
void vctx_env_from(struct vctx *v, const struct k8c_env_from_source *env, size_t n);

/* Downward API selectors: env (volume false) or volume file (volume true) sets. */
void vctx_object_field_selector(struct vctx *v, const struct k8c_object_field_selector *fs,
				bool volume);
void vctx_resource_field_selector(struct vctx *v, const struct k8c_resource_field_selector *fs,
				  bool volume);

/* Probes at the container's path; kind is "livenessProbe", "readinessProbe" or "startupProbe". */
void vctx_probe(struct vctx *v, const char *kind, const struct k8c_probe *probe);
/* validateLifecycle at <path>.lifecycle. */
void vctx_lifecycle(struct vctx *v, const struct k8c_lifecycle *lc);
/* ValidatePortNumOrName at child. */
void vctx_port_num_or_name(struct vctx *v, const char *child, const struct k8c_intstr *port);

/* validateResourceRequirements for containers at the current path ("...resources"). */
void vctx_resources(struct vctx *v, const struct k8c_strmap *limits,
		    const struct k8c_strmap *requests);
/* ValidateResourceQuantityValue of one quantity text at the current path. */
void vctx_quantity_value(struct vctx *v, const char *resource, const char *text);

/* Invalid with a []string value, rendered as Go's %#v (`[]string{"a", "b"}`). */
void vctx_invalid_strings(struct vctx *v, const char *child, char *const *items, size_t n,
			  const char *detail);

/* ValidateLabelSelector (metav1) at <path>.<child>; NULL is valid. */
void vctx_label_selector(struct vctx *v, const char *child, const struct k8c_label_selector *sel);

/*
 * Scheduling: tolerations (at <path>, the list), affinity (at <path>.affinity),
 * topology spread constraints (at <path>.topologySpreadConstraints).
 */
void vctx_tolerations(struct vctx *v, const struct k8c_toleration *t, size_t n);
void vctx_affinity(struct vctx *v, const struct k8c_affinity *a);
void vctx_topology_spread(struct vctx *v, const struct k8c_topology_spread_constraint *c,
			  size_t n);
/* validateTaintEffect: Required when empty (unless allow_empty), else the three effects. */
void vctx_taint_effect(struct vctx *v, const char *child, const char *effect, bool allow_empty);

/* Security: the PodSecurityContext at <path>.securityContext, and a container's. */
void podv_security_context(struct podv *p);
void vctx_container_security(struct vctx *v, const struct k8c_security_context *sc,
			     bool host_users);

/* ValidatePodSpec at p->v's path (volumes, containers, policies, scheduling...). */
void podv_spec(struct podv *p);

/* Runs podv_spec for spec at v's path with a podv of its own (freed afterwards). */
void vctx_podv_run(struct vctx *v, const struct k8c_pod_spec *spec, bool is_pod);

/*
 * ValidatePodTemplateSpec for a template at the current path
 * ("spec.template"): labels, annotations, the pod spec, no ephemeral containers.
 */
void vctx_pod_template(struct vctx *v, const struct k8c_pod_template_spec *t);

#endif
