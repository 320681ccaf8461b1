/*
 * test_strategic.c - unit tests for applying strategic merge patches
 * (api/patch): the Deployment patch of kube-api-wire.md section 3,
 * containers / ports / env / volumes / ownerReferences / conditions merged
 * by their keys, finalizers as a set, every directive ($patch delete /
 * replace / merge, $setElementOrder, $retainKeys, $deleteFromPrimitiveList,
 * null), fields outside the schema, and error handling. Uses the small
 * hand-written schema of patch_test_schema.c, and the generated descriptors
 * (api/types.gen.h).
 */
#include "api/patch/patch.h"
#include "api/types.gen.h"
#include "test/api/patch_test_schema.h"
#include "test/api/patch_test_util.h"
#include "test/ktest.h"

/* Applies patch to doc as type; the result, or "ERR <code>: <message>" (doc unchanged). */
static const char *smp(const struct k8c_type *type, const char *doc_text, const char *patch_text)
{
	struct strbuf err = STRBUF_INIT;
	cJSON *doc = pt_json(doc_text), *patch = pt_json(patch_text);
	int rc = strategic_patch_apply(&doc, patch, type, &err);
	const char *out = pt_outcome(rc, doc, doc_text, err.buf);
	cJSON_Delete(doc);
	cJSON_Delete(patch);
	strbuf_release(&err);
	return out;
}

/* The Deployment patch kubectl sends in kube-api-wire.md section 3. */
#define WIRE_PATCH                                                                                 \
	"{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":"           \
	"\"nginx\"}],\"containers\":[{\"$setElementOrder/env\":[{\"name\":\"A\"}],\"env\":[{"      \
	"\"$patch\":\"delete\",\"name\":\"B\"}],\"image\":\"nginx:1.26\",\"name\":\"nginx\"}]}}}}"
#define WIRE_LIVE                                                                                  \
	"{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":2,\"template\":{\"spec\":{"       \
	"\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.25\",\"env\":[{\"name\":\"A\","   \
	"\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]}]}}},\"status\":{\"replicas\":2}}"
#define WIRE_RESULT                                                                                \
	"{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":2,\"template\":{\"spec\":{"       \
	"\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.26\",\"env\":[{\"name\":\"A\","   \
	"\"value\":\"1\"}]}]}}},\"status\":{\"replicas\":2}}"

TEST(wire_deployment_patch)
{
	CHECK_STR(smp(&t_deploy, WIRE_LIVE, WIRE_PATCH), pt_canon(WIRE_RESULT, 2));
	/* the same with the generated descriptors */
	CHECK_STR(smp(&k8c_type_deployment, WIRE_LIVE, WIRE_PATCH), pt_canon(WIRE_RESULT, 2));
	/* a container injected by someone else keeps its place */
	CHECK_STR(
		smp(&t_pod_spec,
		    "{\"containers\":[{\"name\":\"proxy\"},{\"name\":\"nginx\",\"image\":\"a\"}]}",
		    "{\"$setElementOrder/containers\":[{\"name\":\"nginx\"}],"
		    "\"containers\":[{\"name\":\"nginx\",\"image\":\"b\"}]}"),
		pt_canon("{\"containers\":[{\"name\":\"proxy\"},{\"name\":\"nginx\",\"image\":"
			 "\"b\"}]}",
			 2));
}

