/*
 * watchcache_obj.c - object versions of the watch cache: built once from a
 * stored value (labels, selectable fields and the indexed field extracted by
 * json_scan.h without a parse tree, resourceVersion spliced into the JSON),
 * packed into one allocation sized to fit, shared by reference afterwards.
 */
#include "apiserver/json_scan.h"
#include "apiserver/watchcache_internal.h"

void cache_obj_ref(struct cache_obj *o)
{
	atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
}

void cache_obj_unref(struct cache_obj *o)
{
	if (o && atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1)
		free(o); /* packed: one allocation (pack()) */
}

/* Frees a version being built (alloc_obj, extract), whose pieces are separate. */
static void free_unpacked(struct cache_obj *o)
{
	free(o->key);
	free(o->json);
	k8c_strmap_release(&o->labels);
	for (size_t i = 0; i < o->n_fields; i++)
		free(o->fields[i]);
	free(o->fields);
	free(o->index_value);
	free(o);
}

const char *cache_obj_field(const struct cache_obj *o, const char *field)
{
	if (!strcmp(field, "metadata.name"))
		return o->name;
	if (!strcmp(field, "metadata.namespace"))
		return o->ns;
	for (size_t i = 0; i < o->n_fields; i++)
		if (!strcmp(o->kind->fields[i], field))
			return o->fields[i];
	return NULL;
}

/*
 * Room for what the splice adds: "resourceVersion":"<up to 20 digits>" and a
 * comma, or all of that in a new "metadata":{...} for a value without one.
 */
#define RV_SPLICE_MAX 64

void cache_splice_rv(struct strbuf *out, const char *value, size_t len, int64_t rev,
		     size_t *ret_off, size_t *ret_len)
{
	static const char pat[] = "\"metadata\":{";
	const char *m = memmem(value, len, pat, sizeof(pat) - 1);
	strbuf_grow(out, len + RV_SPLICE_MAX);
	size_t at;
	if (m) {
		at = (size_t)(m - value) + sizeof(pat) - 1;
		strbuf_add(out, value, at);
	} else { /* no metadata at all: add it */
		strbuf_addstr(out, "{\"metadata\":{");
		at = 1;
	}
	strbuf_addstr(out, "\"resourceVersion\":\"");
	size_t off = out->len;
	strbuf_addi64(out, rev);
	if (ret_off)
		*ret_off = off;
	if (ret_len)
		*ret_len = out->len - off;
	strbuf_addch(out, '"');
	if (!m)
		strbuf_addstr(out, len > 2 ? "}," : "}");
	else if (at < len && value[at] != '}')
		strbuf_addch(out, ',');
	strbuf_add(out, value + at, len - at);
}

static void add_label(void *ctx, const char *key, const char *value)
{
	struct cache_obj *o = ctx;
	k8c_strmap_set(&o->labels, key, value);
}

/* Labels and selectable fields of the stored value; -EINVAL if it is not a JSON object. */
static int extract(struct cache_obj *o, const char *value, size_t len)
{
	const struct k8c_kind *k = o->kind;
	while (o->n_fields < ARRAY_SIZE(k->fields) && k->fields[o->n_fields])
		o->n_fields++;
	o->fields = xcalloc(o->n_fields + 1, sizeof(char *));
	struct json_scan scan = { .labels_path = "metadata.labels", .on_label = add_label,
				  .ctx = o, .fields = k->fields, .n_fields = o->n_fields,
				  .values = o->fields };
	int r = json_scan(value, len, &scan);
	for (size_t i = 0; i < o->n_fields; i++)
		if (!o->fields[i])
			o->fields[i] = xstrdup(""); /* absent, or neither a string nor a boolean */
	if (!strcmp(k->resource, "pods") && o->n_fields)
		o->index_value = xstrdup(o->fields[0]); /* spec.nodeName */
	return r;
}

/* Allocates an object for key with its namespace and name pointers set. */
static struct cache_obj *alloc_obj(const struct k8c_kind *k, const char *key)
{
	/* key = "/registry/<resource>/[<ns>/]<name>" */
	const char *rest = key + strlen("/registry/") + strlen(k->resource) + 1;
	const char *slash = (k->flags & K8C_KIND_NAMESPACED) ? strchr(rest, '/') : NULL;
	size_t ns_len = slash ? (size_t)(slash - rest) : 0;
	struct cache_obj *o = xcalloc(1, sizeof(*o) + ns_len + 1);
	atomic_init(&o->refs, 1);
	o->kind = k;
	o->key = xstrdup(key);
	memcpy(o->ns_buf, rest, ns_len);
	o->ns = o->ns_buf;
	o->name = o->key + (size_t)((slash ? slash + 1 : rest) - key);
	return o;
}

