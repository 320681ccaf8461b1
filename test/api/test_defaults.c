/*
 * test_defaults.c - defaulting: ordinary manifests through the kinds'
 * defaults compare equal to what a kube-apiserver (1.28) stores for them
 * before its admission plugins and REST strategies run (those add the
 * service account, priority, tolerations, status, cluster IPs). The
 * expected objects are written by hand from Kubernetes' documented defaults.
 */
#include "test/api/patch_test_util.h"
#include "test/api/validation_util.h"
#include "test/ktest.h"

#define CHECK_DEFAULTS(kind, in, want)                                                             \
	CHECK_STR(vt_defaulted((kind), (in)), pt_canon(vt_q((want), 1), 0))

TEST(pod_defaults)
{
	CHECK_DEFAULTS(
		"Pod",
		"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':'default'},"
		"'spec':{'containers':[{'name':'web','image':'nginx:1.25','ports':[{'containerPort':80}],"
		"'readinessProbe':{'httpGet':{'port':80}},'resources':{'limits':{'cpu':'500m'}},"
		"'env':[{'name':'NODE','valueFrom':{'fieldRef':{'fieldPath':'spec.nodeName'}}}]},"
		"{'name':'side','image':'busybox'}],"
		"'volumes':[{'name':'cache'},{'name':'cfg','configMap':{'name':'web'}},"
		"{'name':'host','hostPath':{'path':'/var/log'}}],'serviceAccountName':'robot'}}",
		"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':'default'},"
		"'spec':{'containers':[{'env':[{'name':'NODE','valueFrom':{'fieldRef':{'apiVersion':'v1',"
		"'fieldPath':'spec.nodeName'}}}],'image':'nginx:1.25','imagePullPolicy':'IfNotPresent',"
		"'name':'web','ports':[{'containerPort':80,'protocol':'TCP'}],'readinessProbe':"
		"{'failureThreshold':3,'httpGet':{'path':'/','port':80,'scheme':'HTTP'},"
		"'periodSeconds':10,'successThreshold':1,'timeoutSeconds':1},'resources':{'limits':"
		"{'cpu':'500m'},'requests':{'cpu':'500m'}},'terminationMessagePath':"
		"'/dev/termination-log','terminationMessagePolicy':'File'},"
		"{'image':'busybox','imagePullPolicy':'Always','name':'side','resources':{},"
		"'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}],"
		"'dnsPolicy':'ClusterFirst','enableServiceLinks':true,'restartPolicy':'Always',"
		"'schedulerName':'default-scheduler','securityContext':{},'serviceAccount':'robot',"
		"'serviceAccountName':'robot','terminationGracePeriodSeconds':30,'volumes':"
		"[{'emptyDir':{},'name':'cache'},{'configMap':{'defaultMode':420,'name':'web'},"
		"'name':'cfg'},{'hostPath':{'path':'/var/log','type':''},'name':'host'}]},"
		"'status':{}}");
}

