/*
 * sync.c - one sync of a running pod, as Kubernetes' computePodActions and
 * SyncPod: the sandbox (created again when it died), init containers one
 * after the other, app containers restarted as the restart policy says with
 * the CrashLoopBackOff back-off, liveness/startup failures and spec changes
 * restarting containers, old instances garbage-collected, then the status.
 * Deleted and removed pods go to terminate.c. See worker_internal.h.
 */
#include "kubelet/worker_internal.h"

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "kubelet/containers.h"
#include "kubelet/kapi.h"
#include "kubelet/labels.h"
#include "kubelet/prober.h"
#include "kubelet/status.h"
#include "kubelet/volumes.h"

/* How soon a pod whose image is missing is synced again, to show ImagePullBackOff. */
#define IMAGE_RECHECK_NS (1 * K8C_NSEC_PER_SEC)

/* --- memos: why a container waits --- */

static struct container_memo *memo_find(struct pod_worker *w, const char *name)
{
	for (size_t i = 0; i < w->n_memos; i++)
		if (!strcmp(w->memos[i].name, name))
			return &w->memos[i];
	return NULL;
}

static void memo_set(struct pod_worker *w, const char *name, const char *reason,
		     const char *message)
{
	struct container_memo *m = memo_find(w, name);
	if (!m) {
		w->memos = xrealloc(w->memos, (w->n_memos + 1) * sizeof(*w->memos));
		m = &w->memos[w->n_memos++];
		*m = (struct container_memo){ .name = xstrdup(name) };
	}
	m->reason = reason;
	free(m->message);
	m->message = xstrdup(message);
}

static void memo_clear(struct pod_worker *w, const char *name)
{
	struct container_memo *m = memo_find(w, name);
	if (!m)
		return;
	free(m->name);
	free(m->message);
	*m = w->memos[--w->n_memos];
}

static int reobserve(struct pod_worker *w, struct observed_pod *obs)
{
	observed_pod_release(obs);
	return observed_pod_read(w->dc, w->k->node_name, w->uid, obs);
}

static const char *pod_policy(const struct k8c_pod *pod)
{
	return status_restart_policy(&pod->spec);
}

/* --- starting containers --- */

static void start_container(struct pod_worker *w, const struct k8c_pod *pod,
			    const struct k8c_container *c, const char *kind,
			    const struct observed_container *cur, const struct observed_container *sb)
{
	struct container_request req = {
		.k = w->k,
		.api = w->k->api,
		.dc = w->dc,
		.pod = pod,
		.spec = c,
		.kind = kind,
		.attempt = cur ? cur->attempt + 1 : 0,
		.sandbox_id = sb->id,
		.pod_ip = sb->ip,
		.image_backoff = &w->images,
	};
	struct start_failure fail = { .message = STRBUF_INIT };
	char *id = NULL;
	int64_t now = time_now_ns();
	if (containers_start(&req, &id, &fail) < 0) {
		memo_set(w, c->name, fail.reason, fail.message.buf);
		worker_event(w, pod, "Warning", strcmp(fail.reason, "ImagePullBackOff") ? "Failed" :
			     "BackOff", "%s", fail.message.buf);
		bool image = strstr(fail.reason, "Image") != NULL;
		int64_t retry = image ? now + IMAGE_RECHECK_NS :
				now + w->k->cfg->backoff_base_ms * K8C_NSEC_PER_MSEC;
		if (fail.retry_ns && fail.retry_ns < retry)
			retry = fail.retry_ns;
		worker_wake_at(w, retry);
	} else {
		memo_clear(w, c->name);
		worker_event(w, pod, "Normal", "Pulled", "Container image \"%s\" already present on "
			     "machine", c->image);
		worker_event(w, pod, "Normal", "Created", "Created container %s", c->name);
		worker_event(w, pod, "Normal", "Started", "Started container %s", c->name);
	}
	strbuf_release(&fail.message);
	free(id);
}

