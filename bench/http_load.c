/*
 * http_load.c - the closed-loop driver of http_load.h on curl_multi.
 *
 * Easy handles are reused request after request, so libcurl keeps their
 * connections alive in the multi handle's pool (sized to the number of
 * clients). "Expect: 100-continue" is turned off: libcurl would otherwise
 * wait a round trip before every body over 1 KiB.
 */
#include "bench/http_load.h"

#include <curl/curl.h>

#include "base/timeutil.h"

struct client {
	CURL *h;
	struct load_req req;
	struct strbuf resp;
	struct strbuf url;
	int64_t started;
};

struct driver {
	const char *base;
	const struct load_phase *p;
	CURLM *multi;
	struct curl_slist *headers;
	struct lat_rec *lat;
	int active;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct client *c = arg;

	strbuf_add(&c->resp, data, size * n);
	return size * n;
}

/* Asks the phase for c's next request and starts it; false when the phase is done. */
static bool client_start(struct driver *d, struct client *c)
{
	strbuf_reset(&c->req.path);
	strbuf_reset(&c->req.body);
	strbuf_reset(&c->resp);
	if (!d->p->next(d->p->ctx, &c->req))
		return false;
	strbuf_reset(&c->url);
	strbuf_addstr(&c->url, d->base);
	strbuf_add(&c->url, c->req.path.buf, c->req.path.len);
	curl_easy_setopt(c->h, CURLOPT_URL, c->url.buf);
	if (!strcmp(c->req.method, "GET")) {
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)c->req.body.len);
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, c->req.body.buf);
		curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST,
				 strcmp(c->req.method, "POST") ? c->req.method : NULL);
	}
	c->started = time_mono_ns();
	curl_multi_add_handle(d->multi, c->h);
	d->active++;
	return true;
}

static void client_init(struct driver *d, struct client *c)
{
	memset(c, 0, sizeof(*c));
	strbuf_init(&c->req.path, 0);
	strbuf_init(&c->req.body, 0);
	strbuf_init(&c->resp, 0);
	strbuf_init(&c->url, 0);
	c->h = curl_easy_init();
	curl_easy_setopt(c->h, CURLOPT_PRIVATE, c);
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, d->headers);
	curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 60L);
}

static void client_release(struct client *c)
{
	curl_easy_cleanup(c->h);
	strbuf_release(&c->req.path);
	strbuf_release(&c->req.body);
	strbuf_release(&c->resp);
	strbuf_release(&c->url);
}

/* Handles every finished transfer: records it and starts the client's next request. */
static void reap(struct driver *d)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(d->multi, &left))) {
		struct client *c;
		long status = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
		if (msg->data.result == CURLE_OK)
			curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
		int64_t took = time_mono_ns() - c->started;
		curl_multi_remove_handle(d->multi, c->h);
		d->active--;
		if (d->p->done(d->p->ctx, &c->req, status, &c->resp))
			lat_rec_add(d->lat, took);
		else
			d->lat->errors++;
		client_start(d, c);
	}
}

int http_load_run(const char *base, size_t clients, const struct load_phase *p,
		  struct lat_rec *lat, double *ret_seconds)
{
	struct driver d = { .base = base, .p = p, .lat = lat };
	struct client *cs = xcalloc(clients, sizeof(*cs));
	int64_t t0 = time_mono_ns();
	int running = 0;

	d.multi = curl_multi_init();
	if (!d.multi) {
		free(cs);
		return -EIO;
	}
	curl_multi_setopt(d.multi, CURLMOPT_MAXCONNECTS, (long)clients);
	d.headers = curl_slist_append(NULL, "Content-Type: application/json");
	d.headers = curl_slist_append(d.headers, "Accept: application/json");
	d.headers = curl_slist_append(d.headers, "Expect:");
	for (size_t i = 0; i < clients; i++) {
		client_init(&d, &cs[i]);
		client_start(&d, &cs[i]);
	}
	while (d.active > 0) {
		curl_multi_perform(d.multi, &running);
		reap(&d);
		if (d.active > 0)
			curl_multi_poll(d.multi, NULL, 0, 100, NULL);
	}
	*ret_seconds = (double)(time_mono_ns() - t0) / 1e9;
	for (size_t i = 0; i < clients; i++)
		client_release(&cs[i]);
	curl_multi_cleanup(d.multi);
	curl_slist_free_all(d.headers);
	free(cs);
	return 0;
}
