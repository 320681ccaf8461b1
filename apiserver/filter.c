/*
 * filter.c - ?labelSelector= and ?fieldSelector= as watch-cache filters; see
 * filter.h.
 */
#include "apiserver/filter.h"

#include "api/selector/fields.h"
#include "api/selector/labels.h"

static const char *field_of(const char *field, void *ctx)
{
	return cache_obj_field(ctx, field);
}

static bool matches(void *ctx, const struct cache_obj *o)
{
	struct api_filter *f = ctx;
	if (f->labels && !label_selector_matches(f->labels, &o->labels))
		return false;
	return !f->fields || field_selector_matches(f->fields, field_of, (void *)o);
}

static int parse_labels(struct api_request *r, struct api_filter *f)
{
	const char *text = http_query(r->http, "labelSelector");
	if (!text || !*text)
		return 0;
	struct strbuf err = STRBUF_INIT;
	struct label_selector sel;
	if (label_selector_parse(text, &sel, &err) < 0) {
		status_bad_request(r->http, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	f->labels = xmalloc(sizeof(sel));
	*f->labels = sel;
	return 0;
}

/* Checks the fields against the kind; answers 400 for an unsupported one. */
static int check_fields(struct api_request *r, const struct field_selector *sel)
{
	const struct k8c_kind *k = r->kind;
	const char *supported[ARRAY_SIZE(k->fields) + 2] = { "metadata.name",
							      "metadata.namespace" };
	size_t n = 2;
	for (size_t i = 0; i < ARRAY_SIZE(k->fields) && k->fields[i]; i++)
		supported[n++] = k->fields[i];
	const char *bad = field_selector_unsupported(sel, supported, n);
	if (!bad)
		return 0;
	status_bad_request(r->http, "field label not supported: %s", bad);
	return -1;
}

/* Turns exact matches the cache indexes into filter fields. */
static void use_exact_matches(struct api_request *r, struct api_filter *f)
{
	const char *v;
	if (field_selector_exact_match(f->fields, "metadata.name", &v))
		f->cf.name = f->name_copy = xstrdup(v);
	if (!f->cf.ns && field_selector_exact_match(f->fields, "metadata.namespace", &v) &&
	    (r->kind->flags & K8C_KIND_NAMESPACED))
		f->cf.ns = f->ns_copy = xstrdup(v);
	if (!strcmp(r->kind->resource, "pods") &&
	    field_selector_exact_match(f->fields, "spec.nodeName", &v))
		f->cf.index_value = f->index_copy = xstrdup(v);
}

static int parse_fields(struct api_request *r, struct api_filter *f)
{
	const char *text = http_query(r->http, "fieldSelector");
	if (!text || !*text)
		return 0;
	struct strbuf err = STRBUF_INIT;
	struct field_selector sel;
	if (field_selector_parse(text, &sel, &err) < 0) {
		status_bad_request(r->http, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	f->fields = xmalloc(sizeof(sel));
	*f->fields = sel;
	if (check_fields(r, f->fields) < 0)
		return -1;
	use_exact_matches(r, f);
	return 0;
}

int api_filter_init(struct api_request *r, struct api_filter *f)
{
	memset(f, 0, sizeof(*f));
	if (*r->route.ns)
		f->cf.ns = f->ns_copy = xstrdup(r->route.ns);
	if (parse_labels(r, f) < 0 || parse_fields(r, f) < 0) {
		api_filter_release(f);
		return -1;
	}
	if (f->labels || f->fields) {
		f->cf.match = matches;
		f->cf.ctx = f;
	}
	return 0;
}

void api_filter_release(struct api_filter *f)
{
	if (f->labels) {
		label_selector_release(f->labels);
		free(f->labels);
	}
	if (f->fields) {
		field_selector_release(f->fields);
		free(f->fields);
	}
	free(f->ns_copy);
	free(f->name_copy);
	free(f->index_copy);
	memset(f, 0, sizeof(*f));
}
