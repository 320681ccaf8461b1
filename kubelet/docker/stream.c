/*
 * stream.c - the multiplexed stream decoder; see stream.h for the format and
 * the contract.
 */
#include "kubelet/docker/stream.h"

void docker_demux_init(struct docker_demux *d, bool raw, docker_frame_fn fn, void *userdata)
{
	*d = (struct docker_demux){ .fn = fn, .userdata = userdata, .raw = raw };
	strbuf_init(&d->partial, 0);
}

void docker_demux_release(struct docker_demux *d)
{
	strbuf_release(&d->partial);
}

static int deliver(struct docker_demux *d, const char *data, size_t len)
{
	int r = d->fn(d->userdata, d->stream, data, len);
	if (r)
		d->stopped = r;
	return r;
}

static int deliver_partial(struct docker_demux *d)
{
	int r = deliver(d, d->partial.buf, d->partial.len);
	strbuf_reset(&d->partial);
	return r;
}

/* Takes header bytes from *data; once all 8 are in, starts the frame. */
static int take_header(struct docker_demux *d, const char **data, size_t *len)
{
	size_t n = sizeof(d->header) - d->header_len;
	if (n > *len)
		n = *len;
	memcpy(d->header + d->header_len, *data, n);
	d->header_len += n;
	*data += n;
	*len -= n;
	if (d->header_len < sizeof(d->header))
		return 0;
	const unsigned char *h = d->header;
	if (h[0] > DOCKER_STREAM_SYSTEMERR || h[1] || h[2] || h[3]) {
		d->stopped = -EPROTO;
		return -EPROTO;
	}
	d->stream = (enum docker_stream)h[0];
	d->left = (size_t)h[4] << 24 | (size_t)h[5] << 16 | (size_t)h[6] << 8 | h[7];
	d->header_len = 0;
	return 0;
}

/* Takes payload bytes from *data, handing the frame over when it is whole. */
static int take_payload(struct docker_demux *d, const char **data, size_t *len)
{
	size_t n = d->left < *len ? d->left : *len;
	if (d->partial.len == 0 && n == d->left) {
		/* the whole frame is in this chunk: no copy */
		d->left = 0;
		*data += n;
		*len -= n;
		return deliver(d, *data - n, n);
	}
	if (n > DOCKER_DEMUX_MAX_FRAME - d->partial.len)
		n = DOCKER_DEMUX_MAX_FRAME - d->partial.len;
	strbuf_add(&d->partial, *data, n);
	d->left -= n;
	*data += n;
	*len -= n;
	if (d->left == 0 || d->partial.len == DOCKER_DEMUX_MAX_FRAME)
		return deliver_partial(d);
	return 0;
}

int docker_demux_feed(struct docker_demux *d, const char *data, size_t len)
{
	if (d->stopped)
		return d->stopped;
	if (d->raw) {
		d->stream = DOCKER_STREAM_STDOUT;
		return len ? deliver(d, data, len) : 0;
	}
	while (len > 0) {
		int r = d->left ? take_payload(d, &data, &len) : take_header(d, &data, &len);
		if (r)
			return r;
	}
	return 0;
}

int docker_demux_finish(struct docker_demux *d)
{
	if (d->stopped)
		return d->stopped;
	if (d->partial.len) {
		int r = deliver_partial(d);
		if (r)
			return r;
	}
	if (d->header_len || d->left)
		return -EPROTO;
	return 0;
}
