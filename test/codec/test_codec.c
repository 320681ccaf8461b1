/*
 * test_codec.c - unit tests for the generated types and the generic codec:
 * lossless round trips of rich real-world manifests, strict decoding of
 * unknown fields, Go-style type errors, defaults of the wire format
 * (quantities given as numbers, IntOrString, fractional timestamps, required
 * fields always written), deep copy, packing and release.
 */
#include <cjson/cJSON.h>

#include "api/codec.h"
#include "api/types.gen.h"
#include "test/ktest.h"

static char *read_fixture(const char *name)
{
	return ktest_read_file("K8C_FIXTURES", name);
}

/* Removes null members recursively: null means "absent" on the wire. */
static void drop_nulls(cJSON *j)
{
	cJSON *c = j->child;
	while (c) {
		cJSON *next = c->next;
		if (cJSON_IsNull(c) && cJSON_IsObject(j))
			cJSON_Delete(cJSON_DetachItemViaPointer(j, c));
		else
			drop_nulls(c);
		c = next;
	}
}

/*
 * Packs obj and releases it at once (so under ASan any member still pointing
 * into it is a use after free), then checks the packed copy encodes to json
 * and that a deep copy of it is equal.
 */
static void check_pack(const struct k8c_type *t, void *obj, const char *json)
{
	size_t n = k8c_pack_size(t, obj);
	CHECK(n > 0);
	char *block = xmalloc(t->size + n);
	k8c_pack(t, block, obj, block + t->size);
	k8c_release(t, obj);
	struct strbuf out = STRBUF_INIT;
	k8c_encode(t, block, &out);
	CHECK_STR(out.buf, json);
	void *copy = k8c_dup(t, block);
	CHECK(k8c_equal(t, block, copy));
	k8c_free(t, copy);
	k8c_release_packed(t, block);
	free(block);
	strbuf_release(&out);
}

/* Decodes fixture strictly, re-encodes it, and checks the JSON is the same. */
static void check_round_trip(const struct k8c_type *t, const char *fixture)
{
	_cleanup_free_ char *text = read_fixture(fixture);
	REQUIRE(text);
	cJSON *orig = cJSON_Parse(text);
	REQUIRE(orig);
	drop_nulls(orig);
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, t->size);
	CHECK(k8c_decode(t, orig, obj, K8C_DECODE_STRICT, "", &errs) == 0);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "unexpected error: %s: %s\n", errs.items[i].field, errs.items[i].detail);
	struct strbuf out = STRBUF_INIT;
	k8c_encode(t, obj, &out);
	cJSON *again = cJSON_Parse(out.buf);
	REQUIRE(again);
	if (!cJSON_Compare(orig, again, true)) {
		char *a = cJSON_Print(orig), *b = cJSON_Print(again);
		ktest_fail(__FILE__, __LINE__, "round trip of %s differs:\n%s\n---\n%s", fixture, a, b);
		free(a);
		free(b);
	}
	void *copy = k8c_dup(t, obj);
	CHECK(k8c_equal(t, obj, copy));
	k8c_free(t, copy);
	check_pack(t, obj, out.buf);
	k8c_free(t, obj);
	field_errors_release(&errs);
	strbuf_release(&out);
	cJSON_Delete(orig);
	cJSON_Delete(again);
}

TEST(round_trip_rich_pod)
{
	check_round_trip(&k8c_type_pod, "rich-pod.json");
}

TEST(round_trip_rich_deployment)
{
	check_round_trip(&k8c_type_deployment, "rich-deployment.json");
}

/* Decodes text as type t with flags; returns the errors (caller releases). */
static struct field_errors decode_errors(const struct k8c_type *t, const char *text, unsigned flags,
					 void *obj)
{
	struct field_errors errs = FIELD_ERRORS_INIT;
	k8c_decode_text(t, text, strlen(text), obj, flags, &errs);
	return errs;
}

TEST(strict_unknown_fields)
{
	const char *text = "{\"kind\":\"Deployment\",\"spec\":{\"foo\":1,\"template\":{\"spec\":"
			   "{\"containers\":[{\"name\":\"a\",\"bogus\":true}]}}}}";
	struct k8c_deployment d = { 0 };
	struct field_errors errs = decode_errors(&k8c_type_deployment, text, K8C_DECODE_STRICT, &d);
	REQUIRE(errs.n == 2);
	CHECK_STR(errs.items[0].field, "spec.foo");
	CHECK_STR(errs.items[0].detail, "unknown field \"spec.foo\"");
	CHECK(errs.items[0].type == FIELD_ERROR_UNKNOWN);
	CHECK_STR(errs.items[1].field, "spec.template.spec.containers[0].bogus");
	CHECK_STR(d.spec.template.spec.containers[0].name, "a");
	field_errors_release(&errs);
	k8c_release(&k8c_type_deployment, &d);

	/* without Strict, unknown fields are dropped silently */
	errs = decode_errors(&k8c_type_deployment, text, 0, &d);
	CHECK_INT(errs.n, 0);
	struct strbuf out = STRBUF_INIT;
	k8c_encode(&k8c_type_deployment, &d, &out);
	CHECK(strstr(out.buf, "foo") == NULL && strstr(out.buf, "bogus") == NULL);
	strbuf_release(&out);
	k8c_release(&k8c_type_deployment, &d);
}

