/*
 * strategic_order.c - list ordering of the strategic merge patch (the
 * $setElementOrder design: the patch's order wins, items only the server
 * has keep their place relative to it), schema lookups and the cJSON item
 * vector; see strategic_internal.h.
 */
#include "api/patch/strategic_internal.h"

void smp__push(struct jvec *v, cJSON *item)
{
	ALLOC_GROW(v->v, v->n + 1, v->alloc);
	v->v[v->n++] = item;
}

void smp__vec_release(struct jvec *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

void smp__vec_borrow(struct jvec *v, const cJSON *arr)
{
	for (cJSON *c = cJSON_IsArray(arr) ? arr->child : NULL; c; c = c->next)
		smp__push(v, c);
}

void smp__vec_detach(struct jvec *v, cJSON *arr)
{
	while (arr->child)
		smp__push(v, cJSON_DetachItemViaPointer(arr, arr->child));
}

void smp__vec_attach(struct jvec *v, cJSON *arr)
{
	for (size_t i = 0; i < v->n; i++)
		patch__append(arr, v->v[i]);
	v->n = 0;
}

const struct k8c_field *smp__field(const struct k8c_type *t, const char *key)
{
	if (!t)
		return NULL;
	if (t->by_json)
		return k8c_type_field(t, key);
	for (size_t i = 0; i < t->n_fields; i++)
		if (strcmp(t->fields[i].json, key) == 0)
			return &t->fields[i];
	return NULL;
}

const struct k8c_type *smp__sub(const struct k8c_field *f)
{
	return f && f->type == K8C_FT_OBJECT ? f->sub : NULL;
}

bool smp__is_merge_list(const struct k8c_field *f)
{
	return f && f->shape == K8C_FS_LIST && (f->flags & K8C_FF_PATCH_MERGE);
}

static const cJSON *key_of(const cJSON *item, const char *mk)
{
	return mk ? patch__get(item, mk) : item;
}

long smp__index(const struct jvec *list, const cJSON *item, const char *mk)
{
	const cJSON *key = key_of(item, mk);
	for (size_t i = 0; i < list->n; i++) {
		if (mk && !cJSON_IsObject(list->v[i]))
			continue;
		if (patch__equal(key_of(list->v[i], mk), key))
			return (long)i;
	}
	return -1;
}

int smp__need_merge_key(struct smp *s, const cJSON *item, const char *mk)
{
	if (cJSON_IsObject(item) && patch__get(item, mk))
		return 0;
	if (s->err) {
		strbuf_addstr(s->err, "map: ");
		patch__print(item, s->err);
		strbuf_addf(s->err, " does not contain declared merge key: %s", mk);
	}
	return -EBADMSG;
}

static int kind_of_items(struct smp *s, const cJSON *arr, const char **kind)
{
	for (const cJSON *c = cJSON_IsArray(arr) ? arr->child : NULL; c; c = c->next) {
		const char *k = patch__kind(c);
		if (!strcmp(k, "array"))
			return patch__fail(s->err, -EINVAL, "lists of lists are not supported");
		if (**kind && strcmp(*kind, k))
			return patch__fail(s->err, -EBADMSG,
					   "list element types are not identical: "
					   "%s and %s",
					   *kind, k);
		*kind = k;
	}
	return 0;
}

int smp__element_kind(struct smp *s, const cJSON *a, const cJSON *b, const char **ret_kind)
{
	const char *kind = "";
	int rc = kind_of_items(s, a, &kind);
	if (rc == 0)
		rc = kind_of_items(s, b, &kind);
	if (rc == 0)
		*ret_kind = !*kind || !strcmp(kind, "object") ? kind : "scalar";
	return rc;
}

int smp__partition(struct smp *s, const struct jvec *merged, const struct jvec *by, const char *mk,
		   struct jvec *in, struct jvec *out)
{
	for (size_t i = 0; i < merged->n; i++) {
		int rc = mk ? smp__need_merge_key(s, merged->v[i], mk) : 0;
		if (rc < 0)
			return rc;
		smp__push(smp__index(by, merged->v[i], mk) >= 0 ? in : out, merged->v[i]);
	}
	return 0;
}

void smp__sort_by(struct jvec *items, const struct jvec *order, const char *mk)
{
	long *idx = xcalloc(items->n ? items->n : 1, sizeof(*idx));
	for (size_t i = 0; i < items->n; i++)
		idx[i] = smp__index(order, items->v[i], mk);
	/* Go's stable insertion sort with upstream's "less": true unless both are found */
	for (size_t i = 1; i < items->n; i++) {
		for (size_t j = i; j > 0; j--) {
			bool less = idx[j] < 0 || idx[j - 1] < 0 || idx[j] < idx[j - 1];
			if (!less)
				break;
			cJSON *t = items->v[j];
			long ti = idx[j];
			items->v[j] = items->v[j - 1];
			idx[j] = idx[j - 1];
			items->v[j - 1] = t;
			idx[j - 1] = ti;
		}
	}
	free(idx);
}

static bool is_delete_directive(const cJSON *item)
{
	const cJSON *d = patch__get(item, SMP_DIRECTIVE);
	return cJSON_IsString(d) && strcmp(d->valuestring, "delete") == 0;
}

/* normalizeSliceOrder: merge keys checked, sorted by order, delete directives moved last. */
static int normalize_slice(struct smp *s, struct jvec *items, const struct jvec *order,
			   const char *mk, bool maps)
{
	struct jvec keep = { 0 }, del = { 0 };
	for (size_t i = 0; maps && i < items->n + order->n; i++) {
		const cJSON *it = i < items->n ? items->v[i] : order->v[i - items->n];
		int rc = smp__need_merge_key(s, it, mk);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < items->n; i++)
		smp__push(maps && is_delete_directive(items->v[i]) ? &del : &keep, items->v[i]);
	smp__sort_by(&keep, order, mk);
	for (size_t i = 0; i < del.n; i++)
		smp__push(&keep, del.v[i]);
	smp__vec_release(&del);
	smp__vec_release(items);
	*items = keep;
	return 0;
}

/* mergeSortedSlice: left (server-only) items go before the first right item after them. */
static void merge_sorted(const struct jvec *left, const struct jvec *right,
			 const struct jvec *server_order, const char *mk, struct jvec *ret)
{
	size_t i = 0, j = 0;
	while (i < left->n || j < right->n) {
		bool take_left = j >= right->n;
		if (i < left->n && j < right->n) {
			long li = smp__index(server_order, left->v[i], mk);
			long ri = smp__index(server_order, right->v[j], mk);
			take_left = li >= 0 && ri >= 0 && li < ri;
		}
		smp__push(ret, take_left ? left->v[i++] : right->v[j++]);
	}
}

int smp__normalize_order(struct smp *s, struct jvec *patch_items, struct jvec *server_only,
			 const struct jvec *patch_order, const struct jvec *server_order,
			 const char *mk, bool maps, struct jvec *ret)
{
	int rc = normalize_slice(s, patch_items, patch_order, mk, maps);
	if (rc == 0)
		rc = normalize_slice(s, server_only, server_order, mk, maps);
	if (rc == 0)
		merge_sorted(server_only, patch_items, server_order, mk, ret);
	smp__vec_release(patch_items);
	smp__vec_release(server_only);
	return rc;
}
