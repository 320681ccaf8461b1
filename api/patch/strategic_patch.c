/*
 * strategic_patch.c - strategic merge patch of objects (apimachinery's
 * mergeMap): map directives ($patch, $retainKeys), then $setElementOrder
 * lists, then every other member by its schema field; see patch.h. List
 * merging lives in strategic_list.c, ordering in strategic_order.c.
 *
 * Deviations from upstream, all towards stricter or cleaner results:
 * "$patch: merge" is accepted (as a no-op) instead of rejected; values the
 * original lacks have their directives executed and nulls dropped also
 * inside new list elements; a $deleteFromPrimitiveList on a list that is
 * not merged still deletes (upstream would store the deletion list).
 */
#include "api/patch/strategic_internal.h"

static int map_directive(struct smp *s, cJSON *orig, const cJSON *patch, bool *done)
{
	const cJSON *d = patch__get(patch, SMP_DIRECTIVE);
	*done = false;
	if (!d)
		return 0;
	const char *v = cJSON_IsString(d) ? d->valuestring : "";
	if (!strcmp(v, "delete") || !strcmp(v, "replace")) {
		/* delete leaves an empty map; replace then takes the patch's members */
		patch__clear(orig);
		*done = v[0] == 'd';
		return 0;
	}
	if (!strcmp(v, "merge"))
		return 0;
	if (s->err) {
		strbuf_addf(s->err, "unknown patch type: %s in map: ", v);
		patch__print(patch, s->err);
	}
	return -EBADMSG;
}

static bool in_list(const cJSON *list, const char *key)
{
	for (const cJSON *c = list->child; c; c = c->next)
		if (cJSON_IsString(c) && strcmp(c->valuestring, key) == 0)
			return true;
	return false;
}

/* When merging two patches the directive is carried over (and must agree). */
static int carry_directive(struct smp *s, cJSON *orig, const cJSON *d, const char *what)
{
	const cJSON *have = patch__get(orig, d->string);
	if (have && !patch__equal(have, d))
		return patch__fail(s->err, -EBADMSG, "invalid patch format of %s", what);
	if (!have)
		patch__set(orig, d->string, patch__dup(d));
	return 0;
}

/* $retainKeys: only the listed keys survive; every patch key must be listed. */
static int retain_keys(struct smp *s, cJSON *orig, const cJSON *patch)
{
	const cJSON *list = patch__get(patch, SMP_RETAIN_KEYS);
	if (!list)
		return 0;
	if (!s->apply)
		return carry_directive(s, orig, list, "retainKeys");
	if (!cJSON_IsArray(list))
		return patch__fail(s->err, -EBADMSG, "invalid patch format of retainKeys");
	for (const cJSON *m = patch->child; m; m = m->next) {
		if (cJSON_IsNull(m) || !strcmp(m->string, SMP_RETAIN_KEYS) ||
		    str_has_prefix(m->string, SMP_DELETE_PRIMITIVE) ||
		    str_has_prefix(m->string, SMP_SET_ORDER))
			continue;
		if (!in_list(list, m->string))
			return patch__fail(s->err, -EINVAL,
					   "patch content doesn't match retainKeys list");
	}
	for (cJSON *m = orig->child, *next; m; m = next) {
		next = m->next;
		if (!in_list(list, m->string))
			cJSON_Delete(cJSON_DetachItemViaPointer(orig, m));
	}
	return 0;
}

