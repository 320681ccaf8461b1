/*
 * objects_write.c - creating objects and the compare-and-swap update loop
 * shared by every other write; see objects.h.
 */
#include "api/codec.h"
#include "apiserver/admission.h"
#include "apiserver/objects.h"
#include "apiserver/strategy.h"
#include "base/random.h"
#include "base/timeutil.h"

#define MIN_CONFLICT_RETRIES 16
#define CONFLICT_RETRY_NS (10 * K8C_NSEC_PER_SEC)
#define CACHE_CATCH_UP_MS 2000

static bool dry_run(const struct api_request *r)
{
	const char *d = http_query(r->http, "dryRun");
	return d && !strcmp(d, "All");
}

/* 404 for a missing namespace, 403 for one being deleted; 0 when new objects may go in. */
static int check_namespace(struct api_request *r, const char *ns, const char *name)
{
	const struct k8c_kind *nsk = k8c_kind_by_resource("", "v1", "namespaces");
	struct strbuf key = STRBUF_INIT;
	api_object_key(nsk, NULL, ns, &key);
	struct cache_obj *o = watch_cache_get(r->s->cache, nsk, key.buf);
	strbuf_release(&key);
	if (!o) {
		status_not_found(r->http, nsk, ns);
		return -1;
	}
	bool terminating = !strcmp(cache_obj_field(o, "status.phase"), "Terminating");
	cache_obj_unref(o);
	if (!terminating)
		return 0;
	struct strbuf q = STRBUF_INIT;
	status_qualified_resource(r->kind, &q);
	struct status_details d = { .name = name, .group = r->kind->group,
				    .kind = r->kind->resource };
	status_respond(r->http, 403, "Forbidden", &d,
		       "%s \"%s\" is forbidden: unable to create new content in namespace %s "
		       "because it is being terminated", q.buf, name, ns);
	strbuf_release(&q);
	return -1;
}

/* Sets the name, namespace and system fields of a new object; answers and returns -1 on error. */
static int prepare_meta(struct api_request *r, struct k8c_object_meta *m)
{
	const char *ns = r->route.ns;
	if (r->kind->flags & K8C_KIND_NAMESPACED) {
		if (m->namespace && *m->namespace && strcmp(m->namespace, ns)) {
			status_bad_request(r->http, "the namespace of the provided object does not "
				 "match the namespace sent on the request");
			return -1;
		}
		free(m->namespace);
		m->namespace = xstrdup(ns);
	} else {
		free(m->namespace);
		m->namespace = NULL;
	}
	if ((!m->name || !*m->name) && m->generate_name && *m->generate_name) {
		char suffix[6];
		random_name_suffix(suffix, 5);
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s%s", m->generate_name, suffix);
		free(m->name);
		m->name = strbuf_detach(&sb, NULL);
	}
	char uid[37];
	random_uuid(uid);
	free(m->uid);
	m->uid = xstrdup(uid);
	m->creation_timestamp = time_now_ns() / K8C_NSEC_PER_SEC * K8C_NSEC_PER_SEC;
	m->deletion_timestamp = 0;
	m->has_deletion_grace_period_seconds = false;
	m->has_generation = (r->kind->flags & K8C_KIND_GENERATION) != 0;
	m->generation = m->has_generation ? 1 : 0;
	return 0;
}

void api_create_object(struct api_request *r, void *obj)
{
	const struct k8c_kind *k = r->kind;
	struct k8c_object_meta *m = &k8c_object_of(obj)->metadata;
	if (prepare_meta(r, m) < 0)
		return;
	if ((k->flags & K8C_KIND_NAMESPACED) && check_namespace(r, m->namespace, m->name) < 0)
		return;
	strategy_prepare_create(k, obj);
	if (!strcmp(k->resource, "pods"))
		admission_default_tolerations(obj, r->s->cfg.default_not_ready_toleration_seconds,
					      r->s->cfg.default_unreachable_toleration_seconds);
	if (api_validate(r, obj, NULL) < 0)
		return;
	struct strbuf bytes = STRBUF_INIT, key = STRBUF_INIT;
	api_encode_stored(k, obj, &bytes);
	api_object_key(k, m->namespace, m->name, &key);
	int64_t rev = 0;
	int err = dry_run(r) ? 0 : storage_create(r->s->storage, key.buf, bytes.buf, bytes.len, &rev);
	if (err == STORAGE_EEXISTS)
		status_already_exists(r->http, k, m->name);
	else if (err < 0)
		status_storage_error(r->http, k, m->name, err);
	else {
		if (rev)
			watch_cache_wait_rev(r->s->cache, rev, CACHE_CATCH_UP_MS);
		api_respond_stored(r, 201, bytes.buf, bytes.len, rev);
	}
	strbuf_release(&bytes);
	strbuf_release(&key);
}

