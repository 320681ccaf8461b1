/*
 * logs_stream.h - one container log read for the log server: a thread
 * reads the log from Docker (the multiplexed stream decoded by the Docker
 * client) into a bounded buffer, and the HTTP side takes bytes out of it.
 * limitBytes cuts the output exactly; following ends when the container
 * ends or the reader goes away. Thread-safe between its two sides.
 */
#ifndef K8C_KUBELET_LOGS_STREAM_H
#define K8C_KUBELET_LOGS_STREAM_H

#include "kubelet/docker/logs.h"

struct logs_stream;

struct logs_request {
	const char *docker_socket;
	const char *container_id;
	struct docker_logs_opts opts; /* flags, tail, since_ns; cancelled is set by the stream */
	int64_t limit_bytes;	      /* 0: no limit */
};

/* Starts reading as req says (copied). Returns the stream, or NULL when no thread could start. */
struct logs_stream *logs_stream_start(const struct logs_request *req);

/*
 * Takes up to max bytes into buf, waiting up to wait_ms for some. Returns
 * how many (0: none yet), or -1 at the end of the log (everything taken).
 */
long logs_stream_read(struct logs_stream *s, char *buf, size_t max, int64_t wait_ms);

/* The reader is done (or gone): the thread stops soon and the stream frees itself. */
void logs_stream_close(struct logs_stream *s);

#endif
