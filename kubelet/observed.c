/*
 * observed.c - a pod's containers as Docker reports them; see observed.h.
 */
#include "kubelet/observed.h"

#include "kubelet/labels.h"

static enum container_kind kind_of(const struct docker_labels *l)
{
	const char *k = docker_labels_get(l, LABEL_KIND);
	if (k && !strcmp(k, KIND_SANDBOX))
		return CONTAINER_SANDBOX;
	if (k && !strcmp(k, KIND_INIT))
		return CONTAINER_INIT;
	return CONTAINER_APP;
}

static void fill(struct observed_container *o, struct docker_container *d)
{
	const char *grace = docker_labels_get(&d->labels, LABEL_GRACE);
	*o = (struct observed_container){
		.id = TAKE_PTR(d->id),
		.name = xstrdup(docker_labels_get(&d->labels, LABEL_CONTAINER)),
		.kind = kind_of(&d->labels),
		.attempt = labels_attempt(&d->labels),
		.hash = labels_hash(&d->labels),
		.sandbox_id = xstrdup(docker_labels_get(&d->labels, LABEL_SANDBOX)),
		.state = d->state,
		.running = d->running,
		.exit_code = d->exit_code,
		.oom_killed = d->oom_killed,
		.created_ns = d->created_ns,
		.started_ns = d->started_ns,
		.finished_ns = d->finished_ns,
		.error = TAKE_PTR(d->error),
		.image = TAKE_PTR(d->image),
		.image_id = TAKE_PTR(d->image_id),
		.ip = TAKE_PTR(d->ip_address),
		.grace_seconds = grace ? atoll(grace) : -1,
	};
	if (o->attempt < 0)
		o->attempt = 0;
	if (!o->name)
		o->name = xstrdup("");
}

int observed_pod_read(struct docker_client *dc, const char *node, const char *uid,
		      struct observed_pod *ret)
{
	struct strbuf fnode = STRBUF_INIT, fuid = STRBUF_INIT;
	strbuf_addf(&fnode, LABEL_NODE "=%s", node);
	strbuf_addf(&fuid, LABEL_POD_UID "=%s", uid);
	const char *filters[] = { fnode.buf, fuid.buf, NULL };
	struct docker_container_list list = { 0 };
	int r = docker_container_list(dc, filters, true, &list);
	strbuf_release(&fnode);
	strbuf_release(&fuid);
	if (r < 0)
		return r;
	struct observed_pod p = { .items = xcalloc(list.n + 1, sizeof(*p.items)) };
	for (size_t i = 0; i < list.n; i++) {
		struct docker_container d;
		r = docker_container_inspect(dc, list.items[i].id, &d);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			break;
		fill(&p.items[p.n++], &d);
		docker_container_release(&d);
	}
	docker_container_list_release(&list);
	if (r < 0 && r != -ENOENT) {
		observed_pod_release(&p);
		return r;
	}
	*ret = p;
	return 0;
}

void observed_pod_release(struct observed_pod *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct observed_container *o = &p->items[i];
		free(o->id);
		free(o->name);
		free(o->sandbox_id);
		free(o->error);
		free(o->image);
		free(o->image_id);
		free(o->ip);
	}
	free(p->items);
	*p = (struct observed_pod){ 0 };
}

/* True when a is newer than b. */
static bool newer(const struct observed_container *a, const struct observed_container *b)
{
	if (a->attempt != b->attempt)
		return a->attempt > b->attempt;
	return a->created_ns > b->created_ns;
}

static bool same(const struct observed_container *c, enum container_kind kind, const char *name)
{
	return c->kind == kind && (!name || !strcmp(c->name, name));
}

const struct observed_container *observed_latest(const struct observed_pod *p,
						 enum container_kind kind, const char *name)
{
	const struct observed_container *best = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (same(&p->items[i], kind, name) && (!best || newer(&p->items[i], best)))
			best = &p->items[i];
	return best;
}

const struct observed_container *observed_previous(const struct observed_pod *p,
						   const struct observed_container *latest)
{
	const struct observed_container *best = NULL;
	if (!latest)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct observed_container *c = &p->items[i];
		if (c == latest || !same(c, latest->kind, latest->name) || !newer(latest, c))
			continue;
		if (!best || newer(c, best))
			best = c;
	}
	return best;
}

bool observed_exited(const struct observed_container *c)
{
	return !c->running &&
	       (c->state == DOCKER_STATE_EXITED || c->state == DOCKER_STATE_DEAD || c->finished_ns);
}
