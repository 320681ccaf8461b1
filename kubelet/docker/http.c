/*
 * http.c - the Docker client's HTTP transport over the unix socket: libcurl,
 * one easy handle per client so consecutive requests reuse one keep-alive
 * connection; HTTP statuses and curl errors become errnos. See http.h.
 */
#include "kubelet/docker/http.h"

#include <stdarg.h>

/* Answers that are not streamed are kept whole; a bigger one is refused. */
#define DOCKER_MAX_BODY (64u << 20)

int docker__fail(struct docker_client *c, int err, const char *fmt, ...)
{
	va_list ap;
	strbuf_reset(&c->error);
	va_start(ap, fmt);
	strbuf_vaddf(&c->error, fmt, ap);
	va_end(ap);
	return err;
}

static long response_status(struct docker_client *c)
{
	long status = 0;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *ud)
{
	struct docker_client *c = ud;
	size_t len = size * nmemb;
	long status = response_status(c);
	if (c->req->sink && status >= 200 && status < 300) {
		c->stop = c->req->sink(c->req->ud, data, len);
		return c->stop ? 0 : len;
	}
	if (c->body.len + len > DOCKER_MAX_BODY) {
		c->stop = docker__fail(c, -EPROTO, "answer of docker is larger than %u bytes",
				       DOCKER_MAX_BODY);
		return 0;
	}
	strbuf_add(&c->body, data, len);
	return len;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct docker_client *c = ud;
	if (c->req->cancelled && c->req->cancelled(c->req->ud)) {
		c->stop = -ECANCELED;
		return 1;
	}
	return 0;
}

int docker__setup_handle(struct docker_client *c)
{
	CURL *h = c->curl;
	c->headers = curl_slist_append(NULL, "Content-Type: application/json");
	struct curl_slist *more = c->headers ? curl_slist_append(c->headers, "Expect:") : NULL;
	if (!more)
		return -ENOMEM;
	c->headers = more;
	if (curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->socket_path) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, c) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_error) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers) != CURLE_OK)
		return -ENOMEM;
	return 0;
}

void docker__add_escaped(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			strbuf_addch(sb, *p);
			continue;
		}
		strbuf_addch(sb, '%');
		strbuf_addch(sb, hex[*p >> 4]);
		strbuf_addch(sb, hex[*p & 15]);
	}
}

void docker__add_path(struct strbuf *sb, const char *prefix, const char *s, const char *suffix)
{
	strbuf_addstr(sb, prefix);
	docker__add_escaped(sb, s);
	if (suffix)
		strbuf_addstr(sb, suffix);
}

int docker__parse_body(struct docker_client *c, int type, cJSON **ret)
{
	cJSON *json = cJSON_ParseWithLength(c->body.buf, c->body.len);
	if (!json || !(json->type & type)) {
		cJSON_Delete(json);
		return docker__fail(c, -EPROTO, "docker answered with unexpected JSON: '%.200s'",
				    c->body.buf);
	}
	*ret = json;
	return 0;
}

static int errno_of_status(long status, int conflict)
{
	switch (status) {
	case 400:
		return -EINVAL;
	case 401:
	case 403:
		return -EACCES;
	case 404:
		return -ENOENT;
	case 409:
		return conflict ? conflict : -EBUSY;
	case 501:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

/* An HTTP error: c->error gets the daemon's {"message": ...} or the raw body. */
static int http_error(struct docker_client *c, long status)
{
	int err = errno_of_status(status, c->req->conflict);
	cJSON *json = cJSON_ParseWithLength(c->body.buf, c->body.len);
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(json, "message");
	if (cJSON_IsString(msg))
		docker__fail(c, err, "%s", msg->valuestring);
	else if (c->body.len)
		docker__fail(c, err, "docker: HTTP %ld: %.200s", status, c->body.buf);
	else
		docker__fail(c, err, "docker: HTTP %ld", status);
	cJSON_Delete(json);
	strbuf_rtrim(&c->error);
	return err;
}

static int curl_failure(struct docker_client *c, CURLcode rc)
{
	if (c->stop && (rc == CURLE_WRITE_ERROR || rc == CURLE_ABORTED_BY_CALLBACK)) {
		if (c->stop == -ECANCELED)
			docker__fail(c, -ECANCELED, "request to docker cancelled");
		return c->stop;
	}
	int err;
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		err = -ECONNREFUSED;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		err = -ETIMEDOUT;
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		err = -ECONNRESET;
		break;
	default:
		err = -EIO;
	}
	return docker__fail(c, err, "docker at '%s': %s", c->socket_path,
			    c->curl_error[0] ? c->curl_error : curl_easy_strerror(rc));
}

/* Sets the options of one request: URL, method, body, timeout, progress polling. */
static void set_request(struct docker_client *c, const struct docker__request *req)
{
	CURL *h = c->curl;
	strbuf_reset(&c->url);
	strbuf_addstr(&c->url, "http://docker/v" DOCKER_API_VERSION);
	strbuf_addstr(&c->url, req->path);
	curl_easy_setopt(h, CURLOPT_URL, c->url.buf);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	bool post = strcmp(req->method, "POST") == 0;
	if (post || req->json) {
		const char *body = req->json ? req->json : "";
		size_t len = req->body_len ? req->body_len : strlen(body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	}
	bool custom = !post && strcmp(req->method, "GET") != 0;
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, custom ? req->method : NULL);
	int64_t ms = req->timeout_ms ? req->timeout_ms : c->timeout_ms;
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms > 0 ? (long)ms : 0L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, req->cancelled ? 0L : 1L);
}

int docker__do(struct docker_client *c, const struct docker__request *req)
{
	strbuf_reset(&c->error);
	strbuf_reset(&c->body);
	c->curl_error[0] = '\0';
	c->stop = 0;
	c->req = req;
	set_request(c, req);
	CURLcode rc = curl_easy_perform(c->curl);
	long status = response_status(c);
	int r;
	if (rc != CURLE_OK)
		r = curl_failure(c, rc);
	else if (status < 200 || status >= 400)
		r = http_error(c, status);
	else
		r = (int)status;
	c->req = NULL;
	return r;
}

int docker__call(struct docker_client *c, const char *method, const char *path, int conflict)
{
	struct docker__request req = { .method = method, .path = path, .conflict = conflict };
	return docker__do(c, &req);
}

int docker__get_json(struct docker_client *c, const char *path, int type, cJSON **ret)
{
	int r = docker__call(c, "GET", path, 0);
	if (r < 0)
		return r;
	return docker__parse_body(c, type, ret);
}

int docker__inspect_json(struct docker_client *c, const char *prefix, const char *name,
			 cJSON **ret)
{
	struct strbuf path = STRBUF_INIT;
	docker__add_path(&path, prefix, name, "/json");
	int r = docker__get_json(c, path.buf, cJSON_Object, ret);
	strbuf_release(&path);
	return r;
}