/* Keeps what a client may not change through this kind of update. */
static void keep_system_fields(const struct k8c_kind *k, enum api_update_mode mode, void *obj,
			       const void *cur)
{
	struct k8c_object_meta *m = &k8c_object_of(obj)->metadata;
	const struct k8c_object_meta *c = &((const struct k8c_object *)cur)->metadata;
	if (mode == API_UPDATE_STATUS) { /* only the status of the new object counts */
		void *status_of_new = xcalloc(1, k->type->size);
		k8c_object_field_copy(k, status_of_new, obj, "status");
		k8c_release(k->type, obj);
		k8c_copy(k->type, obj, cur);
		k8c_object_field_copy(k, obj, status_of_new, "status");
		k8c_free(k->type, status_of_new);
		return;
	}
	if (mode == API_UPDATE_MAIN && (k->flags & K8C_KIND_STATUS))
		k8c_object_field_copy(k, obj, cur, "status");
	if (mode == API_UPDATE_ALL)
		return;
	if (!m->uid || !*m->uid) { /* a different uid fails validation (a precondition) */
		free(m->uid);
		m->uid = xstrdup(c->uid);
	}
	free(m->namespace);
	m->namespace = xstrdup(c->namespace);
	m->creation_timestamp = c->creation_timestamp;
	m->deletion_timestamp = c->deletion_timestamp;
	m->has_deletion_grace_period_seconds = c->has_deletion_grace_period_seconds;
	m->deletion_grace_period_seconds = c->deletion_grace_period_seconds;
	free(m->generate_name);
	m->generate_name = xstrdup(c->generate_name);
}

static void set_generation(const struct k8c_kind *k, void *obj, const void *cur)
{
	if (!(k->flags & K8C_KIND_GENERATION))
		return;
	struct k8c_object_meta *m = &k8c_object_of(obj)->metadata;
	const struct k8c_object_meta *c = &((const struct k8c_object *)cur)->metadata;
	m->has_generation = true;
	m->generation = c->generation + !k8c_object_field_equal(k, obj, cur, "spec");
}

/*
 * True when bytes (the new object encoded for storage) are what cur_o holds,
 * its resourceVersion aside: as Kubernetes' GuaranteedUpdate, an update that
 * would store the same bytes is not written.
 */
static bool stored_same(const struct cache_obj *cur_o, const struct strbuf *bytes)
{
	struct strbuf x = STRBUF_INIT;
	cache_splice_rv(&x, bytes->buf, bytes->len, cur_o->mod_rev, NULL, NULL);
	bool eq = x.len == cur_o->len && !memcmp(x.buf, cur_o->json, x.len);
	strbuf_release(&x);
	return eq;
}

enum attempt_result { ATTEMPT_DONE, ATTEMPT_RETRY };

/* Writes obj (encoded as bytes) over cur_o's revision; answers unless a retry is needed. */
static enum attempt_result write_update(struct api_request *r, const struct cache_obj *cur_o,
					void *obj, const struct strbuf *bytes, bool precondition)
{
	const struct k8c_kind *k = r->kind;
	const char *name = k8c_object_of(obj)->metadata.name;
	int64_t rev = 0;
	int err = 0;
	bool delete_now = strategy_deletion_complete(k, obj);
	if (dry_run(r))
		rev = cur_o->mod_rev;
	else if (delete_now)
		err = storage_delete(r->s->storage, cur_o->key, cur_o->mod_rev, &rev, NULL);
	else
		err = storage_update(r->s->storage, cur_o->key, bytes->buf, bytes->len,
				     cur_o->mod_rev, &rev, NULL);
	enum attempt_result res = ATTEMPT_DONE;
	if (err == STORAGE_ECONFLICT && !precondition)
		res = ATTEMPT_RETRY;
	else if (err == STORAGE_ECONFLICT)
		status_conflict(r->http, k, name, "the object has been modified; please apply your "
			"changes to the latest version and try again");
	else if (err == STORAGE_ENOTFOUND)
		status_not_found(r->http, k, name);
	else if (err < 0)
		status_storage_error(r->http, k, name, err);
	else {
		watch_cache_wait_rev(r->s->cache, rev, CACHE_CATCH_UP_MS);
		api_respond_stored(r, 200, bytes->buf, bytes->len, rev);
	}
	return res;
}

