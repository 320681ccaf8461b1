/*
 * volumes.h - a pod's volumes on this node: emptyDir, hostPath, configMap
 * and secret, set up under ROOT/pods/<uid>/volumes/<plugin>/<name> (the
 * kubelet's own layout: kubernetes.io~empty-dir, kubernetes.io~configmap,
 * kubernetes.io~secret) and bound into containers by their volumeMounts.
 * Other volume types make the pod fail to start with a clear message.
 * Thread-safe for different pods.
 */
#ifndef K8C_KUBELET_VOLUMES_H
#define K8C_KUBELET_VOLUMES_H

#include "api/types.gen.h"
#include "client/rest.h"
#include "kubelet/docker/container.h"

/*
 * Creates or refreshes every volume of pod under root: directories for
 * emptyDir, the keys of configMap and secret volumes as files (items and
 * modes honoured; written atomically), hostPath checked against its type.
 * Reads configMaps and secrets through api. Returns 0, or a negative errno
 * with a message as Kubernetes' FailedMount events give it in why
 * ("configmap \"x\" not found").
 */
int volumes_setup(struct k8c_client *api, const char *root, const struct k8c_pod *pod,
		  struct strbuf *why);

/* The binds of a container: every string owned by the struct. */
struct volume_binds {
	struct docker_bind *items;
	size_t n;
};

/*
 * Fills *ret with the bind mounts of container c of pod: one per
 * volumeMount (subPath honoured and created). Returns 0, or -EINVAL with
 * why set for a mount of a volume the pod does not have. Release *ret with
 * volume_binds_release.
 */
int volumes_binds(const char *root, const struct k8c_pod *pod, const struct k8c_container *c,
		  struct volume_binds *ret, struct strbuf *why);
void volume_binds_release(struct volume_binds *b);

/* Removes ROOT/pods/<uid> and everything in it (hostPath volumes are never touched). */
void volumes_cleanup(const char *root, const char *uid);

/* Creates dir and its missing parents with mode. Returns 0 or a negative errno. */
int volumes_mkdir_p(const char *dir, unsigned mode);

#endif
