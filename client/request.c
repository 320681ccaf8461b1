/*
 * request.c - sending one request: rate limiting, the try itself on a pooled handle, and
 * the retry policy of rest.h (what may be retried, back-off with jitter, Retry-After,
 * the whole-call deadline).
 */
#include "client/rest_internal.h"

#include "base/timeutil.h"
#include "client/backoff.h"

#define RETRY_BASE_NS	(50 * K8C_NSEC_PER_MSEC)
#define RETRY_CAP_NS	(5 * K8C_NSEC_PER_SEC)
#define DEFAULT_RETRIES 5

void k8c_response_release(struct k8c_response *r)
{
	free(r->content_type);
	strbuf_release(&r->body);
	*r = (struct k8c_response)K8C_RESPONSE_INIT;
}

static size_t on_body(char *buf, size_t size, size_t n, void *userp)
{
	strbuf_add(userp, buf, size * n);
	return size * n;
}

static bool idempotent(const char *method)
{
	return !method || !strcmp(method, "GET") || !strcmp(method, "HEAD") ||
	       !strcmp(method, "PUT") || !strcmp(method, "DELETE") || !strcmp(method, "OPTIONS");
}

/* One try; fills resp. Returns curl's result. */
static CURLcode try_once(struct k8c_client *c, CURL *h, const struct k8c_request *req,
			 struct rest__transfer *t, struct k8c_response *resp, int64_t timeout_ms)
{
	rest__transfer_setup(c, h, req, t);
	strbuf_reset(&resp->body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp->body);
	if (timeout_ms > 0)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	rest__throttle(c);
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	resp->code = (int)code;
	free(resp->content_type);
	resp->content_type = TAKE_PTR(t->content_type);
	resp->attempts++;
	return rc;
}

/* How long to wait before trying again, or -1 when this outcome must not be retried. */
static int64_t retry_delay_ns(const struct k8c_request *req, CURLcode rc, int code, int retry_after,
			      unsigned attempt)
{
	bool safe = idempotent(req->method);
	int64_t backoff =
		k8c_backoff_jitter_ns(k8c_backoff_exp_ns(RETRY_BASE_NS, RETRY_CAP_NS, attempt));
	if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
		return backoff; /* nothing reached the server */
	if (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
	    rc == CURLE_PARTIAL_FILE)
		return safe ? backoff : -1;
	if (rc != CURLE_OK)
		return -1;
	if (code != 429 && !(safe && (code == 500 || code == 502 || code == 503 || code == 504)))
		return -1;
	return retry_after > 0 ? retry_after * K8C_NSEC_PER_SEC : backoff;
}

static int finish(const struct k8c_request *req, CURLcode rc, const struct rest__transfer *t,
		  const struct k8c_response *resp, struct k8c_status_error *err)
{
	if (rc != CURLE_OK)
		return rest__transport_error(rc, req, t, err);
	if (resp->code >= 200 && resp->code < 300)
		return 0;
	struct k8c_status_error local = K8C_STATUS_ERROR_INIT;
	struct k8c_status_error *e = err ? err : &local;
	k8c_status_error_from_response(e, resp->code, resp->body.buf, resp->body.len);
	if (!e->retry_after_seconds)
		e->retry_after_seconds = t->retry_after_seconds;
	int r = k8c_status_errno(e);
	k8c_status_error_release(&local);
	return r;
}

/* The retry loop, on one borrowed handle. */
static int do_with_handle(struct k8c_client *c, CURL *h, const struct k8c_request *req,
			  struct k8c_response *resp, struct k8c_status_error *err)
{
	const struct k8c_rest_config *cfg = k8c_client_config(c);
	int64_t timeout_ms = req->timeout_ms ? req->timeout_ms : cfg->timeout_ms;
	int64_t deadline = timeout_ms > 0 ? time_mono_ns() + timeout_ms * K8C_NSEC_PER_MSEC : 0;
	int max = req->no_retry ? 0 : cfg->max_retries == 0 ? DEFAULT_RETRIES : cfg->max_retries;
	struct rest__transfer t = { 0 };
	CURLcode rc;
	for (unsigned attempt = 0;; attempt++) {
		int64_t left_ms = deadline ? (deadline - time_mono_ns()) / K8C_NSEC_PER_MSEC : 0;
		rc = try_once(c, h, req, &t, resp, deadline ? (left_ms > 1 ? left_ms : 1) : 0);
		int64_t delay = retry_delay_ns(req, rc, resp->code, t.retry_after_seconds, attempt);
		if (delay < 0 || (int)attempt >= max)
			break;
		if (deadline && time_mono_ns() + delay >= deadline)
			break;
		time_sleep_ms((delay + K8C_NSEC_PER_MSEC - 1) / K8C_NSEC_PER_MSEC);
	}
	int r = finish(req, rc, &t, resp, err);
	rest__transfer_release(&t);
	return r;
}

int k8c_client_do(struct k8c_client *c, const struct k8c_request *req, struct k8c_response *resp,
		  struct k8c_status_error *err)
{
	struct k8c_response local = K8C_RESPONSE_INIT;
	struct k8c_response *out = resp ? resp : &local;
	k8c_response_release(out);
	CURL *h = rest__handle_acquire(c);
	int r = do_with_handle(c, h, req, out, err);
	rest__handle_release(c, h);
	k8c_response_release(&local);
	return r;
}
