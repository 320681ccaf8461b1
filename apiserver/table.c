/*
 * table.c - Table answers; see table.h. Cells come from the kind's row
 * function (api/printers/); kinds without one get Name and Age.
 */
#include "apiserver/table.h"

#include "api/codec.h"
#include "api/object.h"
#include "base/timeutil.h"

static const struct k8c_column generic_columns[] = {
	{ "Name", "string", "name", "Name must be unique within a namespace.", 0 },
	{ "Created At", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0 },
};

static void columns(const struct k8c_kind *k, const struct k8c_column **cols, size_t *n)
{
	*cols = k->row ? k->columns : generic_columns;
	*n = k->row ? k->n_columns : ARRAY_SIZE(generic_columns);
}

static void write_columns(struct strbuf *out, const struct k8c_kind *k)
{
	const struct k8c_column *cols;
	size_t n;
	columns(k, &cols, &n);
	strbuf_addstr(out, "\"columnDefinitions\":[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(out, i ? ",{\"name\":" : "{\"name\":");
		strbuf_add_json_str(out, cols[i].name);
		strbuf_addstr(out, ",\"type\":");
		strbuf_add_json_str(out, cols[i].type);
		strbuf_addstr(out, ",\"format\":");
		strbuf_add_json_str(out, cols[i].format);
		strbuf_addstr(out, ",\"description\":");
		strbuf_add_json_str(out, cols[i].description);
		strbuf_addf(out, ",\"priority\":%d}", cols[i].priority);
	}
	strbuf_addstr(out, "],");
}

static void init(struct table_writer *tw, struct api_request *r, struct strbuf *out)
{
	const char *inc = http_query(r->http, "includeObject");
	tw->r = r;
	tw->out = out;
	tw->now_ns = time_now_ns();
	tw->rows = 0;
	tw->include = !inc ? 1 : !strcmp(inc, "None") ? 0 : !strcmp(inc, "Object") ? 2 : 1;
	strbuf_addstr(out, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{");
}

void table_begin(struct table_writer *tw, struct api_request *r, struct strbuf *out, int64_t rev,
		 const char *continue_token, int64_t remaining)
{
	init(tw, r, out);
	strbuf_addf(out, "\"resourceVersion\":\"%lld\"", (long long)rev);
	if (continue_token) {
		strbuf_addstr(out, ",\"continue\":");
		strbuf_add_json_str(out, continue_token);
		if (remaining > 0)
			strbuf_addf(out, ",\"remainingItemCount\":%lld", (long long)remaining);
	}
	strbuf_addstr(out, "},");
	write_columns(out, r->kind);
	strbuf_addstr(out, "\"rows\":[");
}

void table_begin_event(struct table_writer *tw, struct api_request *r, struct strbuf *out,
		       int64_t rev, bool with_columns)
{
	init(tw, r, out);
	strbuf_addf(out, "\"resourceVersion\":\"%lld\"},", (long long)rev);
	if (with_columns)
		write_columns(out, r->kind);
	else
		strbuf_addstr(out, "\"columnDefinitions\":[],");
	strbuf_addstr(out, "\"rows\":[");
}

static void generic_cells(const struct k8c_object *o, struct strbuf *out)
{
	strbuf_add_json_str(out, o->metadata.name ? o->metadata.name : "");
	strbuf_addch(out, ',');
	strbuf_addch(out, '"');
	time_format_rfc3339(out, o->metadata.creation_timestamp);
	strbuf_addch(out, '"');
}

void table_add(struct table_writer *tw, const struct cache_obj *o)
{
	const struct k8c_kind *k = o->kind;
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, k->type->size);
	k8c_decode_text(k->type, o->json, o->len, obj, 0, &errs);
	field_errors_release(&errs);
	struct strbuf *out = tw->out;
	strbuf_addstr(out, tw->rows++ ? ",{\"cells\":[" : "{\"cells\":[");
	if (k->row)
		k->row(obj, tw->now_ns, out);
	else
		generic_cells(k8c_object_of(obj), out);
	strbuf_addch(out, ']');
	if (tw->include == 2) {
		strbuf_addstr(out, ",\"object\":");
		strbuf_add(out, o->json, o->len);
	} else if (tw->include == 1) {
		strbuf_addstr(out, ",\"object\":{\"kind\":\"PartialObjectMetadata\","
				   "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":");
		k8c_encode(&k8c_type_object_meta, &k8c_object_of(obj)->metadata, out);
		strbuf_addch(out, '}');
	}
	strbuf_addch(out, '}');
	k8c_free(k->type, obj);
}

void table_end(struct table_writer *tw)
{
	strbuf_addstr(tw->out, "]}");
}
