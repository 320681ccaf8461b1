/*
 * informer_fixture.c - shared parts of the informer tests; see informer_fixture.h.
 */
#include "test/client/informer_fixture.h"

#include <cjson/cJSON.h>

#include "api/values.h"
#include "client/verbs.h"

void fixture_start(struct fixture *f, const char *const *extra)
{
	apiserver_proc_init(&f->srv, extra);
	if (apiserver_proc_start(&f->srv, 0, NULL) < 0)
		abort();
	f->c = apiserver_proc_client(f->srv.url);
	f->ic = apiserver_proc_client(f->srv.url);
}

void fixture_stop(struct fixture *f)
{
	apiserver_proc_release(&f->srv);
	k8c_client_free(f->c);
	k8c_client_free(f->ic);
}

static char *pods_path(const char *ns, const char *name, const char *sub)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "/api/v1/namespaces/%s/pods", ns);
	if (name)
		strbuf_addf(&sb, "/%s", name);
	if (sub)
		strbuf_addf(&sb, "/%s", sub);
	return strbuf_detach(&sb, NULL);
}

/* Hands the resourceVersion of a written object to *ret_rv and frees the object. */
static int written(int r, cJSON *obj, char **ret_rv)
{
	const cJSON *rv = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"),
					      "resourceVersion");
	if (r == 0 && ret_rv)
		*ret_rv = xstrdup(cJSON_IsString(rv) ? rv->valuestring : "");
	cJSON_Delete(obj);
	return r;
}

static cJSON *owner_refs(const char *uid)
{
	cJSON *refs = cJSON_CreateArray();
	cJSON *ref = cJSON_CreateObject();
	cJSON_AddStringToObject(ref, "apiVersion", "apps/v1");
	cJSON_AddStringToObject(ref, "kind", "ReplicaSet");
	cJSON_AddStringToObject(ref, "name", "owner");
	cJSON_AddStringToObject(ref, "uid", uid);
	cJSON_AddBoolToObject(ref, "controller", true);
	cJSON_AddItemToArray(refs, ref);
	return refs;
}

int pod_create(struct k8c_client *c, const char *ns, const char *name, const char *node,
	       const char *owner, char **ret_rv)
{
	cJSON *pod = cJSON_CreateObject();
	cJSON_AddStringToObject(pod, "apiVersion", "v1");
	cJSON_AddStringToObject(pod, "kind", "Pod");
	cJSON *md = cJSON_AddObjectToObject(pod, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(md, "labels"), "v", "1");
	if (owner)
		cJSON_AddItemToObject(md, "ownerReferences", owner_refs(owner));
	cJSON *spec = cJSON_AddObjectToObject(pod, "spec");
	if (node)
		cJSON_AddStringToObject(spec, "nodeName", node);
	cJSON *ctr = cJSON_CreateObject();
	cJSON_AddStringToObject(ctr, "name", "c");
	cJSON_AddStringToObject(ctr, "image", "k8c.local/busybox");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(spec, "containers"), ctr);
	char *path = pods_path(ns, NULL, NULL);
	cJSON *out = NULL;
	int r = k8c_create(c, path, pod, &out, NULL);
	free(path);
	cJSON_Delete(pod);
	return written(r, out, ret_rv);
}

static int merge_patch(struct k8c_client *c, const char *ns, const char *name, cJSON *patch,
		       char **ret_rv)
{
	char *path = pods_path(ns, name, NULL);
	cJSON *out = NULL;
	int r = k8c_patch(c, path, K8C_PATCH_MERGE, patch, &out, NULL);
	free(path);
	cJSON_Delete(patch);
	return written(r, out, ret_rv);
}

int pod_set_label(struct k8c_client *c, const char *ns, const char *name, const char *value,
		  char **ret_rv)
{
	cJSON *patch = cJSON_CreateObject();
	cJSON *labels = cJSON_AddObjectToObject(cJSON_AddObjectToObject(patch, "metadata"),
						"labels");
	cJSON_AddStringToObject(labels, "v", value);
	return merge_patch(c, ns, name, patch, ret_rv);
}

