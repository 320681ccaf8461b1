/*
 * cache.c - the scheduler's incremental node cache with assumed pods; see
 * cache.h.
 */
#include "scheduler/cache.h"

#include "client/informer.h"

/* One counted pod. */
struct sched_cache_pod {
	char *node; /* node name it is counted on */
	struct sched_podinfo info;
	bool assumed; /* placed by us, not yet seen bound by the informer */
};

void sched_cache_init(struct sched_cache *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
}

static void node_free(void *p)
{
	struct sched_node *n = p;
	k8c_obj_unref(n->node);
	for (size_t i = 0; i < n->n_owners; i++)
		free(n->owners[i].uid);
	free(n->owners);
	free(n->ports);
	free(n->name);
	free(n);
}

static void cache_pod_free(void *p)
{
	struct sched_cache_pod *cp = p;
	sched_podinfo_release(&cp->info);
	free(cp->node);
	free(cp);
}

void sched_cache_release(struct sched_cache *c)
{
	hashmap_release(&c->pods, cache_pod_free);
	hashmap_release(&c->by_name, node_free);
	free(c->nodes);
	pthread_mutex_destroy(&c->lock);
}

void sched_cache_lock(struct sched_cache *c)
{
	pthread_mutex_lock(&c->lock);
}

void sched_cache_unlock(struct sched_cache *c)
{
	pthread_mutex_unlock(&c->lock);
}

/* The entry for node name, created (unknown: not in c->nodes) when missing. */
static struct sched_node *node_entry(struct sched_cache *c, const char *name)
{
	struct sched_node *n = hashmap_get(&c->by_name, name);
	if (n)
		return n;
	n = xcalloc(1, sizeof(*n));
	n->name = xstrdup(name);
	n->index = SIZE_MAX;
	hashmap_put(&c->by_name, name, n);
	return n;
}

void sched_cache_set_node(struct sched_cache *c, const struct k8c_node *node)
{
	sched_cache_lock(c);
	struct sched_node *n = node_entry(c, node->metadata.name);
	k8c_obj_unref(n->node);
	n->node = k8c_obj_ref(node);
	n->ready = NULL;
	for (size_t i = 0; i < node->status.n_conditions; i++)
		if (streq_null(node->status.conditions[i].type, "Ready"))
			n->ready = node->status.conditions[i].status;
	sched_resources_from_list(&node->status.allocatable, &n->allocatable);
	if (n->index == SIZE_MAX) {
		ALLOC_GROW(c->nodes, c->n_nodes + 1, c->alloc_nodes);
		n->index = c->n_nodes;
		c->nodes[c->n_nodes++] = n;
	}
	c->generation++;
	sched_cache_unlock(c);
}

void sched_cache_remove_node(struct sched_cache *c, const char *name)
{
	sched_cache_lock(c);
	struct sched_node *n = hashmap_get(&c->by_name, name);
	if (n && n->index != SIZE_MAX) {
		struct sched_node *last = c->nodes[--c->n_nodes];
		c->nodes[n->index] = last;
		last->index = n->index;
		n->index = SIZE_MAX;
		k8c_obj_unref(n->node);
		n->node = NULL;
		n->ready = NULL;
		/* pods still counted keep the entry; an empty one can go */
		if (!n->n_pods)
			node_free(hashmap_remove(&c->by_name, name));
	}
	c->generation++;
	sched_cache_unlock(c);
}

static struct sched_owner_count *owner_find(const struct sched_node *n, const char *uid,
					    uint32_t hash)
{
	for (size_t i = 0; i < n->n_owners; i++)
		if (n->owners[i].hash == hash && !strcmp(n->owners[i].uid, uid))
			return &n->owners[i];
	return NULL;
}

static void owner_adjust(struct sched_node *n, const struct sched_podinfo *info, int delta)
{
	if (!info->owner_uid)
		return;
	struct sched_owner_count *o = owner_find(n, info->owner_uid, info->owner_hash);
	if (!o && delta > 0) {
		ALLOC_GROW(n->owners, n->n_owners + 1, n->alloc_owners);
		o = &n->owners[n->n_owners++];
		*o = (struct sched_owner_count){ xstrdup(info->owner_uid), info->owner_hash, 0 };
	}
	if (!o)
		return;
	o->pods += delta;
	if (o->pods <= 0) {
		free(o->uid);
		*o = n->owners[--n->n_owners];
	}
}

