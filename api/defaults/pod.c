/*
 * pod.c - defaults of PodSpecs and Pods (core/v1 SetDefaults_PodSpec,
 * SetDefaults_Container, SetDefaults_ContainerPort, SetDefaults_Probe,
 * SetDefaults_HTTPGetAction, SetDefaults_Volume and the volume sources,
 * SetDefaults_ObjectFieldSelector, SetDefaults_Pod), and the
 * serviceAccount / serviceAccountName mirroring of the v1 conversion.
 */
#include "api/defaults/defaults_internal.h"

#include <ctype.h>

#define DEFAULT_FILE_MODE 0644

/*
 * True when parsers.ParseImageName finds the tag "latest": the reference has
 * neither tag nor digest, or the tag is "latest". An unparsable reference
 * (spaces, upper case in the name) has no tag.
 */
static bool image_is_latest(const char *image)
{
	if (dflt_empty(image) || strpbrk(image, " \t\r\n"))
		return false;
	const char *slash = strrchr(image, '/');
	const char *last = slash ? slash + 1 : image; /* a registry's ":port" is not a tag */
	size_t len = strcspn(last, "@");
	const char *colon = memchr(last, ':', len);
	for (const char *c = last; c < (colon ? colon : last + len); c++)
		if (isupper((unsigned char)*c))
			return false;
	if (colon)
		return (size_t)(last + len - colon - 1) == strlen("latest") &&
		       !strncmp(colon + 1, "latest", strlen("latest"));
	return last[len] != '@';
}

static void default_http_get(struct k8c_http_get_action *h)
{
	if (!h)
		return;
	dflt_str(&h->path, "/");
	dflt_str(&h->scheme, "HTTP");
}

static void default_probe(struct k8c_probe *p)
{
	if (!p)
		return;
	DFLT_ZERO(p, timeout_seconds, 1);
	DFLT_ZERO(p, period_seconds, 10);
	DFLT_ZERO(p, success_threshold, 1);
	DFLT_ZERO(p, failure_threshold, 3);
	default_http_get(p->http_get);
}

static void default_field_ref(struct k8c_object_field_selector *fs)
{
	if (fs)
		dflt_str(&fs->api_version, "v1");
}

/* SetDefaults_Container with everything nested in a container. */
static void default_container(struct k8c_container *c)
{
	dflt_str(&c->image_pull_policy, image_is_latest(c->image) ? "Always" : "IfNotPresent");
	dflt_str(&c->termination_message_path, "/dev/termination-log");
	dflt_str(&c->termination_message_policy, "File");
	if (!c->resources) /* a struct, not a pointer, in Go: always printed, as {} when empty */
		c->resources = xcalloc(1, sizeof(*c->resources));
	for (size_t i = 0; i < c->n_ports; i++)
		dflt_str(&c->ports[i].protocol, "TCP");
	for (size_t i = 0; i < c->n_env; i++)
		if (c->env[i].value_from)
			default_field_ref(c->env[i].value_from->field_ref);
	default_probe(c->liveness_probe);
	default_probe(c->readiness_probe);
	default_probe(c->startup_probe);
	if (c->lifecycle && c->lifecycle->post_start)
		default_http_get(c->lifecycle->post_start->http_get);
	if (c->lifecycle && c->lifecycle->pre_stop)
		default_http_get(c->lifecycle->pre_stop->http_get);
}

static void default_downward_items(struct k8c_downward_api_volume_file *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		default_field_ref(items[i].field_ref);
}

static void default_projected(struct k8c_projected_volume_source *p)
{
	DFLT_OPT(p, default_mode, DEFAULT_FILE_MODE);
	for (size_t i = 0; i < p->n_sources; i++) {
		struct k8c_volume_projection *s = &p->sources[i];
		if (s->downward_api)
			default_downward_items(s->downward_api->items, s->downward_api->n_items);
		if (s->service_account_token)
			DFLT_OPT(s->service_account_token, expiration_seconds, 3600);
	}
}