/*
 * True when the container that ended at finished_ns must wait before its
 * restart (CrashLoopBackOff, memo set, wake-up planned); else arms the next
 * back-off and returns false.
 */
static bool in_backoff(struct pod_worker *w, const struct k8c_pod *pod, const char *name,
		       int64_t finished_ns)
{
	int64_t now = time_now_ns(), until = 0;
	if (!finished_ns)
		finished_ns = now;
	if (!backoff_in_since(&w->restarts, name, finished_ns, now, &until)) {
		backoff_next(&w->restarts, name, finished_ns, now);
		return false;
	}
	struct strbuf msg = STRBUF_INIT;
	strbuf_addstr(&msg, "back-off ");
	backoff_format_duration(&msg, backoff_delay(&w->restarts, name));
	strbuf_addf(&msg, " restarting failed container=%s pod=%s_%s(%s)", name, pod->metadata.name,
		    pod->metadata.namespace, pod->metadata.uid);
	struct container_memo *m = memo_find(w, name);
	if (!m || !m->reason || strcmp(m->reason, "CrashLoopBackOff"))
		worker_event(w, pod, "Warning", "BackOff", "Back-off restarting failed container");
	memo_set(w, name, "CrashLoopBackOff", msg.buf);
	strbuf_release(&msg);
	worker_wake_at(w, until);
	return true;
}

/* Whether a container that exited with code must run again under the pod's policy. */
static bool should_restart(const struct k8c_pod *pod, int exit_code)
{
	const char *policy = pod_policy(pod);
	if (!strcmp(policy, "Never"))
		return false;
	return strcmp(policy, "OnFailure") || exit_code != 0;
}

/* --- init and app containers --- */

enum init_state { INIT_DONE, INIT_WAITING, INIT_FAILED };

/* Runs the first init container that has not succeeded in this sandbox. */
static enum init_state sync_init(struct pod_worker *w, const struct k8c_pod *pod,
				 const struct observed_pod *obs, const struct observed_container *sb)
{
	for (size_t i = 0; i < pod->spec.n_init_containers; i++) {
		const struct k8c_container *c = &pod->spec.init_containers[i];
		const struct observed_container *cur = observed_latest(obs, CONTAINER_INIT, c->name);
		bool here = cur && streq_null(cur->sandbox_id, sb->id);
		if (here && observed_exited(cur) && cur->exit_code == 0) {
			memo_clear(w, c->name);
			continue;
		}
		if (here && cur->running)
			return INIT_WAITING;
		if (here && observed_exited(cur)) {
			if (!should_restart(pod, cur->exit_code))
				return INIT_FAILED;
			if (in_backoff(w, pod, c->name, cur->finished_ns))
				return INIT_WAITING;
		}
		start_container(w, pod, c, KIND_INIT, cur, sb);
		return INIT_WAITING;
	}
	return INIT_DONE;
}

/* Why a running app container must be restarted (owned message), or NULL. */
static char *restart_reason(struct pod_worker *w, const struct k8c_container *c,
			    const struct observed_container *cur)
{
	char *why = NULL;
	if (cur->hash && cur->hash != containers_hash(c)) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "Container %s definition changed, will be restarted", c->name);
		return strbuf_detach(&sb, NULL);
	}
	if (w->prober && prober_wants_restart(w->prober, c->name, cur->id, &why))
		return why;
	return NULL;
}

static void sync_app(struct pod_worker *w, const struct k8c_pod *pod,
		     const struct observed_pod *obs, const struct observed_container *sb,
		     const struct k8c_container *c)
{
	const struct observed_container *cur = observed_latest(obs, CONTAINER_APP, c->name);
	if (cur && cur->running) {
		char *why = restart_reason(w, c, cur);
		if (why) {
			worker_event(w, pod, "Normal", "Killing", "%s", why);
			terminate_one(w, cur, containers_grace_seconds(pod), why);
			pod_worker_wake(w); /* the next sync restarts it */
		} else {
			memo_clear(w, c->name);
		}
		free(why);
		return;
	}
	if (cur && !observed_exited(cur)) { /* created, never started: a leftover */
		docker_container_remove(w->dc, cur->id, DOCKER_REMOVE_FORCE);
	} else if (cur && !should_restart(pod, cur->exit_code)) {
		memo_clear(w, c->name);
		return;
	} else if (cur && in_backoff(w, pod, c->name, cur->finished_ns)) {
		return;
	}
	start_container(w, pod, c, KIND_APP, cur, sb);
}

