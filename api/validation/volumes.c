/*
 * volumes.c - spec.volumes of a PodSpec (core/v1 ValidateVolumes and
 * validateVolumeSource): unique DNS-label names, exactly one source, and the
 * rules of each source k8c's kubelet serves (emptyDir, hostPath, configMap,
 * secret, projected, downwardAPI, persistentVolumeClaim, nfs). The other
 * sources only get their required fields checked. Volumes that validate
 * clean are recorded for volumeMounts to refer to.
 */
#include "api/validation/formats.h"
#include "api/validation/pod_internal.h"

#include <pthread.h>

#include "api/resource/quantity.h"

typedef void (*source_check_fn)(struct vctx *v, const void *src);

/* One VolumeSource member, in upstream's order (which decides the error for a second one). */
struct source_rule {
	const char *json;        /* member of Volume */
	const char *forbid;      /* child named by "may not specify more than 1 volume type" */
	const char *path;        /* child the source is validated at */
	source_check_fn check;   /* NULL: only the required members */
	const char *required[3]; /* members that must be non-empty (JSON names) */
};

static void check_empty_dir(struct vctx *v, const void *src)
{
	const struct k8c_empty_dir_volume_source *e = src;
	struct quantity q;
	if (!e->size_limit)
		return;
	int rc = quantity_parse(e->size_limit, &q);
	if (rc < 0)
		vctx_invalid(v, "sizeLimit", e->size_limit, quantity_strerror(rc));
	else if (quantity_sign(&q) < 0)
		vctx_forbidden(v, "sizeLimit", "SizeLimit field must be a valid resource quantity");
}

static void check_host_path(struct vctx *v, const void *src)
{
	static const char *const types[] = { "",	 "BlockDevice",	      "CharDevice",
					     "Directory", "DirectoryOrCreate", "File",
					     "FileOrCreate", "Socket" };
	const struct k8c_host_path_volume_source *h = src;
	if (vempty(h->path)) {
		vctx_required(v, "path", "");
		return;
	}
	vctx_no_backsteps(v, "path", h->path);
	if (!h->type)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(h->type, types[i]))
			return;
	vctx_not_supported(v, "type", h->type, types, ARRAY_SIZE(types));
}

static void check_git_repo(struct vctx *v, const void *src)
{
	const struct k8c_git_repo_volume_source *g = src;
	vctx_local_descending_path(v, "directory", g->directory);
}

static void check_nfs(struct vctx *v, const void *src)
{
	const struct k8c_nfs_volume_source *n = src;
	if (vstr(n->path)[0] != '/')
		vctx_invalid(v, "path", n->path, "must be an absolute path");
}

void vctx_key_to_path(struct vctx *v, const struct k8c_key_to_path *kp)
{
	if (vempty(kp->key))
		vctx_required(v, "key", "");
	if (vempty(kp->path))
		vctx_required(v, "path", "");
	vctx_local_non_reserved_path(v, "path", kp->path);
	vctx_file_mode(v, "mode", kp->has_mode, kp->mode);
}

