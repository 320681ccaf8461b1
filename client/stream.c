/*
 * stream.c - one request whose body is handed over as it arrives (logs -f), on a
 * pooled handle; error bodies are kept and turned into a Status. See rest.h.
 */
#include "client/rest_internal.h"

/* Largest error body kept for a failed stream. */
#define MAX_ERROR_BODY (1 << 20)

struct stream {
	CURL *h;
	long code; /* 0 until known */
	k8c_stream_fn fn;
	void *userdata;
	bool stopped;
	struct strbuf error_body;
};

static size_t on_data(char *buf, size_t size, size_t n, void *userp)
{
	struct stream *s = userp;
	size_t len = size * n;
	if (!s->code)
		curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &s->code);
	if (s->code < 200 || s->code >= 300) {
		if (s->error_body.len < MAX_ERROR_BODY)
			strbuf_add(&s->error_body, buf, len);
		return len;
	}
	if (s->fn(buf, len, s->userdata)) {
		s->stopped = true;
		return 0; /* ends the transfer */
	}
	return len;
}

int k8c_client_stream(struct k8c_client *c, const struct k8c_request *req, k8c_stream_fn fn,
		      void *userdata, struct k8c_status_error *err)
{
	struct stream s = { .fn = fn, .userdata = userdata };
	strbuf_init(&s.error_body, 0);
	struct rest__transfer t = { 0 };
	s.h = rest__handle_acquire(c);
	rest__transfer_setup(c, s.h, req, &t);
	curl_easy_setopt(s.h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(s.h, CURLOPT_WRITEDATA, &s);
	int64_t timeout = req->timeout_ms ? req->timeout_ms : k8c_client_config(c)->timeout_ms;
	if (timeout > 0)
		curl_easy_setopt(s.h, CURLOPT_TIMEOUT_MS, (long)timeout);
	rest__throttle(c);
	CURLcode rc = curl_easy_perform(s.h);
	if (!s.code)
		curl_easy_getinfo(s.h, CURLINFO_RESPONSE_CODE, &s.code);
	int r = 0;
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && s.stopped)) {
		r = rest__transport_error(rc, req, &t, err);
	} else if (s.code < 200 || s.code >= 300) {
		struct k8c_status_error local = K8C_STATUS_ERROR_INIT;
		struct k8c_status_error *e = err ? err : &local;
		k8c_status_error_from_response(e, (int)s.code, s.error_body.buf, s.error_body.len);
		r = k8c_status_errno(e);
		k8c_status_error_release(&local);
	}
	rest__handle_release(c, s.h);
	rest__transfer_release(&t);
	strbuf_release(&s.error_body);
	return r;
}
