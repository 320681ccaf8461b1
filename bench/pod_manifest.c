/*
 * pod_manifest.c - the benchmark pod; see pod_manifest.h.
 */
#include "bench/pod_manifest.h"

static const char containers[] =
	"\"containers\":[{\"name\":\"web\",\"image\":\"registry.example.com/shop/web:1.24.3\","
	"\"imagePullPolicy\":\"IfNotPresent\",\"command\":[\"/usr/local/bin/web\"],"
	"\"args\":[\"--listen=:8080\",\"--metrics=:9090\",\"--log-format=json\","
	"\"--cache-size=256Mi\"],\"ports\":[{\"name\":\"http\",\"containerPort\":8080,"
	"\"protocol\":\"TCP\"},{\"name\":\"metrics\",\"containerPort\":9090,\"protocol\":\"TCP\"}],"
	"\"env\":[{\"name\":\"APP_ENV\",\"value\":\"production\"},{\"name\":\"APP_REGION\","
	"\"value\":\"eu-west-1\"},{\"name\":\"DB_HOST\",\"value\":\"postgres.shop.svc\"},"
	"{\"name\":\"DB_POOL\",\"value\":\"20\"},{\"name\":\"FEATURE_FLAGS\","
	"\"value\":\"checkout-v2,search-v3\"}],"
	"\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"},"
	"\"limits\":{\"cpu\":\"1\",\"memory\":\"512Mi\"}},"
	"\"volumeMounts\":[{\"name\":\"config\",\"mountPath\":\"/etc/web\",\"readOnly\":true},"
	"{\"name\":\"cache\",\"mountPath\":\"/var/cache/web\"}],"
	"\"readinessProbe\":{\"httpGet\":{\"path\":\"/ready\",\"port\":8080},"
	"\"initialDelaySeconds\":2,\"periodSeconds\":5,\"timeoutSeconds\":1,"
	"\"failureThreshold\":3},"
	"\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":8080},"
	"\"initialDelaySeconds\":10,\"periodSeconds\":10,\"timeoutSeconds\":2,"
	"\"failureThreshold\":3},"
	"\"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":10001,"
	"\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":true},"
	"\"terminationMessagePath\":\"/dev/termination-log\","
	"\"terminationMessagePolicy\":\"File\"},"
	"{\"name\":\"log-shipper\",\"image\":\"registry.example.com/infra/log-shipper:3.1.0\","
	"\"imagePullPolicy\":\"IfNotPresent\",\"args\":[\"--input=/var/log/web\","
	"\"--output=loki.monitoring.svc:3100\"],"
	"\"resources\":{\"requests\":{\"cpu\":\"50m\",\"memory\":\"64Mi\"},"
	"\"limits\":{\"cpu\":\"200m\",\"memory\":\"128Mi\"}},"
	"\"volumeMounts\":[{\"name\":\"cache\",\"mountPath\":\"/var/log/web\","
	"\"readOnly\":true}]}],";

static const char pod_rest[] =
	"\"volumes\":[{\"name\":\"config\",\"configMap\":{\"name\":\"web-config\","
	"\"defaultMode\":420}},{\"name\":\"cache\",\"emptyDir\":{\"sizeLimit\":\"1Gi\"}}],"
	"\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,"
	"\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"web\","
	"\"nodeSelector\":{\"kubernetes.io/os\":\"linux\"},"
	"\"securityContext\":{\"fsGroup\":10001},\"schedulerName\":\"default-scheduler\","
	"\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\","
	"\"effect\":\"NoExecute\",\"tolerationSeconds\":300},"
	"{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
	"\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],\"priority\":0}}";

void pod_manifest(struct strbuf *out, const char *ns, const char *name, const char *rv,
		  int generation)
{
	strbuf_addf(out, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\","
		    "\"namespace\":\"%s\",", name, ns);
	if (rv)
		strbuf_addf(out, "\"resourceVersion\":\"%s\",", rv);
	strbuf_addstr(out,
		      "\"labels\":{\"app\":\"web\",\"tier\":\"frontend\",\"version\":\"1.24.3\","
		      "\"pod-template-hash\":\"7d4b9c8f6d\",\"team\":\"shop\"},"
		      "\"annotations\":{\"prometheus.io/scrape\":\"true\","
		      "\"prometheus.io/port\":\"9090\",\"prometheus.io/path\":\"/metrics\",");
	strbuf_addf(out, "\"bench.k8c.io/generation\":\"%d\"},", generation);
	strbuf_addstr(out, "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
			   "\"kind\":\"ReplicaSet\",\"name\":\"web-7d4b9c8f6d\","
			   "\"uid\":\"6f1c2a9e-3b7d-4e8f-9a0b-1c2d3e4f5a6b\",\"controller\":true,"
			   "\"blockOwnerDeletion\":true}]},\"spec\":{");
	strbuf_addstr(out, containers);
	strbuf_addstr(out, pod_rest);
}
