/*
 * terminate.c - killing a pod's containers as Kubernetes does: every app and
 * init container gets its stop signal at once, SIGKILL when the grace
 * period is over, then the sandbox goes; then everything is removed. See
 * worker_internal.h.
 */
#include "kubelet/worker_internal.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "kubelet/labels.h"

#define POLL_MS 100
/* How long a SIGKILLed container may take to be reported exited. */
#define KILL_WAIT_NS (10 * K8C_NSEC_PER_SEC)

static bool still_running(struct pod_worker *w, const char *id)
{
	struct docker_container c;
	if (docker_container_inspect(w->dc, id, &c) < 0)
		return false;
	bool running = c.running;
	docker_container_release(&c);
	return running;
}

/* Waits until none of ids[] runs or deadline (monotonic) passes; ids of exited ones are
 * freed and cleared. Returns how many still run. */
static size_t wait_exited(struct pod_worker *w, char **ids, size_t n, int64_t deadline)
{
	for (;;) {
		size_t left = 0;
		for (size_t i = 0; i < n; i++) {
			if (ids[i] && !still_running(w, ids[i])) {
				free(ids[i]);
				ids[i] = NULL;
			}
			left += ids[i] != NULL;
		}
		if (!left || time_mono_ns() >= deadline)
			return left;
		time_sleep_ms(POLL_MS);
	}
}

/* Stops the running containers of kinds (sandbox or not) in parallel. */
static void stop_group(struct pod_worker *w, const struct observed_pod *obs, bool sandbox,
		       int64_t grace_s)
{
	char **ids = xcalloc(obs->n + 1, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < obs->n; i++) {
		const struct observed_container *c = &obs->items[i];
		if (!c->running || (c->kind == CONTAINER_SANDBOX) != sandbox)
			continue;
		if (docker_container_kill(w->dc, c->id, "SIGTERM") == 0)
			ids[n++] = xstrdup(c->id);
	}
	int64_t deadline = time_mono_ns() + grace_s * K8C_NSEC_PER_SEC;
	if (n && wait_exited(w, ids, n, deadline)) {
		for (size_t i = 0; i < n; i++)
			if (ids[i])
				docker_container_kill(w->dc, ids[i], "SIGKILL");
		wait_exited(w, ids, n, time_mono_ns() + KILL_WAIT_NS);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

void terminate_one(struct pod_worker *w, const struct observed_container *c, int64_t grace_s,
		   const char *why)
{
	log_info("killing container %s (%s) of pod %s: %s", c->name, c->id, w->uid, why);
	if (docker_container_stop(w->dc, c->id, (int)grace_s) < 0)
		log_warn("failed to stop container %s: %s", c->id, docker_client_last_error(w->dc));
}

int terminate_containers(struct pod_worker *w, const struct observed_pod *obs, int64_t grace_s)
{
	stop_group(w, obs, false, grace_s);
	stop_group(w, obs, true, 2);
	int r = 0;
	for (size_t i = 0; i < obs->n; i++) {
		int rr = docker_container_remove(w->dc, obs->items[i].id,
						 DOCKER_REMOVE_FORCE | DOCKER_REMOVE_VOLUMES);
		if (rr < 0 && rr != -ENOENT && rr != -EBUSY) {
			log_warn("failed to remove container %s: %s", obs->items[i].id,
				 docker_client_last_error(w->dc));
			r = rr;
		}
	}
	return r;
}
