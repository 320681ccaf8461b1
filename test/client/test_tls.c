/*
 * test_tls.c - unit tests for the REST client over HTTPS against the fake server: server
 * verification with a CA given as a file or as PEM data (certificate-authority(-data)),
 * the failure without it, insecure-skip-tls-verify, and client certificates given as
 * files or data. The certificates are in testdata/ (see its README).
 */
#include "client/kubeconfig.h"
#include "client/verbs.h"
#include "test/client/fake_server.h"
#include "test/ktest.h"

static char *testdata_path(const char *name)
{
	const char *dir = getenv("K8C_TESTDATA");
	struct strbuf p = STRBUF_INIT;
	strbuf_addf(&p, "%s/%s", dir ? dir : "testdata", name);
	return strbuf_detach(&p, NULL);
}

static char *testdata(const char *name)
{
	char *path = testdata_path(name);
	struct strbuf sb = STRBUF_INIT;
	if (kubeconfig__read_file(path, &sb) < 0)
		abort();
	free(path);
	return strbuf_detach(&sb, NULL);
}

static void ok_handler(const struct fake_request *req, struct fake_reply *reply, void *ud)
{
	strbuf_addstr(&reply->body,
		      req->client_cert_verified ? "{\"cert\":true}" : "{\"cert\":false}");
}

struct tls_env {
	char *ca, *cert, *key, *server_cert, *server_key;
	struct fake_server *server;
};

static void env_start(struct tls_env *e)
{
	e->ca = testdata("ca.crt");
	e->cert = testdata("client.crt");
	e->key = testdata("client.key");
	e->server_cert = testdata("server.crt");
	e->server_key = testdata("server.key");
	struct fake_tls tls = { e->server_cert, e->server_key, e->ca };
	e->server = fake_server_start_tls(ok_handler, NULL, &tls);
}

static void env_stop(struct tls_env *e)
{
	fake_server_stop(e->server);
	free(e->ca);
	free(e->cert);
	free(e->key);
	free(e->server_cert);
	free(e->server_key);
}

/* GETs "/" with cfg; returns the errno and sets *cert from the answer. */
static int get_with(struct k8c_rest_config *cfg, bool *cert)
{
	cfg->qps = -1;
	cfg->max_retries = -1;
	struct k8c_client *c = NULL;
	if (k8c_client_new(cfg, &c) < 0)
		abort();
	cJSON *obj = NULL;
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	int r = k8c_get(c, "/", &obj, &err);
	*cert = r == 0 && cJSON_IsTrue(cJSON_GetObjectItem(obj, "cert"));
	cJSON_Delete(obj);
	k8c_status_error_release(&err);
	k8c_client_free(c);
	return r;
}

TEST(server_verified_with_ca_data_or_file)
{
	struct tls_env e;
	env_start(&e);
	bool cert;
	struct k8c_rest_config cfg = { .server = (char *)fake_server_url(e.server),
				       .ca_data = e.ca };
	CHECK_INT(get_with(&cfg, &cert), 0);
	CHECK(!cert);
	char *ca_file = testdata_path("ca.crt");
	cfg = (struct k8c_rest_config){ .server = (char *)fake_server_url(e.server),
					.ca_file = ca_file };
	CHECK_INT(get_with(&cfg, &cert), 0);
	free(ca_file);
	env_stop(&e);
}

TEST(unknown_server_refused_unless_insecure)
{
	struct tls_env e;
	env_start(&e);
	bool cert;
	struct k8c_rest_config cfg = { .server = (char *)fake_server_url(e.server),
				       .ca_data = e.cert /* not the server's issuer */ };
	CHECK_INT(get_with(&cfg, &cert), -EIO);
	cfg = (struct k8c_rest_config){ .server = (char *)fake_server_url(e.server),
					.insecure = true };
	CHECK_INT(get_with(&cfg, &cert), 0);
	env_stop(&e);
}

TEST(client_certificates_as_data_or_files)
{
	struct tls_env e;
	env_start(&e);
	bool cert;
	struct k8c_rest_config cfg = { .server = (char *)fake_server_url(e.server),
				       .ca_data = e.ca,
				       .cert_data = e.cert,
				       .key_data = e.key };
	CHECK_INT(get_with(&cfg, &cert), 0);
	CHECK(cert);
	char *cert_file = testdata_path("client.crt"), *key_file = testdata_path("client.key");
	cfg = (struct k8c_rest_config){ .server = (char *)fake_server_url(e.server),
					.ca_data = e.ca,
					.cert_file = cert_file,
					.key_file = key_file };
	CHECK_INT(get_with(&cfg, &cert), 0);
	CHECK(cert);
	free(cert_file);
	free(key_file);
	env_stop(&e);
}
