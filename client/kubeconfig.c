/*
 * kubeconfig.c - loading kubeconfig files and the merged lookups; see kubeconfig.h.
 * Editing and writing live in kubeconfig_edit.c.
 */
#include "client/kubeconfig.h"

#include <fcntl.h>
#include <unistd.h>

#include "api/yaml/yaml.h"
#include "client/kubeconfig_internal.h"

static const char *const section_names[] = { "clusters", "users", "contexts" };
static const char *const inner_names[] = { "cluster", "user", "context" };

int kubeconfig__read_file(const char *path, struct strbuf *out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char buf[8192];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		strbuf_add(out, buf, (size_t)n);
	}
}

static void add_file(struct k8c_kubeconfig *kc, const char *path)
{
	kc->files = xrealloc(kc->files, (kc->nfiles + 1) * sizeof(*kc->files));
	kc->files[kc->nfiles++] = (struct k8c_kubeconfig_file){ .path = xstrdup(path) };
}

/* Reads one file into f->doc; a missing file is an empty config unless must_exist. */
static int load_file(struct k8c_kubeconfig_file *f, bool must_exist, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	int r = kubeconfig__read_file(f->path, &text);
	if (r == -ENOENT && !must_exist) {
		f->doc = cJSON_CreateObject();
		strbuf_release(&text);
		return 0;
	}
	if (r < 0) {
		if (err)
			strbuf_addf(err, "stat %s: %s", f->path, strerror(-r));
		strbuf_release(&text);
		return r;
	}
	struct k8c_yaml_error yerr = K8C_YAML_ERROR_INIT;
	r = k8c_yaml_to_json(text.buf, text.len, &f->doc, &yerr);
	if (r == 0 && cJSON_IsNull(f->doc)) {
		cJSON_Delete(f->doc);
		f->doc = cJSON_CreateObject();
	} else if (r == 0 && !cJSON_IsObject(f->doc)) {
		cJSON_Delete(f->doc);
		f->doc = NULL;
		r = -EINVAL;
	}
	if (r < 0 && err)
		strbuf_addf(err, "error loading config file \"%s\": %s", f->path,
			    yerr.message.len ? yerr.message.buf : "not a kubeconfig object");
	f->exists = true;
	k8c_yaml_error_release(&yerr);
	strbuf_release(&text);
	return r;
}

/* The files to read: $KUBECONFIG's list, else ~/.kube/config. */
static void default_files(struct k8c_kubeconfig *kc)
{
	const char *env = getenv("KUBECONFIG");
	if (env && *env) {
		char *list = xstrdup(env), *save = NULL;
		for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
			bool seen = false;
			for (size_t i = 0; i < kc->nfiles; i++)
				seen = seen || !strcmp(kc->files[i].path, p);
			if (!seen)
				add_file(kc, p);
		}
		free(list);
		if (kc->nfiles)
			return;
	}
	const char *home = getenv("HOME");
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/.kube/config", home && *home ? home : "/root");
	add_file(kc, path.buf);
	strbuf_release(&path);
}

int k8c_kubeconfig_load(struct k8c_kubeconfig *kc, const char *explicit_path, struct strbuf *err)
{
	memset(kc, 0, sizeof(*kc));
	if (explicit_path && *explicit_path) {
		kc->explicit_file = true;
		add_file(kc, explicit_path);
	} else {
		default_files(kc);
	}
	for (size_t i = 0; i < kc->nfiles; i++) {
		int r = load_file(&kc->files[i], kc->explicit_file, err);
		if (r < 0) {
			k8c_kubeconfig_release(kc);
			return r;
		}
	}
	return 0;
}

void k8c_kubeconfig_release(struct k8c_kubeconfig *kc)
{
	for (size_t i = 0; i < kc->nfiles; i++) {
		free(kc->files[i].path);
		cJSON_Delete(kc->files[i].doc);
	}
	free(kc->files);
	memset(kc, 0, sizeof(*kc));
}

cJSON *kubeconfig__entry(const cJSON *doc, enum k8c_kubeconfig_section s, const char *name)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, section_names[s]);
	cJSON *it;
	cJSON_ArrayForEach(it, list) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
			return it;
	}
	return NULL;
}

const char *kubeconfig__section_name(enum k8c_kubeconfig_section s)
{
	return section_names[s];
}

const char *kubeconfig__inner_name(enum k8c_kubeconfig_section s)
{
	return inner_names[s];
}

const cJSON *k8c_kubeconfig_get(const struct k8c_kubeconfig *kc, enum k8c_kubeconfig_section s,
				const char *name, const char **ret_path)
{
	if (!name || !*name)
		return NULL;
	for (size_t i = 0; i < kc->nfiles; i++) {
		const cJSON *e = kubeconfig__entry(kc->files[i].doc, s, name);
		if (!e)
			continue;
		if (ret_path)
			*ret_path = kc->files[i].path;
		const cJSON *inner = cJSON_GetObjectItemCaseSensitive(e, inner_names[s]);
		return cJSON_IsObject(inner) ? inner : NULL;
	}
	return NULL;
}

const char *k8c_kubeconfig_current_context(const struct k8c_kubeconfig *kc)
{
	for (size_t i = 0; i < kc->nfiles; i++) {
		const cJSON *cc =
			cJSON_GetObjectItemCaseSensitive(kc->files[i].doc, "current-context");
		if (cJSON_IsString(cc) && *cc->valuestring)
			return cc->valuestring;
	}
	return NULL;
}