TEST(lists_merged_by_key)
{
	/* ports by containerPort: patch order first, server-only ports after */
	CHECK_STR(smp(&t_container,
		      "{\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"},{\"containerPort\":"
		      "443}]}",
		      "{\"ports\":[{\"containerPort\":8080},{\"containerPort\":80,\"name\":"
		      "\"http\"}]}"),
		  pt_canon("{\"ports\":[{\"containerPort\":8080},{\"containerPort\":80,\"name\":"
			   "\"http\",\"protocol\":\"TCP\"},{\"containerPort\":443}]}",
			   2));
	/* ownerReferences by uid, with a deletion */
	CHECK_STR(smp(&t_meta,
		      "{\"ownerReferences\":[{\"uid\":\"a\",\"name\":\"x\"},{\"uid\":\"b\","
		      "\"name\":\"y\"}]}",
		      "{\"ownerReferences\":[{\"uid\":\"b\",\"controller\":true},"
		      "{\"$patch\":\"delete\",\"uid\":\"a\"}]}"),
		  pt_canon("{\"ownerReferences\":[{\"uid\":\"b\",\"name\":\"y\",\"controller\":"
			   "true}]}",
			   2));
	/* conditions by type: updated in place */
	CHECK_STR(smp(&t_dstatus,
		      "{\"conditions\":[{\"type\":\"Available\",\"status\":\"False\"},"
		      "{\"type\":\"Progressing\",\"status\":\"True\"}]}",
		      "{\"conditions\":[{\"type\":\"Available\",\"status\":\"True\","
		      "\"reason\":\"MinimumReplicasAvailable\"}]}"),
		  pt_canon("{\"conditions\":[{\"type\":\"Available\",\"status\":\"True\","
			   "\"reason\":\"MinimumReplicasAvailable\"},{\"type\":\"Progressing\","
			   "\"status\":\"True\"}]}",
			   2));
	/* new elements: nulls dropped, directives executed */
	CHECK_STR(smp(&t_pod_spec, "{\"containers\":[{\"name\":\"a\"}]}",
		      "{\"containers\":[{\"name\":\"b\",\"image\":null,\"env\":[{\"name\":\"X\"},"
		      "{\"$patch\":\"delete\",\"name\":\"Y\"}]}]}"),
		  pt_canon("{\"containers\":[{\"name\":\"b\",\"env\":[{\"name\":\"X\"}]},{\"name\":"
			   "\"a\"}]}",
			   2));
}

TEST(primitive_lists)
{
	CHECK_STR(smp(&t_meta, "{\"finalizers\":[\"a\",\"b\"]}", "{\"finalizers\":[\"c\",\"a\"]}"),
		  pt_canon("{\"finalizers\":[\"c\",\"a\",\"b\"]}", 2));
	CHECK_STR(smp(&t_meta, "{\"finalizers\":[\"a\",\"b\",\"c\"]}",
		      "{\"$deleteFromPrimitiveList/finalizers\":[\"b\",\"zz\"]}"),
		  pt_canon("{\"finalizers\":[\"a\",\"c\"]}", 2));
	CHECK_STR(smp(&t_meta, "{\"name\":\"x\"}",
		      "{\"$deleteFromPrimitiveList/finalizers\":[\"b\"]}"),
		  pt_canon("{\"name\":\"x\"}", 2));
	CHECK_STR(smp(&t_meta, "{\"finalizers\":[\"a\",\"b\"]}",
		      "{\"$setElementOrder/finalizers\":[\"b\",\"a\"]}"),
		  pt_canon("{\"finalizers\":[\"b\",\"a\"]}", 2));
	/* atomic lists are replaced */
	CHECK_STR(smp(&t_container, "{\"args\":[\"a\",\"b\"]}", "{\"args\":[\"c\"]}"),
		  pt_canon("{\"args\":[\"c\"]}", 2));
}

