/*
 * test_three_way.c - unit tests for the patch computation of kubectl's
 * client-side apply (api/patch strategic_patch_three_way / _two_way): the
 * exact patch kubectl sends in kube-api-wire.md section 3, "unchanged",
 * deletions of fields / labels / finalizers / list elements, fields owned
 * by others left alone, $retainKeys, and patches that, applied to the live
 * object, give the new configuration.
 */
#include "api/patch/patch.h"
#include "api/types.gen.h"
#include "test/api/patch_test_schema.h"
#include "test/api/patch_test_util.h"
#include "test/ktest.h"

/*
 * The three-way patch as canonical text ("ERR <rc>: <message>" on failure);
 * when apply_to_current, also checks that applying it to current gives want.
 */
static const char *three_way(const struct k8c_type *type, const char *original,
			     const char *modified, const char *current, const char *want)
{
	static struct strbuf sb = STRBUF_INIT;
	cJSON *o = original ? pt_json(original) : NULL, *m = pt_json(modified);
	cJSON *c = pt_json(current), *patch = NULL;
	strbuf_reset(&sb);
	int rc = strategic_patch_three_way(o, m, c, type, &patch, &sb);
	if (rc < 0) {
		strbuf_insert(&sb, 0, "ERR: ", 5);
	} else {
		char *text = cJSON_PrintUnformatted(patch);
		strbuf_addstr(&sb, text); /* keys already sorted, as kubectl sends them */
		cJSON_free(text);
		CHECK_INT(strategic_patch_is_empty(patch), strcmp(sb.buf, "{}") == 0);
		if (want && strategic_patch_apply(&c, patch, type, NULL) == 0)
			CHECK_STR(pt_text(c, 0), pt_canon(want, 1));
		else if (want)
			ktest_fail(__FILE__, __LINE__, "the patch does not apply: %s", sb.buf);
	}
	cJSON_Delete(o);
	cJSON_Delete(m);
	cJSON_Delete(c);
	cJSON_Delete(patch);
	return sb.buf;
}

#define LAST_APPLIED                                                                               \
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","      \
	"\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":2,\"template\":{\"metadata\":{"      \
	"\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":"   \
	"\"nginx:1.25\",\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":"      \
	"\"2\"}]}]}}}}"
#define NEW_CONFIG                                                                                 \
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","      \
	"\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":2,\"template\":{\"metadata\":{"      \
	"\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":"   \
	"\"nginx:1.26\",\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]}}}}"
#define LIVE(image, env)                                                                           \
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","      \
	"\"namespace\":\"default\",\"uid\":\"u1\",\"resourceVersion\":\"105\",\"generation\":3,"   \
	"\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":2,\"progressDeadlineSeconds\":600,"  \
	"\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"restartPolicy\":"   \
	"\"Always\",\"containers\":[{\"name\":\"nginx\",\"image\":\"" image "\",\"env\":" env ","  \
	"\"imagePullPolicy\":\"IfNotPresent\"}]}}},\"status\":{\"replicas\":2}}"
#define ENV_AB "[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]"
#define ENV_A  "[{\"name\":\"A\",\"value\":\"1\"}]"

/* What kubectl sent when the image changed and env B was removed from the manifest. */
#define KUBECTL_PATCH                                                                              \
	"{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":"           \
	"\"nginx\"}],\"containers\":[{\"$setElementOrder/env\":[{\"name\":\"A\"}],\"env\":[{"      \
	"\"$patch\":\"delete\",\"name\":\"B\"}],\"image\":\"nginx:1.26\",\"name\":\"nginx\"}]}}}}"

TEST(kubectl_apply_patch)
{
	CHECK_STR(three_way(&t_deploy, LAST_APPLIED, NEW_CONFIG, LIVE("nginx:1.25", ENV_AB),
			    LIVE("nginx:1.26", ENV_A)),
		  KUBECTL_PATCH);
	CHECK_STR(three_way(&k8c_type_deployment, LAST_APPLIED, NEW_CONFIG,
			    LIVE("nginx:1.25", ENV_AB), LIVE("nginx:1.26", ENV_A)),
		  KUBECTL_PATCH);
}

TEST(unchanged)
{
	CHECK_STR(three_way(&t_deploy, NEW_CONFIG, NEW_CONFIG, LIVE("nginx:1.26", ENV_A), NULL),
		  "{}");
	/* no last-applied configuration: only additions and changes */
	CHECK_STR(three_way(&t_deploy, NULL, NEW_CONFIG, LIVE("nginx:1.26", ENV_A), NULL), "{}");
}