TEST(pull_policy)
{
	static const struct {
		const char *image, *policy;
	} cases[] = {
		{ "nginx", "Always" },		     { "nginx:latest", "Always" },
		{ "nginx:1.25", "IfNotPresent" },    { "localhost:5000/nginx", "Always" },
		{ "localhost:5000/nginx:v1", "IfNotPresent" },
		{ "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "IfNotPresent" },
		{ "Nginx", "IfNotPresent" }, /* not a valid reference: no tag */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
		strbuf_addf(&in, "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},"
			    "'spec':{'containers':[{'name':'c','image':'%s'}]}}", cases[i].image);
		strbuf_addf(&want, "\"imagePullPolicy\":\"%s\"", cases[i].policy);
		const char *out = vt_defaulted("Pod", in.buf);
		if (!strstr(out, want.buf))
			ktest_fail(__FILE__, __LINE__, "%s: %s not in %s", cases[i].image, want.buf, out);
		strbuf_release(&in);
		strbuf_release(&want);
	}
}

TEST(deployment_defaults)
{
	CHECK_DEFAULTS(
		"Deployment",
		"{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':"
		"'default'},'spec':{'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':"
		"{'labels':{'app':'web'}},'spec':{'containers':[{'name':'web','image':'nginx'}]}}}}",
		"{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':"
		"'default'},'spec':{'progressDeadlineSeconds':600,'replicas':1,"
		"'revisionHistoryLimit':10,'selector':{'matchLabels':{'app':'web'}},'strategy':"
		"{'rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'},'type':'RollingUpdate'},"
		"'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'image':'nginx',"
		"'imagePullPolicy':'Always','name':'web','resources':{},'terminationMessagePath':"
		"'/dev/termination-log','terminationMessagePolicy':'File'}],'dnsPolicy':'ClusterFirst',"
		"'restartPolicy':'Always','schedulerName':'default-scheduler','securityContext':{},"
		"'terminationGracePeriodSeconds':30}}},'status':{}}");
	/* Recreate gets no rollingUpdate; given values stay */
	const char *out = vt_defaulted("Deployment",
		"{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'w'},'spec':"
		"{'replicas':0,'strategy':{'type':'Recreate'},'revisionHistoryLimit':0,"
		"'template':{'spec':{'containers':[]}}}}");
	CHECK(strstr(out, "\"strategy\":{\"type\":\"Recreate\"}") != NULL);
	CHECK(strstr(out, "\"replicas\":0") != NULL);
	CHECK(strstr(out, "\"revisionHistoryLimit\":0") != NULL);
}

TEST(replica_set_defaults)
{
	const char *out = vt_defaulted("ReplicaSet",
		"{'apiVersion':'apps/v1','kind':'ReplicaSet','metadata':{'name':'w'},'spec':"
		"{'template':{'spec':{'containers':[{'name':'c','image':'a:1'}]}}}}");
	CHECK(strstr(out, "\"replicas\":1") != NULL);
	CHECK(strstr(out, "\"restartPolicy\":\"Always\"") != NULL);
}

TEST(service_defaults)
{
	CHECK_DEFAULTS(
		"Service",
		"{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'default'},"
		"'spec':{'selector':{'app':'web'},'ports':[{'port':80,'targetPort':8080},"
		"{'port':53,'protocol':'UDP','name':'dns'}]}}",
		"{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'default'},"
		"'spec':{'internalTrafficPolicy':'Cluster','ipFamilies':['IPv4'],'ipFamilyPolicy':"
		"'SingleStack','ports':[{'port':80,'protocol':'TCP','targetPort':8080},{'name':'dns',"
		"'port':53,'protocol':'UDP','targetPort':53}],'selector':{'app':'web'},"
		"'sessionAffinity':'None','type':'ClusterIP'},'status':{'loadBalancer':{}}}");
	CHECK_DEFAULTS(
		"Service",
		"{'apiVersion':'v1','kind':'Service','metadata':{'name':'lb'},'spec':{'type':"
		"'LoadBalancer','clusterIP':'10.96.0.20','sessionAffinity':'ClientIP','ports':"
		"[{'port':443}]}}",
		"{'apiVersion':'v1','kind':'Service','metadata':{'name':'lb'},'spec':"
		"{'allocateLoadBalancerNodePorts':true,'clusterIP':'10.96.0.20','clusterIPs':"
		"['10.96.0.20'],'externalTrafficPolicy':'Cluster','internalTrafficPolicy':'Cluster',"
		"'ipFamilies':['IPv4'],'ipFamilyPolicy':'SingleStack','ports':[{'port':443,"
		"'protocol':'TCP','targetPort':443}],'sessionAffinity':'ClientIP',"
		"'sessionAffinityConfig':{'clientIP':{'timeoutSeconds':10800}},'type':'LoadBalancer'},"
		"'status':{'loadBalancer':{}}}");
	CHECK_DEFAULTS(
		"Service",
		"{'apiVersion':'v1','kind':'Service','metadata':{'name':'db'},'spec':{'clusterIP':"
		"'None'}}",
		"{'apiVersion':'v1','kind':'Service','metadata':{'name':'db'},'spec':{'clusterIP':"
		"'None','clusterIPs':['None'],'internalTrafficPolicy':'Cluster','ipFamilies':['IPv4'],"
		"'ipFamilyPolicy':'RequireDualStack','sessionAffinity':'None','type':'ClusterIP'},"
		"'status':{'loadBalancer':{}}}");
	CHECK_DEFAULTS(
		"Service",
		"{'apiVersion':'v1','kind':'Service','metadata':{'name':'ext'},'spec':{'type':"
		"'ExternalName','externalName':'db.example.com'}}",
		"{'apiVersion':'v1','kind':'Service','metadata':{'name':'ext'},'spec':{'externalName':"
		"'db.example.com','sessionAffinity':'None','type':'ExternalName'},"
		"'status':{'loadBalancer':{}}}");
}

TEST(other_kinds_defaults)
{
	CHECK_DEFAULTS("Namespace",
		       "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'team-a'}}",
		       "{'apiVersion':'v1','kind':'Namespace','metadata':{'labels':"
		       "{'kubernetes.io/metadata.name':'team-a'},'name':'team-a'},'spec':{},"
		       "'status':{'phase':'Active'}}");
	CHECK_DEFAULTS("Secret",
		       "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},'data':{'a':"
		       "'YQ=='},'stringData':{'b':'hello','a':'x'}}",
		       "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},'data':{'a':"
		       "'eA==','b':'aGVsbG8='},'type':'Opaque'}");
	CHECK_DEFAULTS("Endpoints",
		       "{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'e'},'subsets':"
		       "[{'addresses':[{'ip':'10.1.1.1'}],'ports':[{'port':80}]}]}",
		       "{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'e'},'subsets':"
		       "[{'addresses':[{'ip':'10.1.1.1'}],'ports':[{'port':80,'protocol':'TCP'}]}]}");
	CHECK_DEFAULTS("Node",
		       "{'apiVersion':'v1','kind':'Node','metadata':{'name':'n'},'status':"
		       "{'capacity':{'cpu':'4','pods':'110'}}}",
		       "{'apiVersion':'v1','kind':'Node','metadata':{'name':'n'},'spec':{},'status':"
		       "{'allocatable':{'cpu':'4','pods':'110'},'capacity':{'cpu':'4','pods':'110'},"
		       "'daemonEndpoints':{'kubeletEndpoint':{'Port':0}},'nodeInfo':{'architecture':'',"
		       "'bootID':'','containerRuntimeVersion':'','kernelVersion':'',"
		       "'kubeProxyVersion':'','kubeletVersion':'','machineID':'','operatingSystem':'',"
		       "'osImage':'','systemUUID':''}}}");
}

TEST(defaults_are_idempotent)
{
	const char *kinds[] = { "Pod", "Deployment", "Service" };
	const char *in[] = { vt_pod, vt_deployment, vt_service };
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		_cleanup_free_ char *once = xstrdup(vt_defaulted(kinds[i], in[i]));
		CHECK_STR(vt_defaulted(kinds[i], once), once);
	}
}