/* True when no app container will run again: the pod is done (Succeeded or Failed). */
static bool apps_done(const struct k8c_pod *pod, const struct observed_pod *obs)
{
	if (!strcmp(pod_policy(pod), "Always") || !pod->spec.n_containers)
		return false;
	for (size_t i = 0; i < pod->spec.n_containers; i++) {
		const struct observed_container *cur =
			observed_latest(obs, CONTAINER_APP, pod->spec.containers[i].name);
		if (!cur || !observed_exited(cur) || should_restart(pod, cur->exit_code))
			return false;
	}
	return true;
}

/* Kills running containers that joined another sandbox than sb. Returns how many. */
static int kill_strays(struct pod_worker *w, const struct k8c_pod *pod,
		       const struct observed_pod *obs, const struct observed_container *sb)
{
	int n = 0;
	for (size_t i = 0; i < obs->n; i++) {
		const struct observed_container *c = &obs->items[i];
		if (c->kind == CONTAINER_SANDBOX || !c->running || (sb && streq_null(c->sandbox_id, sb->id)))
			continue;
		terminate_one(w, c, containers_grace_seconds(pod), "its pod sandbox changed");
		n++;
	}
	return n;
}

/* Stops every running container of a pod that is done, the sandbox last. */
static void stop_all(struct pod_worker *w, const struct observed_pod *obs)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < obs->n; i++)
			if (obs->items[i].running && (obs->items[i].kind == CONTAINER_SANDBOX) == pass)
				terminate_one(w, &obs->items[i], 2, "the pod is done");
}

/* --- sandbox, garbage, status --- */

/* The running sandbox (created when there is none), or NULL when none can run now. */
static const struct observed_container *sync_sandbox(struct pod_worker *w,
						     const struct k8c_pod *pod,
						     struct observed_pod *obs)
{
	const struct observed_container *sb = observed_latest(obs, CONTAINER_SANDBOX, NULL);
	if (sb && sb->running)
		return sb;
	if (sb)
		worker_event(w, pod, "Normal", "SandboxChanged",
			     "Pod sandbox changed, it will be killed and re-created.");
	int attempt = sb ? sb->attempt + 1 : 0;
	if (kill_strays(w, pod, obs, NULL) && reobserve(w, obs) < 0)
		return NULL;
	struct strbuf why = STRBUF_INIT;
	int64_t retry = time_now_ns() + w->k->cfg->backoff_base_ms * K8C_NSEC_PER_MSEC;
	char *id = NULL, *ip = NULL;
	if (volumes_setup(w->k->api, w->k->cfg->root_dir, pod, &why) < 0) {
		worker_event(w, pod, "Warning", "FailedMount", "%s", why.buf);
		worker_wake_at(w, retry);
	} else if (containers_start_sandbox(w->k, w->dc, pod, attempt, &id, &ip, &why) < 0) {
		worker_event(w, pod, "Warning", "FailedCreatePodSandBox", "%s", why.buf);
		worker_wake_at(w, retry);
	}
	strbuf_release(&why);
	bool created = id != NULL;
	free(id);
	free(ip);
	if (!created || reobserve(w, obs) < 0)
		return NULL;
	sb = observed_latest(obs, CONTAINER_SANDBOX, NULL);
	return sb && sb->running ? sb : NULL;
}

