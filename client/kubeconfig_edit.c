/*
 * kubeconfig_edit.c - changing kubeconfig files and writing them back, choosing the file
 * for each change as client-go's ModifyConfig does; see kubeconfig.h.
 */
#include "client/kubeconfig.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/yaml/yaml.h"
#include "client/kubeconfig_internal.h"

/* client-go's GetDefaultFilename(). */
static struct k8c_kubeconfig_file *default_file(struct k8c_kubeconfig *kc)
{
	if (kc->explicit_file || kc->nfiles == 1)
		return &kc->files[0];
	for (size_t i = 0; i < kc->nfiles; i++) {
		if (kc->files[i].exists)
			return &kc->files[i];
	}
	return &kc->files[kc->nfiles - 1];
}

static void set_member(cJSON *obj, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
	else
		cJSON_AddItemToObject(obj, key, v);
}

void k8c_kubeconfig_set_current_context(struct k8c_kubeconfig *kc, const char *name)
{
	struct k8c_kubeconfig_file *f = NULL;
	for (size_t i = 0; !kc->explicit_file && name && *name && i < kc->nfiles && !f; i++) {
		const cJSON *cc =
			cJSON_GetObjectItemCaseSensitive(kc->files[i].doc, "current-context");
		if (cJSON_IsString(cc) && *cc->valuestring)
			f = &kc->files[i];
	}
	if (!f)
		f = default_file(kc);
	set_member(f->doc, "current-context", cJSON_CreateString(name ? name : ""));
	f->dirty = true;
}

/* The inner object of the named entry, in its file or a new entry in the default file. */
static cJSON *inner_for_edit(struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s,
			     const char *name)
{
	const char *inner_name = kubeconfig__inner_name(s);
	for (size_t i = 0; i < kc->nfiles; i++) {
		cJSON *e = kubeconfig__entry(kc->files[i].doc, s, name);
		if (!e)
			continue;
		kc->files[i].dirty = true;
		cJSON *inner = cJSON_GetObjectItemCaseSensitive(e, inner_name);
		if (!cJSON_IsObject(inner)) {
			inner = cJSON_CreateObject();
			set_member(e, inner_name, inner);
		}
		return inner;
	}
	struct k8c_kubeconfig_file *f = default_file(kc);
	f->dirty = true;
	cJSON *list = cJSON_GetObjectItemCaseSensitive(f->doc, kubeconfig__section_name(s));
	if (!cJSON_IsArray(list)) {
		list = cJSON_CreateArray();
		set_member(f->doc, kubeconfig__section_name(s), list);
	}
	cJSON *e = cJSON_CreateObject(), *inner = cJSON_CreateObject();
	cJSON_AddItemToObject(e, inner_name, inner);
	cJSON_AddStringToObject(e, "name", name);
	cJSON_AddItemToArray(list, e);
	return inner;
}

void k8c_kubeconfig_set(struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s, const char *name,
			const char *field, const char *value)
{
	cJSON *inner = inner_for_edit(kc, s, name);
	if (value)
		set_member(inner, field, cJSON_CreateString(value));
	else
		cJSON_DeleteItemFromObjectCaseSensitive(inner, field);
}

void k8c_kubeconfig_set_bool(struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s,
			     const char *name, const char *field, bool value)
{
	set_member(inner_for_edit(kc, s, name), field, cJSON_CreateBool(value));
}

int k8c_kubeconfig_delete(struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s,
			  const char *name)
{
	int r = -ENOENT;
	for (size_t i = 0; i < kc->nfiles; i++) {
		cJSON *e = kubeconfig__entry(kc->files[i].doc, s, name);
		if (!e)
			continue;
		cJSON *list = cJSON_GetObjectItemCaseSensitive(kc->files[i].doc,
							       kubeconfig__section_name(s));
		cJSON_Delete(cJSON_DetachItemViaPointer(list, e));
		kc->files[i].dirty = true;
		r = 0;
	}
	return r;
}

static int cmp_name(const void *a, const void *b)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(*(const cJSON *const *)a, "name");
	const cJSON *y = cJSON_GetObjectItemCaseSensitive(*(const cJSON *const *)b, "name");
	return strcmp(cJSON_IsString(x) ? x->valuestring : "", cJSON_IsString(y) ? y->valuestring : "");
}

/* kubectl writes a file from its typed Config: entries sorted by name (they are maps
 * there), and the fields its v1 structs always carry: a cluster's server, a context's
 * cluster and user, a user's as-user-extra, the inner object of every entry. */
