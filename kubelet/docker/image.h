/*
 * image.h - the images the kubelet runs: inspection, import of a root
 * filesystem tarball (how the kubelet makes k8c.local/pause when it is
 * missing, as hack/build-images.sh does) and pulls from a registry (only when
 * the kubelet's pull policy allows them: no registry is reachable in tests).
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

/*
 * Imports the tarball tar (len bytes, a root filesystem) as the image
 * reference ("repo:tag"), applying the Dockerfile-style changes
 * ("CMD [\"/pause\"]", "LABEL k=v"; NULL-terminated, may be NULL), as
 * `docker import` does. Returns 0, -EINVAL when the daemon rejects the
 * tarball or a change, or another negative errno (client.h).
 */
int docker_image_import(struct docker_client *c, const char *reference, const char *const *changes,
			const void *tar, size_t len);
/*
 * Pulls reference ("repo[:tag]", ":latest" when no tag) from its registry
 * and waits until the pull ends (no timeout of its own beyond timeout_ms,
 * > 0). Returns 0, -ENOENT when the registry has no such image or denies
 * access, -EIO when the pull failed otherwise (the daemon's message in
 * docker_client_last_error()), or another negative errno (client.h).
 */
int docker_image_pull(struct docker_client *c, const char *reference, int64_t timeout_ms);

#endif
