/*
 * strategic_diff.c - computing strategic merge patches (apimachinery's
 * diffMaps / diffLists, CreateTwoWayMergePatch, CreateThreeWayMergePatch):
 * what kubectl's client-side apply sends; see patch.h.
 *
 * The three-way patch is the changes from the live object to the new
 * configuration without deletions ("delta"), merged with the deletions from
 * the last-applied to the new configuration ("deletions"), so fields only
 * others set are never touched. Merge-key and scalar values are compared as
 * Go's %v prints them, which decides the order of deletion entries.
 */
#include "api/patch/strategic_internal.h"

#include <math.h>

struct diff {
	bool ignore_changes;   /* only deletions */
	bool ignore_deletions; /* only changes and additions */
	bool set_order;	       /* emit $setElementOrder */
	bool retain_keys;      /* emit $retainKeys for this map */
	struct strbuf *err;
};

static int diff_maps(const cJSON *o, const cJSON *m, const struct k8c_type *t, const struct diff *d,
		     cJSON *patch);

/* v as Go's fmt %v prints a JSON scalar (close enough for merge keys and sorting). */
static void go_value(const cJSON *v, struct strbuf *out)
{
	if (cJSON_IsString(v))
		strbuf_addstr(out, v->valuestring);
	else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		 fabs(v->valuedouble) < 1e6)
		strbuf_addf(out, "%.0f", v->valuedouble);
	else if (cJSON_IsNumber(v))
		strbuf_addf(out, "%g", v->valuedouble);
	else if (cJSON_IsBool(v))
		strbuf_addstr(out, cJSON_IsTrue(v) ? "true" : "false");
	else
		strbuf_addstr(out, "<nil>");
}

struct keyed {
	cJSON *item;
	char *key;
};

/* The elements of arr with their %v key (of mk, or the element), sorted by key. */
static int sorted_keyed(const struct diff *d, const cJSON *arr, const char *mk, struct keyed **ret,
			size_t *n)
{
	struct jvec v = { 0 };
	smp__vec_borrow(&v, arr);
	struct keyed *k = xcalloc(v.n ? v.n : 1, sizeof(*k));
	struct smp s = { .err = d->err };
	for (size_t i = 0; i < v.n; i++) {
		struct strbuf sb = STRBUF_INIT;
		if (mk && smp__need_merge_key(&s, v.v[i], mk) < 0) {
			for (size_t j = 0; j < i; j++)
				free(k[j].key);
			free(k);
			smp__vec_release(&v);
			return -EBADMSG;
		}
		go_value(mk ? patch__get(v.v[i], mk) : v.v[i], &sb);
		k[i] = (struct keyed){ .item = v.v[i], .key = strbuf_detach(&sb, NULL) };
	}
	/* stable insertion sort: equal keys keep their array order */
	for (size_t i = 1; i < v.n; i++)
		for (size_t j = i; j > 0 && strcmp(k[j - 1].key, k[j].key) > 0; j--) {
			struct keyed t = k[j];
			k[j] = k[j - 1];
			k[j - 1] = t;
		}
	*ret = k;
	*n = v.n;
	smp__vec_release(&v);
	return 0;
}

static void free_keyed(struct keyed *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(k[i].key);
	free(k);
}

/* The patch of a map element present on both sides, with its merge key, when not empty. */
static int diff_matched(const cJSON *o, const cJSON *m, const struct k8c_field *f,
			const struct diff *d, struct jvec *changes)
{
	cJSON *sub = patch__object();
	int rc = diff_maps(o, m, smp__sub(f), d, sub);
	if (!sub->child) {
		cJSON_Delete(sub);
		return rc;
	}
	patch__set(sub, f->merge_key, patch__dup(patch__get(m, f->merge_key)));
	smp__push(changes, sub);
	return rc;
}

/* A deletion: {"$patch":"delete", <mk>: v} for maps, the value itself (once) for scalars. */
static void push_deletion(struct jvec *deletions, const cJSON *item, const char *mk)
{
	if (!mk) {
		if (!deletions->n || !patch__equal(deletions->v[deletions->n - 1], item))
			smp__push(deletions, patch__dup(item));
		return;
	}
	cJSON *del = patch__object();
	patch__set(del, mk, patch__dup(patch__get(item, mk)));
	patch__set(del, SMP_DIRECTIVE, patch__string("delete"));
	smp__push(deletions, del);
}

/*
 * diffListsOfMaps / diffListsOfScalars (f NULL): both lists sorted by key,
 * walked together: changed or added elements to changes, removed ones to
 * deletions (sorted).
 */
