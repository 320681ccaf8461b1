/*
 * test_recorder.c - the event recorder against the real k8c-apiserver: the Event it
 * writes (every field client-go sets), repeats counted into one Event, distinct messages
 * kept apart, similar events combined from the tenth message on, the spam filter, and a
 * flood while the server is frozen that neither blocks the caller nor loses what was
 * queued.
 */
#include "api/codec.h"
#include "api/object.h"
#include "base/timeutil.h"
#include "client/recorder.h"
#include "client/typed.h"
#include "client/verbs.h"
#include "test/client/apiserver_proc.h"
#include "test/ktest.h"

static struct test_apiserver server;
static struct k8c_client *client;

/* Creates a ConfigMap and returns it as the server answered (kind, uid, resourceVersion). */
static struct k8c_config_map *configmap_create(const char *ns, const char *name)
{
	struct strbuf body = STRBUF_INIT, path = STRBUF_INIT;
	strbuf_addf(&body, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":");
	strbuf_add_json_str(&body, name);
	strbuf_addstr(&body, "}}");
	strbuf_addf(&path, "/api/v1/namespaces/%s/configmaps", ns);
	struct k8c_request req = { .method = "POST", .path = path.buf, .body = body.buf,
				   .body_len = body.len };
	struct k8c_config_map *cm = xcalloc(1, sizeof(*cm));
	int r = k8c_typed_do(client, &req, &k8c_type_config_map, cm, NULL);
	strbuf_release(&body);
	strbuf_release(&path);
	if (r < 0) {
		free(cm);
		return NULL;
	}
	return cm;
}

/* The Events of namespace ns about the object called name, as a cJSON array (owned). */
static cJSON *events_about(const char *ns, const char *name)
{
	struct strbuf path = STRBUF_INIT, sel = STRBUF_INIT;
	strbuf_addf(&path, "/api/v1/namespaces/%s/events", ns);
	strbuf_addf(&sel, "involvedObject.name=%s", name);
	struct k8c_list_options o = { .field_selector = sel.buf };
	cJSON *list = NULL;
	k8c_list(client, path.buf, &o, &list, NULL);
	strbuf_release(&path);
	strbuf_release(&sel);
	cJSON *items = cJSON_DetachItemFromObject(list, "items");
	cJSON_Delete(list);
	return items ? items : cJSON_CreateArray();
}

