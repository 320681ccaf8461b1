/*
 * claim.c - adoption and release of controlled objects (claim.h).
 */
#include "controllers/claim.h"

#include <cjson/cJSON.h>

#include "api/object.h"
#include "client/verbs.h"
#include "controllers/apiwrite.h"
#include "controllers/ownerref.h"

static void claim__orphan_index(const void *obj, char ***ret_values, size_t *n, size_t *alloc)
{
	const struct k8c_object *o = obj;

	if (ownerref_controller(&o->metadata))
		return;
	ALLOC_GROW(*ret_values, *n + 1, *alloc);
	(*ret_values)[(*n)++] = xstrdup(o->metadata.namespace ? o->metadata.namespace : "");
}

int claim_add_index(struct k8c_informer *inf)
{
	int r = k8c_informer_add_index(inf, CLAIM_INDEX_ORPHANS, claim__orphan_index);

	return r == -EEXIST ? 0 : r;
}

size_t claim_candidates(struct k8c_informer *inf, const char *ns, const char *uid, void ***ret)
{
	void **owned = NULL, **orphans = NULL;
	size_t n_owned = k8c_informer_by_index(inf, K8C_INDEX_CONTROLLER, uid, &owned);
	size_t n_orphans = k8c_informer_by_index(inf, CLAIM_INDEX_ORPHANS, ns ? ns : "", &orphans);

	if (n_orphans) {
		owned = xrealloc(owned, (n_owned + n_orphans) * sizeof(*owned));
		memcpy(owned + n_owned, orphans, n_orphans * sizeof(*orphans));
	}
	free(orphans);
	*ret = owned;
	return n_owned + n_orphans;
}

/*
 * RecheckDeletionTimestamp: a fresh GET of the owner (the cache may be
 * stale) must show the same uid and no deletionTimestamp before we adopt.
 */
static int claim__recheck_owner(struct claim *c)
{
	struct k8c_resource_path p = {
		.group = c->owner_kind->group,
		.version = c->owner_kind->version,
		.namespace = c->owner->namespace,
		.resource = c->owner_kind->resource,
		.name = c->owner->name,
	};
	struct strbuf path = STRBUF_INIT;
	cJSON *obj = NULL;

	k8c_path_append(&path, &p);
	int r = k8c_get(c->client, path.buf, &obj, NULL);
	strbuf_release(&path);
	if (r < 0)
		return r;
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const char *uid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "uid"));
	const cJSON *del = cJSON_GetObjectItemCaseSensitive(meta, "deletionTimestamp");
	if (!streq_null(uid, c->owner->uid))
		r = -ENOENT; /* the original is gone: a new object has its name */
	else if (del && !cJSON_IsNull(del))
		r = -ESHUTDOWN; /* it has just been deleted */
	cJSON_Delete(obj);
	return r;
}

static int claim__patch(struct claim *c, const struct k8c_object_meta *child, bool adopt)
{
	struct strbuf patch = STRBUF_INIT;

	if (adopt)
		ownerref_adopt_patch(&patch, c->owner_kind, c->owner, child->uid);
	else
		ownerref_release_patch(&patch, c->owner->uid, child->uid);
	int r = apiwrite_patch(c->client, c->child_kind, child->namespace, child->name, patch.buf,
			       NULL);
	strbuf_release(&patch);
	return r;
}

/* Decides and acts on one candidate (ClaimObject). Returns 1 if claimed, 0 if not, or < 0. */
static int claim__one(struct claim *c, const void *cand)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)cand)->metadata;
	const struct k8c_owner_reference *ref = ownerref_controller(m);
	bool match = label_selector_matches(c->selector, &m->labels);
	bool owner_deleting = c->owner->deletion_timestamp != 0;

	if (ref) {
		if (!streq_null(ref->uid, c->owner->uid))
			return 0;
		if (match)
			return 1;
		if (owner_deleting)
			return 0;
		int r = claim__patch(c, m, false);
		return r < 0 && r != -ENOENT ? r : 0; /* vanished meanwhile: not an error */
	}
	if (owner_deleting || !match || m->deletion_timestamp ||
	    !streq_null(m->namespace, c->owner->namespace))
		return 0;
	if (c->adopt_ok == 0)
		c->adopt_ok = claim__recheck_owner(c) < 0 ? -1 : 1;
	if (c->adopt_ok < 0)
		return -EAGAIN;
	int r = claim__patch(c, m, true);
	if (r == -ENOENT)
		return 0;
	return r < 0 ? r : 1;
}

int claim_objects(struct claim *c, void *const *cands, size_t n, void ***ret, size_t *ret_n)
{
	void **out = xcalloc(n ? n : 1, sizeof(*out));
	size_t k = 0;
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		int r = claim__one(c, cands[i]);
		if (r > 0)
			out[k++] = k8c_obj_ref(cands[i]);
		else if (r < 0 && !err)
			err = r;
	}
	*ret = out;
	*ret_n = k;
	return err;
}
