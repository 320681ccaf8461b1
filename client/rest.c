/*
 * rest.c - the client object: its configuration, the pool of curl handles (each keeps
 * its own connection alive; DNS and TLS sessions are shared, guarded by mutexes), and how
 * a handle is set up for a transfer. Connections are deliberately NOT shared: curl's
 * shared connection cache is unsafe across concurrent threads (curl KNOWN_BUGS, issues
 * 4915 and 13347) and corrupted the heap with hundreds of informers on one client. Sending and retrying live in request.c.
 */
#include "client/rest_internal.h"

#include <pthread.h>
#include <stdatomic.h>

#include "client/ratelimit.h"

#ifndef K8C_VERSION
#define K8C_VERSION "0.0.0"
#endif

struct k8c_client {
	struct k8c_rest_config cfg;
	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
	pthread_mutex_t pool_lock;
	CURL **pool; /* idle handles */
	size_t npool, alloc;
	struct k8c_token_bucket bucket;
	char *auth_header; /* "Authorization: Bearer ..." or NULL */
	char *user_agent;
	atomic_long connections;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		abort();
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userp)
{
	struct k8c_client *c = userp;
	pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userp)
{
	struct k8c_client *c = userp;
	pthread_mutex_unlock(&c->share_locks[data]);
}

static CURLSH *share_new(struct k8c_client *c)
{
	CURLSH *s = curl_share_init();
	if (!s)
		abort();
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	curl_share_setopt(s, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(s, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(s, CURLSHOPT_USERDATA, c);
	curl_share_setopt(s, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(s, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	return s;
}

int k8c_client_new(const struct k8c_rest_config *cfg, struct k8c_client **ret)
{
	if (!cfg->server ||
	    !(str_has_prefix(cfg->server, "http://") || str_has_prefix(cfg->server, "https://")))
		return -EINVAL;
	pthread_once(&global_once, global_init);
	struct k8c_client *c = xcalloc(1, sizeof(*c));
	k8c_rest_config_copy(&c->cfg, cfg);
	size_t len = strlen(c->cfg.server);
	while (len > 0 && c->cfg.server[len - 1] == '/')
		c->cfg.server[--len] = '\0';
	c->share = share_new(c);
	pthread_mutex_init(&c->pool_lock, NULL);
	k8c_token_bucket_init(&c->bucket, cfg->qps == 0 ? 5 : cfg->qps,
			      cfg->burst > 0 ? cfg->burst : 10);
	if (cfg->bearer_token) {
		struct strbuf h = STRBUF_INIT;
		strbuf_addf(&h, "Authorization: Bearer %s", cfg->bearer_token);
		c->auth_header = strbuf_detach(&h, NULL);
	}
	c->user_agent = xstrdup(cfg->user_agent ? cfg->user_agent : "k8c/" K8C_VERSION);
	*ret = c;
	return 0;
}

void k8c_client_free(struct k8c_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->npool; i++)
		curl_easy_cleanup(c->pool[i]);
	free(c->pool);
	curl_share_cleanup(c->share);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&c->share_locks[i]);
	pthread_mutex_destroy(&c->pool_lock);
	k8c_token_bucket_release(&c->bucket);
	k8c_rest_config_release(&c->cfg);
	free(c->auth_header);
	free(c->user_agent);
	free(c);
}

const struct k8c_rest_config *k8c_client_config(const struct k8c_client *c)
{
	return &c->cfg;
}

long k8c_client_connections_opened(struct k8c_client *c)
{
	return atomic_load(&c->connections);
}

void rest__throttle(struct k8c_client *c)
{
	k8c_token_bucket_wait(&c->bucket);
}

CURL *rest__handle_acquire(struct k8c_client *c)
{
	pthread_mutex_lock(&c->pool_lock);
	CURL *h = c->npool ? c->pool[--c->npool] : NULL;
	pthread_mutex_unlock(&c->pool_lock);
	if (!h && !(h = curl_easy_init()))
		abort();
	return h;
}

void rest__handle_release(struct k8c_client *c, CURL *h)
{
	pthread_mutex_lock(&c->pool_lock);
	ALLOC_GROW(c->pool, c->npool + 1, c->alloc);
	c->pool[c->npool++] = h;
	pthread_mutex_unlock(&c->pool_lock);
}

/* Called once for every new TCP connection: counts it. */
static int on_new_socket(void *userp, curl_socket_t fd, curlsocktype purpose)
{
	struct k8c_client *c = userp;
	atomic_fetch_add(&c->connections, 1);
	return CURL_SOCKOPT_OK;
}

/* Keeps the response headers a client needs: Content-Type and Retry-After. */
static size_t on_header(char *buf, size_t size, size_t n, void *userp)
{
	struct rest__transfer *t = userp;
	size_t len = size * n;
	if (len >= 5 && !strncmp(buf, "HTTP/", 5)) { /* a new response (after a redirect or 100) */
		free(t->content_type);
		t->content_type = NULL;
		t->retry_after_seconds = 0;
		return len;
	}
	const char *colon = memchr(buf, ':', len);
	if (!colon)
		return len;
	size_t name_len = (size_t)(colon - buf);
	const char *v = colon + 1, *end = buf + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	if (name_len == 12 && !strncasecmp(buf, "Content-Type", 12)) {
		free(t->content_type);
		t->content_type = xstrndup(v, (size_t)(end - v));
	} else if (name_len == 11 && !strncasecmp(buf, "Retry-After", 11)) {
		t->retry_after_seconds = atoi(v);
	}
	return len;
}

static void add_header(struct rest__transfer *t, const char *name, const char *value)
{
	struct strbuf h = STRBUF_INIT;
	strbuf_addf(&h, "%s: %s", name, value);
	t->headers = curl_slist_append(t->headers, h.buf);
	strbuf_release(&h);
	if (!t->headers)
		abort();
}

static void set_blob(CURL *h, CURLoption opt, const char *pem)
{
	struct curl_blob blob = { (void *)pem, strlen(pem), CURL_BLOB_COPY };
	curl_easy_setopt(h, opt, &blob);
}

static void setup_tls(const struct k8c_rest_config *cfg, CURL *h)
{
	if (cfg->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (cfg->ca_data)
		set_blob(h, CURLOPT_CAINFO_BLOB, cfg->ca_data);
	else if (cfg->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, cfg->ca_file);
	if (cfg->cert_data)
		set_blob(h, CURLOPT_SSLCERT_BLOB, cfg->cert_data);
	else if (cfg->cert_file)
		curl_easy_setopt(h, CURLOPT_SSLCERT, cfg->cert_file);
	if (cfg->key_data)
		set_blob(h, CURLOPT_SSLKEY_BLOB, cfg->key_data);
	else if (cfg->key_file)
		curl_easy_setopt(h, CURLOPT_SSLKEY, cfg->key_file);
	if (cfg->username) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, cfg->username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
	}
}

static void setup_method(CURL *h, const struct k8c_request *req, struct rest__transfer *t)
{
	const char *method = req->method ? req->method : "GET";
	if (req->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
		add_header(t, "Content-Type",
			   req->content_type ? req->content_type : "application/json");
	}
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0 || req->body)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
}

void rest__transfer_setup(struct k8c_client *c, CURL *h, const struct k8c_request *req,
			  struct rest__transfer *t)
{
	rest__transfer_release(t);
	curl_easy_reset(h);
	strbuf_addstr(&t->url, c->cfg.server);
	strbuf_addstr(&t->url, req->path);
	curl_easy_setopt(h, CURLOPT_URL, t->url.buf);
	curl_easy_setopt(h, CURLOPT_SHARE, c->share);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 64L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, on_new_socket);
	curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
	add_header(t, "Accept", req->accept ? req->accept : "application/json");
	add_header(t, "Expect", ""); /* no "100-continue" round trip before bodies */
	if (c->auth_header)
		t->headers = curl_slist_append(t->headers, c->auth_header);
	setup_method(h, req, t);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->headers);
	setup_tls(&c->cfg, h);
}

void rest__transfer_release(struct rest__transfer *t)
{
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	strbuf_release(&t->url);
	free(t->content_type);
	t->content_type = NULL;
	t->retry_after_seconds = 0;
	t->errbuf[0] = '\0';
}

int rest__transport_error(CURLcode code, const struct k8c_request *req,
			  const struct rest__transfer *t, struct k8c_status_error *err)
{
	int r;
	switch (code) {
	case CURLE_COULDNT_CONNECT:
		r = -ECONNREFUSED;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		r = -EHOSTUNREACH;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		r = -ETIMEDOUT;
		break;
	default:
		r = -EIO;
	}
	if (err) {
		struct strbuf m = STRBUF_INIT;
		strbuf_addf(&m, "%s \"%s\": %s", req->method ? req->method : "GET", t->url.buf,
			    t->errbuf[0] ? t->errbuf : curl_easy_strerror(code));
		k8c_status_error_set_transport(err, m.buf);
		strbuf_release(&m);
	}
	return r;
}
