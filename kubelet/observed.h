/*
 * observed.h - what Docker says about the containers of one pod (its
 * sandboxes, init and app containers, every attempt still present), read
 * through the kubelet's labels: the input of the pod sync and of the status
 * computation. Same thread rule as the Docker client.
 */
#ifndef K8C_KUBELET_OBSERVED_H
#define K8C_KUBELET_OBSERVED_H

#include "kubelet/docker/docker.h"

/* What a container is in its pod (its LABEL_KIND). */
enum container_kind {
	CONTAINER_SANDBOX,
	CONTAINER_INIT,
	CONTAINER_APP,
};

struct observed_container {
	char *id;
	char *name; /* LABEL_CONTAINER: the spec's container name, or "POD" */
	enum container_kind kind;
	int attempt;
	uint32_t hash;
	char *sandbox_id; /* the sandbox an app or init container joined */
	enum docker_state state;
	bool running;
	int exit_code;
	bool oom_killed;
	int64_t created_ns, started_ns, finished_ns;
	char *error;	/* why Docker could not start it, or NULL */
	char *image;	/* the reference it was created from */
	char *image_id; /* "sha256:..." */
	char *ip;	/* the sandbox's bridge address, or NULL */
	int64_t grace_seconds; /* LABEL_GRACE, -1 when absent */
};

struct observed_pod {
	struct observed_container *items;
	size_t n;
};

/*
 * Lists and inspects every container on this node (label LABEL_NODE=node)
 * that belongs to the pod with uid, stopped ones included. Returns 0 and
 * fills *ret (release with observed_pod_release), or a negative errno of the
 * Docker client. A container removed between the list and its inspection is
 * left out.
 */
int observed_pod_read(struct docker_client *dc, const char *node, const char *uid,
		      struct observed_pod *ret);
/* Frees everything p holds and zeroes it. */
void observed_pod_release(struct observed_pod *p);

/*
 * The newest (highest attempt, then latest created) container of kind and
 * name in p, or NULL. name NULL matches any name (for the sandbox).
 */
const struct observed_container *observed_latest(const struct observed_pod *p,
						 enum container_kind kind, const char *name);
/* The newest one before latest (same kind and name), or NULL: the "previous" instance. */
const struct observed_container *observed_previous(const struct observed_pod *p,
						   const struct observed_container *latest);
/* True when c has run and ended (exited or dead, with a finish time or an exit code). */
bool observed_exited(const struct observed_container *c);

#endif
