/*
 * strategic_list.c - strategic merge patch of lists (apimachinery's
 * mergeSlice and mergePatchIntoOriginal): lists of objects merged by their
 * merge key with "$patch: delete" / "$patch: replace" elements, primitive
 * lists merged as sets or shrunk by $deleteFromPrimitiveList, and the
 * $setElementOrder directive; see strategic_internal.h.
 */
#include "api/patch/strategic_internal.h"

static bool directive_is(const cJSON *item, const char *what)
{
	const cJSON *d = patch__get(item, SMP_DIRECTIVE);
	return cJSON_IsString(d) && strcmp(d->valuestring, what) == 0;
}

/* A copy of a patch element the original does not have. */
static cJSON *new_element(struct smp *s, const cJSON *e, const struct k8c_type *sub, int *rc)
{
	cJSON *o;
	*rc = 0;
	if (!s->apply)
		return patch__dup(e);
	o = patch__object();
	*rc = smp__merge_object(s, o, e, sub);
	return o;
}

static void free_items(struct jvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		cJSON_Delete(v->v[i]);
	smp__vec_release(v);
}

/* Deletes every item with the merge key value of elem. */
static void delete_matching(struct jvec *items, const cJSON *elem, const char *mk)
{
	long idx;
	while ((idx = smp__index(items, elem, mk)) >= 0) {
		cJSON_Delete(items->v[idx]);
		memmove(&items->v[idx], &items->v[idx + 1],
			(items->n - (size_t)idx - 1) * sizeof(cJSON *));
		items->n--;
	}
}

static int special_element(struct smp *s, struct jvec *items, const cJSON *e, const char *mk,
			   bool *replace)
{
	const cJSON *d = patch__get(e, SMP_DIRECTIVE);
	if (directive_is(e, "delete")) {
		int rc = smp__need_merge_key(s, e, mk);
		if (rc == 0)
			delete_matching(items, e, mk);
		return rc;
	}
	if (directive_is(e, "replace"))
		*replace = true;
	else if (!directive_is(e, "merge"))
		return patch__fail(s->err, -EBADMSG, "unknown patch type: %s in a list element",
				   cJSON_IsString(d) ? d->valuestring : "(not a string)");
	return 0;
}

/*
 * mergeSliceWithSpecialElements: executes "$patch" elements of the patch on
 * items; the other patch elements go to rest (borrowed).
 */
static int special_elements(struct smp *s, struct jvec *items, const cJSON *patch, const char *mk,
			    const struct k8c_type *sub, struct jvec *rest)
{
	bool replace = false;
	for (cJSON *e = patch->child; e; e = e->next) {
		int rc = 0;
		if (patch__get(e, SMP_DIRECTIVE))
			rc = special_element(s, items, e, mk, &replace);
		else
			smp__push(rest, e);
		if (rc < 0)
			return rc;
	}
	if (!replace)
		return 0;
	/* the list becomes the patch's elements */
	free_items(items);
	for (size_t i = 0; i < rest->n; i++) {
		int rc;
		smp__push(items, new_element(s, rest->v[i], sub, &rc));
		if (rc < 0)
			return rc;
	}
	rest->n = 0;
	return 0;
}

