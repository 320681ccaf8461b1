/*
 * volumes.c - emptyDir, hostPath, configMap and secret volumes; see
 * volumes.h.
 */
#include "kubelet/volumes.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "api/codec.h"
#include "kubelet/keysource.h"

#define PLUGIN_EMPTY_DIR "kubernetes.io~empty-dir"
#define PLUGIN_CONFIGMAP "kubernetes.io~configmap"
#define PLUGIN_SECRET	 "kubernetes.io~secret"

int volumes_mkdir_p(const char *dir, unsigned mode)
{
	struct strbuf p = STRBUF_INIT;
	strbuf_addstr(&p, dir);
	int r = 0;
	for (char *s = p.buf + 1; r == 0; s++) {
		bool end = *s == '\0';
		if (*s != '/' && !end)
			continue;
		*s = '\0';
		if (mkdir(p.buf, mode) < 0 && errno != EEXIST)
			r = -errno;
		if (end)
			break;
		*s = '/';
	}
	if (r == 0 && chmod(dir, mode) < 0)
		r = -errno;
	strbuf_release(&p);
	return r;
}

static void volume_dir(struct strbuf *out, const char *root, const char *uid, const char *plugin,
		       const char *name)
{
	strbuf_addf(out, "%s/pods/%s/volumes/%s/%s", root, uid, plugin, name);
}

/* --- files of configMap and secret volumes --- */

/* Writes len bytes to dir/rel (parents created) with mode, atomically (temp file + rename). */
static int write_file(const char *dir, const char *rel, const char *data, size_t len, unsigned mode)
{
	struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", dir, rel);
	char *slash = strrchr(path.buf, '/');
	*slash = '\0';
	int r = volumes_mkdir_p(path.buf, 0755);
	*slash = '/';
	strbuf_addf(&tmp, "%s.k8c-tmp", path.buf);
	int fd = r < 0 ? -1 : open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 07777);
	if (r == 0 && fd < 0)
		r = -errno;
	if (fd >= 0) {
		if (write(fd, data, len) != (ssize_t)len || fchmod(fd, mode & 07777) < 0)
			r = -EIO;
		close(fd);
		if (r == 0 && rename(tmp.buf, path.buf) < 0)
			r = -errno;
		if (r < 0)
			unlink(tmp.buf);
	}
	strbuf_release(&path);
	strbuf_release(&tmp);
	return r;
}

static int write_key(const char *dir, const struct key_source *src, const char *key,
		     const char *rel, unsigned mode, struct strbuf *why)
{
	if (!key || !rel || !*rel || strstr(rel, "..") || rel[0] == '/') {
		strbuf_addf(why, "invalid path '%s' for key %s", rel ? rel : "", key ? key : "");
		return -EINVAL;
	}
	struct strbuf value = STRBUF_INIT;
	const char *what = src->is_secret ? "secret" : "configmap";
	int r = key_source_value(src, key, &value);
	if (r == -ENOENT)
		strbuf_addf(why, "%s references non-existent config key: %s", what, key);
	else if (r < 0)
		strbuf_addf(why, "%s key %s is not valid base64", what, key);
	else if ((r = write_file(dir, rel, value.buf, value.len, mode)) < 0)
		strbuf_addf(why, "cannot write '%s/%s': %s", dir, rel, strerror(-r));
	strbuf_release(&value);
	return r;
}

