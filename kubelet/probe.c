/*
 * probe.c - one probe run: httpGet with libcurl, tcpSocket with a
 * non-blocking connect, exec through Docker; see probe.h.
 */
#include "kubelet/probe.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>

#include "kubelet/docker/exec.h"

#define PROBE_USER_AGENT "kube-probe/1.28"
#define PROBE_MAX_BODY	 (10 * 1024)

void probe_timing_of(const struct k8c_probe *p, struct probe_timing *t)
{
	*t = (struct probe_timing){ 0, 10, 1, 1, 3 };
	if (p->has_initial_delay_seconds && p->initial_delay_seconds > 0)
		t->initial_delay_s = p->initial_delay_seconds;
	if (p->has_period_seconds && p->period_seconds > 0)
		t->period_s = p->period_seconds;
	if (p->has_timeout_seconds && p->timeout_seconds > 0)
		t->timeout_s = p->timeout_seconds;
	if (p->has_success_threshold && p->success_threshold > 0)
		t->success_threshold = p->success_threshold;
	if (p->has_failure_threshold && p->failure_threshold > 0)
		t->failure_threshold = p->failure_threshold;
}

int probe_port(const struct k8c_intstr *port, const struct k8c_container *c)
{
	if (port->type == K8C_INTSTR_INT)
		return port->ival > 0 && port->ival <= 65535 ? port->ival : -1;
	if (port->type != K8C_INTSTR_STRING || !port->sval)
		return -1;
	for (size_t i = 0; c && i < c->n_ports; i++)
		if (c->ports[i].name && !strcmp(c->ports[i].name, port->sval))
			return c->ports[i].container_port;
	char *end;
	long n = strtol(port->sval, &end, 10);
	return *port->sval && !*end && n > 0 && n <= 65535 ? (int)n : -1;
}

static size_t discard(char *data, size_t size, size_t nmemb, void *ud)
{
	size_t *seen = ud;
	*seen += size * nmemb;
	return *seen > PROBE_MAX_BODY ? 0 : size * nmemb; /* enough: the status is known */
}

static struct curl_slist *probe_headers(const struct k8c_http_get_action *h)
{
	struct curl_slist *list = NULL;
	bool agent = false;
	for (size_t i = 0; i < h->n_http_headers; i++) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s: %s", h->http_headers[i].name ? h->http_headers[i].name : "",
			    h->http_headers[i].value ? h->http_headers[i].value : "");
		agent |= h->http_headers[i].name && !strcasecmp(h->http_headers[i].name, "User-Agent");
		list = curl_slist_append(list, sb.buf);
		strbuf_release(&sb);
	}
	if (!agent)
		list = curl_slist_append(list, "User-Agent: " PROBE_USER_AGENT);
	return curl_slist_append(list, "Accept: */*");
}

static int http_probe(const struct k8c_http_get_action *h, const struct probe_target *t,
		      int timeout_s, struct strbuf *why)
{
	int port = probe_port(&h->port, t->container);
	const char *host = h->host && *h->host ? h->host : t->pod_ip;
	if (port < 0 || !host) {
		strbuf_addstr(why, port < 0 ? "invalid port for the HTTP probe" : "the pod has no IP");
		return -EINVAL;
	}
	bool https = h->scheme && !strcasecmp(h->scheme, "HTTPS");
	const char *path = h->path && *h->path ? h->path : "/";
	struct strbuf url = STRBUF_INIT;
	strbuf_addf(&url, "%s://%s:%d%s%s", https ? "https" : "http", host, port,
		    path[0] == '/' ? "" : "/", path);
	CURL *curl = curl_easy_init();
	struct curl_slist *headers = probe_headers(h);
	size_t seen = 0;
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_URL, url.buf);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_s * 1000);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &seen);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L); /* Kubernetes' probes skip it too */
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(curl, CURLOPT_PROXY, "");
	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	int r;
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && status)) {
		strbuf_addf(why, "Get \"%s\": %s", url.buf, err[0] ? err : curl_easy_strerror(rc));
		r = 0;
	} else if (status >= 200 && status < 400) {
		r = 1;
	} else {
		strbuf_addf(why, "HTTP probe failed with statuscode: %ld", status);
		r = 0;
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	strbuf_release(&url);
	return r;
}

/* Connects to host:port within timeout_ms. Returns 1 when connected, 0 otherwise (why set). */
static int tcp_connect(const char *host, int port, int timeout_ms, struct strbuf *why)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		strbuf_addf(why, "dial tcp %s:%d: not an IPv4 address", host, port);
		return 0;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		strbuf_addf(why, "socket: %s", strerror(errno));
		return -errno;
	}
	int r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : errno;
	if (r == EINPROGRESS) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		socklen_t len = sizeof(r);
		r = poll(&p, 1, timeout_ms) <= 0 ? ETIMEDOUT :
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &r, &len) < 0 ? errno : r;
	}
	close(fd);
	if (r) {
		strbuf_addf(why, "dial tcp %s:%d: connect: %s", host, port,
			    r == ETIMEDOUT ? "i/o timeout" : strerror(r));
		return 0;
	}
	return 1;
}

static int tcp_probe(const struct k8c_tcp_socket_action *a, const struct probe_target *t,
		     int timeout_s, struct strbuf *why)
{
	int port = probe_port(&a->port, t->container);
	const char *host = a->host && *a->host ? a->host : t->pod_ip;
	if (port < 0 || !host) {
		strbuf_addstr(why, port < 0 ? "invalid port for the TCP probe" : "the pod has no IP");
		return -EINVAL;
	}
	return tcp_connect(host, port, timeout_s * 1000, why);
}

static int exec_probe(const struct k8c_exec_action *a, const struct probe_target *t,
		      struct docker_client *dc, int timeout_s, struct strbuf *why)
{
	if (!a->n_command) {
		strbuf_addstr(why, "the exec probe has no command");
		return -EINVAL;
	}
	const char **argv = xcalloc(a->n_command + 1, sizeof(char *));
	for (size_t i = 0; i < a->n_command; i++)
		argv[i] = a->command[i];
	struct docker_exec_result res;
	int r = docker_exec(dc, t->container_id, argv, (int64_t)timeout_s * 1000, 0, &res);
	free(argv);
	if (r == -ETIMEDOUT) {
		strbuf_addf(why, "command timed out after %ds", timeout_s);
		return 0;
	}
	if (r < 0) {
		strbuf_addstr(why, docker_client_last_error(dc));
		return r;
	}
	r = res.exit_code == 0;
	if (!r) {
		strbuf_add(why, res.output, res.output_len);
		strbuf_rtrim(why);
		if (!why->len)
			strbuf_addf(why, "command exited with %d", res.exit_code);
	}
	docker_exec_result_release(&res);
	return r;
}

int probe_run(const struct k8c_probe *p, const struct probe_target *t, struct docker_client *dc,
	      struct strbuf *why)
{
	struct probe_timing timing;
	probe_timing_of(p, &timing);
	if (p->http_get)
		return http_probe(p->http_get, t, timing.timeout_s, why);
	if (p->tcp_socket)
		return tcp_probe(p->tcp_socket, t, timing.timeout_s, why);
	if (p->exec)
		return exec_probe(p->exec, t, dc, timing.timeout_s, why);
	strbuf_addstr(why, "the probe has no handler (grpc probes are not supported)");
	return -EINVAL;
}
