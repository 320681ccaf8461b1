/*
 * image.h - the local images the kubelet runs. Only inspection: images are
 * made by hack/build-images.sh (no registry is reachable), so a missing image
 * is reported as such (ErrImagePull in the pod status) and never pulled.
 * Same thread rule as client.h.
 */
#ifndef K8C_KUBELET_DOCKER_IMAGE_H
#define K8C_KUBELET_DOCKER_IMAGE_H

#include "kubelet/docker/client.h"
#include "kubelet/docker/values.h"

struct docker_image {
	char *id;	     /* "sha256:<hex>" */
	int64_t size;	     /* bytes */
	int64_t created_ns;  /* 0 when unknown */
	char **repo_tags;    /* "k8c.local/busybox:latest"...; NULL-terminated, never NULL */
	char **repo_digests; /* "name@sha256:<hex>"...; empty for imported images */
	struct docker_labels labels; /* Config.Labels */
};

/*
 * Inspects the image name (a reference "repo:tag", "repo@digest" or an
 * id). Returns 0 and fills *ret (release with docker_image_release),
 * -ENOENT when there is no such image, or another negative errno
 * (client.h); *ret is untouched on failure.
 */
int docker_image_inspect(struct docker_client *c, const char *name, struct docker_image *ret);
/* Frees everything img owns and zeroes it. */
void docker_image_release(struct docker_image *img);

#endif
