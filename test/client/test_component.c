/*
 * test_component.c - the shared daemon flags: what is taken out of argv and what is left,
 * every value form, the one-line errors, and the client they build: a kubeconfig file
 * honoured (its server, reached for real), --server overriding it, the rate limit and
 * user agent passed on, and the leader-election settings.
 */
#include <unistd.h>

#include "base/log.h"
#include "client/component.h"
#include "test/client/apiserver_proc.h"
#include "test/ktest.h"

static struct test_apiserver server;

/* Parses a NULL-terminated copy of args; returns parse's result, argc and argv in place. */
static int parse(struct k8c_component_options *o, char **args, int *argc, struct strbuf *err)
{
	int n = 0;
	while (args[n])
		n++;
	*argc = n;
	return k8c_component_parse(o, argc, args, err);
}

TEST(defaults)
{
	struct k8c_component_options o;
	k8c_component_options_init(&o, "kube-scheduler", 50, 100);
	CHECK_STR(o.name, "kube-scheduler");
	CHECK(o.leader_elect);
	CHECK_INT(o.lease_duration_ms, 15000);
	CHECK_INT(o.renew_deadline_ms, 10000);
	CHECK_INT(o.retry_period_ms, 2000);
	CHECK_STR(o.lease_namespace, "kube-system");
	CHECK_STR(o.lease_name, "kube-scheduler");
	CHECK(o.qps == 50);
	CHECK_INT(o.burst, 100);
	CHECK(o.kubeconfig == NULL && o.server == NULL);
	CHECK_INT(o.verbosity, 0);
}

TEST(shared_flags_are_taken_and_the_rest_kept_in_order)
{
	struct k8c_component_options o;
	k8c_component_options_init(&o, "kube-controller-manager", 20, 30);
	char *args[] = { "prog", "--kubeconfig", "/etc/kc", "--controllers=*", "--server=http://a:1",
			 "positional", "--kube-api-qps=12.5", "--kube-api-burst", "40",
			 "--leader-elect=false", "--leader-elect-lease-duration=1m30s",
			 "--leader-elect-renew-deadline", "1.5s",
			 "--leader-elect-retry-period=500ms",
			 "--leader-elect-resource-namespace", "ns1",
			 "--leader-elect-resource-name=lock", "-v2", "--", "--kubeconfig", "x",
			 NULL };
	int argc;
	struct strbuf err = STRBUF_INIT;
	CHECK_INT(parse(&o, args, &argc, &err), 0);
	CHECK_STR(err.buf, "");
	REQUIRE(argc == 6);
	CHECK_STR(args[0], "prog");
	CHECK_STR(args[1], "--controllers=*");
	CHECK_STR(args[2], "positional");
	CHECK_STR(args[3], "--");
	CHECK_STR(args[4], "--kubeconfig");
	CHECK_STR(args[5], "x");
	CHECK(args[6] == NULL);
	CHECK_STR(o.kubeconfig, "/etc/kc");
	CHECK_STR(o.server, "http://a:1");
	CHECK(o.qps == 12.5);
	CHECK_INT(o.burst, 40);
	CHECK(!o.leader_elect);
	CHECK_INT(o.lease_duration_ms, 90000);
	CHECK_INT(o.renew_deadline_ms, 1500);
	CHECK_INT(o.retry_period_ms, 500);
	CHECK_STR(o.lease_namespace, "ns1");
	CHECK_STR(o.lease_name, "lock");
	CHECK_INT(o.verbosity, 2);
	strbuf_release(&err);
}