TEST(deletions_from_the_configuration)
{
	CHECK_STR(three_way(&t_dspec, "{\"replicas\":3,\"template\":{}}", "{\"template\":{}}",
			    "{\"replicas\":3,\"template\":{},\"paused\":false}",
			    "{\"template\":{},\"paused\":false}"),
		  "{\"replicas\":null}");
	CHECK_STR(three_way(&t_meta, "{\"labels\":{\"app\":\"web\",\"tier\":\"front\"}}",
			    "{\"labels\":{\"app\":\"web\"}}",
			    "{\"labels\":{\"app\":\"web\",\"tier\":\"front\",\"x\":\"y\"}}",
			    "{\"labels\":{\"app\":\"web\",\"x\":\"y\"}}"),
		  "{\"labels\":{\"tier\":null}}");
	CHECK_STR(three_way(&t_meta, "{\"finalizers\":[\"a\",\"b\"]}", "{\"finalizers\":[\"a\"]}",
			    "{\"finalizers\":[\"a\",\"b\"]}", "{\"finalizers\":[\"a\"]}"),
		  "{\"$deleteFromPrimitiveList/finalizers\":[\"b\"],"
		  "\"$setElementOrder/finalizers\":[\"a\"]}");
	CHECK_STR(three_way(&t_container,
			    "{\"ports\":[{\"containerPort\":80},{\"containerPort\":443}]}",
			    "{\"ports\":[{\"containerPort\":80},{\"containerPort\":8080}]}",
			    "{\"ports\":[{\"containerPort\":80},{\"containerPort\":443}]}",
			    "{\"ports\":[{\"containerPort\":80},{\"containerPort\":8080}]}"),
		  "{\"$setElementOrder/ports\":[{\"containerPort\":80},{\"containerPort\":8080}],"
		  "\"ports\":[{\"containerPort\":8080},{\"$patch\":\"delete\",\"containerPort\":"
		  "443}]}");
}

TEST(fields_of_others_are_left_alone)
{
	/* set by a controller, never in the configuration: kept */
	CHECK_STR(
		three_way(
			&t_meta, "{\"labels\":{\"app\":\"web\"}}", "{\"labels\":{\"app\":\"web\"}}",
			"{\"labels\":{\"app\":\"web\",\"injected\":\"x\"},\"finalizers\":[\"f\"]}",
			NULL),
		"{}");
	/* in the configuration but removed from the live object by someone: set again */
	CHECK_STR(three_way(&t_meta, "{\"labels\":{\"app\":\"web\",\"tier\":\"front\"}}",
			    "{\"labels\":{\"app\":\"web\",\"tier\":\"front\"}}",
			    "{\"labels\":{\"app\":\"web\"}}",
			    "{\"labels\":{\"app\":\"web\",\"tier\":\"front\"}}"),
		  "{\"labels\":{\"tier\":\"front\"}}");
	/* atomic lists are sent whole when they change */
	CHECK_STR(three_way(&t_container, "{\"args\":[\"a\"]}", "{\"args\":[\"a\",\"b\"]}",
			    "{\"args\":[\"a\"],\"image\":\"i\"}",
			    "{\"args\":[\"a\",\"b\"],\"image\":\"i\"}"),
		  "{\"args\":[\"a\",\"b\"]}");
}

TEST(retain_keys_in_apply)
{
	CHECK_STR(
		three_way(&t_pod_spec, "{\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}]}",
			  "{\"volumes\":[{\"name\":\"data\",\"configMap\":{\"name\":\"cfg\"}}]}",
			  "{\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}]}",
			  "{\"volumes\":[{\"name\":\"data\",\"configMap\":{\"name\":\"cfg\"}}]}"),
		"{\"$setElementOrder/volumes\":[{\"name\":\"data\"}],\"volumes\":[{\"$retainKeys\":"
		"[\"configMap\",\"name\"],\"configMap\":{\"name\":\"cfg\"},\"emptyDir\":null,"
		"\"name\":\"data\"}]}");
	CHECK_STR(
		three_way(
			&t_dspec,
			"{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
			"{\"maxSurge\":\"1\"}}}",
			"{\"strategy\":{\"type\":\"Recreate\"}}",
			"{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":"
			"\"1\",\"maxUnavailable\":\"0\"}}}",
			"{\"strategy\":{\"type\":\"Recreate\"}}"),
		"{\"strategy\":{\"$retainKeys\":[\"type\"],\"rollingUpdate\":null,\"type\":"
		"\"Recreate\"}}");
}

TEST(errors)
{
	CHECK_STR(three_way(&t_meta, NULL, "[1]", "{}", NULL), "ERR: invalid JSON document");
	CHECK_STR(three_way(&t_container, "{\"ports\":[{\"containerPort\":80}]}",
			    "{\"ports\":[{\"name\":\"x\"}]}", "{}", NULL),
		  "ERR: map: {\"name\":\"x\"} does not contain declared merge key: containerPort");
}

TEST(two_way)
{
	cJSON *o = pt_json("{\"a\":1,\"b\":2,\"l\":[\"x\"],\"m\":{\"k\":1}}");
	cJSON *m = pt_json("{\"a\":1,\"c\":3,\"l\":[\"x\",\"y\"],\"m\":{\"k\":2}}");
	cJSON *patch = NULL;
	REQUIRE(strategic_patch_two_way(o, m, NULL, &patch, NULL) == 0);
	char *text = cJSON_PrintUnformatted(patch);
	CHECK_STR(text, "{\"b\":null,\"c\":3,\"l\":[\"x\",\"y\"],\"m\":{\"k\":2}}");
	cJSON_free(text);
	REQUIRE(strategic_patch_apply(&o, patch, NULL, NULL) == 0);
	CHECK_STR(pt_text(o, 0), pt_text(m, 1));
	cJSON_Delete(patch);
	patch = NULL;
	REQUIRE(strategic_patch_two_way(m, m, &t_meta, &patch, NULL) == 0);
	CHECK(strategic_patch_is_empty(patch));
	CHECK(!strategic_patch_is_empty(m));
	cJSON_Delete(patch);
	cJSON_Delete(o);
	cJSON_Delete(m);
}
