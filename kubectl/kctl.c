/*
 * kctl.c - the shared state of a k8c command: global flags, configuration resolved
 * on demand, the lazily created client, and kubectl's error texts; see kctl.h.
 */
#include "kubectl/kctl.h"

#include <stdarg.h>

#include "base/timeutil.h"
#include "client/config.h"
#include "client/kubeconfig.h"

#define G(name, sh, type, field, usage) { name, sh, type, &k->g.field, NULL, usage }

void kctl_init(struct kctl *k)
{
	memset(k, 0, sizeof(*k));
	k->out = stdout;
	k->err = stderr;
	/* lines reach a pipe in the order kubectl writes them, interleaved with stderr;
	 * glibc still writes a block of many lines with one write() */
	setvbuf(stdout, NULL, _IOLBF, 0);
	const struct kflag flags[] = {
		G("kubeconfig", 0, KFLAG_STRING, kubeconfig, "Path to the kubeconfig file to use"),
		G("context", 0, KFLAG_STRING, context, "The name of the kubeconfig context to use"),
		G("cluster", 0, KFLAG_STRING, cluster, "The name of the kubeconfig cluster to use"),
		G("user", 0, KFLAG_STRING, user, "The name of the kubeconfig user to use"),
		G("server", 's', KFLAG_STRING, server, "The address and port of the API server"),
		G("namespace", 'n', KFLAG_STRING, namespace, "The namespace scope for this request"),
		G("token", 0, KFLAG_STRING, token, "Bearer token for authentication"),
		G("certificate-authority", 0, KFLAG_STRING, certificate_authority,
		  "Path to a cert file for the certificate authority"),
		G("tls-server-name", 0, KFLAG_STRING, tls_server_name,
		  "Server name to use for server certificate validation"),
		G("request-timeout", 0, KFLAG_STRING, request_timeout,
		  "The length of time to wait before giving up on a single server request"),
		G("insecure-skip-tls-verify", 0, KFLAG_BOOL, insecure,
		  "Do not check the server's certificate"),
		G("v", 'v', KFLAG_STRING, verbosity, "Log level (accepted, ignored)"),
		G("cache-dir", 0, KFLAG_STRING, cache_dir, "Cache directory (accepted, ignored)"),
		G("match-server-version", 0, KFLAG_BOOL, match_server_version,
		  "Require server version to match client version (accepted, ignored)"),
		{ 0 },
	};
	_Static_assert(ARRAY_SIZE(flags) <= ARRAY_SIZE(k->global_flags), "global flags");
	memcpy(k->global_flags, flags, sizeof(flags));
}

void kctl_release(struct kctl *k)
{
	k8c_client_free(k->client);
	if (k->resolved)
		k8c_rest_config_release(&k->cfg);
	k->client = NULL;
	k->resolved = false;
}

static void print_usage(struct kctl *k, const struct kflag *local)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "Usage:\n  k8c %s [options]\n\nOptions:\n", k->cmd ? k->cmd : "");
	kflags_usage(local, &sb);
	strbuf_addstr(&sb, "\nGlobal options:\n");
	kflags_usage(k->global_flags, &sb);
	kctl_write(k, &sb);
	strbuf_release(&sb);
}

int kctl_parse(struct kctl *k, const struct kflag *local, int argc, char **argv,
	       struct kstrv *args)
{
	struct kflag_sets sets = { { local, k->global_flags }, 2 };
	struct strbuf err = STRBUF_INIT;
	int r = kflags_parse(&sets, argc, argv, args, &err);
	if (r == 1)
		print_usage(k, local);
	else if (r < 0)
		fprintf(k->err, "Error: %s\nSee 'k8c %s --help' for usage.\n", err.buf,
			k->cmd ? k->cmd : "");
	strbuf_release(&err);
	return r < 0 ? -1 : r;
}

/* --request-timeout: a Go duration, or a bare number of seconds. */
static int request_timeout_ms(struct kctl *k, int64_t *ret)
{
	const char *t = k->g.request_timeout;
	*ret = 0;
	if (!t || !*t)
		return 0;
	char *end;
	long long secs = strtoll(t, &end, 10);
	if (*end == '\0') {
		*ret = secs * 1000;
		return 0;
	}
	int64_t ns;
	struct strbuf err = STRBUF_INIT;
	if (kflags_parse_duration(t, &ns, &err) < 0) {
		kctl_errorf(k, "Invalid timeout value. Timeout must be a single integer in seconds, "
			       "or an integer followed by a corresponding time unit (e.g. 1s | 2m | "
			       "3h)");
		strbuf_release(&err);
		return -1;
	}
	*ret = ns / K8C_NSEC_PER_MSEC;
	return 0;
}