TEST(value_forms)
{
	struct k8c_component_options o;
	k8c_component_options_init(&o, "c", 0, 0);
	char *a[] = { "p", "--master", "http://m:2", "-v", "3", "--leader-elect", "false", NULL };
	int argc;
	CHECK_INT(parse(&o, a, &argc, NULL), 0);
	CHECK_STR(o.server, "http://m:2");
	CHECK_INT(o.verbosity, 3);
	CHECK(o.leader_elect); /* a bare boolean never takes the next word, as with pflag */
	CHECK_INT(argc, 2);
	CHECK_STR(a[1], "false");

	char *b[] = { "p", "--v=5", "--leader-elect=F", "--leader-elect-retry-period=0",
		      "--leader-elect-lease-duration", "2h0.5m", NULL };
	CHECK_INT(parse(&o, b, &argc, NULL), 0);
	CHECK_INT(o.verbosity, 5);
	CHECK(log_enabled(LOG_LEVEL_DEBUG)); /* -v 4 and above: debug lines */
	CHECK(!o.leader_elect);
	CHECK_INT(o.retry_period_ms, 0);
	CHECK_INT(o.lease_duration_ms, 2 * 3600000 + 30000);
	CHECK_INT(argc, 1);

	char *c[] = { "p", "-v=0", "--leader-elect=True", NULL };
	CHECK_INT(parse(&o, c, &argc, NULL), 0);
	CHECK_INT(o.verbosity, 0);
	CHECK(o.leader_elect);
	log_set_level(LOG_LEVEL_INFO);
}

/* Expects args to be refused with exactly message. */
static void check_refused(char **args, const char *message)
{
	struct k8c_component_options o;
	k8c_component_options_init(&o, "c", 0, 0);
	struct strbuf err = STRBUF_INIT;
	int argc;
	CHECK_INT(parse(&o, args, &argc, &err), -EINVAL);
	CHECK_STR(err.buf, message);
	strbuf_release(&err);
}

TEST(bad_values_are_one_line_errors)
{
	char *a[] = { "p", "--kube-api-qps=fast", NULL };
	check_refused(a, "invalid argument 'fast' for '--kube-api-qps'");
	char *b[] = { "p", "--kubeconfig", NULL };
	check_refused(b, "flag needs an argument: '--kubeconfig'");
	char *c[] = { "p", "--leader-elect-lease-duration", "15", NULL };
	check_refused(c, "invalid argument '15' for '--leader-elect-lease-duration'");
	char *d[] = { "p", "--leader-elect=maybe", NULL };
	check_refused(d, "invalid argument 'maybe' for '--leader-elect'");
	char *e[] = { "p", "--kube-api-burst=1e3", NULL };
	check_refused(e, "invalid argument '1e3' for '--kube-api-burst'");
	char *f[] = { "p", "--leader-elect-renew-deadline=-1s", NULL };
	check_refused(f, "invalid argument '-1s' for '--leader-elect-renew-deadline'");
	char *g[] = { "p", "-v", "-1", NULL };
	check_refused(g, "invalid argument '-1' for '--v'");
}

TEST(usage_lists_every_flag)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	k8c_component_usage(f);
	fclose(f);
	CHECK(strstr(text, "--kubeconfig FILE") != NULL);
	CHECK(strstr(text, "--leader-elect-retry-period D") != NULL);
	CHECK(strstr(text, "-v, --v N") != NULL);
	free(text);
}

TEST(server_starts)
{
	REQUIRE(test_apiserver_start(&server) == 0);
}

/* Writes a kubeconfig pointing at server (namespace ns) into a temporary file; caller frees. */
static char *kubeconfig_write(const char *server_url)
{
	char tmpl[] = "/tmp/k8c-kubeconfig-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	fprintf(f, "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
		   "clusters:\n- name: test\n  cluster:\n    server: %s\n"
		   "contexts:\n- name: test\n  context:\n    cluster: test\n    user: me\n"
		   "users:\n- name: me\n  user:\n    token: secret-token\n",
		server_url);
	fclose(f);
	return xstrdup(tmpl);
}

static bool reaches_server(struct k8c_client *c)
{
	struct k8c_request req = { .method = "GET", .path = "/version", .timeout_ms = 5000,
				   .no_retry = true };
	return k8c_client_do(c, &req, NULL, NULL) == 0;
}