static void normalize_section(cJSON *list, enum k8c_kubeconfig_section s)
{
	size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
	if (!cJSON_IsArray(list) || !n)
		return;
	cJSON **v = xmalloc(n * sizeof(*v));
	while (list->child)
		v[i++] = cJSON_DetachItemViaPointer(list, list->child);
	qsort(v, n, sizeof(*v), cmp_name);
	static const char *const always[][2] = { { "server", NULL }, { NULL, NULL },
						 { "cluster", "user" } };
	for (i = 0; i < n; i++) {
		cJSON *inner = cJSON_GetObjectItemCaseSensitive(v[i], kubeconfig__inner_name(s));
		if (!cJSON_IsObject(inner)) {
			inner = cJSON_CreateObject();
			set_member(v[i], kubeconfig__inner_name(s), inner);
		}
		for (size_t f = 0; f < 2; f++)
			if (always[s][f] && !cJSON_GetObjectItemCaseSensitive(inner, always[s][f]))
				cJSON_AddStringToObject(inner, always[s][f], "");
		/* kubectl 1.20's AuthInfo lacks omitempty there: it writes a null */
		if (s == K8C_KUBECONFIG_USERS &&
		    !cJSON_GetObjectItemCaseSensitive(inner, "as-user-extra"))
			cJSON_AddNullToObject(inner, "as-user-extra");
		cJSON_AddItemToArray(list, v[i]);
	}
	free(v);
}

/* What kubectl always writes, even for an empty config. */
static void fill_required(cJSON *doc)
{
	static const char *const lists[] = { "clusters", "contexts", "users" };
	normalize_section(cJSON_GetObjectItemCaseSensitive(doc, "clusters"), K8C_KUBECONFIG_CLUSTERS);
	normalize_section(cJSON_GetObjectItemCaseSensitive(doc, "users"), K8C_KUBECONFIG_USERS);
	normalize_section(cJSON_GetObjectItemCaseSensitive(doc, "contexts"), K8C_KUBECONFIG_CONTEXTS);
	if (!cJSON_GetObjectItemCaseSensitive(doc, "apiVersion"))
		cJSON_AddStringToObject(doc, "apiVersion", "v1");
	if (!cJSON_GetObjectItemCaseSensitive(doc, "kind"))
		cJSON_AddStringToObject(doc, "kind", "Config");
	if (!cJSON_GetObjectItemCaseSensitive(doc, "preferences"))
		cJSON_AddObjectToObject(doc, "preferences");
	if (!cJSON_GetObjectItemCaseSensitive(doc, "current-context"))
		cJSON_AddStringToObject(doc, "current-context", "");
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		if (!cJSON_GetObjectItemCaseSensitive(doc, lists[i]))
			cJSON_AddNullToObject(doc, lists[i]);
	}
}

/* mkdir -p of the folder holding path. */
static int make_parent(const char *path)
{
	char *dir = xstrdup(path);
	int r = 0;
	for (char *p = dir + 1; *p && r == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			r = -errno;
		*p = '/';
	}
	free(dir);
	return r;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes text to path through a temporary file and rename(), mode 0600. */
static int write_atomically(const char *path, const struct strbuf *text)
{
	int r = make_parent(path);
	if (r < 0)
		return r;
	struct strbuf tmp = STRBUF_INIT;
	strbuf_addf(&tmp, "%s.tmp-%d", path, (int)getpid());
	int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		strbuf_release(&tmp);
		return r;
	}
	r = write_all(fd, text->buf, text->len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp.buf, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp.buf);
	strbuf_release(&tmp);
	return r;
}

int k8c_kubeconfig_save(struct k8c_kubeconfig *kc, struct strbuf *err)
{
	for (size_t i = 0; i < kc->nfiles; i++) {
		struct k8c_kubeconfig_file *f = &kc->files[i];
		if (!f->dirty)
			continue;
		fill_required(f->doc);
		struct strbuf text = STRBUF_INIT;
		int r = k8c_yaml_from_json(f->doc, &text);
		if (r == 0)
			r = write_atomically(f->path, &text);
		strbuf_release(&text);
		if (r < 0) {
			if (err)
				strbuf_addf(err, "error writing config file \"%s\": %s", f->path,
					    strerror(-r));
			return r;
		}
		f->dirty = false;
		f->exists = true;
	}
	return 0;
}