int kctl_config(struct kctl *k)
{
	if (k->resolved)
		return 0;
	struct k8c_config_overrides o = {
		.kubeconfig = k->g.kubeconfig,
		.context = k->g.context,
		.cluster = k->g.cluster,
		.user = k->g.user,
		.server = k->g.server,
		.namespace = k->g.namespace,
		.token = k->g.token,
		.certificate_authority = k->g.certificate_authority,
		.insecure = k->g.insecure,
		.tls_server_name = k->g.tls_server_name,
	};
	if (request_timeout_ms(k, &o.timeout_ms) < 0)
		return -1;
	struct strbuf err = STRBUF_INIT;
	int r = k8c_config_resolve(&o, &k->cfg, &err);
	if (r < 0) {
		kctl_errorf(k, "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	k->cfg.qps = -1; /* one short-lived command: no client-side throttling */
	/* one quick retry at most: a person waits for the answer (kubectl retries none) */
	k->cfg.max_retries = 1;
	k->resolved = true;
	return 0;
}

struct k8c_client *kctl_client(struct kctl *k)
{
	if (k->client)
		return k->client;
	if (kctl_config(k) < 0)
		return NULL;
	if (!k->cfg.user_agent)
		k->cfg.user_agent = xstrdup("k8c/" K8C_VERSION);
	if (k8c_client_new(&k->cfg, &k->client) < 0) {
		kctl_errorf(k, "invalid server address \"%s\": it must start with http:// or "
			       "https://",
			    k->cfg.server);
		return NULL;
	}
	return k->client;
}

const char *kctl_namespace(struct kctl *k)
{
	if (k->g.namespace && *k->g.namespace)
		return k->g.namespace;
	if (kctl_config(k) == 0 && k->cfg.namespace)
		return k->cfg.namespace;
	return "default";
}

bool kctl_namespace_explicit(const struct kctl *k)
{
	return k->g.namespace && *k->g.namespace;
}

int kctl_load_kubeconfig(struct kctl *k, struct k8c_kubeconfig *kc)
{
	struct strbuf err = STRBUF_INIT;
	int r = k8c_kubeconfig_load(kc, k->g.kubeconfig, &err);
	if (r < 0)
		kctl_errorf(k, "%s", err.buf);
	strbuf_release(&err);
	return r;
}

void kctl_errorf(struct kctl *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("error: ", k->err);
	vfprintf(k->err, fmt, ap);
	fputc('\n', k->err);
	va_end(ap);
}

/* "host:port" of the server URL, as kubectl names it for refused connections. */
static void server_host(struct kctl *k, struct strbuf *out)
{
	const char *s = k->resolved && k->cfg.server ? k->cfg.server : "localhost:8080";
	const char *p = strstr(s, "://");
	p = p ? p + 3 : s;
	size_t len = strcspn(p, "/");
	strbuf_add(out, p, len);
}

void kctl_format_api_error(struct kctl *k, int rc, const struct k8c_status_error *e,
			   struct strbuf *out)
{
	if (e && e->code == 0) {
		if (rc == -ECONNREFUSED) {
			strbuf_addstr(out, "The connection to the server ");
			server_host(k, out);
			strbuf_addstr(out, " was refused - did you specify the right host or port?");
		} else {
			strbuf_addf(out, "Unable to connect to the server: %s",
				    e->message ? e->message : strerror(-rc));
		}
		return;
	}
	if (!e || !e->message) {
		strbuf_addf(out, "error: %s", strerror(rc < 0 ? -rc : EIO));
		return;
	}
	if (k8c_status_is(e, "Unauthorized"))
		strbuf_addf(out, "error: You must be logged in to the server (%s)", e->message);
	else if (e->reason && *e->reason)
		strbuf_addf(out, "Error from server (%s): %s", e->reason, e->message);
	else
		strbuf_addf(out, "Error from server: %s", e->message);
}

void kctl_api_error(struct kctl *k, int rc, const struct k8c_status_error *e)
{
	struct strbuf sb = STRBUF_INIT;
	kctl_format_api_error(k, rc, e, &sb);
	fprintf(k->err, "%s\n", sb.buf);
	strbuf_release(&sb);
}

void kctl_error_add_source(struct k8c_status_error *e, const char *verb, const char *source)
{
	if (!source || e->code == 0)
		return;
	struct strbuf m = STRBUF_INIT;
	strbuf_addf(&m, "error when %s \"%s\": %s", verb, source, e->message ? e->message : "");
	free(e->message);
	e->message = strbuf_detach(&m, NULL);
}

void kctl_write(struct kctl *k, const struct strbuf *buf)
{
	fwrite(buf->buf, 1, buf->len, k->out);
}