TEST(type_errors_like_go)
{
	struct k8c_deployment d = { 0 };
	struct field_errors errs = decode_errors(
		&k8c_type_deployment, "{\"spec\":{\"replicas\":\"abc\",\"paused\":1}}", 0, &d);
	REQUIRE(errs.n == 2);
	CHECK_STR(errs.items[0].detail, "cannot unmarshal string into Go struct field "
					"DeploymentSpec.spec.replicas of type int32");
	CHECK_STR(errs.items[1].field, "spec.paused");
	CHECK(errs.items[0].type == FIELD_ERROR_TYPE);
	field_errors_release(&errs);
	k8c_release(&k8c_type_deployment, &d);

	errs = decode_errors(&k8c_type_deployment, "{\"spec\":{\"replicas\":3000000000}}", 0, &d);
	CHECK_INT(errs.n, 1);
	field_errors_release(&errs);
	k8c_release(&k8c_type_deployment, &d);

	errs = decode_errors(&k8c_type_deployment, "{\"metadata\":{\"labels\":[1]}}", 0, &d);
	CHECK_INT(errs.n, 1);
	field_errors_release(&errs);
	k8c_release(&k8c_type_deployment, &d);

	errs = decode_errors(&k8c_type_deployment, "{\"spec\":", 0, &d);
	CHECK_INT(errs.n, 1);
	field_errors_release(&errs);
	k8c_release(&k8c_type_deployment, &d);

	errs = decode_errors(&k8c_type_deployment, "[]", 0, &d);
	CHECK_INT(errs.n, 1);
	field_errors_release(&errs);
	k8c_release(&k8c_type_deployment, &d);
}

TEST(wire_format_details)
{
	const char *text =
		"{\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"2026-11-25T04:48:19.123Z\","
		"\"name\":\"q\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":"
		"{\"cpu\":1,\"memory\":0.5}},\"readinessProbe\":{\"httpGet\":{\"port\":8080}}}]},"
		"\"status\":{\"containerStatuses\":[{\"name\":\"c\"}]}}";
	struct k8c_pod p = { 0 };
	struct field_errors errs = decode_errors(&k8c_type_pod, text, K8C_DECODE_STRICT, &p);
	CHECK_INT(errs.n, 0);
	CHECK_STR(p.metadata.name, "q"); /* duplicate keys: the last wins */
	struct k8c_container *c = &p.spec.containers[0];
	CHECK_STR(k8c_strmap_get(&c->resources->limits, "cpu"), "1");
	CHECK_STR(k8c_strmap_get(&c->resources->limits, "memory"), "0.5");
	CHECK(c->readiness_probe->http_get->port.type == K8C_INTSTR_INT);
	CHECK_INT(c->readiness_probe->http_get->port.ival, 8080);
	struct strbuf out = STRBUF_INIT;
	k8c_encode(&k8c_type_pod, &p, &out);
	CHECK(strstr(out.buf, "\"creationTimestamp\":\"2026-11-25T04:48:19Z\""));
	/* required fields of ContainerStatus are written even when unset */
	CHECK(strstr(out.buf, "{\"name\":\"c\",\"ready\":false,\"restartCount\":0,\"image\":\"\","
			      "\"imageID\":\"\"") ||
	      strstr(out.buf, "\"image\":\"\""));
	CHECK(strstr(out.buf, "\"restartCount\":0"));
	CHECK(strstr(out.buf, "\"port\":8080"));
	strbuf_release(&out);
	field_errors_release(&errs);
	k8c_release(&k8c_type_pod, &p);
}

TEST(explicit_zero_survives)
{
	struct k8c_deployment d = { 0 };
	struct field_errors errs = decode_errors(&k8c_type_deployment, "{\"spec\":{\"replicas\":0}}",
						 0, &d);
	CHECK(d.spec.has_replicas && d.spec.replicas == 0);
	struct strbuf out = STRBUF_INIT;
	k8c_encode(&k8c_type_deployment, &d, &out);
	CHECK(strstr(out.buf, "\"replicas\":0"));
	/* embedded objects are always written, like Go's non-pointer structs */
	CHECK(strstr(out.buf, "\"metadata\":{}"));
	CHECK(strstr(out.buf, "\"status\":{}"));
	strbuf_release(&out);
	field_errors_release(&errs);
	k8c_release(&k8c_type_deployment, &d);
}

TEST(pack_moves_free_form_json)
{
	const char *text = "{\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":\"b\"},"
			   "\"managedFields\":[{\"manager\":\"m\",\"fieldsType\":\"FieldsV1\","
			   "\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{}}}}]},"
			   "\"spec\":{\"containers\":[{\"name\":\"c\",\"args\":[\"x\",\"y\"]}]}}";
	struct k8c_pod p = { 0 };
	struct field_errors errs = decode_errors(&k8c_type_pod, text, K8C_DECODE_STRICT, &p);
	CHECK_INT(errs.n, 0);
	struct strbuf want = STRBUF_INIT;
	k8c_encode(&k8c_type_pod, &p, &want);
	CHECK(strstr(want.buf, "\"fieldsV1\":{\"f:metadata\""));
	check_pack(&k8c_type_pod, &p, want.buf);
	strbuf_release(&want);
	field_errors_release(&errs);
	k8c_release(&k8c_type_pod, &p);
}
