/*
 * describe_generic.c - `k8c describe` for the other kinds: ConfigMaps, Secrets and
 * Namespaces as kubectl's own describers print them (keys sorted), everything else
 * through kubectl's generic describer (every field of the object under its "smart
 * label": "holderIdentity" -> "Holder Identity").
 */
#include <ctype.h>
#include <strings.h>

#include "base/base64.h"
#include "kubectl/describe.h"
#include "kubectl/jsonutil.h"
#include "kubectl/table.h"

enum run_class { RUN_LOWER, RUN_UPPER, RUN_DIGIT, RUN_OTHER };

static enum run_class class_of(char c)
{
	if (islower((unsigned char)c))
		return RUN_LOWER;
	if (isupper((unsigned char)c))
		return RUN_UPPER;
	return isdigit((unsigned char)c) ? RUN_DIGIT : RUN_OTHER;
}

/* fatih/camelcase.Split + kubectl's smartLabelFor: "podCIDR" -> "Pod CIDR". */
static void smart_label(const char *field, struct strbuf *out)
{
	for (const char *p = field; *p; p++)
		if (!isalpha((unsigned char)*p) && *p != '-') {
			strbuf_addstr(out, field);
			return;
		}
	size_t n = strlen(field), nr = 0;
	size_t *starts = xcalloc(n + 2, sizeof(*starts));
	for (size_t i = 0; i < n; i++)
		if (i == 0 || class_of(field[i]) != class_of(field[i - 1]))
			starts[nr++] = i;
	starts[nr] = n;
	/* "HTTPServer": an upper-case run gives its last letter to the lower-case run after */
	for (size_t r = 0; r + 1 < nr; r++)
		if (class_of(field[starts[r]]) == RUN_UPPER &&
		    class_of(field[starts[r + 1]]) == RUN_LOWER)
			starts[r + 1]--;
	for (size_t r = 0; r < nr; r++) {
		if (starts[r + 1] <= starts[r])
			continue;
		_cleanup_free_ char *word = xstrndup(field + starts[r], starts[r + 1] - starts[r]);
		bool acronym = !strcasecmp(word, "api") || !strcasecmp(word, "url") ||
			       !strcasecmp(word, "uid") || !strcasecmp(word, "osb") ||
			       !strcasecmp(word, "guid");
		if (out->len)
			strbuf_addch(out, ' ');
		for (char *p = word; *p; p++)
			strbuf_addch(out, acronym || p == word ? toupper((unsigned char)*p) : *p);
	}
	free(starts);
}

static bool skipped(const char *path)
{
	static const char *const skip[] = { ".metadata.name", ".metadata.namespace",
					    ".metadata.labels", ".metadata.annotations" };
	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (!strcmp(path, skip[i]))
			return true;
	return false;
}

static void content(struct dwriter *w, int level, const cJSON *obj, const char *prefix);

static void field(struct dwriter *w, int level, const cJSON *v, const char *path)
{
	struct strbuf label = STRBUF_INIT, text = STRBUF_INIT;
	smart_label(v->string, &label);
	if (cJSON_IsObject(v)) {
		dw_printf(w, level, "%s:\n", label.buf);
		content(w, level + 1, v, path);
	} else if (cJSON_IsArray(v)) {
		dw_printf(w, level, "%s:\n", label.buf);
		const cJSON *c;
		cJSON_ArrayForEach(c, v) {
			if (cJSON_IsObject(c)) {
				content(w, level + 1, c, path);
				continue;
			}
			strbuf_reset(&text);
			ktable_cell_text(c, &text);
			dw_printf(w, level + 1, "%s\n", text.buf);
		}
	} else {
		ktable_cell_text(v, &text);
		dw_printf(w, level, "%s:\t%s\n", label.buf, cJSON_IsNull(v) ? "<nil>" : text.buf);
	}
	strbuf_release(&label);
	strbuf_release(&text);
}

static void content(struct dwriter *w, int level, const cJSON *obj, const char *prefix)
{
	size_t n;
	const cJSON **v = kj_sorted(obj, NULL, &n);
	for (size_t i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT;
		strbuf_addf(&path, "%s.%s", prefix, v[i]->string);
		if (!skipped(path.buf))
			field(w, level, v[i], path.buf);
		strbuf_release(&path);
	}
	free(v);
}

static void configmap_data(struct dwriter *w, const cJSON *cm)
{
	size_t n;
	const cJSON **v = kj_sorted(kj_get(cm, "data"), NULL, &n);
	dw_printf(w, 0, "\nData\n====\n");
	for (size_t i = 0; i < n; i++)
		dw_printf(w, 0, "%s:\n----\n%s\n", v[i]->string,
			  cJSON_IsString(v[i]) ? v[i]->valuestring : "");
	free(v);
}

static void secret_data(struct dwriter *w, const cJSON *secret)
{
	size_t n;
	const cJSON **v = kj_sorted(kj_get(secret, "data"), NULL, &n);
	dw_printf(w, 0, "\nType:\t%s\n", kj_str_or(secret, "type", ""));
	dw_printf(w, 0, "\nData\n====\n");
	for (size_t i = 0; i < n; i++) {
		struct strbuf bytes = STRBUF_INIT;
		base64_decode(&bytes, cJSON_IsString(v[i]) ? v[i]->valuestring : "");
		dw_printf(w, 0, "%s:\t%zu bytes\n", v[i]->string, bytes.len);
		strbuf_release(&bytes);
	}
	free(v);
}

void describe_generic(struct dwriter *w, const struct k8c_kind *kind, const cJSON *obj)
{
	bool ns = !strcmp(kind->kind, "Namespace");
	dw_printf(w, 0, "Name:\t%s\n", kj_str_or(obj, "metadata.name", ""));
	if (!ns)
		dw_printf(w, 0, "Namespace:\t%s\n", kj_str_or(obj, "metadata.namespace", ""));
	dw_labels(w, "Labels", kj_get(obj, "metadata.labels"));
	dw_annotations(w, "Annotations", kj_get(obj, "metadata.annotations"));
	if (ns) {
		/* quotas and limit ranges are not served: kubectl then omits their sections */
		dw_printf(w, 0, "Status:\t%s\n", kj_str_or(obj, "status.phase", ""));
		return;
	}
	if (!strcmp(kind->kind, "Secret")) {
		secret_data(w, obj);
		return;
	}
	if (!strcmp(kind->kind, "ConfigMap"))
		configmap_data(w, obj);
	else
		content(w, 0, obj, "");
	dw_events(w, obj, kind->kind, NULL, NULL);
}