TEST(maps_and_nulls)
{
	CHECK_STR(smp(&t_meta, "{\"labels\":{\"app\":\"web\",\"tier\":\"front\"}}",
		      "{\"labels\":{\"tier\":null,\"env\":\"prod\",\"gone\":null}}"),
		  pt_canon("{\"labels\":{\"app\":\"web\",\"env\":\"prod\"}}", 2));
	CHECK_STR(smp(&t_meta, "{\"labels\":{\"app\":\"web\"}}",
		      "{\"labels\":{\"$patch\":\"replace\",\"x\":\"1\"}}"),
		  pt_canon("{\"labels\":{\"x\":\"1\"}}", 2));
	CHECK_STR(smp(&t_meta, "{\"labels\":{\"app\":\"web\"},\"name\":\"n\"}",
		      "{\"labels\":{\"$patch\":\"delete\"}}"),
		  pt_canon("{\"labels\":{},\"name\":\"n\"}", 2));
	CHECK_STR(smp(&t_meta, "{\"labels\":{\"app\":\"web\"}}",
		      "{\"labels\":{\"$patch\":\"merge\","
		      "\"x\":\"1\"}}"),
		  pt_canon("{\"labels\":{\"app\":\"web\",\"x\":\"1\"}}", 2));
	CHECK_STR(smp(&t_dspec, "{\"replicas\":3,\"template\":{}}", "{\"replicas\":null}"),
		  pt_canon("{\"template\":{}}", 2));
	/* a whole-object $patch: delete of a member the original lacks stores nothing */
	CHECK_STR(smp(&t_meta, "{}", "{\"labels\":{\"$patch\":\"delete\"}}"), "{}");
	/* replace-strategy fields are replaced wholesale */
	CHECK_STR(smp(&t_pod_spec, "{\"affinity\":{\"a\":1,\"b\":2}}", "{\"affinity\":{\"c\":3}}"),
		  pt_canon("{\"affinity\":{\"c\":3}}", 2));
	/* without a schema: JSON merge patch semantics */
	CHECK_STR(smp(&t_dspec, "{\"foo\":{\"a\":1,\"b\":2,\"l\":[1,2]}}",
		      "{\"foo\":{\"a\":null,\"c\":3,\"l\":[3]}}"),
		  pt_canon("{\"foo\":{\"b\":2,\"c\":3,\"l\":[3]}}", 2));
	CHECK_STR(smp(NULL, "{\"x\":[1,2]}", "{\"x\":[2,3],\"y\":{\"z\":null}}"),
		  pt_canon("{\"x\":[2,3],\"y\":{}}", 2));
}

TEST(replace_and_order_directives)
{
	CHECK_STR(smp(&t_pod_spec,
		      "{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"b\"}]}",
		      "{\"containers\":[{\"$patch\":\"replace\"},{\"name\":\"only\"}]}"),
		  pt_canon("{\"containers\":[{\"name\":\"only\"}]}", 2));
	CHECK_STR(smp(&t_pod_spec, "{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
		      "{\"$setElementOrder/containers\":[{\"name\":\"b\"},{\"name\":\"a\"}]}"),
		  pt_canon("{\"containers\":[{\"name\":\"b\"},{\"name\":\"a\"}]}", 2));
	/* a server-only element is placed before the first patch element after it */
	CHECK_STR(smp(&t_pod_spec,
		      "{\"containers\":[{\"name\":\"a\"},{\"name\":\"x\"},{\"name\":\"b\"}]}",
		      "{\"$setElementOrder/containers\":[{\"name\":\"b\"},{\"name\":\"a\"}]}"),
		  pt_canon("{\"containers\":[{\"name\":\"x\"},{\"name\":\"b\"},{\"name\":\"a\"}]}",
			   2));
	/* a list the original lacks is created from the patch, directives executed */
	CHECK_STR(smp(&t_pod_spec, "{}",
		      "{\"$setElementOrder/containers\":[{\"name\":\"b\"},{\"name\":\"a\"}],"
		      "\"containers\":[{\"name\":\"b\"},{\"$patch\":\"delete\",\"name\":\"z\"},"
		      "{\"name\":\"a\",\"image\":null}]}"),
		  pt_canon("{\"containers\":[{\"name\":\"b\"},{\"name\":\"a\"}]}", 2));
}

TEST(retain_keys)
{
	CHECK_STR(smp(&t_pod_spec,
		      "{\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}},{\"name\":\"x\","
		      "\"hostPath\":{\"path\":\"/x\"}}]}",
		      "{\"volumes\":[{\"$retainKeys\":[\"configMap\",\"name\"],\"name\":\"data\","
		      "\"configMap\":{\"name\":\"cfg\"}}]}"),
		  pt_canon("{\"volumes\":[{\"name\":\"data\",\"configMap\":{\"name\":\"cfg\"}},"
			   "{\"name\":\"x\",\"hostPath\":{\"path\":\"/x\"}}]}",
			   2));
	CHECK_STR(smp(&t_dspec,
		      "{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
		      "{\"maxSurge\":\"1\"}}}",
		      "{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}"),
		  pt_canon("{\"strategy\":{\"type\":\"Recreate\"}}", 2));
	CHECK_STR(smp(&t_dspec, "{\"strategy\":{\"type\":\"RollingUpdate\"}}",
		      "{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\","
		      "\"rollingUpdate\":{\"maxSurge\":\"2\"}}}"),
		  "ERR 422: patch content doesn't match retainKeys list");
	CHECK_STR(smp(&t_dspec, "{\"strategy\":{}}", "{\"strategy\":{\"$retainKeys\":\"type\"}}"),
		  "ERR 400: invalid patch format of retainKeys");
}

