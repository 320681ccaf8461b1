/*
 * manifest.c - reading -f files, directories and stdin into objects, one entry per
 * document, errors included; see manifest.h.
 */
#include "kubectl/manifest.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "api/yaml/yaml.h"
#include "client/kubeconfig.h"
#include "kubectl/jsonutil.h"

static struct kinfo *add_info(struct kinfos *out, const char *source, int doc, int line)
{
	ALLOC_GROW(out->v, out->n + 1, out->alloc);
	struct kinfo *i = &out->v[out->n++];
	*i = (struct kinfo){ .source = xstrdup(source), .doc = doc, .line = line };
	return i;
}

void kinfo_where(const struct kinfo *info, struct strbuf *out)
{
	strbuf_addf(out, "%s: document %d (line %d)", info->source, info->doc, info->line);
}

void kinfo_fail(struct kinfo *info, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	kinfo_where(info, &sb);
	strbuf_addstr(&sb, ": ");
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(info->error);
	info->error = strbuf_detach(&sb, NULL);
}

/* Checks a decoded document and stores it (or its error) in new entries. */
static void add_object(struct kinfos *out, const char *source, int doc, int line, cJSON *obj)
{
	struct kinfo *i = add_info(out, source, doc, line);
	if (!cJSON_IsObject(obj)) {
		kinfo_fail(i, "the document is not an object");
		cJSON_Delete(obj);
		return;
	}
	const char *kind = kj_str(obj, "kind"), *av = kj_str(obj, "apiVersion");
	cJSON *items = kj_get(obj, "items");
	size_t kl = kind ? strlen(kind) : 0;
	if (kl >= 4 && !strcmp(kind + kl - 4, "List") && cJSON_IsArray(items)) {
		out->n--; /* the List itself is not an entry: its items are */
		free(i->source);
		cJSON *item;
		cJSON_ArrayForEach(item, items)
			add_object(out, source, doc, line, cJSON_Duplicate(item, true));
		cJSON_Delete(obj);
		return;
	}
	if (!kind || !*kind)
		kinfo_fail(i, "kind not set");
	else if (!av || !*av)
		kinfo_fail(i, "apiVersion not set");
	else if (!(i->kind = k8c_kind_by_kind(av, kind)))
		kinfo_fail(i, "unable to recognize: no matches for kind \"%s\" in version \"%s\"",
			   kind, av);
	if (i->error)
		cJSON_Delete(obj);
	else
		i->obj = obj;
}

static int line_of(const char *text, const char *at)
{
	int line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

static void parse_json_stream(const char *source, const char *text, size_t len,
			      struct kinfos *out)
{
	size_t off = 0;
	for (int doc = 1;; doc++) {
		while (off < len && isspace((unsigned char)text[off]))
			off++;
		if (off >= len)
			return;
		const char *end = NULL;
		cJSON *obj = cJSON_ParseWithLengthOpts(text + off, len - off, &end, false);
		int line = line_of(text, text + off);
		if (!obj) {
			struct kinfo *i = add_info(out, source, doc, line);
			const char *at = end ? end : text + off;
			kinfo_fail(i, "invalid JSON at line %d; the rest of the file is not read",
				   line_of(text, at));
			return;
		}
		add_object(out, source, doc, line, obj);
		off = (size_t)(end - text);
	}
}

/* kubectl's YAML reader: a document separator is a line that is "---" plus spaces. */
static bool is_separator(const char *line, size_t len)
{
	if (len < 3 || memcmp(line, "---", 3))
		return false;
	for (size_t i = 3; i < len; i++)
		if (!isspace((unsigned char)line[i]))
			return false;
	return true;
}

/* The first line of a chunk that holds content (not blank, not a comment), or 0. */
static int content_line(const char *chunk, size_t len, int first_line)
{
	int line = first_line;
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && chunk[e] != '\n')
			e++;
		size_t j = i;
		while (j < e && isspace((unsigned char)chunk[j]))
			j++;
		if (j < e && chunk[j] != '#')
			return line;
		i = e + 1;
		line++;
	}
	return 0;
}

/* "error converting YAML to JSON: yaml: line 4: x" with the line made absolute. */
static void yaml_message(const struct k8c_yaml_error *e, int first_line, struct strbuf *out)
{
	const char *m = e->message.buf;
	const char *y = strstr(m, "yaml: line ");
	if (y && e->line > 0) {
		const char *colon = strchr(y + 11, ':');
		strbuf_add(out, m, (size_t)(y - m));
		strbuf_addf(out, "yaml: line %d%s", first_line + e->line - 1, colon ? colon : "");
		return;
	}
	strbuf_addstr(out, m);
}

