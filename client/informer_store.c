/*
 * informer_store.c - an informer's cache: a hash map from "ns/name" to the
 * shared object, and per index a map from each index value to the set of
 * keys having it, built on the index's first lookup and from then on kept
 * in step on every put and remove. Lookups copy out references sorted by
 * key. Not thread-safe: the informer locks around it.
 */
#include "client/informer_internal.h"

struct index_values {
	char **v;
	size_t n, alloc;
};

static void values_release(struct index_values *iv)
{
	for (size_t i = 0; i < iv->n; i++)
		free(iv->v[i]);
	free(iv->v);
	*iv = (struct index_values){ 0 };
}

static bool values_has(const struct index_values *iv, const char *s)
{
	for (size_t i = 0; i < iv->n; i++)
		if (!strcmp(iv->v[i], s))
			return true;
	return false;
}

static void add_value(char ***v, size_t *n, size_t *alloc, const char *s)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = xstrdup(s);
}

static void index_namespace(const void *obj, char ***v, size_t *n, size_t *alloc)
{
	const struct k8c_object *o = obj;
	if (o->metadata.namespace && *o->metadata.namespace)
		add_value(v, n, alloc, o->metadata.namespace);
}

/* The uid of the ownerReference with controller: true (there is at most one). */
static void index_controller(const void *obj, char ***v, size_t *n, size_t *alloc)
{
	const struct k8c_object *o = obj;
	for (size_t i = 0; i < o->metadata.n_owner_references; i++) {
		const struct k8c_owner_reference *r = &o->metadata.owner_references[i];
		if (r->controller && r->uid) {
			add_value(v, n, alloc, r->uid);
			return;
		}
	}
}

void informer_store_init(struct informer_store *s)
{
	*s = (struct informer_store){ .items = HASHMAP_INIT };
	informer_store_add_index(s, K8C_INDEX_NAMESPACE, index_namespace);
	informer_store_add_index(s, K8C_INDEX_CONTROLLER, index_controller);
}

/*
 * The keys having one index value. Most values have one key or a few (a
 * uid, a node's pods): those sit in a small array, and only a value with
 * many keys (a namespace, a ReplicaSet's pods) pays for a hash set, whose
 * smallest table alone is 384 bytes (at 10,000 pods, the garbage
 * collector's uid index made 10,000 of them).
 */
#define SMALL_SET 8
struct key_set {
	char **keys; /* while big is NULL: n keys, owned */
	size_t n, alloc;
	struct hashmap *big; /* NULL until the set holds more than SMALL_SET keys */
};

static size_t keys_find(const struct key_set *set, const char *key)
{
	size_t i = 0;
	while (i < set->n && strcmp(set->keys[i], key))
		i++;
	return i;
}

static void keys_add(struct key_set *set, const char *key)
{
	if (!set->big && keys_find(set, key) < set->n)
		return;
	if (!set->big && set->n == SMALL_SET) {
		set->big = xcalloc(1, sizeof(*set->big));
		for (size_t i = 0; i < set->n; i++) {
			hashmap_put(set->big, set->keys[i], NULL);
			free(set->keys[i]);
		}
		free(set->keys);
		set->keys = NULL;
		set->n = set->alloc = 0;
	}
	if (set->big) {
		hashmap_put(set->big, key, NULL);
		return;
	}
	ALLOC_GROW(set->keys, set->n + 1, set->alloc);
	set->keys[set->n++] = xstrdup(key);
}

/* Removes key; returns how many keys are left. */
static size_t keys_remove(struct key_set *set, const char *key)
{
	if (set->big) {
		hashmap_remove(set->big, key);
		return set->big->count;
	}
	size_t i = keys_find(set, key);
	if (i < set->n) {
		free(set->keys[i]);
		set->keys[i] = set->keys[--set->n];
	}
	return set->n;
}

static size_t keys_count(const struct key_set *set)
{
	return set->big ? set->big->count : set->n;
}

/* The i-th key (i < keys_count), walking *pos (0 at first) through a big set. */
static const char *keys_next(const struct key_set *set, size_t i, size_t *pos)
{
	return set->big ? hashmap_next(set->big, pos)->key : set->keys[i];
}

static void free_key_set(void *p)
{
	struct key_set *set = p;
	if (set->big)
		hashmap_release(set->big, NULL);
	free(set->big);
	for (size_t i = 0; i < set->n; i++)
		free(set->keys[i]);
	free(set->keys);
	free(set);
}

static void unref_value(void *obj)
{
	k8c_obj_unref(obj);
}

void informer_store_release(struct informer_store *s)
{
	hashmap_release(&s->items, unref_value);
	for (size_t i = 0; i < s->n_indexes; i++) {
		hashmap_release(&s->indexes[i].values, free_key_set);
		free(s->indexes[i].name);
	}
	free(s->indexes);
	*s = (struct informer_store){ .items = HASHMAP_INIT };
}