TEST(errors_leave_the_document_alone)
{
	CHECK_STR(smp(&t_pod_spec, "{\"containers\":[{\"name\":\"a\"}]}",
		      "{\"containers\":[{\"image\":\"x\"}]}"),
		  "ERR 400: map: {\"image\":\"x\"} does not contain declared merge key: name");
	CHECK_STR(smp(&t_meta, "{\"labels\":{}}", "{\"labels\":{\"$patch\":\"frob\"}}"),
		  "ERR 400: unknown patch type: frob in map: {\"$patch\":\"frob\"}");
	CHECK_STR(smp(&t_pod_spec, "{\"containers\":[{\"name\":\"a\"}]}",
		      "{\"containers\":[{\"$patch\":\"frob\",\"name\":\"a\"}]}"),
		  "ERR 400: unknown patch type: frob in a list element");
	CHECK_STR(smp(&t_pod_spec, "{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
		      "{\"$setElementOrder/containers\":[{\"name\":\"a\"}],"
		      "\"containers\":[{\"name\":\"b\",\"image\":\"x\"}]}"),
		  "ERR 400: the order in patch list:\n[{\"name\":\"b\",\"image\":\"x\"}]\n doesn't "
		  "match $setElementOrder list:\n[{\"name\":\"a\"}]");
	CHECK_STR(smp(&t_pod_spec, "{}", "[]"), "ERR 400: invalid JSON document");
	CHECK_STR(smp(&t_meta, "{\"finalizers\":[\"a\"]}", "{\"finalizers\":[[\"b\"]]}"),
		  "ERR 422: lists of lists are not supported");
	CHECK_STR(smp(&t_meta, "{\"finalizers\":[\"a\"]}", "{\"finalizers\":[1]}"),
		  "ERR 400: list element types are not identical: string and number");
	CHECK_STR(smp(&t_dspec, "{\"l\":[{\"a\":1}]}", "{\"l\":[{\"b\":1}]}"),
		  pt_canon("{\"l\":[{\"b\":1}]}",
			   2)); /* unknown list: replaced, no merge key needed */
}

TEST(generated_descriptors)
{
	/* finalizers and ownerReferences of the real ObjectMeta, volumes with retainKeys */
	CHECK_STR(smp(&k8c_type_object_meta,
		      "{\"finalizers\":[\"a\"],\"ownerReferences\":[{\"uid\":\"1\",\"name\":\"rs\"}"
		      "]}",
		      "{\"finalizers\":[\"b\"],\"ownerReferences\":[{\"uid\":\"1\",\"controller\":"
		      "true}]}"),
		  pt_canon("{\"finalizers\":[\"b\",\"a\"],\"ownerReferences\":[{\"uid\":\"1\","
			   "\"name\":\"rs\",\"controller\":true}]}",
			   2));
	CHECK_STR(smp(&k8c_type_pod_spec,
		      "{\"volumes\":[{\"name\":\"d\",\"emptyDir\":{}}],\"containers\":[{\"name\":"
		      "\"c\",\"ports\":[{\"containerPort\":80}]}]}",
		      "{\"volumes\":[{\"$retainKeys\":[\"configMap\",\"name\"],\"name\":\"d\","
		      "\"configMap\":{\"name\":\"x\"}}],\"containers\":[{\"name\":\"c\",\"ports\":"
		      "[{\"containerPort\":81}]}]}"),
		  pt_canon("{\"volumes\":[{\"name\":\"d\",\"configMap\":{\"name\":\"x\"}}],"
			   "\"containers\":[{\"name\":\"c\",\"ports\":[{\"containerPort\":81},"
			   "{\"containerPort\":80}]}]}",
			   2));
}