static int merge_elements(struct smp *s, struct jvec *items, const struct jvec *rest,
			  const char *mk, const struct k8c_type *sub)
{
	for (size_t i = 0; i < rest->n; i++) {
		int rc = smp__need_merge_key(s, rest->v[i], mk);
		long idx = rc < 0 ? -1 : smp__index(items, rest->v[i], mk);
		if (rc == 0 && idx >= 0)
			rc = smp__merge_object(s, items->v[idx], rest->v[i], sub);
		else if (rc == 0)
			smp__push(items, new_element(s, rest->v[i], sub, &rc));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Orders items: patch elements by the patch, the others where the original had them. */
static int reorder(struct smp *s, struct jvec *items, const struct jvec *patch_order,
		   const struct jvec *server_order, const char *mk, bool maps)
{
	struct jvec in = { 0 }, out = { 0 }, result = { 0 };
	int rc = smp__partition(s, items, patch_order, mk, &in, &out);
	if (rc == 0)
		rc = smp__normalize_order(s, &in, &out, patch_order, server_order, mk, maps,
					  &result);
	smp__vec_release(&in);
	smp__vec_release(&out);
	if (rc == 0) {
		smp__vec_release(items);
		*items = result;
	} else {
		smp__vec_release(&result);
	}
	return rc;
}

static int merge_maps(struct smp *s, cJSON *orig, const cJSON *patch, const char *mk,
		      const struct k8c_type *sub)
{
	struct jvec items = { 0 }, rest = { 0 }, server = { 0 };
	smp__vec_detach(&items, orig);
	int rc = special_elements(s, &items, patch, mk, sub, &rest);
	for (size_t i = 0; rc == 0 && i < items.n; i++)
		smp__push(&server, items.v[i]);
	if (rc == 0)
		rc = merge_elements(s, &items, &rest, mk, sub);
	if (rc == 0)
		rc = reorder(s, &items, &rest, &server, mk, true);
	smp__vec_attach(&items, orig);
	smp__vec_release(&items);
	smp__vec_release(&rest);
	smp__vec_release(&server);
	return rc;
}

static int merge_scalars(struct smp *s, cJSON *orig, const cJSON *patch, bool delete_list)
{
	struct jvec items = { 0 }, kept = { 0 }, pv = { 0 }, server = { 0 };
	smp__vec_detach(&items, orig);
	smp__vec_borrow(&pv, patch);
	/* deletions, or the original as a set (duplicates dropped, like deduplicateScalars) */
	for (size_t i = 0; i < items.n; i++) {
		bool drop = delete_list ? smp__index(&pv, items.v[i], NULL) >= 0
					: smp__index(&kept, items.v[i], NULL) >= 0;
		if (drop)
			cJSON_Delete(items.v[i]);
		else
			smp__push(&kept, items.v[i]);
	}
	int rc = 0;
	if (!delete_list) {
		for (size_t i = 0; i < kept.n; i++)
			smp__push(&server, kept.v[i]);
		for (size_t i = 0; i < pv.n; i++)
			if (smp__index(&kept, pv.v[i], NULL) < 0)
				smp__push(&kept, patch__dup(pv.v[i]));
		rc = reorder(s, &kept, &pv, &server, NULL, false);
	}
	smp__vec_attach(&kept, orig);
	smp__vec_release(&items);
	smp__vec_release(&kept);
	smp__vec_release(&pv);
	smp__vec_release(&server);
	return rc;
}

int smp__merge_list(struct smp *s, cJSON *orig, const cJSON *patch, const struct k8c_field *f,
		    bool delete_list)
{
	const char *kind;
	int rc = smp__element_kind(s, orig, patch, &kind);
	if (rc < 0 || !*kind)
		return rc;
	if (strcmp(kind, "object"))
		return merge_scalars(s, orig, patch, delete_list && s->apply);
	if (delete_list)
		return patch__fail(s->err, -EBADMSG, "invalid patch format of primitive list");
	if (!f || !f->merge_key)
		return patch__fail(s->err, -EBADMSG,
				   "cannot merge lists without merge key for type map");
	return merge_maps(s, orig, patch, f->merge_key, smp__sub(f));
}

/*
 * validatePatchWithSetOrderList: the patch list's elements (deletions
 * aside) must appear in the order list, in the same relative order.
 */
static int check_order(struct smp *s, const cJSON *list, const cJSON *order, const char *mk)
{
	struct jvec items = { 0 }, ord = { 0 };
	int rc = 0;
	for (cJSON *e = cJSON_IsArray(list) ? list->child : NULL; e; e = e->next)
		if (!mk || !directive_is(e, "delete"))
			smp__push(&items, e);
	smp__vec_borrow(&ord, order);
	size_t p = 0, o = 0;
	while (rc == 0 && p < items.n && o < ord.n) {
		if (mk && patch__get(items.v[p], SMP_DIRECTIVE)) {
			p++;
			continue;
		}
		if (mk && ((rc = smp__need_merge_key(s, items.v[p], mk)) < 0 ||
			   (rc = smp__need_merge_key(s, ord.v[o], mk)) < 0))
			break;
		struct jvec one = { .v = &ord.v[o], .n = 1 };
		if (smp__index(&one, items.v[p], mk) == 0)
			p++;
		o++;
	}
	if (rc == 0 && p < items.n && s->err) {
		strbuf_addstr(s->err, "the order in patch list:\n");
		patch__print(list, s->err);
		strbuf_addstr(s->err, "\n doesn't match $setElementOrder list:\n");
		patch__print(order, s->err);
	}
	rc = rc == 0 && p < items.n ? -EBADMSG : rc;
	smp__vec_release(&items);
	smp__vec_release(&ord);
	return rc;
}

/* The merged list before ordering: the original, the patch's, or both merged. */
static int merged_list(struct smp *s, cJSON *orig, const char *key, const cJSON *pl,
		       const struct k8c_field *f, cJSON **ret)
{
	cJSON *ol = patch__get(orig, key);
	int rc = 0;
	if (ol && pl && smp__is_merge_list(f))
		rc = smp__merge_list(s, ol, pl, f, false);
	else if (pl)
		patch__set(orig, key, (ol = smp__new_value(s, pl, f, &rc)) ? ol : patch__array());
	*ret = patch__get(orig, key);
	return rc;
}

int smp__set_element_order(struct smp *s, cJSON *orig, const cJSON *patch, const cJSON *directive,
			   const struct k8c_type *t)
{
	const char *key = directive->string + strlen(SMP_SET_ORDER);
	const cJSON *pl = patch__get(patch, key);
	cJSON *ol = patch__get(orig, key), *list;
	const struct k8c_field *f = smp__field(t, key);
	const char *mk = f && f->type == K8C_FT_OBJECT ? f->merge_key : NULL, *kind;
	if (!cJSON_IsArray(directive) || (pl && !cJSON_IsArray(pl)))
		return patch__fail(s->err, -EBADMSG,
				   "invalid patch format of setElementOrder list");
	if (ol && !cJSON_IsArray(ol))
		return patch__fail(s->err, -EINVAL, "%s is not a list", key);
	int rc = smp__element_kind(s, ol, pl, &kind);
	if (rc < 0 || (!ol && !pl))
		return rc;
	if (!strcmp(kind, "object") && !mk)
		return patch__fail(s->err, -EBADMSG,
				   "cannot merge lists without merge key for type map");
	if ((rc = check_order(s, pl, directive, mk)) < 0)
		return rc;
	cJSON *server_list = ol ? patch__dup(ol) : patch__array();
	struct jvec server = { 0 }, order = { 0 }, items = { 0 };
	smp__vec_borrow(&server, server_list);
	smp__vec_borrow(&order, directive);
	rc = merged_list(s, orig, key, pl, f, &list);
	if (rc == 0) {
		smp__vec_detach(&items, list);
		rc = reorder(s, &items, &order, &server, mk, !strcmp(kind, "object"));
		smp__vec_attach(&items, list);
	}
	smp__vec_release(&items);
	smp__vec_release(&server);
	smp__vec_release(&order);
	cJSON_Delete(server_list);
	return rc;
}