int informer_store_add_index(struct informer_store *s, const char *name, k8c_index_fn fn)
{
	for (size_t i = 0; i < s->n_indexes; i++)
		if (!strcmp(s->indexes[i].name, name))
			return -EEXIST;
	ALLOC_GROW(s->indexes, s->n_indexes + 1, s->alloc_indexes);
	s->indexes[s->n_indexes++] =
		(struct informer_index){ .name = xstrdup(name), .fn = fn, .values = HASHMAP_INIT };
	return 0;
}

static void index_values_of(const struct informer_index *ix, const void *obj,
			    struct index_values *out)
{
	*out = (struct index_values){ 0 };
	if (obj)
		ix->fn(obj, &out->v, &out->n, &out->alloc);
}

static void set_add(struct informer_index *ix, const char *value, const char *key)
{
	struct key_set *set = hashmap_get(&ix->values, value);
	if (!set) {
		set = xcalloc(1, sizeof(*set));
		hashmap_put(&ix->values, value, set);
	}
	keys_add(set, key);
}

static void set_remove(struct informer_index *ix, const char *value, const char *key)
{
	struct key_set *set = hashmap_get(&ix->values, value);
	if (set && keys_remove(set, key) == 0)
		free_key_set(hashmap_remove(&ix->values, value)); /* no empty sets left behind */
}

/* Moves key from old's index values to obj's (either may be NULL), in the built indexes. */
static void reindex(struct informer_store *s, const char *key, const void *old, const void *obj)
{
	for (size_t i = 0; i < s->n_indexes; i++) {
		struct informer_index *ix = &s->indexes[i];
		struct index_values was, now;
		if (!ix->built)
			continue;
		index_values_of(ix, old, &was);
		index_values_of(ix, obj, &now);
		for (size_t j = 0; j < was.n; j++)
			if (!values_has(&now, was.v[j]))
				set_remove(ix, was.v[j], key);
		for (size_t j = 0; j < now.n; j++)
			if (!values_has(&was, now.v[j]))
				set_add(ix, now.v[j], key);
		values_release(&was);
		values_release(&now);
	}
}

static struct informer_index *find_index(const struct informer_store *s, const char *index)
{
	for (size_t i = 0; i < s->n_indexes; i++)
		if (!strcmp(s->indexes[i].name, index))
			return &s->indexes[i];
	return NULL;
}

bool informer_store_index_ready(const struct informer_store *s, const char *index)
{
	const struct informer_index *ix = find_index(s, index);
	return !ix || ix->built;
}

void informer_store_build_index(struct informer_store *s, const char *index)
{
	struct informer_index *ix = find_index(s, index);
	if (!ix || ix->built)
		return;
	size_t pos = 0;
	for (struct hashmap_entry *e; (e = hashmap_next(&s->items, &pos));) {
		struct index_values now;
		index_values_of(ix, e->value, &now);
		for (size_t j = 0; j < now.n; j++)
			set_add(ix, now.v[j], e->key);
		values_release(&now);
	}
	ix->built = true;
}

void *informer_store_put(struct informer_store *s, const char *key, void *obj)
{
	void *old = hashmap_put(&s->items, key, obj);
	reindex(s, key, old, obj);
	return old;
}

void *informer_store_remove(struct informer_store *s, const char *key)
{
	void *old = hashmap_remove(&s->items, key);
	if (old)
		reindex(s, key, old, NULL);
	return old;
}

void *informer_store_get(const struct informer_store *s, const char *key)
{
	return hashmap_get(&s->items, key);
}

struct keyed {
	const char *key;
	void *obj;
};

static int keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

/* Sorts n keyed objects and hands out references to them in *ret. */
static size_t sorted_refs(struct keyed *k, size_t n, void ***ret)
{
	qsort(k, n, sizeof(*k), keyed_cmp);
	void **out = xmalloc((n ? n : 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = k8c_obj_ref(k[i].obj);
	*ret = out;
	return n;
}

size_t informer_store_list(const struct informer_store *s, void ***ret)
{
	struct keyed *k = xmalloc((s->items.count ? s->items.count : 1) * sizeof(*k));
	size_t n = 0, pos = 0;
	for (struct hashmap_entry *e; (e = hashmap_next(&s->items, &pos));)
		k[n++] = (struct keyed){ e->key, e->value };
	size_t r = sorted_refs(k, n, ret);
	free(k);
	return r;
}

size_t informer_store_by_index(const struct informer_store *s, const char *index,
			       const char *value, void ***ret)
{
	const struct informer_index *ix = find_index(s, index);
	const struct key_set *set = ix ? hashmap_get(&ix->values, value ? value : "") : NULL;
	size_t count = set ? keys_count(set) : 0;
	struct keyed *k = xmalloc((count ? count : 1) * sizeof(*k));
	size_t pos = 0;
	for (size_t i = 0; i < count; i++) {
		const char *key = keys_next(set, i, &pos);
		k[i] = (struct keyed){ key, hashmap_get(&s->items, key) };
	}
	size_t r = sorted_refs(k, count, ret);
	free(k);
	return r;
}