static void check_items(struct vctx *v, const struct k8c_key_to_path *items, size_t n)
{
	size_t m = vctx_child(v, "items");
	for (size_t i = 0; i < n; i++) {
		size_t mi = vctx_index(v, i);
		vctx_key_to_path(v, &items[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

static void check_secret(struct vctx *v, const void *src)
{
	const struct k8c_secret_volume_source *s = src;
	if (vempty(s->secret_name))
		vctx_required(v, "secretName", "");
	vctx_file_mode(v, "defaultMode", s->has_default_mode, s->default_mode);
	check_items(v, s->items, s->n_items);
}

static void check_config_map(struct vctx *v, const void *src)
{
	const struct k8c_config_map_volume_source *c = src;
	if (vempty(c->name))
		vctx_required(v, "name", "");
	vctx_file_mode(v, "defaultMode", c->has_default_mode, c->default_mode);
	check_items(v, c->items, c->n_items);
}

void vctx_downward_api_file(struct vctx *v, const struct k8c_downward_api_volume_file *f)
{
	if (vempty(f->path))
		vctx_required(v, "path", "");
	vctx_local_non_reserved_path(v, "path", f->path);
	if (f->field_ref) {
		size_t m = vctx_child(v, "fieldRef");
		vctx_object_field_selector(v, f->field_ref, true);
		vctx_pop(v, m);
		if (f->resource_field_ref)
			vctx_invalid(v, NULL, "resource",
				     "fieldRef and resourceFieldRef can not be specified "
				     "simultaneously");
	} else if (f->resource_field_ref) {
		size_t m = vctx_child(v, "resourceFieldRef");
		vctx_resource_field_selector(v, f->resource_field_ref, true);
		vctx_pop(v, m);
	} else {
		vctx_required(v, NULL, "one of fieldRef and resourceFieldRef is required");
	}
	vctx_file_mode(v, "mode", f->has_mode, f->mode);
}

static void check_downward_api(struct vctx *v, const void *src)
{
	const struct k8c_downward_api_volume_source *d = src;
	vctx_file_mode(v, "defaultMode", d->has_default_mode, d->default_mode);
	for (size_t i = 0; i < d->n_items; i++)
		vctx_downward_api_file(v, &d->items[i]);
}

static void check_projected(struct vctx *v, const void *src)
{
	const struct k8c_projected_volume_source *pr = src;
	vctx_file_mode(v, "defaultMode", pr->has_default_mode, pr->default_mode);
	vctx_projected_sources(v, pr);
}

static const struct source_rule rules[] = {
	{ "emptyDir", "emptyDir", "emptyDir", check_empty_dir, { 0 } },
	{ "hostPath", "hostPath", "hostPath", check_host_path, { 0 } },
	{ "gitRepo", "gitRepo", "gitRepo", check_git_repo, { "repository" } },
	{ "gcePersistentDisk", "gcePersistentDisk", "persistentDisk", NULL, { "pdName" } },
	{ "awsElasticBlockStore", "awsElasticBlockStore", "awsElasticBlockStore", NULL,
	  { "volumeID" } },
	{ "secret", "secret", "secret", check_secret, { 0 } },
	{ "nfs", "nfs", "nfs", check_nfs, { "server", "path" } },
	{ "iscsi", "iscsi", "iscsi", NULL, { "targetPortal", "iqn" } },
	{ "glusterfs", "glusterfs", "glusterfs", NULL, { "endpoints", "path" } },
	{ "flocker", "flocker", "flocker", NULL, { 0 } },
	{ "persistentVolumeClaim", "persistentVolumeClaim", "persistentVolumeClaim", NULL,
	  { "claimName" } },
	{ "rbd", "rbd", "rbd", NULL, { "monitors", "image" } },
	{ "cinder", "cinder", "cinder", NULL, { "volumeID" } },
	{ "cephfs", "cephFS", "cephfs", NULL, { "monitors" } },
	{ "quobyte", "quobyte", "quobyte", NULL, { "volume" } },
	{ "downwardAPI", "downwarAPI", "downwardAPI", check_downward_api, { 0 } },
	{ "fc", "fc", "fc", NULL, { 0 } },
	{ "flexVolume", "flexVolume", "flexVolume", NULL, { "driver" } },
	{ "configMap", "configMap", "configMap", check_config_map, { 0 } },
	{ "azureFile", "azureFile", "azureFile", NULL, { "secretName", "shareName" } },
	{ "vsphereVolume", "vsphereVolume", "vsphereVolume", NULL, { "volumePath" } },
	{ "photonPersistentDisk", "photonPersistentDisk", "photonPersistentDisk", NULL,
	  { "pdID" } },
	{ "portworxVolume", "portworxVolume", "portworxVolume", NULL, { "volumeID" } },
	{ "azureDisk", "azureDisk", "azureDisk", NULL, { "diskName", "diskURI" } },
	{ "storageos", "storageos", "storageos", NULL, { "volumeName" } },
	{ "projected", "projected", "projected", check_projected, { 0 } },
	{ "scaleIO", "scaleIO", "scaleIO", NULL, { "gateway", "system", "volumeName" } },
	{ "csi", "csi", "csi", NULL, { "driver" } },
	{ "ephemeral", "ephemeral", "ephemeral", NULL, { "volumeClaimTemplate" } },
};

/* True when member json of src (a struct of type t) is absent or empty. */
static bool member_empty(const struct k8c_type *t, const void *src, const char *json)
{
	const struct k8c_field *f = k8c_type_field(t, json);
	const void *p = k8c_field_ptr(src, f);
	if (f->shape == K8C_FS_LIST)
		return *(const size_t *)((const char *)src + f->aux) == 0;
	if (f->type == K8C_FT_STRING)
		return vempty(*(char *const *)p);
	return *(void *const *)p == NULL;
}

static void check_source(struct vctx *v, const struct source_rule *r,
			 const struct k8c_field *f, const void *src)
{
	size_t m = vctx_child(v, r->path);
	for (size_t i = 0; i < ARRAY_SIZE(r->required) && r->required[i]; i++)
		if (member_empty(f->sub, src, r->required[i]))
			vctx_required(v, r->required[i], "");
	if (r->check)
		r->check(v, src);
	vctx_pop(v, m);
}

/* The Volume member of each rule, looked up once: by name for every volume was 2% of a create. */
static const struct k8c_field *rule_fields[ARRAY_SIZE(rules)];
static pthread_once_t rule_fields_once = PTHREAD_ONCE_INIT;

static void rule_fields_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		rule_fields[i] = k8c_type_field(&k8c_type_volume, rules[i].json);
}

/* validateVolumeSource at the volume's path. */
static void check_volume_source(struct vctx *v, const struct k8c_volume *vol)
{
	int n = 0;
	pthread_once(&rule_fields_once, rule_fields_init);
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct k8c_field *f = rule_fields[i];
		const void *src = *(void *const *)k8c_field_ptr(vol, f);
		if (!src)
			continue;
		if (n++ > 0)
			vctx_forbidden(v, rules[i].forbid, "may not specify more than 1 volume type");
		else
			check_source(v, &rules[i], f, src);
	}
	if (n == 0)
		vctx_required(v, NULL, "must specify a volume type");
}

const struct k8c_volume *podv_volume(const struct podv *p, const char *name)
{
	for (size_t i = 0; name && i < p->n_vols; i++)
		if (!strcmp(p->vols[i]->name, name))
			return p->vols[i];
	return NULL;
}

void podv_volumes(struct podv *p)
{
	const struct k8c_pod_spec *spec = p->spec;
	size_t m = vctx_child(p->v, "volumes");
	p->vols = xcalloc(spec->n_volumes + 1, sizeof(*p->vols));
	for (size_t i = 0; i < spec->n_volumes; i++) {
		const struct k8c_volume *vol = &spec->volumes[i];
		size_t before = p->v->errs->n, mi = vctx_index(p->v, i);
		check_volume_source(p->v, vol);
		if (vempty(vol->name))
			vctx_required(p->v, "name", "");
		else
			vctx_dns1123_label(p->v, "name", vol->name);
		if (podv_volume(p, vol->name))
			vctx_duplicate(p->v, "name", vol->name);
		if (p->v->errs->n == before)
			p->vols[p->n_vols++] = vol;
		vctx_pop(p->v, mi);
	}
	vctx_pop(p->v, m);
}
