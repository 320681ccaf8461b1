/*
 * lease.c - node leases; see lease.h.
 */
#include "kubelet/lease.h"

#include "api/codec.h"
#include "base/timeutil.h"
#include "kubelet/kapi.h"

#define LEASE_NS "kube-node-lease"

void node_lease_init(struct node_lease *l, const char *node, const char *node_uid,
		     int32_t duration_s)
{
	*l = (struct node_lease){
		.node = xstrdup(node),
		.node_uid = xstrdup(node_uid),
		.duration_s = duration_s,
	};
}

void node_lease_release(struct node_lease *l)
{
	free(l->node);
	free(l->node_uid);
	k8c_free(&k8c_type_lease, l->cur);
	*l = (struct node_lease){ 0 };
}

static void lease_path(const struct node_lease *l, struct strbuf *out, bool collection)
{
	strbuf_addstr(out, "/apis/coordination.k8s.io/v1/namespaces/" LEASE_NS "/leases");
	if (!collection)
		strbuf_addf(out, "/%s", l->node);
}

static void fill(const struct node_lease *l, struct k8c_lease *ls)
{
	ls->kind = ls->kind ? ls->kind : xstrdup("Lease");
	ls->api_version = ls->api_version ? ls->api_version : xstrdup("coordination.k8s.io/v1");
	free(ls->spec.holder_identity);
	ls->spec.holder_identity = xstrdup(l->node);
	ls->spec.lease_duration_seconds = l->duration_s;
	ls->spec.has_lease_duration_seconds = true;
	ls->spec.renew_time = time_now_ns();
	if (!ls->metadata.n_owner_references && l->node_uid) {
		struct k8c_owner_reference *o = xcalloc(1, sizeof(*o));
		o->api_version = xstrdup("v1");
		o->kind = xstrdup("Node");
		o->name = xstrdup(l->node);
		o->uid = xstrdup(l->node_uid);
		ls->metadata.owner_references = o;
		ls->metadata.n_owner_references = 1;
	}
}

/* Sends ls (POST when create, else PUT) and keeps what the API answers. */
static int send(struct node_lease *l, struct k8c_client *api, struct k8c_lease *ls, bool create,
		struct strbuf *why)
{
	struct strbuf path = STRBUF_INIT, body = STRBUF_INIT;
	lease_path(l, &path, create);
	k8c_encode(&k8c_type_lease, ls, &body);
	struct k8c_lease *got = xcalloc(1, sizeof(*got));
	int r = kapi_send(api, create ? "POST" : "PUT", path.buf, NULL, body.buf, &k8c_type_lease,
			  got, why);
	if (r == 0) {
		k8c_free(&k8c_type_lease, l->cur);
		l->cur = got;
	} else {
		k8c_free(&k8c_type_lease, got);
	}
	strbuf_release(&path);
	strbuf_release(&body);
	return r;
}

/* Reads the lease into l->cur. -ENOENT: there is none. */
static int fetch(struct node_lease *l, struct k8c_client *api, struct strbuf *why)
{
	struct strbuf path = STRBUF_INIT;
	lease_path(l, &path, false);
	struct k8c_lease *got = xcalloc(1, sizeof(*got));
	int r = kapi_get(api, path.buf, &k8c_type_lease, got, why);
	k8c_free(&k8c_type_lease, l->cur);
	l->cur = r == 0 ? got : NULL;
	if (r < 0)
		k8c_free(&k8c_type_lease, got);
	strbuf_release(&path);
	return r;
}

int node_lease_renew(struct node_lease *l, struct k8c_client *api, struct strbuf *why)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		int r = l->cur ? 0 : fetch(l, api, why);
		if (r == -ENOENT) {
			strbuf_reset(why);
			struct k8c_lease fresh = { 0 };
			fresh.metadata.name = xstrdup(l->node);
			fresh.metadata.namespace = xstrdup(LEASE_NS);
			fill(l, &fresh);
			r = send(l, api, &fresh, true, why);
			k8c_release(&k8c_type_lease, &fresh);
		} else if (r == 0) {
			struct k8c_lease *next = k8c_dup(&k8c_type_lease, l->cur);
			fill(l, next);
			r = send(l, api, next, false, why);
			k8c_free(&k8c_type_lease, next);
		}
		if (r != -EBUSY && r != -EEXIST && r != -ENOENT)
			return r;
		k8c_free(&k8c_type_lease, l->cur); /* conflict: read it again */
		l->cur = NULL;
		strbuf_reset(why);
	}
	strbuf_addstr(why, "the lease kept changing under us");
	return -EBUSY;
}
