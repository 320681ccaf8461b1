/*
 * create_once_tool.c - runs create_once() (controllers/create_once.h) once,
 * for create_once_test.py: POSTs a pod with generateName PREFIX and a
 * controller reference to a ReplicaSet of uid OWNER_UID into NAMESPACE.
 * Prints "created NAME", or "failed ERRNO MESSAGE" (exit status 1).
 *
 * Usage: create_once_tool URL NAMESPACE PREFIX OWNER_UID
 */
#include "base/base.h"

#include "api/kinds.h"
#include "controllers/create_once.h"

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: create_once_tool URL NAMESPACE PREFIX OWNER_UID\n");
		return 2;
	}
	struct k8c_rest_config rc = { .server = argv[1], .qps = -1 };
	struct k8c_client *client;
	if (k8c_client_new(&rc, &client) < 0)
		return 2;
	struct strbuf json = STRBUF_INIT, name = STRBUF_INIT;
	strbuf_addf(&json,
		    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"generateName\":\"%s\","
		    "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
		    "\"name\":\"owner\",\"uid\":\"%s\",\"controller\":true}]},\"spec\":"
		    "{\"containers\":[{\"name\":\"c\",\"image\":\"k8c.local/busybox\"}]}}",
		    argv[3], argv[4]);
	struct k8c_status_error err = K8C_STATUS_ERROR_INIT;
	const struct k8c_kind *k = k8c_kind_by_resource("", "v1", "pods");
	int r = create_once(client, k, argv[2], &json, argv[3], argv[4], &name, &err);
	if (r == 0)
		printf("created %s\n", name.buf);
	else
		printf("failed %d %s\n", -r, err.message ? err.message : "");
	k8c_status_error_release(&err);
	strbuf_release(&json);
	strbuf_release(&name);
	k8c_client_free(client);
	return r == 0 ? 0 : 1;
}
