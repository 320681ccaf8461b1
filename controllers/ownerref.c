/*
 * ownerref.c - controller references and their patches (ownerref.h).
 */
#include "controllers/ownerref.h"

const struct k8c_owner_reference *ownerref_controller(const struct k8c_object_meta *m)
{
	for (size_t i = 0; i < m->n_owner_references; i++)
		if (m->owner_references[i].controller)
			return &m->owner_references[i];
	return NULL;
}

bool ownerref_is_controlled_by(const struct k8c_object_meta *m, const char *uid)
{
	const struct k8c_owner_reference *ref = ownerref_controller(m);

	return ref && uid && streq_null(ref->uid, uid);
}

void ownerref_add_controller(struct k8c_object_meta *m, const struct k8c_kind *k,
			     const struct k8c_object_meta *owner)
{
	size_t alloc = m->n_owner_references;

	ALLOC_GROW(m->owner_references, m->n_owner_references + 1, alloc);
	struct k8c_owner_reference *ref = &m->owner_references[m->n_owner_references++];
	memset(ref, 0, sizeof(*ref));
	ref->api_version = xstrdup(k->group_version);
	ref->kind = xstrdup(k->kind);
	ref->name = xstrdup(owner->name);
	ref->uid = xstrdup(owner->uid);
	ref->controller = ref->has_controller = true;
	ref->block_owner_deletion = ref->has_block_owner_deletion = true;
}

void ownerref_adopt_patch(struct strbuf *out, const struct k8c_kind *k,
			  const struct k8c_object_meta *owner, const char *child_uid)
{
	strbuf_addstr(out, "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":");
	strbuf_add_json_str(out, k->group_version);
	strbuf_addstr(out, ",\"kind\":");
	strbuf_add_json_str(out, k->kind);
	strbuf_addstr(out, ",\"name\":");
	strbuf_add_json_str(out, owner->name);
	strbuf_addstr(out, ",\"uid\":");
	strbuf_add_json_str(out, owner->uid);
	strbuf_addstr(out, ",\"controller\":true,\"blockOwnerDeletion\":true}],\"uid\":");
	strbuf_add_json_str(out, child_uid);
	strbuf_addstr(out, "}}");
}

void ownerref_release_patch(struct strbuf *out, const char *owner_uid, const char *child_uid)
{
	strbuf_addstr(out, "{\"metadata\":{\"ownerReferences\":[{\"$patch\":\"delete\",\"uid\":");
	strbuf_add_json_str(out, owner_uid);
	strbuf_addstr(out, "}],\"uid\":");
	strbuf_add_json_str(out, child_uid);
	strbuf_addstr(out, "}}");
}