TEST(kubeconfig_is_honoured)
{
	char *kc = kubeconfig_write(server.url);
	REQUIRE(kc != NULL);
	struct k8c_component_options o;
	k8c_component_options_init(&o, "kube-scheduler", 0, 0);
	char *args[] = { "p", "--kubeconfig", kc, "--kube-api-qps", "-1", NULL };
	int argc;
	CHECK_INT(parse(&o, args, &argc, NULL), 0);
	struct k8c_client *c = NULL;
	struct strbuf err = STRBUF_INIT;
	CHECK_INT(k8c_component_client(&o, NULL, &c, &err), 0);
	REQUIRE(c != NULL);
	const struct k8c_rest_config *cfg = k8c_client_config(c);
	CHECK_STR(cfg->server, server.url);
	CHECK_STR(cfg->bearer_token, "secret-token");
	CHECK(cfg->qps < 0);
	CHECK(reaches_server(c));
	k8c_client_free(c);
	unlink(kc);
	free(kc);
	strbuf_release(&err);
}

TEST(server_flag_overrides_the_kubeconfig)
{
	char *kc = kubeconfig_write("http://127.0.0.1:1");
	REQUIRE(kc != NULL);
	struct k8c_component_options o;
	k8c_component_options_init(&o, "kube-controller-manager", 20, 30);
	char *args[] = { "p", "--kubeconfig", kc, "--server", server.url, NULL };
	int argc;
	CHECK_INT(parse(&o, args, &argc, NULL), 0);
	struct k8c_client *c = NULL;
	CHECK_INT(k8c_component_client(&o, "leader-election", &c, NULL), 0);
	REQUIRE(c != NULL);
	const struct k8c_rest_config *cfg = k8c_client_config(c);
	CHECK_STR(cfg->server, server.url);
	CHECK(cfg->qps == 20);
	CHECK_INT(cfg->burst, 30);
	CHECK_STR(cfg->user_agent, "kube-controller-manager/" K8C_VERSION "/leader-election");
	CHECK(reaches_server(c));
	k8c_client_free(c);
	unlink(kc);
	free(kc);
}

TEST(missing_kubeconfig_is_an_error)
{
	struct k8c_component_options o;
	k8c_component_options_init(&o, "c", 0, 0);
	o.kubeconfig = "/nonexistent/kubeconfig";
	struct k8c_client *c = NULL;
	struct strbuf err = STRBUF_INIT;
	CHECK_INT(k8c_component_client(&o, NULL, &c, &err), -ENOENT);
	CHECK(c == NULL);
	CHECK(strstr(err.buf, "/nonexistent/kubeconfig") != NULL);
	CHECK(strchr(err.buf, '\n') == NULL);
	strbuf_release(&err);
}

TEST(leader_config_and_identity)
{
	struct k8c_component_options o;
	k8c_component_options_init(&o, "kube-scheduler", 0, 0);
	o.lease_duration_ms = 3000;
	char *id = k8c_component_identity(), *other = k8c_component_identity();
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	CHECK(str_has_prefix(id, host) && id[strlen(host)] == '_');
	CHECK_INT(strlen(id), strlen(host) + 1 + 36);
	CHECK(strcmp(id, other) != 0);
	struct k8c_leader_config lc;
	k8c_component_leader_config(&o, id, &lc);
	CHECK_STR(lc.namespace, "kube-system");
	CHECK_STR(lc.name, "kube-scheduler");
	CHECK_STR(lc.identity, id);
	CHECK_INT(lc.lease_duration_ms, 3000);
	CHECK_INT(lc.renew_deadline_ms, 10000);
	CHECK_INT(lc.retry_period_ms, 2000);
	free(id);
	free(other);
}

TEST(server_stops_cleanly)
{
	CHECK_INT(test_apiserver_stop(&server), 0);
}
