/*
 * newrs.c - finding or creating a Deployment's new ReplicaSet
 * (getNewReplicaSet): the one whose template is the Deployment's, named
 * "<deployment>-<pod-template-hash>" so that creating it twice is harmless,
 * with the next revision number. A name taken by a ReplicaSet with another
 * template is a hash collision: collisionCount goes up and the next sync
 * tries another name.
 */
#include "controllers/deployment/deployment_internal.h"

#include "api/codec.h"
#include "api/kinds.h"
#include "api/values.h"
#include "controllers/ownerref.h"

/* Existing new ReplicaSet: bring its annotations and minReadySeconds up to date. */
static int update_existing(struct dsync *s, struct k8c_replica_set *rs, const char *revision)
{
	struct k8c_deployment *d = s->d;
	bool ann = dep_set_new_rs_annotations(d, rs, revision, true);
	bool mrs = rs->spec.min_ready_seconds != d->spec.min_ready_seconds;
	int r;

	if (ann || mrs) {
		rs->spec.min_ready_seconds = d->spec.min_ready_seconds;
		rs->spec.has_min_ready_seconds = d->spec.min_ready_seconds != 0;
		if ((r = s->ops->update_rs(s, rs)) < 0)
			return r;
	}
	bool needs_update = dep_set_revision(
		d, k8c_strmap_get(&rs->metadata.annotations, DEP_ANN_REVISION));
	if (dep_has_progress_deadline(d) && !dep_condition(&d->status, "Progressing")) {
		struct strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "Found new replica set \"%s\"", rs->metadata.name);
		dep_condition_set(&d->status, "Progressing", "True", "FoundNewReplicaSet", msg.buf,
				  s->now_ns);
		strbuf_release(&msg);
		needs_update = true;
	}
	return needs_update ? s->ops->update_status(s, d) : 0;
}

/* The ReplicaSet object for d's template (replicas still 0). */
static struct k8c_replica_set *build(const struct k8c_deployment *d)
{
	struct k8c_replica_set *rs = xcalloc(1, sizeof(*rs));
	struct strbuf hash = STRBUF_INIT, name = STRBUF_INIT;

	dep_template_hash(&d->spec.template, d->status.has_collision_count ?
						     &d->status.collision_count : NULL, &hash);
	strbuf_addf(&name, "%s-%s", d->metadata.name, hash.buf);
	rs->kind = xstrdup("ReplicaSet");
	rs->api_version = xstrdup("apps/v1");
	rs->metadata.name = strbuf_detach(&name, NULL);
	rs->metadata.namespace = xstrdup(d->metadata.namespace);
	ownerref_add_controller(&rs->metadata, k8c_kind_by_kind("apps/v1", "Deployment"),
				&d->metadata);
	k8c_copy(&k8c_type_pod_template_spec, &rs->spec.template, &d->spec.template);
	k8c_strmap_set(&rs->spec.template.metadata.labels, DEP_LABEL_HASH, hash.buf);
	k8c_strmap_copy(&rs->metadata.labels, &rs->spec.template.metadata.labels);
	rs->spec.selector = d->spec.selector ?
				    k8c_dup(&k8c_type_label_selector, d->spec.selector) :
				    xcalloc(1, sizeof(*rs->spec.selector));
	k8c_strmap_set(&rs->spec.selector->match_labels, DEP_LABEL_HASH, hash.buf);
	rs->spec.min_ready_seconds = d->spec.min_ready_seconds;
	rs->spec.has_min_ready_seconds = d->spec.min_ready_seconds != 0;
	rs->spec.has_replicas = true;
	strbuf_release(&hash);
	return rs;
}

/*
 * AlreadyExists: ours (a slow cache), or a hash collision (collisionCount goes
 * up). Returns the ReplicaSet to use, or NULL to retry later.
 */
static struct k8c_replica_set *resolve_exists(struct dsync *s, const struct k8c_replica_set *want)
{
	struct k8c_deployment *d = s->d;
	struct k8c_replica_set *rs =
		s->ops->get_rs(s, want->metadata.namespace, want->metadata.name);