static const char *str_at(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItem(obj, a);
	if (b)
		v = cJSON_GetObjectItem(v, b);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long count_of(const cJSON *ev)
{
	const cJSON *v = cJSON_GetObjectItem(ev, "count");
	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

/* metav1.Time: "2006-01-02T15:04:05Z". */
static bool is_time(const char *s)
{
	int64_t ns;
	return s && strlen(s) == 20 && s[19] == 'Z' && time_parse_rfc3339(s, &ns) == 0;
}

/* A ConfigMap of namespace default that only this process knows (Events may name any object). */
static struct k8c_config_map configmap_named(const char *name)
{
	return (struct k8c_config_map){ .kind = "ConfigMap", .api_version = "v1",
					.metadata = { .name = (char *)name, .namespace = "default",
						      .uid = "u-1" } };
}

static struct k8c_recorder *recorder_new(void)
{
	return k8c_recorder_new(client, "test-recorder", "node-1");
}

TEST(server_starts)
{
	REQUIRE(test_apiserver_start(&server) == 0);
	client = test_apiserver_client(&server, -1, 0);
	REQUIRE(client != NULL);
}

TEST(event_has_the_fields_client_go_writes)
{
	struct k8c_config_map *cm = configmap_create("default", "cm-fields");
	REQUIRE(cm != NULL);
	struct k8c_recorder *r = recorder_new();
	int64_t before = time_now_ns();
	k8c_recorder_eventf(r, cm, "Normal", "Created", "made %d of %s", 3, "them");
	CHECK(k8c_recorder_flush(r, 5000));
	cJSON *items = events_about("default", "cm-fields");
	REQUIRE(cJSON_GetArraySize(items) == 1);
	cJSON *ev = cJSON_GetArrayItem(items, 0);
	const char *name = str_at(ev, "metadata", "name");
	REQUIRE(name && str_has_prefix(name, "cm-fields."));
	int64_t stamp = (int64_t)strtoull(name + strlen("cm-fields."), NULL, 16);
	CHECK(stamp >= before && stamp <= time_now_ns());
	CHECK_STR(str_at(ev, "metadata", "namespace"), "default");
	CHECK_STR(str_at(ev, "involvedObject", "kind"), "ConfigMap");
	CHECK_STR(str_at(ev, "involvedObject", "apiVersion"), "v1");
	CHECK_STR(str_at(ev, "involvedObject", "namespace"), "default");
	CHECK_STR(str_at(ev, "involvedObject", "name"), "cm-fields");
	CHECK_STR(str_at(ev, "involvedObject", "uid"), cm->metadata.uid);
	CHECK_STR(str_at(ev, "involvedObject", "resourceVersion"), cm->metadata.resource_version);
	CHECK_STR(str_at(ev, "source", "component"), "test-recorder");
	CHECK_STR(str_at(ev, "source", "host"), "node-1");
	CHECK_STR(str_at(ev, "reportingComponent", NULL), "test-recorder");
	CHECK_STR(str_at(ev, "reportingInstance", NULL), "node-1");
	CHECK_STR(str_at(ev, "type", NULL), "Normal");
	CHECK_STR(str_at(ev, "reason", NULL), "Created");
	CHECK_STR(str_at(ev, "message", NULL), "made 3 of them");
	CHECK_INT(count_of(ev), 1);
	CHECK(is_time(str_at(ev, "firstTimestamp", NULL)));
	CHECK_STR(str_at(ev, "firstTimestamp", NULL), str_at(ev, "lastTimestamp", NULL));
	cJSON_Delete(items);
	CHECK_INT(k8c_recorder_dropped(r), 0);
	k8c_recorder_free(r);
	k8c_free(&k8c_type_config_map, cm);
}

TEST(cluster_scoped_objects_get_events_in_default)
{
	struct k8c_namespace ns = { .kind = "Namespace", .api_version = "v1",
				    .metadata = { .name = "some-namespace", .uid = "u-1" } };
	struct k8c_recorder *r = recorder_new();
	k8c_recorder_eventf(r, &ns, "Warning", "Odd", "cluster-scoped");
	CHECK(k8c_recorder_flush(r, 5000));
	k8c_recorder_free(r);
	cJSON *items = events_about("default", "some-namespace");
	REQUIRE(cJSON_GetArraySize(items) == 1);
	cJSON *ev = cJSON_GetArrayItem(items, 0);
	CHECK_STR(str_at(ev, "involvedObject", "kind"), "Namespace");
	CHECK(str_at(ev, "involvedObject", "namespace") == NULL);
	CHECK_STR(str_at(ev, "type", NULL), "Warning");
	cJSON_Delete(items);
}

TEST(invalid_events_are_dropped)
{
	struct k8c_config_map nokind = { .metadata = { .name = "nokind", .namespace = "default" } };
	struct k8c_config_map cm = configmap_named("badtype");
	struct k8c_recorder *r = recorder_new();
	k8c_recorder_eventf(r, &nokind, "Normal", "R", "no kind");
	k8c_recorder_eventf(r, &cm, "Info", "R", "not a type Kubernetes knows");
	k8c_recorder_eventf(r, NULL, "Normal", "R", "no object");
	CHECK(k8c_recorder_flush(r, 5000));
	CHECK_INT(k8c_recorder_dropped(r), 3);
	k8c_recorder_free(r);
	cJSON *items = events_about("default", "badtype");
	CHECK_INT(cJSON_GetArraySize(items), 0);
	cJSON_Delete(items);
}

TEST(repeats_become_one_event_with_a_count)
{
	struct k8c_config_map cm = configmap_named("cm-repeat");
	struct k8c_recorder *r = recorder_new();
	for (int i = 0; i < 5; i++)
		k8c_recorder_eventf(r, &cm, "Warning", "BackOff", "back-off restarting");
	CHECK(k8c_recorder_flush(r, 5000));
	cJSON *items = events_about("default", "cm-repeat");
	REQUIRE(cJSON_GetArraySize(items) == 1);
	cJSON *ev = cJSON_GetArrayItem(items, 0);
	CHECK_INT(count_of(ev), 5);
	CHECK_STR(str_at(ev, "message", NULL), "back-off restarting");
	int64_t first = 0, last = 0;
	CHECK(time_parse_rfc3339(str_at(ev, "firstTimestamp", NULL), &first) == 0);
	CHECK(time_parse_rfc3339(str_at(ev, "lastTimestamp", NULL), &last) == 0);
	CHECK(first <= last);
	cJSON_Delete(items);

	/* A sixth, later, still patches the same Event. */
	k8c_recorder_eventf(r, &cm, "Warning", "BackOff", "back-off restarting");
	CHECK(k8c_recorder_flush(r, 5000));
	items = events_about("default", "cm-repeat");
	CHECK_INT(cJSON_GetArraySize(items), 1);
	CHECK_INT(count_of(cJSON_GetArrayItem(items, 0)), 6);
	cJSON_Delete(items);
	k8c_recorder_free(r);
}

TEST(distinct_messages_are_distinct_events)
{
	struct k8c_config_map cm = configmap_named("cm-distinct");
	struct k8c_recorder *r = recorder_new();
	for (int i = 0; i < 3; i++)
		k8c_recorder_eventf(r, &cm, "Normal", "Scaled", "scaled to %d", i);
	k8c_recorder_eventf(r, &cm, "Normal", "Other", "scaled to 0"); /* other reason */
	CHECK(k8c_recorder_flush(r, 5000));
	cJSON *items = events_about("default", "cm-distinct");
	CHECK_INT(cJSON_GetArraySize(items), 4);
	cJSON *ev;
	cJSON_ArrayForEach(ev, items)
		CHECK_INT(count_of(ev), 1);
	cJSON_Delete(items);
	k8c_recorder_free(r);
}

TEST(tenth_similar_message_is_combined)
{
	struct k8c_config_map cm = configmap_named("cm-similar");
	struct k8c_recorder *r = recorder_new();
	for (int i = 1; i <= 12; i++)
		k8c_recorder_eventf(r, &cm, "Warning", "FailedScheduling", "attempt %d", i);
	CHECK(k8c_recorder_flush(r, 5000));
	cJSON *items = events_about("default", "cm-similar");
	CHECK_INT(cJSON_GetArraySize(items), 10); /* 9 of their own, one combined */
	int combined = 0;
	cJSON *ev;
	cJSON_ArrayForEach(ev, items) {
		const char *m = str_at(ev, "message", NULL);
		if (m && str_has_prefix(m, "(combined from similar events): ")) {
			combined++;
			CHECK_STR(m, "(combined from similar events): attempt 12");
			CHECK_INT(count_of(ev), 3);
		}
	}
	CHECK_INT(combined, 1);
	cJSON_Delete(items);
	k8c_recorder_free(r);
}

TEST(spam_filter_allows_25_events_per_object)
{
	struct k8c_config_map cm = configmap_named("cm-spam");
	struct k8c_recorder *r = recorder_new();
	for (int i = 0; i < 30; i++)
		k8c_recorder_eventf(r, &cm, "Warning", "Unhealthy", "probe failed");
	CHECK(k8c_recorder_flush(r, 10000));
	cJSON *items = events_about("default", "cm-spam");
	REQUIRE(cJSON_GetArraySize(items) == 1);
	CHECK_INT(count_of(cJSON_GetArrayItem(items, 0)), 25);
	cJSON_Delete(items);
	k8c_recorder_free(r);
}

/* How many Events namespace ns holds. */
static int events_in(const char *ns)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "/api/v1/namespaces/%s/events", ns);
	cJSON *list = NULL;
	k8c_list(client, path.buf, NULL, &list, NULL);
	strbuf_release(&path);
	int n = cJSON_GetArraySize(cJSON_GetObjectItem(list, "items"));
	cJSON_Delete(list);
	return n;
}