/* True when no volume source is set (ptr.AllPtrFieldsNil of the VolumeSource). */
static bool no_source(const struct k8c_volume *vol)
{
	for (size_t i = 0; i < k8c_type_volume.n_fields; i++) {
		const struct k8c_field *f = &k8c_type_volume.fields[i];
		if (f->type == K8C_FT_OBJECT && *(void *const *)k8c_field_ptr(vol, f))
			return false;
	}
	return true;
}

static void default_volume(struct k8c_volume *vol)
{
	if (no_source(vol))
		vol->empty_dir = xcalloc(1, sizeof(*vol->empty_dir));
	if (vol->secret)
		DFLT_OPT(vol->secret, default_mode, DEFAULT_FILE_MODE);
	if (vol->config_map)
		DFLT_OPT(vol->config_map, default_mode, DEFAULT_FILE_MODE);
	if (vol->downward_api) {
		DFLT_OPT(vol->downward_api, default_mode, DEFAULT_FILE_MODE);
		default_downward_items(vol->downward_api->items, vol->downward_api->n_items);
	}
	if (vol->projected)
		default_projected(vol->projected);
	if (vol->host_path && !vol->host_path->type)
		vol->host_path->type = xstrdup(""); /* HostPathUnset, which v1 prints as "" */
}

/* The v1 conversion keeps serviceAccount (deprecated) and serviceAccountName in step. */
static void service_account(struct k8c_pod_spec *spec)
{
	if (!dflt_empty(spec->service_account_name)) {
		free(spec->service_account);
		spec->service_account = xstrdup(spec->service_account_name);
	} else if (!dflt_empty(spec->service_account)) {
		free(spec->service_account_name);
		spec->service_account_name = xstrdup(spec->service_account);
	}
}

void k8c_default_pod_spec(struct k8c_pod_spec *spec)
{
	dflt_str(&spec->dns_policy, "ClusterFirst");
	dflt_str(&spec->restart_policy, "Always");
	if (!spec->security_context)
		spec->security_context = xcalloc(1, sizeof(*spec->security_context));
	DFLT_OPT(spec, termination_grace_period_seconds, 30);
	dflt_str(&spec->scheduler_name, "default-scheduler");
	for (size_t i = 0; i < spec->n_volumes; i++)
		default_volume(&spec->volumes[i]);
	for (size_t i = 0; i < spec->n_containers; i++)
		default_container(&spec->containers[i]);
	for (size_t i = 0; i < spec->n_init_containers; i++)
		default_container(&spec->init_containers[i]);
	service_account(spec);
}

/* Requests default to limits for every resource that has a limit and no request. */
static void requests_from_limits(struct k8c_container *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct k8c_resource_requirements *rr = cs[i].resources;
		for (size_t j = 0; rr && j < rr->limits.n; j++)
			if (!k8c_strmap_get(&rr->requests, rr->limits.items[j].key))
				k8c_strmap_set(&rr->requests, rr->limits.items[j].key,
					       rr->limits.items[j].value);
	}
}

/* With host networking every container port is also a host port. */
static void host_network_ports(struct k8c_container *cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < cs[i].n_ports; j++)
			if (!cs[i].ports[j].host_port) {
				cs[i].ports[j].has_host_port = true;
				cs[i].ports[j].host_port = cs[i].ports[j].container_port;
			}
}

void k8c_default_pod(void *obj)
{
	struct k8c_pod *pod = obj;
	struct k8c_pod_spec *spec = &pod->spec;
	k8c_default_pod_spec(spec);
	requests_from_limits(spec->containers, spec->n_containers);
	requests_from_limits(spec->init_containers, spec->n_init_containers);
	DFLT_OPT(spec, enable_service_links, true);
	if (spec->host_network) {
		host_network_ports(spec->containers, spec->n_containers);
		host_network_ports(spec->init_containers, spec->n_init_containers);
	}
}
