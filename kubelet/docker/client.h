/*
 * client.h - a client of the Docker Engine API (version 1.41) over a unix
 * socket: the object every kubelet/docker/ call takes. It owns one libcurl
 * handle, so consecutive requests reuse one keep-alive connection.
 *
 * Threads: a client is used by one thread at a time (the kubelet creates one
 * per worker); different clients may be used concurrently.
 *
 * Errors: every call returns a negative errno on failure and leaves its ret_
 * out-parameters untouched:
 *   -ENOENT        no such container, image or exec (HTTP 404)
 *   -EEXIST        container name in use (HTTP 409 on create)
 *   -EBUSY         other conflicts (HTTP 409: not running, removal in progress)
 *   -EINVAL        the daemon rejected the request (HTTP 400), or a bad argument
 *   -EIO           the daemon failed (HTTP 500: e.g. the runtime cannot start a process)
 *   -ECONNREFUSED  no daemon listens on the socket (or the socket does not exist)
 *   -ECONNRESET    the connection broke during the request
 *   -ETIMEDOUT     the request did not finish in time
 *   -EPROTO        the daemon's answer could not be understood
 * and docker_client_last_error() says why in words (the daemon's own message
 * when it sent one) for the pod status.
 */
#ifndef K8C_KUBELET_DOCKER_CLIENT_H
#define K8C_KUBELET_DOCKER_CLIENT_H

#include "base/base.h"

#define DOCKER_DEFAULT_SOCKET "/var/run/docker.sock"
#define DOCKER_API_VERSION    "1.41"
/* How long a request may take unless the call says otherwise (like the kubelet's 2m). */
#define DOCKER_DEFAULT_TIMEOUT_MS (2 * 60 * 1000)

struct docker_client;

/*
 * Creates a client of the daemon at socket_path (NULL for
 * DOCKER_DEFAULT_SOCKET). Does not connect: the first request does. Returns
 * 0 and *ret_client (free with docker_client_free), or -ENOMEM when libcurl
 * cannot make a handle.
 */
int docker_client_new(const char *socket_path, struct docker_client **ret_client);
/* Closes the connection and frees c; NULL is a no-op. */
void docker_client_free(struct docker_client *c);
/* Sets the timeout of later requests that have none of their own (ms > 0). */
void docker_client_set_timeout(struct docker_client *c, int64_t ms);
/*
 * Why the most recent call on c failed: the daemon's message
 * ("No such container: web") or the transport's; "" when it succeeded.
 * Borrowed: valid until the next call on c.
 */
const char *docker_client_last_error(const struct docker_client *c);

#endif
