/*
 * test_stream.c - unit tests of the multiplexed stream decoder
 * (kubelet/docker/stream.h): frames cut at every possible place, callbacks
 * that stop it, malformed and truncated input, raw (TTY) mode, huge frames.
 */
#include "kubelet/docker/stream.h"
#include "test/ktest.h"

struct seen {
	struct strbuf log; /* "<stream>:<len>:<data>|" per frame */
	int frames;
	int stop_at; /* frame number whose callback returns 7; 0: never */
};

static int on_frame(void *ud, enum docker_stream stream, const char *data, size_t len)
{
	struct seen *s = ud;
	strbuf_addf(&s->log, "%d:%zu:", (int)stream, len);
	strbuf_add(&s->log, data, len);
	strbuf_addch(&s->log, '|');
	return ++s->frames == s->stop_at ? 7 : 0;
}

static void add_frame(struct strbuf *sb, int stream, const char *data, size_t len)
{
	unsigned char h[8] = { (unsigned char)stream,
			       0,
			       0,
			       0,
			       (unsigned char)(len >> 24),
			       (unsigned char)(len >> 16),
			       (unsigned char)(len >> 8),
			       (unsigned char)len };
	strbuf_add(sb, h, sizeof(h));
	strbuf_add(sb, data, len);
}

/* A stream of assorted frames (an empty one included) and what decoding it must give. */
static void sample(struct strbuf *stream, struct strbuf *expect)
{
	static const struct {
		int stream;
		const char *data;
	} frames[] = {
		{ 1, "hello\n" }, { 2, "oops\n" }, { 1, "" }, { 1, "x" }, { 3, "daemon error" },
	};
	char big[300];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	for (size_t i = 0; i < ARRAY_SIZE(frames); i++) {
		size_t len = strlen(frames[i].data);
		add_frame(stream, frames[i].stream, frames[i].data, len);
		if (len)
			strbuf_addf(expect, "%d:%zu:%s|", frames[i].stream, len, frames[i].data);
	}
	add_frame(stream, 1, big, sizeof(big));
	strbuf_addf(expect, "1:%zu:%.*s|", sizeof(big), (int)sizeof(big), big);
}

/* Decodes in chunks cut at a and b (a <= b <= len); returns what the callback saw. */
static int decode_cut(const struct strbuf *in, size_t a, size_t b, struct seen *s)
{
	struct docker_demux d;
	docker_demux_init(&d, false, on_frame, s);
	int r = docker_demux_feed(&d, in->buf, a);
	if (!r)
		r = docker_demux_feed(&d, in->buf + a, b - a);
	if (!r)
		r = docker_demux_feed(&d, in->buf + b, in->len - b);
	if (!r)
		r = docker_demux_finish(&d);
	docker_demux_release(&d);
	return r;
}

TEST(whole_stream_at_once)
{
	struct strbuf in = STRBUF_INIT, expect = STRBUF_INIT;
	struct seen s = { .log = STRBUF_INIT };
	sample(&in, &expect);
	CHECK_INT(decode_cut(&in, in.len, in.len, &s), 0);
	CHECK_STR(s.log.buf, expect.buf);
	CHECK_INT(s.frames, 5);
	strbuf_release(&s.log);
	strbuf_release(&in);
	strbuf_release(&expect);
}

TEST(every_two_cuts_give_the_same_frames)
{
	struct strbuf in = STRBUF_INIT, expect = STRBUF_INIT;
	sample(&in, &expect);
	int bad = 0;
	for (size_t a = 0; a <= in.len; a++) {
		for (size_t b = a; b <= in.len; b++) {
			struct seen s = { .log = STRBUF_INIT };
			int r = decode_cut(&in, a, b, &s);
			if (r != 0 || strcmp(s.log.buf, expect.buf) != 0)
				bad++;
			strbuf_release(&s.log);
		}
	}
	CHECK_INT(bad, 0);
	strbuf_release(&in);
	strbuf_release(&expect);
}

TEST(one_byte_at_a_time)
{
	struct strbuf in = STRBUF_INIT, expect = STRBUF_INIT;
	struct seen s = { .log = STRBUF_INIT };
	struct docker_demux d;
	sample(&in, &expect);
	docker_demux_init(&d, false, on_frame, &s);
	int r = 0;
	for (size_t i = 0; i < in.len && !r; i++)
		r = docker_demux_feed(&d, in.buf + i, 1);
	CHECK_INT(r, 0);
	CHECK_INT(docker_demux_finish(&d), 0);
	CHECK_STR(s.log.buf, expect.buf);
	docker_demux_release(&d);
	strbuf_release(&s.log);
	strbuf_release(&in);
	strbuf_release(&expect);
}

