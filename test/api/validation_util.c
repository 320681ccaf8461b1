/*
 * validation_util.c - manifests, defaulting and validation for the unit
 * tests; see validation_util.h.
 */
#include "test/api/validation_util.h"

#include <cjson/cJSON.h>

#include "api/codec.h"
#include "api/patch/patch.h"
#include "test/api/patch_test_util.h"
#include "test/ktest.h"

const char vt_pod[] = "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':"
		      "'default'},'spec':{'containers':[{'name':'c','image':'k8c.local/busybox'}]}}";
const char vt_deployment[] =
	"{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':"
	"'default'},'spec':{'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':"
	"{'labels':{'app':'web'}},'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}";
const char vt_service[] = "{'apiVersion':'v1','kind':'Service','metadata':{'name':'web',"
			  "'namespace':'default'},'spec':{'selector':{'app':'web'},'ports':"
			  "[{'port':80}]}}";

const char *vt_q(const char *text, int slot)
{
	static char *bufs[4];
	free(bufs[slot]);
	bufs[slot] = xstrdup(text);
	for (char *c = bufs[slot]; *c; c++)
		if (*c == '\'')
			*c = '"';
	return bufs[slot];
}

static const struct k8c_kind *kind_named(const char *kind)
{
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++)
		if (!strcmp(k->kind, kind))
			return k;
	fprintf(stderr, "no kind %s\n", kind);
	abort();
}

/* base (JSON) with patch (quoted with ') decoded and defaulted; aborts when broken. */
static void *build(const struct k8c_kind *k, const char *base, const char *patch)
{
	cJSON *doc = pt_json(base);
	if (patch) {
		cJSON *p = pt_json(vt_q(patch, 1));
		merge_patch_apply(&doc, p);
		cJSON_Delete(p);
	}
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, k->type->size);
	if (k8c_decode(k->type, doc, obj, K8C_DECODE_STRICT, "", &errs) < 0) {
		fprintf(stderr, "broken manifest: %s\n", errs.items[0].detail);
		abort();
	}
	cJSON_Delete(doc);
	if (k->defaults)
		k->defaults(obj);
	return obj;
}

void vt_run(const char *kind, const char *base, const char *patch, const char *update,
	    struct field_errors *errs)
{
	const struct k8c_kind *k = kind_named(kind);
	void *obj = build(k, vt_q(base, 0), patch);
	if (!update) {
		if (k->validate)
			k->validate(obj, errs);
		k8c_free(k->type, obj);
		return;
	}
	struct strbuf text = STRBUF_INIT;
	k8c_encode(k->type, obj, &text);
	void *updated = build(k, text.buf, update);
	if (k->validate_update)
		k->validate_update(updated, obj, errs);
	else if (k->validate)
		k->validate(updated, errs);
	strbuf_release(&text);
	k8c_free(k->type, obj);
	k8c_free(k->type, updated);
}

const char *vt_defaulted(const char *kind, const char *json)
{
	const struct k8c_kind *k = kind_named(kind);
	void *obj = build(k, vt_q(json, 0), NULL);
	struct strbuf text = STRBUF_INIT;
	k8c_encode(k->type, obj, &text);
	k8c_free(k->type, obj);
	cJSON *doc = pt_json(text.buf);
	strbuf_release(&text);
	const char *out = pt_text(doc, 3);
	cJSON_Delete(doc);
	return out;
}

void vt_expect(const char *file, int line, const struct field_errors *errs, const char *field,
	       const char *detail)
{
	bool found = false;
	for (size_t i = 0; field && i < errs->n; i++)
		found |= !strcmp(errs->items[i].field, field) && !strcmp(errs->items[i].detail, detail);
	if ((field && found) || (!field && errs->n == 0))
		return;
	struct strbuf all = STRBUF_INIT;
	for (size_t i = 0; i < errs->n; i++)
		strbuf_addf(&all, "\n    %s: %s", errs->items[i].field, errs->items[i].detail);
	if (field)
		ktest_fail(file, line, "no error \"%s: %s\" among:%s", field, detail,
			   all.len ? all.buf : " (none)");
	else
		ktest_fail(file, line, "unexpected errors:%s", all.buf);
	strbuf_release(&all);
}

const char *vt_reason(const struct field_errors *errs, const char *field)
{
	for (size_t i = 0; i < errs->n; i++)
		if (!strcmp(errs->items[i].field, field))
			return field_error_reason(errs->items[i].type);
	return NULL;
}