/* Removes exited instances beyond the newest two of each container, and old sandboxes. */
static void sync_gc(struct pod_worker *w, const struct observed_pod *obs)
{
	for (size_t i = 0; i < obs->n; i++) {
		const struct observed_container *c = &obs->items[i];
		if (c->running)
			continue;
		bool sandbox = c->kind == CONTAINER_SANDBOX;
		const struct observed_container *latest =
			observed_latest(obs, c->kind, sandbox ? NULL : c->name);
		if (c == latest || (!sandbox && c == observed_previous(obs, latest)))
			continue;
		if (sandbox && latest && !latest->running)
			continue; /* keep the newest sandbox of a pod that is done */
		docker_container_remove(w->dc, c->id, DOCKER_REMOVE_FORCE | DOCKER_REMOVE_VOLUMES);
	}
}

static void fill_views(struct pod_worker *w, const struct observed_pod *obs,
		       const struct k8c_container *specs, size_t n, enum container_kind kind,
		       const char *pod_ip, struct container_view *views)
{
	for (size_t i = 0; i < n; i++) {
		const struct observed_container *cur = observed_latest(obs, kind, specs[i].name);
		const struct container_memo *m = memo_find(w, specs[i].name);
		const char *id = cur ? cur->id : NULL;
		views[i] = (struct container_view){
			.spec = &specs[i],
			.current = cur,
			.previous = observed_previous(obs, cur),
			.waiting_reason = m ? m->reason : NULL,
			.waiting_message = m ? m->message : NULL,
			.ready = !w->prober || prober_result(w->prober, specs[i].name, id, PROBE_READINESS),
			.started = !w->prober || prober_result(w->prober, specs[i].name, id, PROBE_STARTUP),
		};
		if (w->prober && kind == CONTAINER_APP)
			prober_set_target(w->prober, specs[i].name, cur && cur->running ? id : NULL,
					  cur ? cur->started_ns : 0, pod_ip);
	}
}

static void sync_status(struct pod_worker *w, const struct k8c_pod *pod,
			const struct observed_pod *obs)
{
	const struct observed_container *sb = observed_latest(obs, CONTAINER_SANDBOX, NULL);
	const char *ip = sb && sb->running ? sb->ip : NULL;
	if (sb && sb->running && pod->spec.has_host_network && pod->spec.host_network)
		ip = w->k->node_ip; /* the host's network: the pod's IP is the node's */
	struct container_view *init = xcalloc(pod->spec.n_init_containers + 1, sizeof(*init));
	struct container_view *app = xcalloc(pod->spec.n_containers + 1, sizeof(*app));
	fill_views(w, obs, pod->spec.init_containers, pod->spec.n_init_containers, CONTAINER_INIT, ip,
		   init);
	fill_views(w, obs, pod->spec.containers, pod->spec.n_containers, CONTAINER_APP, ip, app);
	struct status_input in = {
		.pod = pod,
		.init = init,
		.n_init = pod->spec.n_init_containers,
		.app = app,
		.n_app = pod->spec.n_containers,
		.pod_ip = ip,
		.host_ip = w->k->node_ip,
		.now_ns = time_now_ns(),
	};
	struct k8c_pod_status st = { 0 };
	status_compute(&in, &st);
	pthread_mutex_lock(&w->lock);
	k8c_release(&k8c_type_pod_status, &w->published);
	k8c_copy(&k8c_type_pod_status, &w->published, &st);
	w->have_published = true;
	pthread_mutex_unlock(&w->lock);
	status_write(w, pod, &st);
	k8c_release(&k8c_type_pod_status, &st);
	free(init);
	free(app);
}

/* --- the sync --- */

static bool terminal_phase(const struct k8c_pod *pod)
{
	const char *ph = pod->status.phase;
	return ph && (!strcmp(ph, "Succeeded") || !strcmp(ph, "Failed"));
}