TEST(callback_stops_the_decoder)
{
	struct strbuf in = STRBUF_INIT, expect = STRBUF_INIT;
	struct seen s = { .log = STRBUF_INIT, .stop_at = 2 };
	struct docker_demux d;
	sample(&in, &expect);
	docker_demux_init(&d, false, on_frame, &s);
	CHECK_INT(docker_demux_feed(&d, in.buf, 20), 0); /* the second frame is not whole yet */
	CHECK_INT(docker_demux_feed(&d, in.buf + 20, 10), 7);
	CHECK_INT(docker_demux_feed(&d, in.buf + 30, in.len - 30), 7);
	CHECK_INT(docker_demux_finish(&d), 7);
	CHECK_INT(s.frames, 2);
	CHECK_STR(s.log.buf, "1:6:hello\n|2:5:oops\n|");
	docker_demux_release(&d);
	strbuf_release(&s.log);
	strbuf_release(&in);
	strbuf_release(&expect);
}

TEST(malformed_headers_are_rejected)
{
	static const char bad_type[] = { 4, 0, 0, 0, 0, 0, 0, 1, 'x' };
	static const char bad_pad[] = { 1, 0, 1, 0, 0, 0, 0, 1, 'x' };
	struct seen s = { .log = STRBUF_INIT };
	struct docker_demux d;
	docker_demux_init(&d, false, on_frame, &s);
	CHECK_INT(docker_demux_feed(&d, bad_type, sizeof(bad_type)), -EPROTO);
	CHECK_INT(docker_demux_feed(&d, "more", 4), -EPROTO);
	docker_demux_release(&d);
	docker_demux_init(&d, false, on_frame, &s);
	CHECK_INT(docker_demux_feed(&d, bad_pad, 3), 0);
	CHECK_INT(docker_demux_feed(&d, bad_pad + 3, sizeof(bad_pad) - 3), -EPROTO);
	docker_demux_release(&d);
	CHECK_INT(s.frames, 0);
	strbuf_release(&s.log);
}

TEST(truncated_stream_delivers_what_came)
{
	struct strbuf in = STRBUF_INIT;
	struct seen s = { .log = STRBUF_INIT };
	struct docker_demux d;
	add_frame(&in, 1, "abcdef", 6);
	docker_demux_init(&d, false, on_frame, &s);
	CHECK_INT(docker_demux_feed(&d, in.buf, in.len - 2), 0);
	CHECK_INT(s.frames, 0);
	CHECK_INT(docker_demux_finish(&d), -EPROTO);
	CHECK_STR(s.log.buf, "1:4:abcd|");
	docker_demux_release(&d);
	docker_demux_init(&d, false, on_frame, &s);
	CHECK_INT(docker_demux_feed(&d, in.buf, 5), 0);
	CHECK_INT(docker_demux_finish(&d), -EPROTO);
	CHECK_INT(s.frames, 1);
	docker_demux_release(&d);
	strbuf_release(&s.log);
	strbuf_release(&in);
}

TEST(raw_mode_passes_chunks_as_stdout)
{
	struct seen s = { .log = STRBUF_INIT };
	struct docker_demux d;
	docker_demux_init(&d, true, on_frame, &s);
	CHECK_INT(docker_demux_feed(&d, "\001xyzab", 6), 0); /* looks like a header: is not */
	CHECK_INT(docker_demux_feed(&d, "", 0), 0);
	CHECK_INT(docker_demux_feed(&d, "cd", 2), 0);
	CHECK_INT(docker_demux_finish(&d), 0);
	CHECK_STR(s.log.buf, "1:6:\001xyzab|1:2:cd|");
	CHECK_INT(s.frames, 2);
	docker_demux_release(&d);
	strbuf_release(&s.log);
}

struct sizes {
	size_t n;
	size_t len[4];
	size_t total;
};

static int on_piece(void *ud, enum docker_stream stream, const char *data, size_t len)
{
	struct sizes *z = ud;
	if (z->n < ARRAY_SIZE(z->len))
		z->len[z->n] = len;
	z->n++;
	z->total += len;
	return 0;
}

TEST(huge_frames_come_in_bounded_pieces)
{
	size_t len = DOCKER_DEMUX_MAX_FRAME + 10;
	char *payload = xcalloc(len, 1);
	struct strbuf in = STRBUF_INIT;
	add_frame(&in, 2, payload, len);
	struct sizes chunked = { 0 }, whole = { 0 };
	struct docker_demux d;
	docker_demux_init(&d, false, on_piece, &chunked);
	int r = 0;
	for (size_t off = 0; off < in.len && !r; off += 4096)
		r = docker_demux_feed(&d, in.buf + off, in.len - off < 4096 ? in.len - off : 4096);
	CHECK_INT(r, 0);
	CHECK_INT(docker_demux_finish(&d), 0);
	docker_demux_release(&d);
	CHECK_INT(chunked.n, 2);
	CHECK_INT(chunked.len[0], DOCKER_DEMUX_MAX_FRAME);
	CHECK_INT(chunked.len[1], 10);
	docker_demux_init(&d, false, on_piece, &whole);
	CHECK_INT(docker_demux_feed(&d, in.buf, in.len), 0);
	docker_demux_release(&d);
	CHECK_INT(whole.n, 1);
	CHECK_INT(whole.total, len);
	free(payload);
	strbuf_release(&in);
}
