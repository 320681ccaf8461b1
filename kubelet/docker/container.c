/*
 * container.c - a container's lifecycle after create: start, stop, kill,
 * remove; and the names of its states. See container.h.
 */
#include "kubelet/docker/container.h"

#include "kubelet/docker/http.h"

/* How much longer than its own timeout a stop may take (the daemon's kill and wait). */
#define DOCKER_STOP_GRACE_MS (30 * 1000)

static const char *const state_names[] = {
	[DOCKER_STATE_UNKNOWN] = "unknown",	  [DOCKER_STATE_CREATED] = "created",
	[DOCKER_STATE_RUNNING] = "running",	  [DOCKER_STATE_PAUSED] = "paused",
	[DOCKER_STATE_RESTARTING] = "restarting", [DOCKER_STATE_REMOVING] = "removing",
	[DOCKER_STATE_EXITED] = "exited",	  [DOCKER_STATE_DEAD] = "dead",
};

enum docker_state docker_state_from_string(const char *s)
{
	for (size_t i = 1; s && i < ARRAY_SIZE(state_names); i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum docker_state)i;
	return DOCKER_STATE_UNKNOWN;
}

const char *docker_state_name(enum docker_state state)
{
	if ((size_t)state >= ARRAY_SIZE(state_names))
		return state_names[DOCKER_STATE_UNKNOWN];
	return state_names[state];
}

/* POST /containers/{id}{action}; 304 (already in that state) counts as success. */
static int post_action(struct docker_client *c, const char *id, const char *action,
		       int64_t timeout_ms)
{
	struct strbuf path = STRBUF_INIT;
	docker__add_path(&path, "/containers/", id, action);
	struct docker__request req = { .method = "POST",
				       .path = path.buf,
				       .timeout_ms = timeout_ms };
	int r = docker__do(c, &req);
	strbuf_release(&path);
	return r < 0 ? r : 0;
}

int docker_container_start(struct docker_client *c, const char *id)
{
	return post_action(c, id, "/start", 0);
}

int docker_container_stop(struct docker_client *c, const char *id, int timeout_s)
{
	struct strbuf action = STRBUF_INIT;
	if (timeout_s < 0)
		timeout_s = 0;
	strbuf_addf(&action, "/stop?t=%d", timeout_s);
	int r = post_action(c, id, action.buf, timeout_s * 1000LL + DOCKER_STOP_GRACE_MS);
	strbuf_release(&action);
	return r;
}

int docker_container_kill(struct docker_client *c, const char *id, const char *signal)
{
	struct strbuf action = STRBUF_INIT;
	docker__add_path(&action, "/kill?signal=", signal ? signal : "SIGKILL", NULL);
	int r = post_action(c, id, action.buf, 0);
	strbuf_release(&action);
	return r;
}

int docker_container_remove(struct docker_client *c, const char *id, unsigned flags)
{
	struct strbuf path = STRBUF_INIT;
	docker__add_path(&path, "/containers/", id, NULL);
	strbuf_addf(&path, "?force=%d&v=%d", !!(flags & DOCKER_REMOVE_FORCE),
		    !!(flags & DOCKER_REMOVE_VOLUMES));
	int r = docker__call(c, "DELETE", path.buf, 0);
	strbuf_release(&path);
	return r < 0 ? r : 0;
}