/* Writes every key (or the items) of src into dir. */
static int write_payload(const char *dir, const struct key_source *src,
			 const struct k8c_key_to_path *items, size_t n_items, unsigned mode,
			 struct strbuf *why)
{
	int r = volumes_mkdir_p(dir, 0755);
	if (r < 0) {
		strbuf_addf(why, "cannot create '%s': %s", dir, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < n_items && r == 0; i++)
		r = write_key(dir, src, items[i].key, items[i].path,
			      items[i].has_mode ? (unsigned)items[i].mode : mode, why);
	for (int m = 0; m < 2 && !n_items && r == 0; m++) {
		const struct k8c_strmap *map = key_source_map(src, m);
		for (size_t i = 0; i < map->n && r == 0; i++)
			r = write_key(dir, src, map->items[i].key, map->items[i].key, mode, why);
	}
	return r;
}

/* A configMap or secret volume: its keys (or items) written into dir. */
struct keys_volume {
	bool secret;
	const char *name;
	bool optional;
	const struct k8c_key_to_path *items;
	size_t n_items;
	unsigned mode;
};

static int setup_keys(struct k8c_client *api, const char *dir, const struct k8c_pod *pod,
		      const struct keys_volume *v, struct strbuf *why)
{
	struct key_source src;
	struct strbuf err = STRBUF_INIT;
	int r = key_source_read(api, pod->metadata.namespace, v->secret, v->name, &src, &err);
	if (r == -ENOENT && v->optional)
		r = volumes_mkdir_p(dir, 0755);
	else if (r < 0)
		strbuf_addstr(why, err.buf);
	else
		r = write_payload(dir, &src, v->items, v->n_items, v->mode, why);
	key_source_release(&src);
	strbuf_release(&err);
	return r;
}

static int setup_configmap(struct k8c_client *api, const char *dir, const struct k8c_pod *pod,
			   const struct k8c_config_map_volume_source *v, struct strbuf *why)
{
	struct keys_volume kv = { false, v->name, v->has_optional && v->optional, v->items,
				  v->n_items, v->has_default_mode ? (unsigned)v->default_mode : 0644 };
	return setup_keys(api, dir, pod, &kv, why);
}

static int setup_secret(struct k8c_client *api, const char *dir, const struct k8c_pod *pod,
			const struct k8c_secret_volume_source *v, struct strbuf *why)
{
	struct keys_volume kv = { true, v->secret_name, v->has_optional && v->optional, v->items,
				  v->n_items, v->has_default_mode ? (unsigned)v->default_mode : 0644 };
	return setup_keys(api, dir, pod, &kv, why);
}

/* --- hostPath --- */

static int check_type(const char *path, const char *type, struct strbuf *why)
{
	struct stat st;
	bool exists = stat(path, &st) == 0;
	static const struct {
		const char *type;
		mode_t fmt;
		const char *what;
	} checks[] = {
		{ "Directory", S_IFDIR, "a directory" }, { "File", S_IFREG, "a file" },
		{ "Socket", S_IFSOCK, "a socket file" }, { "CharDevice", S_IFCHR, "a character device" },
		{ "BlockDevice", S_IFBLK, "a block device" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		if (strcmp(type, checks[i].type))
			continue;
		if (exists && (st.st_mode & S_IFMT) == checks[i].fmt)
			return 0;
		strbuf_addf(why, "hostPath type check failed: %s is not %s", path, checks[i].what);
		return -ENOENT;
	}
	strbuf_addf(why, "hostPath type '%s' of '%s' is not supported", type, path);
	return -EINVAL;
}

static int setup_host_path(const struct k8c_host_path_volume_source *v, struct strbuf *why)
{
	const char *type = v->type ? v->type : "";
	int r = 0;
	if (!v->path || v->path[0] != '/') {
		strbuf_addf(why, "hostPath '%s' is not an absolute path", v->path ? v->path : "");
		return -EINVAL;
	}
	if (!*type)
		return 0;
	if (!strcmp(type, "DirectoryOrCreate")) {
		r = volumes_mkdir_p(v->path, 0755);
	} else if (!strcmp(type, "FileOrCreate")) {
		int fd = open(v->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		r = fd < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
	} else {
		return check_type(v->path, type, why);
	}
	if (r < 0)
		strbuf_addf(why, "cannot create hostPath '%s': %s", v->path, strerror(-r));
	return r;
}

/* --- the pod's volumes --- */

static int setup_one(struct k8c_client *api, const char *root, const struct k8c_pod *pod,
		     const struct k8c_volume *v, struct strbuf *why)
{
	struct strbuf dir = STRBUF_INIT;
	const char *uid = pod->metadata.uid;
	int r;
	if (v->empty_dir) {
		volume_dir(&dir, root, uid, PLUGIN_EMPTY_DIR, v->name);
		r = volumes_mkdir_p(dir.buf, 0777);
		if (r < 0)
			strbuf_addf(why, "cannot create '%s': %s", dir.buf, strerror(-r));
	} else if (v->config_map) {
		volume_dir(&dir, root, uid, PLUGIN_CONFIGMAP, v->name);
		r = setup_configmap(api, dir.buf, pod, v->config_map, why);
	} else if (v->secret) {
		volume_dir(&dir, root, uid, PLUGIN_SECRET, v->name);
		r = setup_secret(api, dir.buf, pod, v->secret, why);
	} else if (v->host_path) {
		r = setup_host_path(v->host_path, why);
	} else {
		strbuf_addf(why, "volume '%s': only emptyDir, hostPath, configMap and secret volumes "
			    "are supported", v->name);
		r = -EOPNOTSUPP;
	}
	strbuf_release(&dir);
	return r;
}

int volumes_setup(struct k8c_client *api, const char *root, const struct k8c_pod *pod,
		  struct strbuf *why)
{
	for (size_t i = 0; i < pod->spec.n_volumes; i++) {
		struct strbuf err = STRBUF_INIT;
		int r = setup_one(api, root, pod, &pod->spec.volumes[i], &err);
		if (r < 0) {
			strbuf_addf(why, "MountVolume.SetUp failed for volume \"%s\" : %s",
				    pod->spec.volumes[i].name, err.buf);
			strbuf_release(&err);
			return r;
		}
		strbuf_release(&err);
	}
	return 0;
}

static const struct k8c_volume *find_volume(const struct k8c_pod *pod, const char *name)
{
	for (size_t i = 0; i < pod->spec.n_volumes; i++)
		if (name && !strcmp(pod->spec.volumes[i].name, name))
			return &pod->spec.volumes[i];
	return NULL;
}

/* Appends the host path of volume v of pod; sets *ro for volumes that are always read-only. */
static void host_path_of(const char *root, const struct k8c_pod *pod, const struct k8c_volume *v,
			 struct strbuf *out, bool *ro)
{
	const char *uid = pod->metadata.uid;
	if (v->host_path) {
		strbuf_addstr(out, v->host_path->path);
		return;
	}
	*ro = v->config_map || v->secret;
	volume_dir(out, root, uid, v->empty_dir ? PLUGIN_EMPTY_DIR :
				   v->config_map ? PLUGIN_CONFIGMAP : PLUGIN_SECRET, v->name);
}

static int bind_of(const char *root, const struct k8c_pod *pod, const struct k8c_volume_mount *m,
		   struct docker_bind *b, struct strbuf *why)
{
	const struct k8c_volume *v = find_volume(pod, m->name);
	if (!v || !m->mount_path || m->mount_path[0] != '/') {
		strbuf_addf(why, v ? "invalid mountPath '%s'" : "volume '%s' not found in the pod",
			    v ? (m->mount_path ? m->mount_path : "") : m->name);
		return -EINVAL;
	}
	struct strbuf host = STRBUF_INIT;
	bool ro = false;
	host_path_of(root, pod, v, &host, &ro);
	if (m->sub_path && *m->sub_path) {
		if (strstr(m->sub_path, "..") || m->sub_path[0] == '/') {
			strbuf_addf(why, "invalid subPath '%s'", m->sub_path);
			strbuf_release(&host);
			return -EINVAL;
		}
		strbuf_addf(&host, "/%s", m->sub_path);
		struct stat st;
		if (stat(host.buf, &st) < 0)
			volumes_mkdir_p(host.buf, 0777);
	}
	b->host_path = strbuf_detach(&host, NULL);
	b->container_path = xstrdup(m->mount_path);
	b->read_only = ro || (m->has_read_only && m->read_only);
	return 0;
}

int volumes_binds(const char *root, const struct k8c_pod *pod, const struct k8c_container *c,
		  struct volume_binds *ret, struct strbuf *why)
{
	struct volume_binds b = { .items = xcalloc(c->n_volume_mounts + 1, sizeof(*b.items)) };
	for (size_t i = 0; i < c->n_volume_mounts; i++) {
		if (bind_of(root, pod, &c->volume_mounts[i], &b.items[b.n], why) < 0) {
			volume_binds_release(&b);
			return -EINVAL;
		}
		b.n++;
	}
	*ret = b;
	return 0;
}

void volume_binds_release(struct volume_binds *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free((char *)b->items[i].host_path);
		free((char *)b->items[i].container_path);
	}
	free(b->items);
	*b = (struct volume_binds){ 0 };
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path); /* best effort: what cannot go stays for the next clean-up */
	return 0;
}

void volumes_cleanup(const char *root, const char *uid)
{
	struct strbuf dir = STRBUF_INIT;
	strbuf_addf(&dir, "%s/pods/%s", root, uid);
	/* FTW_PHYS: never follow a symlink out of the pod's directory */
	nftw(dir.buf, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	strbuf_release(&dir);
}
