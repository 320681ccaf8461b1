/*
 * client.c - the Docker client object: its lifecycle, timeout and last
 * error; see client.h. The requests themselves are in http.c.
 */
#include "kubelet/docker/http.h"

#include <pthread.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void init_curl(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int docker_client_new(const char *socket_path, struct docker_client **ret_client)
{
	pthread_once(&curl_once, init_curl);
	if (curl_init_result != CURLE_OK)
		return -ENOMEM;
	struct docker_client *c = xcalloc(1, sizeof(*c));
	c->socket_path = xstrdup(socket_path ? socket_path : DOCKER_DEFAULT_SOCKET);
	c->timeout_ms = DOCKER_DEFAULT_TIMEOUT_MS;
	strbuf_init(&c->url, 0);
	strbuf_init(&c->body, 0);
	strbuf_init(&c->error, 0);
	c->curl = curl_easy_init();
	if (!c->curl || docker__setup_handle(c) < 0) {
		docker_client_free(c);
		return -ENOMEM;
	}
	*ret_client = c;
	return 0;
}

void docker_client_free(struct docker_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	free(c->socket_path);
	strbuf_release(&c->url);
	strbuf_release(&c->body);
	strbuf_release(&c->error);
	free(c);
}

void docker_client_set_timeout(struct docker_client *c, int64_t ms)
{
	if (ms > 0)
		c->timeout_ms = ms;
}

const char *docker_client_last_error(const struct docker_client *c)
{
	return c->error.buf;
}