static void ports_add(struct sched_node *n, const struct sched_podinfo *info)
{
	for (size_t i = 0; i < info->n_ports; i++) {
		ALLOC_GROW(n->ports, n->n_ports + 1, n->alloc_ports);
		n->ports[n->n_ports++] = info->ports[i];
	}
}

static void ports_remove(struct sched_node *n, const struct sched_podinfo *info)
{
	for (size_t i = 0; i < info->n_ports; i++)
		for (size_t j = 0; j < n->n_ports; j++)
			if (!memcmp(&n->ports[j], &info->ports[i], sizeof(n->ports[j]))) {
				n->ports[j] = n->ports[--n->n_ports];
				break;
			}
}

/* Counts (delta 1) or uncounts (-1) info on the node called name. */
static void account(struct sched_cache *c, const char *name, const struct sched_podinfo *info,
		    int delta)
{
	struct sched_node *n = node_entry(c, name);
	if (delta > 0) {
		sched_resources_add(&n->requested, &info->req);
		sched_resources_add(&n->nonzero, &info->nonzero);
		ports_add(n, info);
		n->n_pods++;
	} else {
		sched_resources_sub(&n->requested, &info->req);
		sched_resources_sub(&n->nonzero, &info->nonzero);
		ports_remove(n, info);
		n->n_pods--;
	}
	owner_adjust(n, info, delta);
	if (!n->n_pods && n->index == SIZE_MAX)
		node_free(hashmap_remove(&c->by_name, name));
}

/* With the lock held: stop counting the pod with uid. */
static void uncount(struct sched_cache *c, const char *uid)
{
	struct sched_cache_pod *cp = hashmap_remove(&c->pods, uid);
	if (!cp)
		return;
	account(c, cp->node, &cp->info, -1);
	cache_pod_free(cp);
	c->generation++;
}

static void count(struct sched_cache *c, const char *uid, const struct sched_podinfo *info,
		  const char *node, bool assumed)
{
	struct sched_cache_pod *cp = xcalloc(1, sizeof(*cp));
	cp->node = xstrdup(node);
	cp->info = *info;
	cp->assumed = assumed;
	hashmap_put(&c->pods, uid, cp);
	account(c, node, &cp->info, 1);
}

void sched_cache_update_pod(struct sched_cache *c, const struct k8c_pod *pod)
{
	const char *uid = pod->metadata.uid;
	const char *node = pod->spec.node_name;
	if (!uid)
		return;
	bool placed = node && *node && !sched_pod_is_terminal(pod);
	sched_cache_lock(c);
	struct sched_cache_pod *cp = hashmap_get(&c->pods, uid);
	if (cp && placed && !strcmp(cp->node, node)) {
		cp->assumed = false; /* confirmed (requests are immutable) */
	} else if (cp && (placed || !cp->assumed)) {
		uncount(c, uid); /* moved, or finished */
		cp = NULL;
	}
	if (!cp && placed) {
		struct sched_podinfo info;
		sched_podinfo_init(&info, pod);
		count(c, uid, &info, node, false);
	}
	sched_cache_unlock(c);
}

void sched_cache_remove_pod(struct sched_cache *c, const char *uid)
{
	sched_cache_lock(c);
	uncount(c, uid);
	sched_cache_unlock(c);
}

int sched_cache_assume(struct sched_cache *c, const char *uid, const struct sched_podinfo *info,
		       struct sched_node *node)
{
	if (hashmap_contains(&c->pods, uid))
		return -EEXIST;
	struct sched_podinfo copy = *info;
	copy.ports = info->n_ports ? xmalloc(info->n_ports * sizeof(*info->ports)) : NULL;
	if (info->n_ports)
		memcpy(copy.ports, info->ports, info->n_ports * sizeof(*info->ports));
	copy.owner_uid = xstrdup(info->owner_uid);
	count(c, uid, &copy, node->name, true);
	return 0;
}

void sched_cache_forget(struct sched_cache *c, const char *uid)
{
	sched_cache_lock(c);
	struct sched_cache_pod *cp = hashmap_get(&c->pods, uid);
	if (cp && cp->assumed)
		uncount(c, uid);
	sched_cache_unlock(c);
}

bool sched_cache_has_pod(struct sched_cache *c, const char *uid)
{
	return hashmap_contains(&c->pods, uid);
}

int64_t sched_node_owner_count(const struct sched_node *n, const struct sched_podinfo *info)
{
	const struct sched_owner_count *o =
		info->owner_uid ? owner_find(n, info->owner_uid, info->owner_hash) : NULL;
	return o ? o->pods : 0;
}
