/*
 * kubelet_proxy.c - streamed GETs to kubelets on libcurl's multi
 * interface; see kubelet_proxy.h.
 */
#include "apiserver/kubelet_proxy.h"

#include <curl/curl.h>

#include "base/timeutil.h"

#define MAX_ERROR_BODY (64 * 1024)

struct kubelet_stream {
	CURLM *multi;
	CURL *easy;
	struct strbuf buf; /* received, not yet read */
	size_t taken;
	bool headers_done;
	bool done;	/* the transfer ended */
	CURLcode result; /* how */
	char error[CURL_ERROR_SIZE];
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct kubelet_stream *s = ud;
	s->headers_done = true;
	strbuf_add(&s->buf, data, size * nmemb);
	return size * nmemb;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct kubelet_stream *s = ud;
	long code = 0;
	size_t n = size * nmemb;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	if (n <= 2 && code >= 200) /* the blank line after the final answer's headers */
		s->headers_done = true;
	return n;
}

/* Runs the transfer for up to wait_ms or until something arrives. */
static void pump(struct kubelet_stream *s, int64_t wait_ms)
{
	int running = 0;
	size_t before = s->buf.len;
	curl_multi_perform(s->multi, &running);
	if (running && s->buf.len == before) {
		curl_multi_poll(s->multi, NULL, 0, (int)wait_ms, NULL);
		curl_multi_perform(s->multi, &running);
	}
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(s->multi, &left)))
		if (msg->msg == CURLMSG_DONE) {
			s->done = true;
			s->result = msg->data.result;
		}
}

static int transport_error(struct kubelet_stream *s, const char *url, struct strbuf *why)
{
	strbuf_addf(why, "Get \"%s\": %s", url, s->error[0] ? s->error : curl_easy_strerror(s->result));
	switch (s->result) {
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}

int kubelet_stream_open(const char *url, int64_t connect_timeout_ms, struct kubelet_stream **ret,
			int *ret_code, struct strbuf *err_body, struct strbuf *why)
{
	struct kubelet_stream *s = xcalloc(1, sizeof(*s));
	strbuf_init(&s->buf, 0);
	s->multi = curl_multi_init();
	s->easy = curl_easy_init();
	if (!s->multi || !s->easy) {
		kubelet_stream_free(s);
		strbuf_addstr(why, "cannot make an HTTP client");
		return -ENOMEM;
	}
	curl_easy_setopt(s->easy, CURLOPT_URL, url);
	curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)connect_timeout_ms);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->error);
	curl_multi_add_handle(s->multi, s->easy);
	int64_t deadline = time_mono_ns() + 2 * connect_timeout_ms * K8C_NSEC_PER_MSEC;
	while (!s->headers_done && !s->done && time_mono_ns() < deadline)
		pump(s, 100);
	if (!s->headers_done && !s->done) {
		s->done = true;
		s->result = CURLE_OPERATION_TIMEDOUT;
	}
	long code = 0;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	if (s->done && s->result != CURLE_OK && !code) {
		int r = transport_error(s, url, why);
		kubelet_stream_free(s);
		return r;
	}
	while (code != 200 && !s->done && s->buf.len < MAX_ERROR_BODY)
		pump(s, 100);
	if (code != 200)
		strbuf_add(err_body, s->buf.buf, s->buf.len < MAX_ERROR_BODY ? s->buf.len : MAX_ERROR_BODY);
	*ret_code = (int)code;
	*ret = s;
	return 0;
}

long kubelet_stream_read(struct kubelet_stream *s, char *buf, size_t max, int64_t wait_ms)
{
	if (s->taken == s->buf.len) {
		strbuf_reset(&s->buf);
		s->taken = 0;
		if (s->done)
			return s->result == CURLE_OK ? -1 : -2;
		pump(s, wait_ms);
		if (s->taken == s->buf.len)
			return s->done ? (s->result == CURLE_OK ? -1 : -2) : 0;
	}
	size_t n = s->buf.len - s->taken;
	if (n > max)
		n = max;
	memcpy(buf, s->buf.buf + s->taken, n);
	s->taken += n;
	return (long)n;
}

void kubelet_stream_free(struct kubelet_stream *s)
{
	if (!s)
		return;
	if (s->multi && s->easy)
		curl_multi_remove_handle(s->multi, s->easy);
	curl_easy_cleanup(s->easy);
	curl_multi_cleanup(s->multi);
	strbuf_release(&s->buf);
	free(s);
}