TEST(a_flood_while_the_server_is_frozen_does_not_block)
{
	enum { N = 3000 };
	struct k8c_recorder *r = recorder_new();
	struct k8c_config_map cm = { .kind = "ConfigMap", .api_version = "v1",
				     .metadata = { .namespace = "kube-public" } };
	char name[32];
	cm.metadata.name = name;
	test_apiserver_pause(&server);
	int64_t t0 = time_mono_ns();
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "flood-%d", i); /* one object each: no spam filter */
		k8c_recorder_eventf(r, &cm, "Normal", "Flood", "event %d", i);
	}
	int64_t took_ms = (time_mono_ns() - t0) / K8C_NSEC_PER_MSEC;
	uint64_t dropped = k8c_recorder_dropped(r);
	test_apiserver_resume(&server);
	fprintf(stderr, "  %d events recorded in %lld ms, %llu dropped\n", N, (long long)took_ms,
		(unsigned long long)dropped);
	CHECK(took_ms < 1000);
	/* The backlog holds 1000 and the writer had at most one in flight. */
	CHECK(dropped >= N - 1001);
	CHECK(k8c_recorder_flush(r, 20000));
	CHECK_INT(events_in("kube-public"), N - (int)dropped);
	k8c_recorder_free(r);
}

TEST(server_stops_cleanly)
{
	k8c_client_free(client);
	CHECK_INT(test_apiserver_stop(&server), 0);
}
