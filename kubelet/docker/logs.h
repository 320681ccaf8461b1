/*
 * logs.h - reading a container's log (its json-file log, kept by the daemon)
 * as a stream of frames, for `kubectl logs` and the kubelet's log server:
 * all of it or its tail, from a point in time, with timestamps, following it
 * while the container runs. Same thread rule and errors as client.h.
 */
#ifndef K8C_KUBELET_DOCKER_LOGS_H
#define K8C_KUBELET_DOCKER_LOGS_H

#include "kubelet/docker/client.h"
#include "kubelet/docker/stream.h"

#define DOCKER_LOGS_STDOUT     (1u << 0) /* stdout lines (with STDERR: both; neither: both) */
#define DOCKER_LOGS_STDERR     (1u << 1) /* stderr lines */
#define DOCKER_LOGS_TIMESTAMPS (1u << 2) /* each line starts "2006-01-02T15:04:05.999999999Z " */
#define DOCKER_LOGS_FOLLOW     (1u << 3) /* go on reading until the container ends */
#define DOCKER_LOGS_TAIL       (1u << 4) /* only the last opts.tail lines (0: none) */
#define DOCKER_LOGS_TTY	       (1u << 5) /* the container has a TTY: its log is one raw stream */

struct docker_logs_opts {
	unsigned flags;	  /* DOCKER_LOGS_* */
	int64_t tail;	  /* with DOCKER_LOGS_TAIL */
	int64_t since_ns; /* only lines written at or after this time; 0: from the start */
	/*
	 * Optional, for FOLLOW: polled about once a second (also while no line
	 * comes); returning true ends the call with -ECANCELED, so a log server
	 * can stop when its own client has gone.
	 */
	bool (*cancelled)(void *userdata);
};

/*
 * Reads the log of container id as opts says, calling fn(userdata, stream,
 * data, len) for every frame: one line, or a piece of a very long line
 * (Docker cuts lines at 16 KiB), with its newline. opts may be NULL (the
 * whole log, both streams). Returns 0 at the end of the log (with FOLLOW:
 * when the container has ended), fn's non-zero value when fn stopped the
 * read, -ECANCELED when opts->cancelled said so, -ENOENT when there is no
 * such container, or another negative errno (client.h). FOLLOW has no
 * timeout; the others use the client's.
 */
int docker_container_logs(struct docker_client *c, const char *id,
			  const struct docker_logs_opts *opts, docker_frame_fn fn, void *userdata);

#endif