int pod_set_owner(struct k8c_client *c, const char *ns, const char *name, const char *uid)
{
	cJSON *patch = cJSON_CreateObject();
	cJSON_AddItemToObject(cJSON_AddObjectToObject(patch, "metadata"), "ownerReferences",
			      owner_refs(uid));
	return merge_patch(c, ns, name, patch, NULL);
}

int pod_delete(struct k8c_client *c, const char *ns, const char *name)
{
	char *path = pods_path(ns, name, NULL);
	cJSON *opts = cJSON_CreateObject();
	cJSON_AddNumberToObject(opts, "gracePeriodSeconds", 0);
	int r = k8c_delete(c, path, opts, NULL, NULL);
	cJSON_Delete(opts);
	free(path);
	return r;
}

int pod_bind(struct k8c_client *c, const char *ns, const char *name, const char *node)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "apiVersion", "v1");
	cJSON_AddStringToObject(b, "kind", "Binding");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(b, "metadata"), "name", name);
	cJSON *target = cJSON_AddObjectToObject(b, "target");
	cJSON_AddStringToObject(target, "apiVersion", "v1");
	cJSON_AddStringToObject(target, "kind", "Node");
	cJSON_AddStringToObject(target, "name", node);
	char *path = pods_path(ns, name, "binding");
	int r = k8c_create(c, path, b, NULL, NULL);
	free(path);
	cJSON_Delete(b);
	return r;
}

/* Creates a cluster-scoped object of kind named name in collection path. */
static int create_named(struct k8c_client *c, const char *path, const char *kind,
			const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "metadata"), "name", name);
	int r = k8c_create(c, path, o, NULL, NULL);
	cJSON_Delete(o);
	return r;
}

int node_create(struct k8c_client *c, const char *name)
{
	return create_named(c, "/api/v1/nodes", "Node", name);
}

int namespace_create(struct k8c_client *c, const char *name)
{
	return create_named(c, "/api/v1/namespaces", "Namespace", name);
}

long long metric_value(struct k8c_client *c, const char *sample)
{
	struct k8c_request req = { .method = "GET", .path = "/metrics" };
	struct k8c_response resp = K8C_RESPONSE_INIT;
	long long v = -1;
	if (k8c_client_do(c, &req, &resp, NULL) == 0) {
		strbuf_addch(&resp.body, '\0');
		size_t len = strlen(sample);
		for (const char *p = resp.body.buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
			if (!strncmp(p, sample, len) && p[len] == ' ')
				v = atoll(p + len + 1);
	}
	k8c_response_release(&resp);
	return v == -1 ? 0 : v; /* a counter not yet written is 0 */
}

/* ---- recorder ----------------------------------------------------------------- */

void recorder_init(struct recorder *r)
{
	*r = (struct recorder){ .other_thread = true, .test_thread = pthread_self() };
	pthread_mutex_init(&r->lock, NULL);
	strbuf_init(&r->log, 0);
}

void recorder_release(struct recorder *r)
{
	strbuf_release(&r->log);
	pthread_mutex_destroy(&r->lock);
}

static void add_line(struct recorder *r, const char *verb, const void *old, const void *obj)
{
	const struct k8c_object *o = obj, *was = old;
	if (pthread_equal(pthread_self(), r->test_thread))
		r->other_thread = false;
	strbuf_addf(&r->log, "%s ", verb);
	k8c_obj_key(obj, &r->log);
	strbuf_addch(&r->log, ' ');
	if (was)
		strbuf_addf(&r->log, "v=%s>", k8c_strmap_get(&was->metadata.labels, "v"));
	strbuf_addf(&r->log, "v=%s\n", k8c_strmap_get(&o->metadata.labels, "v"));
}

static void rec_add(void *ud, const void *obj)
{
	struct recorder *r = ud;
	pthread_mutex_lock(&r->lock);
	r->adds++;
	add_line(r, "add", NULL, obj);
	pthread_mutex_unlock(&r->lock);
}

static void rec_update(void *ud, const void *old, const void *obj)
{
	struct recorder *r = ud;
	pthread_mutex_lock(&r->lock);
	if (old == obj) {
		r->resyncs++;
	} else {
		r->updates++;
		add_line(r, "update", old, obj);
	}
	pthread_mutex_unlock(&r->lock);
}

static void rec_delete(void *ud, const void *obj)
{
	struct recorder *r = ud;
	pthread_mutex_lock(&r->lock);
	r->deletes++;
	add_line(r, "delete", NULL, obj);
	pthread_mutex_unlock(&r->lock);
}

struct k8c_informer_handlers recorder_handlers(struct recorder *r)
{
	return (struct k8c_informer_handlers){ rec_add, rec_update, rec_delete, r };
}

long recorder_pos(struct recorder *r, const char *line)
{
	size_t len = strlen(line);
	long pos = -1;
	pthread_mutex_lock(&r->lock);
	for (const char *p = r->log.buf; pos < 0 && p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, len) && p[len] == '\n')
			pos = p - r->log.buf;
	pthread_mutex_unlock(&r->lock);
	return pos;
}