void api_forget_rv(void *obj)
{
	struct k8c_object_meta *m = &k8c_object_of(obj)->metadata;
	free(m->resource_version);
	m->resource_version = NULL;
}

/* Checks the resourceVersion the client named, if any. Answers 409 and returns -1 when stale. */
static int check_precondition(struct api_request *r, const void *obj,
			      const struct cache_obj *cur_o, bool *named)
{
	const char *rv = k8c_object_of((void *)obj)->metadata.resource_version;
	int64_t want;
	*named = rv && *rv;
	if (!*named)
		return 0;
	if (api_parse_rv(rv, &want) < 0 || want != cur_o->mod_rev) {
		status_conflict(r->http, r->kind, cur_o->name, "the object has been modified; "
				"please apply your changes to the latest version and try again");
		return -1;
	}
	return 0;
}

/* One read-mutate-write round. */
static enum attempt_result attempt(struct api_request *r, enum api_update_mode mode,
				   api_mutate_fn mutate, void *ctx, const char *key)
{
	const struct k8c_kind *k = r->kind;
	struct cache_obj *cur_o = watch_cache_get(r->s->cache, k, key);
	if (!cur_o) {
		status_not_found(r->http, k, r->route.name);
		return ATTEMPT_DONE;
	}
	enum attempt_result res = ATTEMPT_DONE;
	void *obj = NULL, *cur = api_decode_cached(r, cur_o);
	bool named = false;
	if (!cur || !(obj = mutate(r, cur, ctx)) || check_precondition(r, obj, cur_o, &named) < 0)
		goto out;
	keep_system_fields(k, mode, obj, cur);
	set_generation(k, obj, cur);
	if (mode != API_UPDATE_ALL) /* internal changes (finalize, deletion) set what they mean to */
		strategy_prepare_update(k, obj, cur);
	if (api_validate(r, obj, cur) < 0) /* cur is defaulted: not used after this */
		goto out;
	struct strbuf bytes = STRBUF_INIT;
	api_encode_stored(k, obj, &bytes);
	if (stored_same(cur_o, &bytes) && !strategy_deletion_complete(k, obj))
		api_respond_cached(r, 200, cur_o); /* nothing changed: no write */
	else
		res = write_update(r, cur_o, obj, &bytes, named);
	strbuf_release(&bytes);
out:
	k8c_free(k->type, obj);
	k8c_free(k->type, cur);
	cache_obj_unref(cur_o);
	return res;
}

bool api_retry_conflict(const struct api_request *r, int attempt)
{
	if (attempt >= MIN_CONFLICT_RETRIES &&
	    time_mono_ns() - r->http->start_ns > CONFLICT_RETRY_NS)
		return false;
	if (attempt >= 3)
		time_sleep_us((int64_t)random_below(1000));
	return true;
}

void api_update_object(struct api_request *r, enum api_update_mode mode, api_mutate_fn mutate,
		       void *ctx)
{
	struct strbuf key = STRBUF_INIT;
	api_object_key(r->kind, r->route.ns, r->route.name, &key);
	bool done = false;
	for (int i = 0; !done && (i == 0 || api_retry_conflict(r, i - 1)); i++) {
		if (api_consistent_read(r) < 0)
			break;
		done = attempt(r, mode, mutate, ctx, key.buf) == ATTEMPT_DONE;
	}
	if (!done && !r->http->responded)
		status_conflict(r->http, r->kind, r->route.name, "the object has been modified; "
				"please apply your changes to the latest version and try again");
	strbuf_release(&key);
}
