/*
 * containers.c - containers and init containers of a PodSpec (core/v1
 * validateContainers, validateInitContainers, validateContainerCommon):
 * names, images, ports and host-port conflicts, volume mounts and devices
 * against the pod's volumes, pull policy, resources, probes, security.
 */
#include <ctype.h>

#include "api/validation/formats.h"
#include "api/validation/pod_internal.h"

static const char *const protocols[] = { "SCTP", "TCP", "UDP" };

/* validateContainerPorts at <container>.ports. */
static void ports(struct vctx *v, const struct k8c_container *c)
{
	struct k8c_name_msgs msgs;
	size_t m = vctx_child(v, "ports");
	for (size_t i = 0; i < c->n_ports; i++) {
		const struct k8c_container_port *p = &c->ports[i];
		size_t mi = vctx_index(v, i);
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = !vempty(p->name) && vis(c->ports[j].name, p->name);
		if (!vempty(p->name) && !k8c_is_port_name(p->name, &msgs))
			vctx_msgs(v, "name", p->name, &msgs);
		else if (dup)
			vctx_duplicate(v, "name", p->name);
		if (p->container_port == 0)
			vctx_required(v, "containerPort", "");
		else if (!k8c_is_port_num(p->container_port, &msgs))
			vctx_invalid_int(v, "containerPort", p->container_port, msgs.msg[0]);
		if (p->host_port != 0 && !k8c_is_port_num(p->host_port, &msgs))
			vctx_invalid_int(v, "hostPort", p->host_port, msgs.msg[0]);
		if (vempty(p->protocol))
			vctx_required(v, "protocol", "");
		else if (!vctx_one_of(p->protocol, protocols, ARRAY_SIZE(protocols)))
			vctx_not_supported(v, "protocol", p->protocol, protocols,
					   ARRAY_SIZE(protocols));
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

static bool mount_named(const struct k8c_container *c, const char *name)
{
	for (size_t i = 0; i < c->n_volume_mounts; i++)
		if (vis(c->volume_mounts[i].name, vstr(name)))
			return true;
	return false;
}

static bool mount_at(const struct k8c_container *c, const char *path)
{
	for (size_t i = 0; i < c->n_volume_mounts; i++)
		if (vis(c->volume_mounts[i].mount_path, vstr(path)))
			return true;
	return false;
}

static bool device_named(const struct k8c_container *c, const char *name)
{
	for (size_t i = 0; i < c->n_volume_devices; i++)
		if (vis(c->volume_devices[i].name, vstr(name)))
			return true;
	return false;
}

static bool device_at(const struct k8c_container *c, const char *path)
{
	for (size_t i = 0; i < c->n_volume_devices; i++)
		if (vis(c->volume_devices[i].device_path, vstr(path)))
			return true;
	return false;
}

/* validateMountPropagation, reported at <volumeMounts>.mountPropagation as upstream. */
static void mount_propagation(struct vctx *v, const struct k8c_container *c, const char *prop)
{
	static const char *const modes[] = { "Bidirectional", "HostToContainer", "None" };
	if (!vctx_one_of(prop, modes, ARRAY_SIZE(modes)))
		vctx_not_supported(v, "mountPropagation", prop, modes, ARRAY_SIZE(modes));
	bool privileged = c->security_context && c->security_context->has_privileged &&
			  c->security_context->privileged;
	if (!strcmp(prop, "Bidirectional") && !privileged)
		vctx_forbidden(v, "mountPropagation",
			       "Bidirectional mount propagation is available only to privileged "
			       "containers");
}

/* The checks of one volumeMounts entry reported at the entry's path. */
static void volume_mount(struct podv *p, const struct k8c_container *c, size_t i)
{
	struct vctx *v = p->v;
	const struct k8c_volume_mount *vm = &c->volume_mounts[i];
	bool dup_path = false;
	for (size_t j = 0; j < i && !dup_path; j++)
		dup_path = vis(c->volume_mounts[j].mount_path, vstr(vm->mount_path));
	if (vempty(vm->name))
		vctx_required(v, "name", "");
	if (!podv_volume(p, vm->name))
		vctx_not_found(v, "name", vm->name);
	if (vempty(vm->mount_path))
		vctx_required(v, "mountPath", "");
	if (dup_path)
		vctx_invalid(v, "mountPath", vm->mount_path, "must be unique");
	if (device_named(c, vm->name))
		vctx_invalid(v, "name", vm->name, "must not already exist in volumeDevices");
	if (device_at(c, vm->mount_path))
		vctx_invalid(v, "mountPath", vm->mount_path,
			     "must not already exist as a path in volumeDevices");
	if (!vempty(vm->sub_path_expr) && !vempty(vm->sub_path))
		vctx_invalid(v, "subPathExpr", vm->sub_path_expr,
			     "subPathExpr and subPath are mutually exclusive");
}

/* The checks upstream reports at the volumeMounts list's path, not the entry's. */
static void volume_mount_paths(struct vctx *v, const struct k8c_container *c,
			       const struct k8c_volume_mount *vm)
{
	if (!vempty(vm->sub_path))
		vctx_local_descending_path(v, "subPath", vm->sub_path);
	if (!vempty(vm->sub_path_expr))
		vctx_local_descending_path(v, "subPathExpr", vm->sub_path_expr);
	if (vm->mount_propagation)
		mount_propagation(v, c, vm->mount_propagation);
}

static void volume_mounts(struct podv *p, const struct k8c_container *c)
{
	size_t m = vctx_child(p->v, "volumeMounts");
	for (size_t i = 0; i < c->n_volume_mounts; i++) {
		size_t mi = vctx_index(p->v, i);
		volume_mount(p, c, i);
		vctx_pop(p->v, mi);
		volume_mount_paths(p->v, c, &c->volume_mounts[i]);
	}
	vctx_pop(p->v, m);
}

/* True when path has a ".." element. */
static bool has_backstep(const char *path)
{
	for (const char *s = vstr(path); s;) {
		const char *slash = strchr(s, '/');
		size_t len = slash ? (size_t)(slash - s) : strlen(s);
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s = slash ? slash + 1 : NULL;
	}
	return false;
}

/* One volumeDevices entry (ValidateVolumeDevices). */
static void volume_device(struct podv *p, const struct k8c_container *c, size_t i)
{
	struct vctx *v = p->v;
	const struct k8c_volume_device *d = &c->volume_devices[i];
	const struct k8c_volume *vol = podv_volume(p, d->name);
	bool dup_name = false, dup_path = false;
	for (size_t j = 0; j < i; j++) {
		dup_name |= vis(c->volume_devices[j].name, vstr(d->name));
		dup_path |= vis(c->volume_devices[j].device_path, vstr(d->device_path));
	}
	if (vempty(d->name))
		vctx_required(v, "name", "");
	if (dup_name)
		vctx_invalid(v, "name", d->name, "must be unique");
	if (vol && !vol->persistent_volume_claim && !vol->ephemeral)
		vctx_invalid(v, "name", d->name, "can only use volume source type of "
			     "PersistentVolumeClaim or Ephemeral for block mode");
	if (!vol)
		vctx_not_found(v, "name", d->name);
	if (vempty(d->device_path))
		vctx_required(v, "devicePath", "");
	if (dup_path)
		vctx_invalid(v, "devicePath", d->device_path, "must be unique");
	if (!vempty(d->device_path) && has_backstep(d->device_path))
		vctx_invalid(v, "devicePath", d->device_path, "can not contain backsteps ('..')");
	if (mount_named(c, d->name))
		vctx_invalid(v, "name", d->name, "must not already exist in volumeMounts");
	if (mount_at(c, d->device_path))
		vctx_invalid(v, "devicePath", d->device_path,
			     "must not already exist as a path in volumeMounts");
}

static void volume_devices(struct podv *p, const struct k8c_container *c)
{
	size_t m = vctx_child(p->v, "volumeDevices");
	for (size_t i = 0; i < c->n_volume_devices; i++) {
		size_t mi = vctx_index(p->v, i);
		volume_device(p, c, i);
		vctx_pop(p->v, mi);
	}
	vctx_pop(p->v, m);
}

/* True when the pod's user namespace is the host's (hostUsers unset or true). */
static bool host_users(const struct k8c_pod_spec *spec)
{
	return !spec->has_host_users || spec->host_users;
}

/* validateContainerCommon at the container's path. */
static void container_common(struct podv *p, const struct k8c_container *c)
{
	static const char *const msg_policies[] = { "File", "FallbackToLogsOnError" };
	static const char *const pull_policies[] = { "Always", "IfNotPresent", "Never" };
	struct vctx *v = p->v;
	if (vempty(c->name))
		vctx_required(v, "name", "");
	else
		vctx_dns1123_label(v, "name", c->name);
	if (vempty(c->image))
		vctx_required(v, "image", "");
	vctx_enum(v, "terminationMessagePolicy", c->termination_message_policy, msg_policies,
		  ARRAY_SIZE(msg_policies), true);
	ports(v, c);
	vctx_env(v, c->env, c->n_env);
	vctx_env_from(v, c->env_from, c->n_env_from);
	volume_mounts(p, c);
	volume_devices(p, c);
	vctx_enum(v, "imagePullPolicy", c->image_pull_policy, pull_policies,
		  ARRAY_SIZE(pull_policies), true);
	if (c->resources) {
		size_t m = vctx_child(v, "resources");
		vctx_resources(v, &c->resources->limits, &c->resources->requests);
		vctx_pop(v, m);
	}
	vctx_container_security(v, c->security_context, host_users(p->spec));
	if (p->is_pod && c->image) { /* validateContainerOnlyForPod */
		size_t len = strlen(c->image);
		if (len && (isspace((unsigned char)c->image[0]) ||
			    isspace((unsigned char)c->image[len - 1])))
			vctx_invalid(v, "image", c->image,
				     "must not have leading or trailing whitespace");
	}
}

/* AccumulateUniqueHostPorts over containers[from..to) at the list path, index base. */
static void host_port_conflicts(struct vctx *v, const struct k8c_container *cs, size_t n,
				size_t base)
{
	struct strbuf seen = STRBUF_INIT, key = STRBUF_INIT;
	strbuf_addch(&seen, '\n');
	for (size_t ci = 0; ci < n; ci++)
		for (size_t pi = 0; pi < cs[ci].n_ports; pi++) {
			const struct k8c_container_port *p = &cs[ci].ports[pi];
			if (!p->host_port)
				continue;
			strbuf_reset(&key);
			strbuf_addf(&key, "%s/%s/%d", vstr(p->protocol), vstr(p->host_ip),
				    p->host_port);
			strbuf_addch(&key, '\n');
			if (!strstr(seen.buf, key.buf)) {
				strbuf_addstr(&seen, key.buf);
				continue;
			}
			strbuf_setlen(&key, key.len - 1);
			size_t m = vctx_index(v, base + ci);
			vctx_child(v, "ports");
			vctx_index(v, pi);
			vctx_duplicate(v, "hostPort", key.buf);
			vctx_pop(v, m);
		}
	strbuf_release(&seen);
	strbuf_release(&key);
}

/* True when name is used by containers[0..n). */
static bool name_taken(const struct k8c_container *cs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (vis(cs[i].name, vstr(name)))
			return true;
	return false;
}

void podv_containers(struct podv *p)
{
	const struct k8c_pod_spec *spec = p->spec;
	struct vctx *v = p->v;
	size_t m = vctx_child(v, "containers");
	if (!spec->n_containers) {
		vctx_required(v, NULL, "");
		vctx_pop(v, m);
		return;
	}
	for (size_t i = 0; i < spec->n_containers; i++) {
		const struct k8c_container *c = &spec->containers[i];
		size_t mi = vctx_index(v, i);
		container_common(p, c);
		if (name_taken(spec->containers, i, c->name))
			vctx_duplicate(v, "name", c->name);
		vctx_lifecycle(v, c->lifecycle);
		vctx_probe(v, "livenessProbe", c->liveness_probe);
		vctx_probe(v, "readinessProbe", c->readiness_probe);
		vctx_probe(v, "startupProbe", c->startup_probe);
		if (c->restart_policy)
			vctx_forbidden(v, "restartPolicy", "may not be set for non-init containers");
		vctx_pop(v, mi);
	}
	host_port_conflicts(v, spec->containers, spec->n_containers, 0);
	vctx_pop(v, m);
}

/* Probes and hooks of an init container: allowed only with restartPolicy Always. */
static void init_hooks(struct vctx *v, const struct k8c_container *c, bool restart_always)
{
	static const char msg[] = "may not be set for init containers without restartPolicy=Always";
	if (restart_always) {
		vctx_lifecycle(v, c->lifecycle);
		vctx_probe(v, "livenessProbe", c->liveness_probe);
		vctx_probe(v, "readinessProbe", c->readiness_probe);
		vctx_probe(v, "startupProbe", c->startup_probe);
		return;
	}
	if (c->lifecycle)
		vctx_forbidden(v, "lifecycle", msg);
	if (c->liveness_probe)
		vctx_forbidden(v, "livenessProbe", msg);
	if (c->readiness_probe)
		vctx_forbidden(v, "readinessProbe", msg);
	if (c->startup_probe)
		vctx_forbidden(v, "startupProbe", msg);
}

void podv_init_containers(struct podv *p)
{
	static const char *const always[] = { "Always" };
	const struct k8c_pod_spec *spec = p->spec;
	struct vctx *v = p->v;
	size_t m = vctx_child(v, "initContainers");
	for (size_t i = 0; i < spec->n_init_containers; i++) {
		const struct k8c_container *c = &spec->init_containers[i];
		size_t mi = vctx_index(v, i);
		container_common(p, c);
		if (c->restart_policy && strcmp(c->restart_policy, "Always"))
			vctx_not_supported(v, "restartPolicy", c->restart_policy, always, 1);
		if (name_taken(spec->containers, spec->n_containers, c->name) ||
		    (!vempty(c->name) && name_taken(spec->init_containers, i, c->name)))
			vctx_duplicate(v, "name", c->name);
		init_hooks(v, c, vis(c->restart_policy, "Always"));
		vctx_pop(v, mi);
		/* init containers run one by one: conflicts only within one (upstream's index 0) */
		host_port_conflicts(v, c, 1, 0);
	}
	vctx_pop(v, m);
}