static int diff_elements(const cJSON *o, const cJSON *m, const struct k8c_field *f,
			 const struct diff *d, struct jvec *changes, struct jvec *deletions)
{
	const char *mk = f ? f->merge_key : NULL;
	struct keyed *ko = NULL, *km = NULL;
	size_t on = 0, mn = 0, i = 0, j = 0;
	int rc = sorted_keyed(d, o, mk, &ko, &on);
	if (rc == 0)
		rc = sorted_keyed(d, m, mk, &km, &mn);
	while (rc == 0 && (i < on || j < mn)) {
		int c = i >= on ? 1 : j >= mn ? -1 : strcmp(ko[i].key, km[j].key);
		if (c == 0 && mk)
			rc = diff_matched(ko[i].item, km[j].item, f, d, changes);
		else if (c > 0 && !d->ignore_changes)
			smp__push(changes, patch__dup(km[j].item));
		else if (c < 0 && !d->ignore_deletions)
			push_deletion(deletions, ko[i].item, mk);
		i += c <= 0;
		j += c >= 0;
	}
	free_keyed(ko, on);
	free_keyed(km, mn);
	return rc;
}

static bool same_order(const cJSON *o, const cJSON *m, const char *mk)
{
	if (cJSON_GetArraySize(o) != cJSON_GetArraySize(m))
		return false;
	for (const cJSON *a = o->child, *b = m->child; a && b; a = a->next, b = b->next)
		if (!patch__equal(patch__get(a, mk), patch__get(b, mk)))
			return false;
	return true;
}

/* The $setElementOrder list for a list of maps: {mk: value} per element of m. */
static cJSON *order_of_maps(const cJSON *m, const char *mk)
{
	cJSON *order = patch__array();
	for (const cJSON *e = m->child; e; e = e->next) {
		cJSON *one = patch__object();
		patch__set(one, mk, patch__dup(patch__get(e, mk)));
		patch__append(order, one);
	}
	return order;
}

static cJSON *vec_to_array(struct jvec *v)
{
	cJSON *arr = patch__array();
	smp__vec_attach(v, arr);
	return arr;
}

static void set_list(cJSON *patch, const char *prefix, const char *key, cJSON *val)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s%s", prefix, key);
	if (val && val->child)
		patch__set(patch, sb.buf, val);
	else
		cJSON_Delete(val);
	strbuf_release(&sb);
}

static int diff_map_list(const cJSON *o, const cJSON *m, const struct k8c_field *f,
			 const struct diff *d, const char *key, cJSON *patch)
{
	struct jvec changes = { 0 }, deletions = { 0 }, order = { 0 };
	struct smp s = { .err = d->err };
	if (!f->merge_key)
		return patch__fail(d->err, -EBADMSG,
				   "cannot merge lists without merge key for type map");
	int rc = diff_elements(o, m, f, d, &changes, &deletions);
	smp__vec_borrow(&order, m);
	for (const cJSON *e = m->child; rc == 0 && e; e = e->next)
		rc = smp__need_merge_key(&s, e, f->merge_key);
	if (rc == 0)
		smp__sort_by(&changes, &order, f->merge_key);
	bool reordered = rc == 0 && !same_order(o, m, f->merge_key);
	for (size_t i = 0; i < deletions.n; i++)
		smp__push(&changes, deletions.v[i]);
	bool any = changes.n > 0;
	set_list(patch, "", key, vec_to_array(&changes));
	if (rc == 0 && d->set_order &&
	    ((!d->ignore_changes && (any || reordered)) || (!d->ignore_deletions && any)))
		set_list(patch, SMP_SET_ORDER, key, order_of_maps(m, f->merge_key));
	smp__vec_release(&changes);
	smp__vec_release(&deletions);
	smp__vec_release(&order);
	return rc;
}

static int diff_scalar_list(const cJSON *o, const cJSON *m, const struct diff *d, const char *key,
			    cJSON *patch)
{
	struct jvec added = { 0 }, deleted = { 0 }, order = { 0 };
	int rc = diff_elements(o, m, NULL, d, &added, &deleted);
	smp__vec_borrow(&order, m);
	smp__sort_by(&added, &order, NULL);
	bool any_deleted = deleted.n > 0;
	set_list(patch, "", key, vec_to_array(&added));
	set_list(patch, SMP_DELETE_PRIMITIVE, key, vec_to_array(&deleted));
	if (rc == 0 && d->set_order &&
	    ((!d->ignore_deletions && any_deleted) || (!d->ignore_changes && !patch__equal(o, m))))
		set_list(patch, SMP_SET_ORDER, key, patch__dup(m));
	smp__vec_release(&added);
	smp__vec_release(&deleted);
	smp__vec_release(&order);
	return rc;
}

/* diffLists for a merged list: an empty original takes the whole new list. */
static int diff_lists(const cJSON *o, const cJSON *m, const struct k8c_field *f,
		      const struct diff *d, const char *key, cJSON *patch)
{
	struct smp s = { .err = d->err };
	const char *kind;
	if (!o->child) {
		if (m->child && !d->ignore_changes)
			patch__set(patch, key, patch__dup(m));
		return 0;
	}
	int rc = smp__element_kind(&s, o, m, &kind);
	if (rc < 0)
		return rc;
	if (!strcmp(kind, "object"))
		return diff_map_list(o, m, f, d, key, patch);
	return diff_scalar_list(o, m, d, key, patch);
}