static int set_orders(struct smp *s, cJSON *orig, const cJSON *patch, const struct k8c_type *t)
{
	for (const cJSON *m = patch->child; m; m = m->next) {
		if (!str_has_prefix(m->string, SMP_SET_ORDER))
			continue;
		if (!s->apply) {
			int rc = carry_directive(s, orig, m, "setElementOrder list");
			if (rc < 0)
				return rc;
		}
		int rc = smp__set_element_order(s, orig, patch, m, t);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Members the main loop leaves alone: directives, and lists a $setElementOrder handled. */
static bool handled_elsewhere(const cJSON *patch, const char *key)
{
	if (!strcmp(key, SMP_DIRECTIVE) || !strcmp(key, SMP_RETAIN_KEYS) ||
	    str_has_prefix(key, SMP_SET_ORDER))
		return true;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, SMP_SET_ORDER "%s", key);
	bool handled = patch__get(patch, sb.buf) != NULL;
	strbuf_release(&sb);
	return handled;
}

/* Copies a non-merged list, elements cleaned as new values (removeDirectives). */
static int clean_list(struct smp *s, cJSON *out, const cJSON *pv, const struct k8c_field *f)
{
	for (const cJSON *e = pv->child; e; e = e->next) {
		if (!cJSON_IsObject(e)) {
			patch__append(out, patch__dup(e));
			continue;
		}
		if (patch__get(e, SMP_DIRECTIVE))
			continue;
		cJSON *o = patch__object();
		patch__append(out, o);
		int rc = smp__merge_object(s, o, e, smp__sub(f));
		if (rc < 0)
			return rc;
	}
	return 0;
}

cJSON *smp__new_value(struct smp *s, const cJSON *pv, const struct k8c_field *f, int *rc)
{
	const cJSON *d = patch__get(pv, SMP_DIRECTIVE);
	cJSON *v;
	*rc = 0;
	if (!s->apply || (!cJSON_IsObject(pv) && !cJSON_IsArray(pv)))
		return patch__dup(pv);
	if (cJSON_IsObject(pv)) {
		if (cJSON_IsString(d) && !strcmp(d->valuestring, "delete"))
			return NULL;
		v = patch__object();
		*rc = smp__merge_object(s, v, pv, smp__sub(f));
	} else {
		v = patch__array();
		*rc = smp__is_merge_list(f) ? smp__merge_list(s, v, pv, f, false)
					    : clean_list(s, v, pv, f);
	}
	if (*rc < 0) {
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

static int merge_member(struct smp *s, cJSON *orig, const cJSON *patch, const cJSON *pv,
			const struct k8c_type *t)
{
	const char *k = pv->string;
	bool del_list = str_has_prefix(k, SMP_DELETE_PRIMITIVE);
	if (handled_elsewhere(patch, k))
		return 0;
	if (del_list && !s->apply) {
		patch__set(orig, k, patch__dup(pv));
		return 0;
	}
	k += del_list ? strlen(SMP_DELETE_PRIMITIVE) : 0;
	if (cJSON_IsNull(pv)) {
		cJSON_DeleteItemFromObjectCaseSensitive(orig, k);
		if (s->apply)
			return 0;
	}
	const struct k8c_field *f = smp__field(t, k);
	cJSON *ov = patch__get(orig, k);
	bool replace = f && (f->flags & K8C_FF_PATCH_REPLACE);
	if (cJSON_IsObject(ov) && cJSON_IsObject(pv) && !replace)
		return smp__merge_object(s, ov, pv, smp__sub(f));
	if (cJSON_IsArray(ov) && cJSON_IsArray(pv) && (del_list || smp__is_merge_list(f)))
		return smp__merge_list(s, ov, pv, f, del_list);
	if (del_list)
		return 0;
	int rc;
	cJSON *nv = smp__new_value(s, pv, f, &rc);
	if (nv)
		patch__set(orig, k, nv);
	else if (rc == 0)
		cJSON_DeleteItemFromObjectCaseSensitive(orig, k);
	return rc;
}

int smp__merge_object(struct smp *s, cJSON *orig, const cJSON *patch, const struct k8c_type *t)
{
	bool done;
	int rc = map_directive(s, orig, patch, &done);
	if (rc < 0 || done)
		return rc;
	if ((rc = retain_keys(s, orig, patch)) < 0 || (rc = set_orders(s, orig, patch, t)) < 0)
		return rc;
	for (const cJSON *m = patch->child; m; m = m->next)
		if ((rc = merge_member(s, orig, patch, m, t)) < 0)
			return rc;
	return 0;
}

int strategic_patch_apply(cJSON **doc, const cJSON *patch, const struct k8c_type *type,
			  struct strbuf *err)
{
	struct smp s = { .apply = true, .err = err };
	if (!cJSON_IsObject(patch))
		return patch__fail(err, -EBADMSG, "invalid JSON document");
	if (!cJSON_IsObject(*doc))
		return patch__fail(err, -EINVAL, "the object to patch is not a JSON object");
	cJSON *work = patch__dup(*doc);
	int rc = smp__merge_object(&s, work, patch, type);
	if (rc < 0) {
		cJSON_Delete(work);
		return rc;
	}
	patch__replace_root(doc, work);
	return 0;
}

bool strategic_patch_is_empty(const cJSON *patch)
{
	return cJSON_IsObject(patch) && !patch->child;
}
