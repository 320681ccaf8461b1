/*
 * graph.c - the ownerReferences graph read from the informer caches, and the
 * garbage collector's queue items; see gc_internal.h.
 */
#include "controllers/gc/gc_internal.h"

#include "client/verbs.h"

static const char *meta_uid(const void *obj)
{
	return ((const struct k8c_object *)obj)->metadata.uid;
}

static void push(char ***ret, size_t *n, size_t *alloc, const char *v)
{
	ALLOC_GROW(*ret, *n + 1, *alloc);
	(*ret)[(*n)++] = xstrdup(v);
}

void gc_index_owners(const void *obj, char ***ret, size_t *n, size_t *alloc)
{
	const struct k8c_object_meta *m = &((const struct k8c_object *)obj)->metadata;
	for (size_t i = 0; i < m->n_owner_references; i++)
		if (m->owner_references[i].uid && *m->owner_references[i].uid)
			push(ret, n, alloc, m->owner_references[i].uid);
}

void gc_index_uid(const void *obj, char ***ret, size_t *n, size_t *alloc)
{
	if (meta_uid(obj) && *meta_uid(obj))
		push(ret, n, alloc, meta_uid(obj));
}

size_t gc_dependents(struct gc *gc, const char *uid, struct gc_node **ret)
{
	struct gc_node *out = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; i < gc->n_kinds; i++) {
		void **objs;
		size_t m = k8c_informer_by_index(gc->kinds[i].inf, GC_INDEX_OWNERS, uid, &objs);
		for (size_t j = 0; j < m; j++) {
			ALLOC_GROW(out, n + 1, alloc);
			out[n++] = (struct gc_node){ gc->kinds[i].kind, objs[j] };
		}
		free(objs); /* the references moved into out */
	}
	*ret = out;
	return n;
}

void gc_nodes_free(struct gc_node *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		k8c_obj_unref(nodes[i].obj);
	free(nodes);
}

void *gc_cached(struct gc *gc, const struct k8c_kind *k, const char *uid)
{
	for (size_t i = 0; i < gc->n_kinds; i++) {
		if (gc->kinds[i].kind != k)
			continue;
		void **objs;
		size_t m = k8c_informer_by_index(gc->kinds[i].inf, GC_INDEX_UID, uid, &objs);
		void *obj = m ? k8c_obj_ref(objs[0]) : NULL;
		k8c_obj_unref_array(objs, m);
		return obj;
	}
	return NULL;
}

const struct k8c_kind *gc_ref_kind(const struct k8c_owner_reference *ref)
{
	if (!ref->api_version || !ref->kind)
		return NULL;
	return k8c_kind_by_kind(ref->api_version, ref->kind);
}

/* ---- queue items ----------------------------------------------------------- */

void gc_enqueue(struct gc *gc, enum gc_op op, const struct k8c_kind *k,
		const struct k8c_object_meta *m)
{
	struct strbuf key = STRBUF_INIT;
	strbuf_addf(&key, "%c %d %s %s %s", op, (int)(k - k8c_kinds),
		    m->namespace && *m->namespace ? m->namespace : "-", m->name ? m->name : "",
		    m->uid ? m->uid : "");
	k8c_workqueue_add(gc->queue, key.buf);
	strbuf_release(&key);
}

int gc_item_parse(const char *key, struct gc_item *out)
{
	char op;
	int kind;
	char ns[256], name[256], uid[128];
	memset(out, 0, sizeof(*out));
	if (sscanf(key, "%c %d %255s %255s %127s", &op, &kind, ns, name, uid) != 5 || kind < 0)
		return -EINVAL;
	for (int i = 0; i <= kind; i++)
		if (!k8c_kinds[i].kind)
			return -EINVAL;
	out->op = op;
	out->kind = &k8c_kinds[kind];
	out->ns = xstrdup(strcmp(ns, "-") ? ns : "");
	out->name = xstrdup(name);
	out->uid = xstrdup(uid);
	return 0;
}

void gc_item_release(struct gc_item *it)
{
	free(it->ns);
	free(it->name);
	free(it->uid);
	memset(it, 0, sizeof(*it));
}
