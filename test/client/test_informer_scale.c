/*
 * test_informer_scale.c - the informer at the sizes it must carry: 10,000
 * pods in one informer (list, decode and index rates and memory printed),
 * and 1,000 field-selected node informers in one process over one client,
 * as the hollow kubelet runs them. Against the real k8c-apiserver.
 */
#include <stdatomic.h>
#include <sys/resource.h>

#include <cjson/cJSON.h>

#include "api/codec.h"
#include "test/client/informer_fixture.h"
#include "test/ktest.h"

struct creator {
	struct fixture *f;
	int from, to;
	atomic_int *failed;
};

static void *create_range(void *arg)
{
	struct creator *cr = arg;
	struct k8c_client *c = apiserver_proc_client(cr->f->srv.url);
	struct strbuf name = STRBUF_INIT, node = STRBUF_INIT;
	for (int i = cr->from; i < cr->to; i++) {
		strbuf_reset(&name);
		strbuf_reset(&node);
		strbuf_addf(&name, "pod-%05d", i);
		strbuf_addf(&node, "node-%d", i % 100);
		if (pod_create(c, "scale", name.buf, node.buf, "uid-scale", NULL) < 0)
			atomic_fetch_add(cr->failed, 1);
	}
	strbuf_release(&name);
	strbuf_release(&node);
	k8c_client_free(c);
	return NULL;
}

