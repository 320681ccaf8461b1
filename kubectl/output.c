/*
 * output.c - printing objects in kubectl's -o formats; see output.h.
 */
#include "kubectl/output.h"

#include "api/yaml/yaml.h"
#include "kubectl/gojson.h"
#include "kubectl/jsonpath.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"

int kout_parse(struct kctl *k, const char *value, bool allow_tables, struct kout *ret)
{
	*ret = (struct kout){ KOUT_DEFAULT, NULL };
	if (!value || !*value)
		return 0;
	if (!strcmp(value, "json"))
		ret->format = KOUT_JSON;
	else if (!strcmp(value, "yaml"))
		ret->format = KOUT_YAML;
	else if (!strcmp(value, "name"))
		ret->format = KOUT_NAME;
	else if (!strcmp(value, "wide") && allow_tables)
		ret->format = KOUT_WIDE;
	else if (str_has_prefix(value, "jsonpath=")) {
		ret->format = KOUT_JSONPATH;
		ret->jsonpath = value + 9;
	} else {
		kctl_errorf(k,
			    "unable to match a printer suitable for the output format \"%s\", "
			    "allowed formats are: json,jsonpath,name,%syaml",
			    value, allow_tables ? "wide," : "");
		return -1;
	}
	return 0;
}

bool kout_is_data(const struct kout *o)
{
	return o->format == KOUT_JSON || o->format == KOUT_YAML || o->format == KOUT_JSONPATH;
}

cJSON *kout_list_new(void)
{
	cJSON *l = cJSON_CreateObject();
	cJSON_AddStringToObject(l, "apiVersion", "v1");
	cJSON_AddItemToObject(l, "items", cJSON_CreateArray());
	cJSON_AddStringToObject(l, "kind", "List");
	cJSON *meta = cJSON_AddObjectToObject(l, "metadata");
	cJSON_AddStringToObject(meta, "resourceVersion", "");
	cJSON_AddStringToObject(meta, "selfLink", "");
	return l;
}

void kout_list_add(cJSON *list, const cJSON *obj, const struct k8c_kind *kind)
{
	cJSON *copy = cJSON_Duplicate(obj, true);
	if (kind && !kj_str(copy, "kind"))
		cJSON_AddStringToObject(copy, "kind", kind->kind);
	if (kind && !kj_str(copy, "apiVersion"))
		cJSON_AddStringToObject(copy, "apiVersion", kind->group_version);
	cJSON_AddItemToArray(kj_get(list, "items"), copy);
}

static void print_name(const struct k8c_kind *kind, const cJSON *obj, struct strbuf *out)
{
	const cJSON *items = kj_get(obj, "items");
	if (cJSON_IsArray(items) && !strcmp(kj_str_or(obj, "kind", ""), "List")) {
		const cJSON *it;
		cJSON_ArrayForEach(it, items)
			print_name(NULL, it, out);
		return;
	}
	if (!kind)
		kind = k8c_kind_by_kind(kj_str_or(obj, "apiVersion", ""), kj_str_or(obj, "kind", ""));
	if (kind)
		kres_ref(out, kind, kj_str_or(obj, "metadata.name", ""));
	else
		strbuf_addstr(out, kj_str_or(obj, "metadata.name", ""));
	strbuf_addch(out, '\n');
}

int kout_print(struct kctl *k, const struct kout *o, const struct k8c_kind *kind,
	       const cJSON *obj, struct strbuf *out)
{
	switch (o->format) {
	case KOUT_JSON:
		gojson_marshal_indent(obj, "    ", out);
		strbuf_addch(out, '\n');
		return 0;
	case KOUT_YAML:
		return k8c_yaml_from_json(obj, out) < 0 ? -1 : 0;
	case KOUT_JSONPATH: {
		struct strbuf err = STRBUF_INIT;
		int r = jsonpath_execute(o->jsonpath, obj, out, &err);
		if (r < 0)
			kctl_errorf(k, "error parsing jsonpath %s, %s", o->jsonpath, err.buf);
		strbuf_release(&err);
		return r < 0 ? -1 : 0;
	}
	default:
		print_name(kind, obj, out);
		return 0;
	}
}