static int diff_member(const cJSON *ov, const cJSON *mv, const struct k8c_type *t,
		       const struct diff *d, cJSON *patch)
{
	const struct k8c_field *f = smp__field(t, mv->string);
	struct diff sub_d = *d;
	sub_d.retain_keys = f && (f->flags & K8C_FF_PATCH_RETAIN_KEYS);
	if (cJSON_IsObject(mv) && !(f && (f->flags & K8C_FF_PATCH_REPLACE))) {
		cJSON *sub = patch__object();
		int rc = diff_maps(ov, mv, smp__sub(f), &sub_d, sub);
		if (sub->child)
			patch__set(patch, mv->string, sub);
		else
			cJSON_Delete(sub);
		return rc;
	}
	if (cJSON_IsArray(mv) && smp__is_merge_list(f))
		return diff_lists(ov, mv, f, &sub_d, mv->string, patch);
	if (!d->ignore_changes && !patch__equal(ov, mv))
		patch__set(patch, mv->string, patch__dup(mv));
	return 0;
}

/* A member of o with a non-null value that m lacks (hasAdditionalNewField). */
static bool has_dropped_field(const cJSON *o, const cJSON *m)
{
	for (const cJSON *e = o ? o->child : NULL; e; e = e->next)
		if (!cJSON_IsNull(e) && !patch__get(m, e->string))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds the sorted $retainKeys list of m's non-null members when upstream would. */
static void add_retain_keys(const cJSON *o, const cJSON *m, cJSON *patch)
{
	size_t n = 0;
	const char **names = xcalloc((size_t)cJSON_GetArraySize(m) + 1, sizeof(*names));
	for (const cJSON *e = m->child; e; e = e->next)
		if (!cJSON_IsNull(e))
			names[n++] = e->string;
	if (n && (patch->child || has_dropped_field(o, m))) {
		qsort(names, n, sizeof(*names), cmp_str);
		cJSON *keys = patch__array();
		for (size_t i = 0; i < n; i++)
			patch__append(keys, patch__string(names[i]));
		patch__set(patch, SMP_RETAIN_KEYS, keys);
	}
	free(names);
}

static int diff_maps(const cJSON *o, const cJSON *m, const struct k8c_type *t, const struct diff *d,
		     cJSON *patch)
{
	int rc = 0;
	for (const cJSON *mv = m->child; mv && rc == 0; mv = mv->next) {
		const cJSON *ov = patch__get(o, mv->string);
		if (!ov || strcmp(patch__kind(ov), patch__kind(mv))) {
			if (!d->ignore_changes)
				patch__set(patch, mv->string, patch__dup(mv));
			continue;
		}
		rc = diff_member(ov, mv, t, d, patch);
	}
	for (const cJSON *ov = o ? o->child : NULL; ov && !d->ignore_deletions; ov = ov->next)
		if (!patch__get(m, ov->string))
			patch__set(patch, ov->string, patch__null());
	if (d->retain_keys)
		add_retain_keys(o, m, patch);
	return rc;
}

static int check_docs(const cJSON *original, const cJSON *modified, const cJSON *current,
		      struct strbuf *err)
{
	if (!cJSON_IsObject(modified) || (original && !cJSON_IsObject(original)) ||
	    (current && !cJSON_IsObject(current)))
		return patch__fail(err, -EBADMSG, "invalid JSON document");
	return 0;
}

int strategic_patch_three_way(const cJSON *original, const cJSON *modified, const cJSON *current,
			      const struct k8c_type *type, cJSON **ret_patch, struct strbuf *err)
{
	struct diff delta_d = { .ignore_deletions = true, .set_order = true, .err = err };
	struct diff dels_d = { .ignore_changes = true, .set_order = true, .err = err };
	struct smp s = { .apply = false, .err = err };
	int rc = check_docs(original, modified, current, err);
	if (rc < 0)
		return rc;
	cJSON *delta = patch__object(), *patch = patch__object();
	rc = diff_maps(current, modified, type, &delta_d, delta);
	if (rc == 0)
		rc = diff_maps(original, modified, type, &dels_d, patch);
	if (rc == 0)
		rc = smp__merge_object(&s, patch, delta, type);
	cJSON_Delete(delta);
	if (rc < 0) {
		cJSON_Delete(patch);
		return rc;
	}
	patch__sort_keys(patch);
	*ret_patch = patch;
	return 0;
}

int strategic_patch_two_way(const cJSON *original, const cJSON *modified,
			    const struct k8c_type *type, cJSON **ret_patch, struct strbuf *err)
{
	struct diff d = { .set_order = true, .err = err };
	int rc = check_docs(original, modified, NULL, err);
	if (rc < 0)
		return rc;
	cJSON *patch = patch__object();
	rc = diff_maps(original, modified, type, &d, patch);
	if (rc < 0) {
		cJSON_Delete(patch);
		return rc;
	}
	patch__sort_keys(patch);
	*ret_patch = patch;
	return 0;
}
