/*
 * containers.h - creating and starting one container of a pod in Docker
 * (an init or app container joining the pod's sandbox, or the sandbox
 * itself), with the outcomes Kubernetes reports when that fails: the image
 * (ErrImageNeverPull, ErrImagePull, ImagePullBackOff), the configuration
 * (CreateContainerConfigError: env, mounts), Docker's create
 * (CreateContainerError) and start (RunContainerError). Thread-safe for
 * different pods (each worker has its Docker client).
 */
#ifndef K8C_KUBELET_CONTAINERS_H
#define K8C_KUBELET_CONTAINERS_H

#include "api/types.gen.h"
#include "kubelet/backoff.h"
#include "kubelet/docker/docker.h"
#include "kubelet/kubelet.h"

struct container_request {
	struct kubelet *k;
	struct k8c_client *api;
	struct docker_client *dc;
	const struct k8c_pod *pod;
	const struct k8c_container *spec;
	const char *kind; /* KIND_INIT or KIND_APP */
	int attempt;
	const char *sandbox_id;
	const char *pod_ip;
	struct backoff_table *image_backoff; /* the pod's image pull back-off */
};

/* Why a container could not be started; message initialized by the caller (STRBUF_INIT). */
struct start_failure {
	const char *reason; /* static: "ErrImagePull", "CreateContainerConfigError"... */
	struct strbuf message;
	int64_t retry_ns; /* when to try again (an image back-off's end), 0: at the next sync */
};

/*
 * Creates and starts the container req describes. Returns 0 and *ret_id
 * (owned), or a negative errno with *fail filled (a container that was
 * created but did not start is removed again).
 */
int containers_start(const struct container_request *req, char **ret_id,
		     struct start_failure *fail);

/*
 * Creates and starts the sandbox of pod (attempt n): the pause image
 * (imported if missing), the pod's hostname, its hostPorts published, a
 * shareable IPC namespace. Returns 0, *ret_id and *ret_ip (owned; NULL with
 * hostNetwork), or a negative errno with why set.
 */
int containers_start_sandbox(struct kubelet *k, struct docker_client *dc, const struct k8c_pod *pod,
			     int attempt, char **ret_id, char **ret_ip, struct strbuf *why);

/* The hash of a container's spec (changes of it restart the container). */
uint32_t containers_hash(const struct k8c_container *c);

/* The pod's terminationGracePeriodSeconds (default 30). */
int64_t containers_grace_seconds(const struct k8c_pod *pod);

#endif