	if (!rs)
		return NULL; /* created by us a moment ago, not in the cache yet: retry later */
	if (ownerref_is_controlled_by(&rs->metadata, d->metadata.uid) &&
	    dep_template_equal(&d->spec.template, &rs->spec.template))
		return rs;
	k8c_free(&k8c_type_replica_set, rs);
	d->status.collision_count++;
	d->status.has_collision_count = true;
	s->ops->update_status(s, d);
	return NULL;
}

static int create_failed(struct dsync *s, const struct k8c_replica_set *rs, int r,
			 const char *why)
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_addf(&msg, "Failed to create new replica set \"%s\": %s", rs->metadata.name, why);
	if (dep_has_progress_deadline(s->d)) {
		dep_condition_set(&s->d->status, "Progressing", "False", "ReplicaSetCreateError",
				  msg.buf, s->now_ns);
		s->ops->update_status(s, s->d); /* the creation failure is the bigger issue */
	}
	dsync_eventf(s, "Warning", "ReplicaSetCreateError", "%s", msg.buf);
	strbuf_release(&msg);
	return r;
}

/* Records the created (or found) RS, then the revision and Progressing condition. */
static int created(struct dsync *s, struct k8c_replica_set *rs, bool existed, int32_t replicas,
		   const char *revision, struct k8c_replica_set **ret)
{
	struct k8c_deployment *d = s->d;

	ALLOC_GROW(s->rs, s->n_rs + 1, s->alloc_rs);
	s->rs[s->n_rs++] = rs;
	*ret = rs;
	if (!existed && replicas > 0)
		dsync_eventf(s, "Normal", "ScalingReplicaSet", "Scaled up replica set %s to %d",
			     rs->metadata.name, replicas);
	bool needs_update = dep_set_revision(d, revision);
	if (!existed && dep_has_progress_deadline(d)) {
		struct strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "Created new replica set \"%s\"", rs->metadata.name);
		dep_condition_set(&d->status, "Progressing", "True", "NewReplicaSetCreated",
				  msg.buf, s->now_ns);
		strbuf_release(&msg);
		needs_update = true;
	}
	return needs_update ? s->ops->update_status(s, d) : 0;
}

static int create_new(struct dsync *s, const struct rslist *old, const char *revision,
		      struct k8c_replica_set **ret)
{
	struct k8c_replica_set *rs = build(s->d), *out = NULL;
	struct rslist all = { 0 };
	struct strbuf why = STRBUF_INIT;
	int r;

	for (size_t i = 0; i < old->n; i++)
		rslist_push(&all, old->v[i]);
	rslist_push(&all, rs);
	int32_t replicas = dep_new_rs_replicas(s->d, &all, rs);
	rslist_release(&all);
	rs->spec.replicas = replicas;
	dep_set_new_rs_annotations(s->d, rs, revision, false);
	r = s->ops->create_rs(s, rs, &out, &why);
	if (r == -EEXIST) {
		out = resolve_exists(s, rs);
		r = out ? created(s, out, true, replicas, revision, ret) : -EEXIST;
	} else if (r < 0) {
		r = create_failed(s, rs, r, why.buf);
	} else {
		r = created(s, out, false, replicas, revision, ret);
	}
	strbuf_release(&why);
	k8c_free(&k8c_type_replica_set, rs);
	return r;
}

int dsync_new_and_old(struct dsync *s, bool create, struct k8c_replica_set **ret_new,
		      struct rslist *ret_old)
{
	struct rslist all = { .v = s->rs, .n = s->n_rs };
	struct k8c_replica_set *existing = dep_find_new(s->d, &all);
	char revision[24];

	*ret_new = NULL;
	memset(ret_old, 0, sizeof(*ret_old));
	for (size_t i = 0; i < s->n_rs; i++)
		if (s->rs[i] != existing)
			rslist_push(ret_old, s->rs[i]);
	snprintf(revision, sizeof(revision), "%lld",
		 (long long)rslist_max_revision(ret_old) + 1);
	if (existing) {
		*ret_new = existing;
		return update_existing(s, existing, revision);
	}
	return create ? create_new(s, ret_old, revision, ret_new) : 0;
}