/* Drives a live pod's containers; obs is re-read when they changed. */
static void sync_running(struct pod_worker *w, const struct k8c_pod *pod,
			 struct observed_pod *obs)
{
	const struct observed_container *sb = observed_latest(obs, CONTAINER_SANDBOX, NULL);
	bool once_only = !strcmp(pod_policy(pod), "Never") && sb && obs->n > 1;
	if (terminal_phase(pod) || apps_done(pod, obs) || (once_only && !sb->running)) {
		stop_all(w, obs);
		return;
	}
	if (!(sb = sync_sandbox(w, pod, obs)))
		return;
	if (kill_strays(w, pod, obs, sb) && (reobserve(w, obs) < 0 ||
					     !(sb = observed_latest(obs, CONTAINER_SANDBOX, NULL))))
		return;
	enum init_state init = sync_init(w, pod, obs, sb);
	if (init == INIT_FAILED) {
		stop_all(w, obs);
	} else if (init == INIT_DONE) {
		for (size_t i = 0; i < pod->spec.n_containers; i++)
			sync_app(w, pod, obs, sb, &pod->spec.containers[i]);
	}
	if (reobserve(w, obs) == 0)
		sync_gc(w, obs);
}

static void ensure_prober(struct pod_worker *w, const struct k8c_pod *pod)
{
	if (w->prober)
		return;
	w->prober = prober_new(w->k, pod, worker_notify, w);
}

/* The grace period a deleted pod's containers get (Kubernetes' minimum is 2 s). */
static int64_t grace_of(const struct k8c_pod *pod, const struct observed_pod *obs)
{
	int64_t g = -1;
	if (pod && pod->metadata.has_deletion_grace_period_seconds)
		g = pod->metadata.deletion_grace_period_seconds;
	else if (pod)
		g = containers_grace_seconds(pod);
	for (size_t i = 0; !pod && i < obs->n; i++)
		if (obs->items[i].grace_seconds > g)
			g = obs->items[i].grace_seconds;
	return g < 2 ? 2 : g;
}

/* The final delete of a pod whose containers are gone. */
static void final_delete(struct pod_worker *w, const struct k8c_pod *pod)
{
	struct strbuf why = STRBUF_INIT;
	if (kapi_delete_pod_final(w->k->api, pod, &why) < 0)
		log_warn("failed to delete pod '%s/%s': %s", pod->metadata.namespace,
			 pod->metadata.name, why.buf);
	strbuf_release(&why);
}

/* A deleted or removed pod: kill, clean up, final delete. Returns true when done. */
static bool sync_terminating(struct pod_worker *w, const struct k8c_pod *pod, bool removed,
			     struct observed_pod *obs)
{
	prober_free(w->prober);
	w->prober = NULL;
	if (obs->n && pod && !removed)
		worker_event(w, pod, "Normal", "Killing", "Stopping containers of pod %s",
			     pod->metadata.name);
	if (terminate_containers(w, obs, grace_of(pod, obs)) < 0) {
		worker_wake_at(w, time_now_ns() + K8C_NSEC_PER_SEC);
		return false;
	}
	volumes_cleanup(w->k->cfg->root_dir, w->uid);
	if (pod && !removed)
		final_delete(w, pod);
	return removed || !pod;
}

bool sync_pod(struct pod_worker *w, const struct k8c_pod *pod, bool removed)
{
	struct observed_pod obs;
	int r = observed_pod_read(w->dc, w->k->node_name, w->uid, &obs);
	if (r < 0) {
		log_warn("cannot list the containers of pod %s: %s", w->uid,
			 docker_client_last_error(w->dc));
		worker_wake_at(w, time_now_ns() + K8C_NSEC_PER_SEC);
		return false;
	}
	bool done = false;
	if (!pod || removed || pod->metadata.deletion_timestamp) {
		done = sync_terminating(w, pod, removed, &obs);
	} else {
		ensure_prober(w, pod);
		sync_running(w, pod, &obs);
		sync_status(w, pod, &obs);
	}
	observed_pod_release(&obs);
	return done;
}
