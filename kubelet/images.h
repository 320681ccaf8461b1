/*
 * images.h - the image of a container, as the kubelet's image manager
 * decides it: imagePullPolicy (default Always for ":latest" or no tag, else
 * IfNotPresent) against what Docker has, pulls only when the node allows
 * them, and a per-pod back-off of failed pulls. Outcomes and their reasons
 * are Kubernetes': ErrImageNeverPull, ErrImagePull, ImagePullBackOff.
 * Not thread-safe: the back-off table belongs to one pod worker.
 */
#ifndef K8C_KUBELET_IMAGES_H
#define K8C_KUBELET_IMAGES_H

#include "api/types.gen.h"
#include "kubelet/backoff.h"
#include "kubelet/docker/docker.h"

struct image_check {
	const char *reason;   /* NULL when the image is there; else a static reason */
	struct strbuf message; /* why, naming the image */
	int64_t retry_ns;     /* when a back-off ends (wall clock), 0: no back-off */
};

/* The pull policy of c with Kubernetes' default. Static string. */
const char *images_pull_policy(const struct k8c_container *c);

/*
 * Makes sure the image of container c is present: inspects it and, when the
 * policy and pull_allowed say so, pulls it. Returns 0 when it can be used,
 * or -ENOENT with *out filled (reason, message, retry time) when the
 * container must wait; other Docker errors as negative errnos (message in
 * out->message). backoff is the pod's table, keyed "<image>".
 * out->message must be initialized (STRBUF_INIT) and released by the caller.
 */
int images_ensure(struct docker_client *dc, struct backoff_table *backoff, bool pull_allowed,
		  const struct k8c_container *c, int64_t now_ns, struct image_check *out);

#endif
