/*
 * security.c - pod and container security contexts (core/v1
 * validatePodSpecSecurityContext, ValidateSecurityContext): user and group
 * ids, sysctls, seccomp profiles, procMount, privilege escalation. Windows
 * options are not checked (k8c runs Linux containers only). Privileged
 * containers are allowed, as with kube-apiserver --allow-privileged=true.
 */
#include "api/validation/field_err.h"
#include "api/validation/formats.h"
#include "api/validation/pod_internal.h"

#define MAX_ID 2147483647LL

static const char sysctl_regex_msg[] =
	"must have at most 253 characters and match regex "
	"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";

/* IsValidUserID / IsValidGroupID. */
static void id(struct vctx *v, const char *child, bool has, int64_t value)
{
	if (has)
		vctx_int_range(v, child, value, 0, MAX_ID);
}

/* validateSeccompProfileField at <path>.seccompProfile. */
static void seccomp(struct vctx *v, const struct k8c_seccomp_profile *sp)
{
	static const char *const types[] = { "Localhost", "RuntimeDefault", "Unconfined" };
	if (!sp)
		return;
	size_t m = vctx_child(v, "seccompProfile");
	if (vempty(sp->type))
		vctx_required(v, "type", "type is required when seccompProfile is set");
	else if (!vctx_one_of(sp->type, types, ARRAY_SIZE(types)))
		vctx_not_supported(v, "type", sp->type, types, ARRAY_SIZE(types));
	if (vis(sp->type, "Localhost")) {
		if (!sp->localhost_profile)
			vctx_required(v, "localhostProfile",
				      "must be set when seccomp type is Localhost");
		else
			vctx_local_descending_path(v, "localhostProfile", sp->localhost_profile);
	} else if (sp->localhost_profile) {
		struct strbuf r = STRBUF_INIT;
		strbuf_addstr(&r, "core.SeccompProfile{Type:");
		field_err_quote(&r, vstr(sp->type));
		strbuf_addstr(&r, ", LocalhostProfile:");
		field_err_quote(&r, sp->localhost_profile);
		strbuf_addch(&r, '}');
		vctx_invalid_go(v, "localhostProfile", r.buf,
				"can only be set when seccomp type is Localhost");
		strbuf_release(&r);
	}
	vctx_pop(v, m);
}

/* utilsysctl.GetNamespace: the sysctls isolated by the network and IPC namespaces. */
static bool is_net_sysctl(const char *s)
{
	return str_has_prefix(s, "net.") || str_has_prefix(s, "net/");
}

static bool is_ipc_sysctl(const char *s)
{
	return !strcmp(s, "kernel.sem") || str_has_prefix(s, "kernel.shm") ||
	       str_has_prefix(s, "kernel.msg") || str_has_prefix(s, "fs.mqueue.") ||
	       str_has_prefix(s, "fs/mqueue/");
}

static void sysctls(struct vctx *v, const struct k8c_pod_spec *spec,
		    const struct k8c_pod_security_context *sc)
{
	size_t m = vctx_child(v, "sysctls");
	for (size_t i = 0; i < sc->n_sysctls; i++) {
		const char *name = sc->sysctls[i].name;
		size_t mi = vctx_index(v, i);
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = !strcmp(vstr(sc->sysctls[j].name), vstr(name));
		if (vempty(name))
			vctx_required(v, "name", "");
		else if (!k8c_is_sysctl_name(name))
			vctx_invalid(v, "name", name, sysctl_regex_msg);
		else if (dup)
			vctx_duplicate(v, "name", name);
		if (spec->host_network && is_net_sysctl(vstr(name)))
			vctx_invalid(v, "name", name, "may not be specified when 'hostNetwork' is true");
		else if (spec->host_ipc && is_ipc_sysctl(vstr(name)))
			vctx_invalid(v, "name", name, "may not be specified when 'hostIPC' is true");
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

void podv_security_context(struct podv *p)
{
	static const char *const fs_policies[] = { "Always", "OnRootMismatch" };
	const struct k8c_pod_security_context *sc = p->spec->security_context;
	struct vctx *v = p->v;
	if (!sc)
		return;
	size_t m = vctx_child(v, "securityContext");
	id(v, "fsGroup", sc->has_fs_group, sc->fs_group);
	id(v, "runAsUser", sc->has_run_as_user, sc->run_as_user);
	id(v, "runAsGroup", sc->has_run_as_group, sc->run_as_group);
	size_t mg = vctx_child(v, "supplementalGroups");
	for (size_t g = 0; g < sc->n_supplemental_groups; g++) {
		size_t mi = vctx_index(v, g);
		id(v, NULL, true, sc->supplemental_groups[g]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, mg);
	if (p->spec->has_share_process_namespace && p->spec->share_process_namespace &&
	    p->spec->host_pid)
		vctx_invalid_go(v, "shareProcessNamespace", "true",
				"ShareProcessNamespace and HostPID cannot both be enabled");
	sysctls(v, p->spec, sc);
	if (sc->fs_group_change_policy &&
	    !vctx_one_of(sc->fs_group_change_policy, fs_policies, ARRAY_SIZE(fs_policies)))
		vctx_not_supported(v, "fsGroupChangePolicy", sc->fs_group_change_policy,
				   fs_policies, ARRAY_SIZE(fs_policies));
	seccomp(v, sc->seccomp_profile);
	vctx_pop(v, m);
}

/* The two privilege-escalation conflicts; reported at the security context itself. */
static void escalation(struct vctx *v, const struct k8c_security_context *sc)
{
	if (!sc->has_allow_privilege_escalation || sc->allow_privilege_escalation)
		return;
	if (sc->has_privileged && sc->privileged)
		vctx_invalid_go(v, NULL, "core.SecurityContext{...}",
				"cannot set `allowPrivilegeEscalation` to false and `privileged` to "
				"true");
	for (size_t i = 0; sc->capabilities && i < sc->capabilities->n_add; i++)
		if (vis(sc->capabilities->add[i], "CAP_SYS_ADMIN"))
			vctx_invalid_go(v, NULL, "core.SecurityContext{...}",
					"cannot set `allowPrivilegeEscalation` to false and "
					"`capabilities.Add` CAP_SYS_ADMIN");
}

void vctx_container_security(struct vctx *v, const struct k8c_security_context *sc,
			     bool host_users)
{
	static const char *const proc_mounts[] = { "Default", "Unmasked" };
	if (!sc)
		return;
	size_t m = vctx_child(v, "securityContext");
	id(v, "runAsUser", sc->has_run_as_user, sc->run_as_user);
	id(v, "runAsGroup", sc->has_run_as_group, sc->run_as_group);
	if (sc->proc_mount) {
		if (!vctx_one_of(sc->proc_mount, proc_mounts, ARRAY_SIZE(proc_mounts)))
			vctx_not_supported(v, "procMount", sc->proc_mount, proc_mounts,
					   ARRAY_SIZE(proc_mounts));
		if (host_users && !strcmp(sc->proc_mount, "Unmasked"))
			vctx_invalid(v, "procMount", sc->proc_mount,
				     "`hostUsers` must be false to use `Unmasked`");
	}
	seccomp(v, sc->seccomp_profile);
	escalation(v, sc);
	vctx_pop(v, m);
}