static void create_many(struct fixture *f, int n)
{
	enum { THREADS = 4 };
	pthread_t t[THREADS];
	struct creator cr[THREADS];
	atomic_int failed = 0;
	for (int i = 0; i < THREADS; i++) {
		cr[i] = (struct creator){ f, n * i / THREADS, n * (i + 1) / THREADS, &failed };
		pthread_create(&t[i], NULL, create_range, &cr[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(atomic_load(&failed), 0);
}

/* Resident memory of this process in KiB. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* A running pod as a kubelet leaves it: spec, status with conditions and container states. */
static const char realistic_pod[] =
	"{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-7d4b9c8f5-x2x9k\","
	"\"generateName\":\"web-7d4b9c8f5-\",\"namespace\":\"default\","
	"\"uid\":\"2b1f3a7e-9c4d-4e8a-b1f2-3c4d5e6f7a8b\",\"resourceVersion\":\"123456\","
	"\"creationTimestamp\":\"2024-05-01T10:00:00Z\",\"labels\":{\"app\":\"web\","
	"\"pod-template-hash\":\"7d4b9c8f5\"},\"annotations\":{\"kubernetes.io/psp\":\"restricted\"},"
	"\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
	"\"name\":\"web-7d4b9c8f5\",\"uid\":\"9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d\","
	"\"controller\":true,\"blockOwnerDeletion\":true}]},"
	"\"spec\":{\"volumes\":[{\"name\":\"cfg\",\"configMap\":{\"name\":\"web-cfg\"}}],"
	"\"containers\":[{\"name\":\"web\",\"image\":\"k8c.local/busybox:1.36\","
	"\"command\":[\"httpd\",\"-f\",\"-p\",\"8080\"],\"ports\":[{\"name\":\"http\","
	"\"containerPort\":8080,\"protocol\":\"TCP\"}],\"env\":[{\"name\":\"MODE\","
	"\"value\":\"prod\"},{\"name\":\"POD_IP\",\"valueFrom\":{\"fieldRef\":{\"apiVersion\":\"v1\","
	"\"fieldPath\":\"status.podIP\"}}}],\"resources\":{\"limits\":{\"cpu\":\"500m\","
	"\"memory\":\"128Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}},"
	"\"volumeMounts\":[{\"name\":\"cfg\",\"mountPath\":\"/etc/web\"}],"
	"\"readinessProbe\":{\"httpGet\":{\"path\":\"/\",\"port\":8080,\"scheme\":\"HTTP\"},"
	"\"periodSeconds\":5,\"timeoutSeconds\":1,\"successThreshold\":1,\"failureThreshold\":3},"
	"\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\","
	"\"imagePullPolicy\":\"IfNotPresent\"}],\"restartPolicy\":\"Always\","
	"\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
	"\"serviceAccountName\":\"default\",\"nodeName\":\"node-17\",\"schedulerName\":\"default-scheduler\","
	"\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\","
	"\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],\"priority\":0},"
	"\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Initialized\",\"status\":\"True\","
	"\"lastTransitionTime\":\"2024-05-01T10:00:00Z\"},{\"type\":\"Ready\",\"status\":\"True\","
	"\"lastTransitionTime\":\"2024-05-01T10:00:05Z\"},{\"type\":\"ContainersReady\","
	"\"status\":\"True\",\"lastTransitionTime\":\"2024-05-01T10:00:05Z\"},"
	"{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastTransitionTime\":\"2024-05-01T10:00:00Z\"}],"
	"\"hostIP\":\"10.0.0.17\",\"podIP\":\"10.244.17.5\",\"podIPs\":[{\"ip\":\"10.244.17.5\"}],"
	"\"startTime\":\"2024-05-01T10:00:00Z\",\"containerStatuses\":[{\"name\":\"web\","
	"\"state\":{\"running\":{\"startedAt\":\"2024-05-01T10:00:02Z\"}},\"lastState\":{},"
	"\"ready\":true,\"restartCount\":0,\"image\":\"k8c.local/busybox:1.36\","
	"\"imageID\":\"docker://sha256:0123456789abcdef\",\"containerID\":\"docker://abcdef0123456789\","
	"\"started\":true}],\"qosClass\":\"Burstable\"}}";

/* The pods/s k8c_obj_decode reaches on text (a pod's JSON), parsed once as a watch event is. */
static double decode_rate(const char *text, size_t len)
{
	cJSON *j = cJSON_ParseWithLength(text, len);
	const struct k8c_kind *k = k8c_kind_by_resource("", "v1", "pods");
	bool partial = true;
	k8c_obj_unref(k8c_obj_decode(k, j, &partial));
	CHECK(!partial);
	enum { N = 20000 };
	int64_t t0 = time_mono_ns();
	for (int i = 0; i < N; i++)
		k8c_obj_unref(k8c_obj_decode(k, j, NULL));
	double secs = (double)(time_mono_ns() - t0) / 1e9;
	cJSON_Delete(j);
	return N / secs;
}

/* decode_rate for a pod the informer cached, re-encoded. */
static double cached_decode_rate(struct k8c_informer *inf, const char *key)
{
	void *pod = k8c_informer_get(inf, key);
	struct strbuf json = STRBUF_INIT;
	k8c_encode(k8c_obj_type(pod), pod, &json);
	k8c_obj_unref(pod);
	double rate = decode_rate(json.buf, json.len);
	strbuf_release(&json);
	return rate;
}

TEST(ten_thousand_pods)
{
	enum { N = 10000 };
	struct fixture f;
	fixture_start(&f, NULL);
	REQUIRE(namespace_create(f.c, "scale") == 0);
	int64_t t0 = time_mono_ns();
	create_many(&f, N);
	double create_s = (double)(time_mono_ns() - t0) / 1e9;
	long rss0 = rss_kib();
	struct k8c_informer *inf = pod_informer(&f, NULL, 0, 0);
	REQUIRE(k8c_informer_add_index(inf, "by-node", pod_index_by_node) == 0);
	t0 = time_mono_ns();
	REQUIRE(k8c_informer_start(inf) == 0);
	REQUIRE(k8c_informer_wait_synced(inf, 60000));
	double list_s = (double)(time_mono_ns() - t0) / 1e9;
	long rss = rss_kib() - rss0;
	CHECK_INT(k8c_informer_len(inf), N);
	void **objs;
	size_t n = k8c_informer_by_index(inf, "by-node", "node-7", &objs);
	CHECK_INT(n, N / 100);
	CHECK(objs_sorted(objs, n));
	k8c_obj_unref_array(objs, n);
	t0 = time_mono_ns();
	n = k8c_informer_by_index(inf, K8C_INDEX_CONTROLLER, "uid-scale", &objs);
	double lookup_ms = (double)(time_mono_ns() - t0) / 1e6;
	CHECK_INT(n, N);
	k8c_obj_unref_array(objs, n);
	fprintf(stderr,
		"informer: created %d pods in %.1f s; listed+decoded+indexed in %.2f s "
		"(%.0f pods/s), %.1f KiB/pod resident; decode alone %.0f pods/s "
		"(a %zu-byte running pod: %.0f pods/s); a %d-pod index lookup %.1f ms\n",
		N, create_s, list_s, N / list_s, (double)rss / N,
		cached_decode_rate(inf, "scale/pod-00042"), sizeof(realistic_pod) - 1,
		decode_rate(realistic_pod, sizeof(realistic_pod) - 1), N, lookup_ms);
	k8c_informer_free(inf);
	fixture_stop(&f);
}

static struct k8c_informer **node_informers(struct fixture *f, int n, struct recorder *recs)
{
	struct k8c_informer **infs = xcalloc(n, sizeof(*infs));
	struct strbuf sel = STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		strbuf_reset(&sel);
		strbuf_addf(&sel, "spec.nodeName=node-%d", i);
		infs[i] = pod_informer(f, sel.buf, 0, 0);
		recorder_init(&recs[i]);
		struct k8c_informer_handlers h = recorder_handlers(&recs[i]);
		k8c_informer_add_handlers(infs[i], &h);
	}
	strbuf_release(&sel);
	return infs;
}

/* One informer per simulated node over one client, as the hollow kubelet runs them. */
TEST(thousand_node_informers)
{
#if defined(__SANITIZE_ADDRESS__)
	enum { N = 250 }; /* ASan's stacks and shadow memory: fewer, same code paths */
#else
	enum { N = 1000 };
#endif
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max; /* a watch connection and a wake-up pair each */
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	struct fixture f;
	fixture_start(&f, NULL);
	REQUIRE(namespace_create(f.c, "scale") == 0);
	create_many(&f, 2 * N); /* pod-i on node-(i % 100): two per node for nodes < 100 */
	struct recorder *recs = xcalloc(N, sizeof(*recs));
	long rss0 = rss_kib();
	int64_t t0 = time_mono_ns();
	struct k8c_informer **infs = node_informers(&f, N, recs);
	bool started = true;
	for (int i = 0; i < N; i++)
		started = k8c_informer_start(infs[i]) == 0 && started;
	CHECK(started);
	bool synced = true;
	for (int i = 0; i < N; i++)
		synced = k8c_informer_wait_synced(infs[i], 30000) && synced;
	double sync_s = (double)(time_mono_ns() - t0) / 1e9;
	CHECK(synced);
	long per_node = 0;
	for (int i = 0; i < N; i++)
		per_node += k8c_informer_len(infs[i]) == (size_t)(i < 100 ? 2 * N / 100 : 0);
	CHECK_INT(per_node, N);
	REQUIRE(pod_create(f.c, "scale", "late", "node-123", NULL, NULL) == 0);
	CHECK(WAIT_FOR(recorder_has(&recs[123], "add scale/late v=1"), 10000));
	CHECK_INT(recorder_calls(&recs[124]), 0);
	long rss = rss_kib() - rss0;
	t0 = time_mono_ns();
	for (int i = 0; i < N; i++)
		k8c_informer_stop(infs[i]);
	double stop_s = (double)(time_mono_ns() - t0) / 1e9;
	CHECK(stop_s < 10);
	fprintf(stderr, "informer: %d node informers synced in %.2f s, %.0f KiB resident each, "
		"all stopped in %.2f s\n", N, sync_s, (double)rss / N, stop_s);
	for (int i = 0; i < N; i++) {
		k8c_informer_free(infs[i]);
		recorder_release(&recs[i]);
	}
	free(infs);
	free(recs);
	fixture_stop(&f);
}