bool recorder_has(struct recorder *r, const char *line)
{
	return recorder_pos(r, line) >= 0;
}

int recorder_calls(struct recorder *r)
{
	pthread_mutex_lock(&r->lock);
	int n = r->adds + r->updates + r->deletes + r->resyncs;
	pthread_mutex_unlock(&r->lock);
	return n;
}

struct k8c_informer *pod_informer(struct fixture *f, const char *field_selector,
				  int64_t page_size, int64_t resync_ms)
{
	struct k8c_informer_options o = {
		.kind = k8c_kind_by_resource("", "v1", "pods"),
		.field_selector = field_selector,
		.page_size = page_size,
		.resync_ms = resync_ms,
	};
	return k8c_informer_new(f->ic, &o);
}

struct k8c_informer *recorded_informer(struct fixture *f, struct recorder *rec,
				       const char *field_selector, int64_t resync_ms)
{
	recorder_init(rec);
	struct k8c_informer *inf = pod_informer(f, field_selector, 0, resync_ms);
	struct k8c_informer_handlers h = recorder_handlers(rec);
	if (k8c_informer_add_handlers(inf, &h) < 0 || k8c_informer_start(inf) < 0 ||
	    !k8c_informer_wait_synced(inf, 10000)) {
		k8c_informer_free(inf);
		return NULL;
	}
	return inf;
}

char *cached_label(struct k8c_informer *inf, const char *key)
{
	const struct k8c_object *o = k8c_informer_get(inf, key);
	char *v = o ? xstrdup(k8c_strmap_get(&o->metadata.labels, "v")) : NULL;
	k8c_obj_unref(o);
	return v;
}

bool objs_sorted(void **objs, size_t n)
{
	bool ok = true;
	struct strbuf prev = STRBUF_INIT, cur = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&cur);
		k8c_obj_key(objs[i], &cur);
		if (i > 0 && strcmp(prev.buf, cur.buf) >= 0)
			ok = false;
		strbuf_reset(&prev);
		strbuf_addstr(&prev, cur.buf);
	}
	strbuf_release(&prev);
	strbuf_release(&cur);
	return ok;
}

void pod_index_by_node(const void *obj, char ***values, size_t *n, size_t *alloc)
{
	const struct k8c_pod *p = obj;
	if (p->spec.node_name) {
		ALLOC_GROW(*values, *n + 1, *alloc);
		(*values)[(*n)++] = xstrdup(p->spec.node_name);
	}
}
