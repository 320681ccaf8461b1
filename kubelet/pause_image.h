/*
 * pause_image.h - the sandbox image. When Docker lacks it, the kubelet makes
 * it as hack/build-images.sh does: a one-file root filesystem holding the
 * static k8c-pause binary as /pause, imported with CMD ["/pause"]. The
 * binary comes from --pause-binary, else $K8C_PAUSE, else next to the
 * kubelet's own executable (pause/k8c-pause in the build tree, or
 * k8c-pause beside it). Thread-safe (serialized by a lock).
 */
#ifndef K8C_KUBELET_PAUSE_IMAGE_H
#define K8C_KUBELET_PAUSE_IMAGE_H

#include "base/strbuf.h"
#include "kubelet/docker/client.h"

/*
 * Makes sure image (a "repo:tag" reference) exists, importing it from the
 * pause binary at binary (NULL: the default places) when it does not.
 * Returns 0, or a negative errno with why set (-ENOENT: no image and no
 * binary to make it from).
 */
int pause_image_ensure(struct docker_client *dc, const char *image, const char *binary,
		       struct strbuf *why);

/*
 * Appends to out a POSIX tar archive (ustar) holding one executable file
 * named name with len bytes of data, owned by root, mtime 0.
 */
void pause_image_tar(struct strbuf *out, const char *name, const void *data, size_t len);

#endif