static size_t str_room(const char *str)
{
	return str ? strlen(str) + 1 : 0;
}

/* Copies str (NULL stays NULL) to *at and moves *at past it. */
static char *put_str(char **at, const char *str)
{
	if (!str)
		return NULL;
	size_t n = strlen(str) + 1;
	char *d = memcpy(*at, str, n);
	*at += n;
	return d;
}

/* Bytes pack() takes for t's pieces after the pointer arrays, the JSON's room aside. */
static size_t strings_room(const struct cache_obj *t)
{
	size_t n = strlen(t->key) + 1 + str_room(t->index_value);
	for (size_t i = 0; i < t->n_fields; i++)
		n += strlen(t->fields[i]) + 1;
	for (size_t i = 0; i < t->labels.n; i++)
		n += strlen(t->labels.items[i].key) + strlen(t->labels.items[i].value) + 2;
	return n;
}

/*
 * t's key, namespace, fields, index value and labels in one new allocation
 * (one reference), with an empty JSON of json_room bytes (and its NUL) for
 * the caller to fill: with thousands of versions cached, one malloc chunk
 * each instead of a dozen saves their headers and scatter. t is not changed.
 */
static struct cache_obj *pack(const struct cache_obj *t, size_t json_room)
{
	size_t ns_len = strlen(t->ns);
	size_t head = (sizeof(*t) + ns_len + 1 + 7) & ~(size_t)7;
	size_t ptrs = (t->n_fields + 1) * sizeof(char *) + t->labels.n * sizeof(struct k8c_strpair);
	struct cache_obj *o = xmalloc(head + ptrs + strings_room(t) + json_room + 1);
	memcpy(o, t, sizeof(*o));
	atomic_init(&o->refs, 1);
	memcpy(o->ns_buf, t->ns, ns_len + 1);
	o->ns = o->ns_buf;
	char **fields = (char **)((char *)o + head);
	struct k8c_strpair *pairs = (struct k8c_strpair *)(fields + t->n_fields + 1);
	char *at = (char *)(pairs + t->labels.n);
	o->key = put_str(&at, t->key);
	o->name = o->key + (t->name - t->key);
	for (size_t i = 0; i < t->n_fields; i++)
		fields[i] = put_str(&at, t->fields[i]);
	fields[t->n_fields] = NULL;
	o->fields = fields;
	o->index_value = put_str(&at, t->index_value);
	for (size_t i = 0; i < t->labels.n; i++) {
		char *key = put_str(&at, t->labels.items[i].key);
		pairs[i] = (struct k8c_strpair){ key, put_str(&at, t->labels.items[i].value) };
	}
	o->labels = (struct k8c_strmap){ .items = t->labels.n ? pairs : NULL, .n = t->labels.n,
					 .alloc = t->labels.n };
	o->json = at;
	o->json[0] = '\0';
	o->len = 0;
	return o;
}

/* A strbuf over o's JSON room (json_room bytes from pack()), which it never outgrows. */
static struct strbuf json_room_buf(struct cache_obj *o, size_t json_room)
{
	return (struct strbuf){ .alloc = json_room + 1, .len = 0, .buf = o->json };
}

struct cache_obj *cache_obj_new(const struct k8c_kind *k, const char *key, const char *value,
				size_t len, int64_t create_rev, int64_t mod_rev)
{
	struct cache_obj *t = alloc_obj(k, key);
	t->create_rev = create_rev;
	t->mod_rev = mod_rev;
	if (extract(t, value, len) < 0) {
		free_unpacked(t);
		return NULL;
	}
	struct cache_obj *o = pack(t, len + RV_SPLICE_MAX);
	free_unpacked(t);
	struct strbuf sb = json_room_buf(o, len + RV_SPLICE_MAX);
	cache_splice_rv(&sb, value, len, mod_rev, &o->rv_off, &o->rv_len);
	o->len = sb.len;
	return o;
}

struct cache_obj *cache_obj_at_rev(const struct cache_obj *o, int64_t rev)
{
	size_t room = o->len - o->rv_len + 20;
	struct cache_obj *c = pack(o, room);
	c->mod_rev = rev;
	struct strbuf sb = json_room_buf(c, room);
	strbuf_add(&sb, o->json, o->rv_off);
	c->rv_off = sb.len;
	strbuf_addi64(&sb, rev);
	c->rv_len = sb.len - c->rv_off;
	strbuf_add(&sb, o->json + o->rv_off + o->rv_len, o->len - o->rv_off - o->rv_len);
	c->len = sb.len;
	return c;
}