static void parse_yaml_chunk(const char *source, const char *chunk, size_t len, int first_line,
			     int *doc, struct kinfos *out)
{
	int line = content_line(chunk, len, first_line);
	if (!line)
		return;
	cJSON *obj = NULL;
	struct k8c_yaml_error err = K8C_YAML_ERROR_INIT;
	if (k8c_yaml_to_json(chunk, len, &obj, &err) < 0) {
		struct strbuf m = STRBUF_INIT;
		yaml_message(&err, first_line, &m);
		kinfo_fail(add_info(out, source, ++*doc, line), "%s", m.buf);
		strbuf_release(&m);
	} else if (cJSON_IsNull(obj)) {
		cJSON_Delete(obj);
	} else {
		add_object(out, source, ++*doc, line, obj);
	}
	k8c_yaml_error_release(&err);
}

void kinfos_parse_text(const char *source, const char *text, size_t len, struct kinfos *out)
{
	size_t start = 0;
	while (start < len && isspace((unsigned char)text[start]))
		start++;
	if (start < len && text[start] == '{') {
		parse_json_stream(source, text, len, out);
		return;
	}
	int doc = 0, line = 1, chunk_line = 1;
	size_t chunk = 0;
	for (size_t i = 0; i <= len;) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		if (e >= len || is_separator(text + i, e - i)) {
			size_t chunk_end = e >= len && !is_separator(text + i, e - i) ? len : i;
			parse_yaml_chunk(source, text + chunk, chunk_end - chunk, chunk_line, &doc,
					 out);
			chunk = e + 1;
			chunk_line = line + 1;
		}
		if (e >= len)
			break;
		i = e + 1;
		line++;
	}
}

static int read_stream(FILE *f, struct strbuf *out)
{
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	return ferror(f) ? -EIO : 0;
}

static int read_one(struct kctl *k, const char *path, struct kinfos *out)
{
	struct strbuf text = STRBUF_INIT;
	int r = !strcmp(path, "-") ? read_stream(stdin, &text) : kubeconfig__read_file(path, &text);
	if (r < 0) {
		kctl_errorf(k, "error reading %s: %s", path, strerror(-r));
		strbuf_release(&text);
		return -1;
	}
	kinfos_parse_text(!strcmp(path, "-") ? "STDIN" : path, text.buf, text.len, out);
	strbuf_release(&text);
	return 0;
}

static bool manifest_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (!strcmp(dot, ".json") || !strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int read_dir(struct kctl *k, const char *dir, bool recursive, struct kinfos *out)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, cmp_names), r = 0;
	if (n < 0) {
		kctl_errorf(k, "error reading %s: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
		struct stat st;
		if (r == 0 && name[0] != '.' && stat(p.buf, &st) == 0) {
			if (S_ISDIR(st.st_mode) && recursive)
				r = read_dir(k, p.buf, recursive, out);
			else if (S_ISREG(st.st_mode) && manifest_ext(name))
				r = read_one(k, p.buf, out);
		}
		strbuf_release(&p);
		free(names[i]);
	}
	free(names);
	return r;
}

int kinfos_read(struct kctl *k, const struct kstrv *files, bool recursive, struct kinfos *out)
{
	if (!files->n) {
		kctl_errorf(k, "must specify one of -f and -k");
		return -1;
	}
	for (size_t i = 0; i < files->n; i++) {
		const char *path = files->v[i];
		struct stat st;
		if (str_has_prefix(path, "http://") || str_has_prefix(path, "https://")) {
			kctl_errorf(k, "reading manifests from URLs is not supported: %s", path);
			return -1;
		}
		if (strcmp(path, "-") && stat(path, &st) < 0) {
			kctl_errorf(k, "the path \"%s\" does not exist", path);
			return -1;
		}
		int r = strcmp(path, "-") && S_ISDIR(st.st_mode) ? read_dir(k, path, recursive, out)
								  : read_one(k, path, out);
		if (r < 0)
			return -1;
	}
	return 0;
}

void kinfos_release(struct kinfos *infos)
{
	for (size_t i = 0; i < infos->n; i++) {
		cJSON_Delete(infos->v[i].obj);
		free(infos->v[i].source);
		free(infos->v[i].error);
	}
	free(infos->v);
	memset(infos, 0, sizeof(*infos));
}

const char *kinfo_name(const struct kinfo *info)
{
	return kj_str_or(info->obj, "metadata.name", "");
}

const char *kinfo_namespace(const struct kinfo *info)
{
	return kj_str(info->obj, "metadata.namespace");
}

int kinfo_resolve_namespace(struct kctl *k, struct kinfo *info)
{
	if (!(info->kind->flags & K8C_KIND_NAMESPACED))
		return 0;
	const char *want = kctl_namespace(k), *have = kinfo_namespace(info);
	if (!have || !*have) {
		kj_set_str(info->obj, "metadata.namespace", want);
		return 0;
	}
	if (kctl_namespace_explicit(k) && strcmp(have, want)) {
		free(info->error);
		struct strbuf m = STRBUF_INIT;
		strbuf_addf(&m,
			    "the namespace from the provided object \"%s\" does not match the "
			    "namespace \"%s\". You must pass '--namespace=%s' to perform this "
			    "operation.",
			    have, want, have);
		info->error = strbuf_detach(&m, NULL);
		return -1;
	}
	return 0;
}
