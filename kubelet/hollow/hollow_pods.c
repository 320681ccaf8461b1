/*
 * hollow_pods.c - what a hollow node does with its pods: reports each
 * Running and Ready (containers running since now, init containers
 * completed, a fake IP), computed by the real kubelet's status code so it
 * has exactly Kubernetes' shape; finishes deletions with the final delete.
 * See hollow_internal.h.
 */
#include "kubelet/hollow/hollow_internal.h"

#include "api/codec.h"
#include "base/hashmap.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "kubelet/kapi.h"
#include "kubelet/status.h"

#define HOLLOW_IMAGE_ID "sha256:0000000000000000000000000000000000000000000000000000000000000000"

static bool condition_true(const struct k8c_pod *p, const char *type)
{
	for (size_t i = 0; i < p->status.n_conditions; i++)
		if (p->status.conditions[i].type && !strcmp(p->status.conditions[i].type, type))
			return p->status.conditions[i].status &&
			       !strcmp(p->status.conditions[i].status, "True");
	return false;
}

static bool needs_work(const struct k8c_pod *p)
{
	if (p->metadata.deletion_timestamp)
		return true;
	const char *ph = p->status.phase ? p->status.phase : "";
	if (!strcmp(ph, "Succeeded") || !strcmp(ph, "Failed"))
		return false;
	return strcmp(ph, "Running") || !condition_true(p, "Ready");
}

static void enqueue(struct hollow_node *n, const struct k8c_pod *p)
{
	if (!needs_work(p))
		return;
	struct strbuf key = STRBUF_INIT;
	strbuf_addf(&key, "p/%d/%s/%s", n->index, p->metadata.namespace, p->metadata.name);
	k8c_workqueue_add(n->h->queue, key.buf);
	strbuf_release(&key);
}

static void on_add(void *ud, const void *obj)
{
	enqueue(ud, obj);
}

static void on_update(void *ud, const void *old, const void *obj)
{
	enqueue(ud, obj);
}

void hollow_pods_watch(struct hollow_node *node)
{
	struct k8c_informer_handlers h = { .on_add = on_add, .on_update = on_update, .userdata = node };
	k8c_informer_add_handlers(node->pods, &h);
}

/* A container id that looks like Docker's: 64 hex digits derived from the pod and name. */
static char *fake_id(const char *uid, const char *name)
{
	struct strbuf sb = STRBUF_INIT, seed = STRBUF_INIT;
	for (int i = 0; i < 8; i++) {
		strbuf_reset(&seed);
		strbuf_addf(&seed, "%d/%s/%s", i, uid ? uid : "", name);
		strbuf_addf(&sb, "%08x", hashmap_hash(seed.buf));
	}
	strbuf_release(&seed);
	return strbuf_detach(&sb, NULL);
}

static void fake_containers(const struct k8c_pod *pod, const struct k8c_container *specs, size_t n,
			    bool init, int64_t now, struct observed_container *out,
			    struct container_view *views)
{
	for (size_t i = 0; i < n; i++) {
		out[i] = (struct observed_container){
			.id = fake_id(pod->metadata.uid, specs[i].name),
			.name = (char *)specs[i].name,
			.kind = init ? CONTAINER_INIT : CONTAINER_APP,
			.state = init ? DOCKER_STATE_EXITED : DOCKER_STATE_RUNNING,
			.running = !init,
			.created_ns = now,
			.started_ns = now,
			.finished_ns = init ? now : 0,
			.image = (char *)specs[i].image,
			.image_id = (char *)HOLLOW_IMAGE_ID,
		};
		views[i] = (struct container_view){
			.spec = &specs[i], .current = &out[i], .ready = true, .started = true
		};
	}
}

/* The status a hollow node reports for pod: every container up, ready, with a fake IP. */
static void running_status(struct hollow_node *node, const struct k8c_pod *pod,
			   struct k8c_pod_status *out)
{
	const struct k8c_pod_spec *s = &pod->spec;
	size_t n = s->n_init_containers + s->n_containers;
	struct observed_container *fake = xcalloc(n + 1, sizeof(*fake));
	struct container_view *views = xcalloc(n + 1, sizeof(*views));
	int64_t now = time_now_ns();
	fake_containers(pod, s->init_containers, s->n_init_containers, true, now, fake, views);
	fake_containers(pod, s->containers, s->n_containers, false, now, fake + s->n_init_containers,
			views + s->n_init_containers);
	char ip[16];
	unsigned last = atomic_fetch_add(&node->next_ip, 1) % 253 + 2;
	snprintf(ip, sizeof(ip), "10.%d.%d.%u", (node->index >> 8) & 255, node->index & 255, last);
	struct status_input in = {
		.pod = pod,
		.init = views,
		.n_init = s->n_init_containers,
		.app = views + s->n_init_containers,
		.n_app = s->n_containers,
		.pod_ip = ip,
		.host_ip = node->ip,
		.now_ns = now,
	};
	status_compute(&in, out);
	for (size_t i = 0; i < n; i++)
		free(fake[i].id);
	free(fake);
	free(views);
}

static int report_running(struct hollow_node *node, const struct k8c_pod *pod)
{
	struct k8c_pod_status st = { 0 };
	running_status(node, pod, &st);
	char *body = status_merge_patch(&pod->status, &st);
	struct strbuf path = STRBUF_INIT, why = STRBUF_INIT;
	kapi_core_path(&path, pod->metadata.namespace, "pods", pod->metadata.name, "status");
	int r = kapi_send(node->h->api, "PATCH", path.buf, "application/merge-patch+json", body,
			  NULL, NULL, &why);
	if (r == 0)
		atomic_fetch_add(&node->h->pods_reported, 1);
	else if (r != -ENOENT)
		log_warn("hollow node %s: status of pod %s/%s: %s", node->name,
			 pod->metadata.namespace, pod->metadata.name, why.buf);
	strbuf_release(&path);
	strbuf_release(&why);
	free(body);
	k8c_release(&k8c_type_pod_status, &st);
	return r == -ENOENT ? 0 : r;
}

int hollow_pod_sync(struct hollow_node *node, const char *key)
{
	struct k8c_pod *pod = k8c_informer_get(node->pods, key);
	if (!pod || !needs_work(pod)) {
		k8c_obj_unref(pod);
		return 0;
	}
	int r;
	if (pod->metadata.deletion_timestamp) {
		struct strbuf why = STRBUF_INIT;
		r = kapi_delete_pod_final(node->h->api, pod, &why);
		if (r < 0)
			log_warn("hollow node %s: delete of pod %s: %s", node->name, key, why.buf);
		strbuf_release(&why);
	} else {
		r = report_running(node, pod);
	}
	k8c_obj_unref(pod);
	return r;
}
