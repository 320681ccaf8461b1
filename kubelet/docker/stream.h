/*
 * stream.h - decoder for Docker's multiplexed stream format, the body of
 * `logs` and attached `exec` of a container without a TTY: frames of an
 * 8-byte header (stream type, three zero bytes, 4-byte big-endian payload
 * length) and the payload. The bytes arrive in chunks that cut frames
 * anywhere; the decoder reassembles them and hands each whole frame to a
 * callback. A stream of a TTY container is raw bytes instead: in raw mode
 * every chunk is handed over as it is, as stdout.
 *
 * Frames larger than DOCKER_DEMUX_MAX_FRAME that span chunks are handed over
 * in pieces of at most that size (Docker's own frames stay far below it).
 * Pure code, no I/O; one decoder per stream, not thread-safe.
 */
#ifndef K8C_KUBELET_DOCKER_STREAM_H
#define K8C_KUBELET_DOCKER_STREAM_H

#include "base/base.h"
#include "base/strbuf.h"

enum docker_stream {
	DOCKER_STREAM_STDIN = 0,
	DOCKER_STREAM_STDOUT = 1,
	DOCKER_STREAM_STDERR = 2,
	DOCKER_STREAM_SYSTEMERR = 3, /* an error message from the daemon itself */
};

#define DOCKER_DEMUX_MAX_FRAME (1u << 20)

/*
 * Called once per frame with its stream and payload (borrowed, valid during
 * the call only, len > 0, not NUL-terminated). Returns 0 to go on, or any
 * other value to stop the decoder, which then returns that value.
 */
typedef int (*docker_frame_fn)(void *userdata, enum docker_stream stream, const char *data,
			       size_t len);

struct docker_demux {
	docker_frame_fn fn;
	void *userdata;
	bool raw;
	int stopped;		 /* non-zero once fn stopped it or the input was malformed */
	unsigned char header[8]; /* header bytes received so far */
	size_t header_len;
	enum docker_stream stream; /* of the frame being received */
	size_t left;		   /* payload bytes of that frame still to come */
	struct strbuf partial;	   /* its payload received so far, when it spans chunks */
};

/* Sets d up to decode one stream (raw for a TTY container), calling fn(userdata, ...). */
void docker_demux_init(struct docker_demux *d, bool raw, docker_frame_fn fn, void *userdata);
/*
 * Decodes the next len bytes of the stream, calling fn for every frame they
 * complete. Returns 0, the callback's non-zero value when it stopped the
 * decoder, or -EPROTO when a header is malformed. Once stopped, every later
 * call returns the same value at once without calling fn.
 */
int docker_demux_feed(struct docker_demux *d, const char *data, size_t len);
/*
 * Ends the stream: hands a partly received frame's payload to fn, then
 * returns 0 when the stream ended on a frame boundary, -EPROTO when it was
 * cut inside a frame, or the value of an earlier stop.
 */
int docker_demux_finish(struct docker_demux *d);
/* Frees the decoder's buffer; d may be initialized again. */
void docker_demux_release(struct docker_demux *d);

#endif
