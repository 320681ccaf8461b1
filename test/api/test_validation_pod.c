/*
 * test_validation_pod.c - core/v1 Pod validation: one check per rule, with
 * the field paths and messages a kube-apiserver answers.
 */
#include "test/api/validation_util.h"
#include "test/ktest.h"

#define PORT_RANGE "must be between 1 and 65535, inclusive"
#define LABEL_MSG                                                                                  \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "   \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "   \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

/* Runs a pod create check: vt_pod with patch. */
#define POD(errs, patch) vt_run("Pod", vt_pod, (patch), NULL, (errs))
/* A pod with these containers (a JSON list with '). */
#define CONTAINERS(list) "{'spec':{'containers':" list "}}"

TEST(pod_valid_base)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, NULL);
	CHECK_NO_ERRS(&e);
	field_errors_release(&e);
}

TEST(pod_containers)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, "{'spec':{'containers':[]}}");
	CHECK_ERR(&e, "spec.containers", "Required value");
	field_errors_release(&e);

	POD(&e, CONTAINERS("[{'name':'c','image':'a'},{'name':'c','image':'b'}]"));
	CHECK_ERR(&e, "spec.containers[1].name", "Duplicate value: \"c\"");
	CHECK_STR(vt_reason(&e, "spec.containers[1].name"), "FieldValueDuplicate");
	field_errors_release(&e);

	POD(&e, "{'spec':{'initContainers':[{'name':'c','image':'a'}]}}");
	CHECK_ERR(&e, "spec.initContainers[0].name", "Duplicate value: \"c\"");
	field_errors_release(&e);

	POD(&e, CONTAINERS("[{'name':'C_1','image':'a'},{'image':'b'},{'name':'x'}]"));
	CHECK_ERR(&e, "spec.containers[0].name", "Invalid value: \"C_1\": " LABEL_MSG);
	CHECK_ERR(&e, "spec.containers[1].name", "Required value");
	CHECK_ERR(&e, "spec.containers[2].image", "Required value");
	field_errors_release(&e);

	POD(&e, CONTAINERS("[{'name':'c','image':' busybox'}]"));
	CHECK_ERR(&e, "spec.containers[0].image",
		  "Invalid value: \" busybox\": must not have leading or trailing whitespace");
	field_errors_release(&e);

	POD(&e, CONTAINERS("[{'name':'c','image':'a','restartPolicy':'Always'}]"));
	CHECK_ERR(&e, "spec.containers[0].restartPolicy",
		  "Forbidden: may not be set for non-init containers");
	field_errors_release(&e);
}

TEST(pod_container_enums)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, CONTAINERS("[{'name':'c','image':'a','imagePullPolicy':'Sometimes',"
			   "'terminationMessagePolicy':'Log'}]"));
	CHECK_ERR(&e, "spec.containers[0].imagePullPolicy",
		  "Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", "
		  "\"Never\"");
	CHECK_ERR(&e, "spec.containers[0].terminationMessagePolicy",
		  "Unsupported value: \"Log\": supported values: \"File\", \"FallbackToLogsOnError\"");
	field_errors_release(&e);
}

TEST(pod_ports)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, CONTAINERS("[{'name':'c','image':'a','ports':[{'containerPort':0},"
			   "{'containerPort':70000},{'containerPort':80,'hostPort':-1},"
			   "{'containerPort':81,'protocol':'ICMP'}]}]"));
	CHECK_ERR(&e, "spec.containers[0].ports[0].containerPort", "Required value");
	CHECK_ERR(&e, "spec.containers[0].ports[1].containerPort",
		  "Invalid value: 70000: " PORT_RANGE);
	CHECK_ERR(&e, "spec.containers[0].ports[2].hostPort", "Invalid value: -1: " PORT_RANGE);
	CHECK_ERR(&e, "spec.containers[0].ports[3].protocol",
		  "Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
	field_errors_release(&e);

	POD(&e, CONTAINERS("[{'name':'c','image':'a','ports':[{'containerPort':80,'name':'http'},"
			   "{'containerPort':81,'name':'http'},{'containerPort':82,'name':'Web'}]}]"));
	CHECK_ERR(&e, "spec.containers[0].ports[1].name", "Duplicate value: \"http\"");
	CHECK_ERR(&e, "spec.containers[0].ports[2].name",
		  "Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), "
		  "and hyphens (-)");
	field_errors_release(&e);

	POD(&e, CONTAINERS("[{'name':'a','image':'a','ports':[{'containerPort':80,'hostPort':8080}]},"
			   "{'name':'b','image':'a','ports':[{'containerPort':81,'hostPort':8080}]}]"));
	CHECK_ERR(&e, "spec.containers[1].ports[0].hostPort", "Duplicate value: \"TCP//8080\"");
	field_errors_release(&e);

	POD(&e, "{'spec':{'hostNetwork':true,'containers':[{'name':'c','image':'a','ports':"
		"[{'containerPort':80,'hostPort':81}]}]}}");
	CHECK_ERR(&e, "spec.containers[0].ports[0].hostPort",
		  "Invalid value: 81: must match `containerPort` when `hostNetwork` is true");
	field_errors_release(&e);
}

TEST(pod_env)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, CONTAINERS("[{'name':'c','image':'a','env':[{'name':''},{'name':'1X'},"
			   "{'name':'A','value':'x','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}},"
			   "{'name':'B','valueFrom':{}},"
			   "{'name':'C','valueFrom':{'fieldRef':{'fieldPath':'spec.nope'}}},"
			   "{'name':'D','valueFrom':{'secretKeyRef':{'name':'s','key':'a/b'}}}]}]"));
	CHECK_ERR(&e, "spec.containers[0].env[0].name", "Required value");
	CHECK_ERR(&e, "spec.containers[0].env[1].name",
		  "Invalid value: \"1X\": a valid environment variable name must consist of "
		  "alphabetic characters, digits, '_', '-', or '.', and must not start with a digit "
		  "(e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for "
		  "validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')");
	CHECK_ERR(&e, "spec.containers[0].env[2].valueFrom",
		  "Invalid value: \"\": may not be specified when `value` is not empty");
	CHECK_ERR(&e, "spec.containers[0].env[3].valueFrom",
		  "Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, "
		  "`configMapKeyRef` or `secretKeyRef`");
	CHECK_ERR(&e, "spec.containers[0].env[4].valueFrom.fieldRef.fieldPath",
		  "Invalid value: \"spec.nope\": error converting fieldPath: field label not "
		  "supported: spec.nope");
	CHECK_ERR(&e, "spec.containers[0].env[5].valueFrom.secretKeyRef.key",
		  "Invalid value: \"a/b\": a valid config key must consist of alphanumeric "
		  "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', "
		  "regex used for validation is '[-._a-zA-Z0-9]+')");
	field_errors_release(&e);

	POD(&e, CONTAINERS("[{'name':'c','image':'a','env':[{'name':'L','valueFrom':{'fieldRef':"
			   "{'fieldPath':'metadata.labels'}}}],'envFrom':[{'prefix':'9'}]}]"));
	CHECK_ERR(&e, "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath",
		  "Unsupported value: \"metadata.labels\": supported values: \"metadata.name\", "
		  "\"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", "
		  "\"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", "
		  "\"status.podIP\", \"status.podIPs\"");
	CHECK_ERR(&e, "spec.containers[0].envFrom",
		  "Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`");
	field_errors_release(&e);
}

TEST(pod_volumes_and_mounts)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, "{'spec':{'volumes':[{'name':'data'},{'name':'data'},{'name':'Cfg',"
		"'configMap':{'name':'x'}},{'name':'two','emptyDir':{},'secret':{'secretName':'s'}}],"
		"'containers':[{'name':'c','image':'a','volumeMounts':[{'name':'data','mountPath':'/d'},"
		"{'name':'nope','mountPath':'/d'},{'name':'data','mountPath':'/e','subPath':'../x'}]}]}}");
	CHECK_ERR(&e, "spec.volumes[1].name", "Duplicate value: \"data\"");
	CHECK_ERR(&e, "spec.volumes[2].name", "Invalid value: \"Cfg\": " LABEL_MSG);
	CHECK_ERR(&e, "spec.volumes[3].secret", "Forbidden: may not specify more than 1 volume type");
	CHECK_ERR(&e, "spec.containers[0].volumeMounts[1].name", "Not found: \"nope\"");
	CHECK_STR(vt_reason(&e, "spec.containers[0].volumeMounts[1].name"), "FieldValueNotFound");
	CHECK_ERR(&e, "spec.containers[0].volumeMounts[1].mountPath",
		  "Invalid value: \"/d\": must be unique");
	CHECK_ERR(&e, "spec.containers[0].volumeMounts.subPath",
		  "Invalid value: \"../x\": must not contain '..'");
	field_errors_release(&e);

	POD(&e, "{'spec':{'volumes':[{'name':'h','hostPath':{'path':'/x','type':'Dir'}},"
		"{'name':'s','secret':{'secretName':'s','defaultMode':1000}}]}}");
	CHECK_ERR(&e, "spec.volumes[0].hostPath.type",
		  "Unsupported value: \"Dir\": supported values: \"\", \"BlockDevice\", "
		  "\"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", "
		  "\"Socket\"");
	CHECK_ERR(&e, "spec.volumes[1].secret.defaultMode",
		  "Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive");
	field_errors_release(&e);
}

TEST(pod_policies)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, "{'spec':{'restartPolicy':'Sometimes','dnsPolicy':'Google',"
		"'nodeSelector':{'disk':'fast ssd'},'activeDeadlineSeconds':0,'nodeName':'Node_1'}}");
	CHECK_ERR(&e, "spec.restartPolicy",
		  "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", "
		  "\"Never\"");
	CHECK_ERR(&e, "spec.dnsPolicy",
		  "Unsupported value: \"Google\": supported values: \"ClusterFirstWithHostNet\", "
		  "\"ClusterFirst\", \"Default\", \"None\"");
	CHECK_ERR(&e, "spec.nodeSelector",
		  "Invalid value: \"fast ssd\": a valid label must be an empty string or consist of "
		  "alphanumeric characters, '-', '_' or '.', and must start and end with an "
		  "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
		  "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	CHECK_ERR(&e, "spec.activeDeadlineSeconds",
		  "Invalid value: 0: must be between 1 and 2147483647, inclusive");
	CHECK(vt_reason(&e, "spec.nodeName") != NULL);
	field_errors_release(&e);

	POD(&e, "{'spec':{'dnsPolicy':'None'}}");
	CHECK_ERR(&e, "spec.dnsConfig", "Required value: must provide `dnsConfig` when `dnsPolicy` "
		  "is None");
	field_errors_release(&e);
}

TEST(pod_probes)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, CONTAINERS("[{'name':'c','image':'a','livenessProbe':{'periodSeconds':-1},"
			   "'readinessProbe':{'exec':{'command':['true']},'tcpSocket':{'port':80},"
			   "'terminationGracePeriodSeconds':5},"
			   "'startupProbe':{'httpGet':{'port':0,'scheme':'FTP'},'successThreshold':2}}]"));
	CHECK_ERR(&e, "spec.containers[0].livenessProbe", "Required value: must specify a handler type");
	CHECK_ERR(&e, "spec.containers[0].livenessProbe.periodSeconds",
		  "Invalid value: -1: must be greater than or equal to 0");
	CHECK_ERR(&e, "spec.containers[0].readinessProbe.tcpSocket",
		  "Forbidden: may not specify more than 1 handler type");
	CHECK_ERR(&e, "spec.containers[0].readinessProbe.terminationGracePeriodSeconds",
		  "Invalid value: 5: must not be set for readinessProbes");
	CHECK_ERR(&e, "spec.containers[0].startupProbe.httpGet.port", "Invalid value: 0: " PORT_RANGE);
	CHECK_ERR(&e, "spec.containers[0].startupProbe.httpGet.scheme",
		  "Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"");
	CHECK_ERR(&e, "spec.containers[0].startupProbe.successThreshold",
		  "Invalid value: 2: must be 1");
	field_errors_release(&e);

	POD(&e, "{'spec':{'initContainers':[{'name':'i','image':'a','readinessProbe':"
		"{'exec':{'command':['true']}}}]}}");
	CHECK_ERR(&e, "spec.initContainers[0].readinessProbe",
		  "Forbidden: may not be set for init containers without restartPolicy=Always");
	field_errors_release(&e);
}

TEST(pod_resources)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, CONTAINERS("[{'name':'c','image':'a','resources':{'limits':{'cpu':'500m',"
			   "'memory':'-1'},'requests':{'cpu':'1','gpu':'1','memory':'1x'}}}]"));
	CHECK_ERR(&e, "spec.containers[0].resources.requests",
		  "Invalid value: \"1\": must be less than or equal to cpu limit of 500m");
	CHECK_ERR(&e, "spec.containers[0].resources.limits[memory]",
		  "Invalid value: \"-1\": must be greater than or equal to 0");
	CHECK_ERR(&e, "spec.containers[0].resources.requests[gpu]",
		  "Invalid value: \"gpu\": must be a standard resource type or fully qualified");
	CHECK_ERR(&e, "spec.containers[0].resources.requests[gpu]",
		  "Invalid value: \"gpu\": must be a standard resource for containers");
	CHECK_ERR(&e, "spec.containers[0].resources.requests[memory]",
		  "Invalid value: \"1x\": quantities must match the regular expression "
		  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	field_errors_release(&e);
}

TEST(pod_tolerations_and_affinity)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, "{'spec':{'tolerations':[{'operator':'Equal','value':'x'},"
		"{'key':'k','operator':'Exists','value':'v'},{'key':'k','operator':'Maybe'},"
		"{'key':'k','effect':'NoSchedule','tolerationSeconds':5},{'key':'k','effect':'Never'}]}}");
	CHECK_ERR(&e, "spec.tolerations[0].operator",
		  "Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means "
		  "\"match all values and all keys\"");
	CHECK_ERR(&e, "spec.tolerations[1].operator",
		  "Invalid value: \"v\": value must be empty when `operator` is 'Exists'");
	CHECK_ERR(&e, "spec.tolerations[2].operator",
		  "Unsupported value: \"Maybe\": supported values: \"Equal\", \"Exists\"");
	CHECK_ERR(&e, "spec.tolerations[3].effect",
		  "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` "
		  "is set");
	CHECK_ERR(&e, "spec.tolerations[4].effect",
		  "Unsupported value: \"Never\": supported values: \"NoSchedule\", "
		  "\"PreferNoSchedule\", \"NoExecute\"");
	field_errors_release(&e);

	POD(&e, "{'spec':{'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
		"{'nodeSelectorTerms':[{'matchExpressions':[{'key':'zone','operator':'In'},"
		"{'key':'a','operator':'Near','values':['x']}]}]},"
		"'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':0,'preference':{}}]},"
		"'podAntiAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':[{}]}}}}");
	const char *term = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
			   "nodeSelectorTerms[0].matchExpressions";
	char path[256];
	snprintf(path, sizeof(path), "%s[0].values", term);
	CHECK_ERR(&e, path, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
	snprintf(path, sizeof(path), "%s[1].operator", term);
	CHECK_ERR(&e, path, "Invalid value: \"Near\": not a valid selector operator");
	CHECK_ERR(&e, "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
		  ".weight", "Invalid value: 0: must be in the range 1-100");
	CHECK_ERR(&e, "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
		  ".topologyKey", "Required value: can not be empty");
	field_errors_release(&e);
}

TEST(pod_security)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, "{'spec':{'securityContext':{'runAsUser':-1,'sysctls':[{'name':'net..x','value':'1'}],"
		"'seccompProfile':{'type':'Localhost'}},'containers':[{'name':'c','image':'a',"
		"'securityContext':{'procMount':'Masked','allowPrivilegeEscalation':false,"
		"'privileged':true}}]}}");
	CHECK_ERR(&e, "spec.securityContext.runAsUser",
		  "Invalid value: -1: must be between 0 and 2147483647, inclusive");
	CHECK_ERR(&e, "spec.securityContext.sysctls[0].name",
		  "Invalid value: \"net..x\": must have at most 253 characters and match regex "
		  "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$");
	CHECK_ERR(&e, "spec.securityContext.seccompProfile.localhostProfile",
		  "Required value: must be set when seccomp type is Localhost");
	CHECK_ERR(&e, "spec.containers[0].securityContext.procMount",
		  "Unsupported value: \"Masked\": supported values: \"Default\", \"Unmasked\"");
	CHECK(vt_reason(&e, "spec.containers[0].securityContext") != NULL);
	field_errors_release(&e);
}

TEST(pod_create_only)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, "{'spec':{'ephemeralContainers':[{'name':'dbg','image':'a'}]}}");
	CHECK_ERR(&e, "spec.ephemeralContainers", "Forbidden: cannot be set on create");
	field_errors_release(&e);
}

TEST(pod_updates)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Pod", vt_pod, NULL, "{'spec':{'containers':[{'name':'c','image':'busybox:2',"
	       "'imagePullPolicy':'Always'}],'activeDeadlineSeconds':30,'tolerations':"
	       "[{'operator':'Exists'}]}}", &e);
	CHECK_NO_ERRS(&e); /* images, a first deadline and new tolerations may change */
	field_errors_release(&e);

	vt_run("Pod", vt_pod, NULL, "{'spec':{'nodeSelector':{'disk':'ssd'}}}", &e);
	REQUIRE(e.n == 1);
	CHECK_STR(e.items[0].field, "spec");
	CHECK(str_has_prefix(e.items[0].detail,
			     "Forbidden: pod updates may not change fields other than "
			     "`spec.containers[*].image`,`spec.initContainers[*].image`,"
			     "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
			     "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to "
			     "be set to 1 if it was previously negative)\n"));
	CHECK(strstr(e.items[0].detail, "nodeSelector") != NULL);
	field_errors_release(&e);

	vt_run("Pod", vt_pod, NULL, CONTAINERS("[{'name':'c','image':'a'},{'name':'d','image':'b'}]"),
	       &e);
	CHECK_ERR(&e, "spec.containers", "Forbidden: pod updates may not add or remove containers");
	field_errors_release(&e);

	vt_run("Pod", vt_pod, "{'spec':{'activeDeadlineSeconds':10}}",
	       "{'spec':{'activeDeadlineSeconds':20}}", &e);
	CHECK_ERR(&e, "spec.activeDeadlineSeconds",
		  "Invalid value: 20: must be less than or equal to previous value");
	field_errors_release(&e);

	vt_run("Pod", vt_pod, "{'spec':{'tolerations':[{'key':'a','operator':'Exists'}]}}",
	       "{'spec':{'tolerations':[{'key':'b','operator':'Exists'}]}}", &e);
	CHECK_ERR(&e, "spec.tolerations",
		  "Forbidden: existing toleration can not be modified except its tolerationSeconds");
	field_errors_release(&e);
}

TEST(pod_more_spec_rules)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, "{'spec':{'topologySpreadConstraints':[{'maxSkew':0,'topologyKey':'zone',"
		"'whenUnsatisfiable':'Maybe'},{'maxSkew':1,'topologyKey':'','whenUnsatisfiable':"
		"'DoNotSchedule'}],'readinessGates':[{'conditionType':'a/b/c'}],"
		"'schedulingGates':[{'name':'g'},{'name':'g'}],'hostAliases':[{'ip':'x','hostnames':"
		"['Host']}],'dnsConfig':{'nameservers':['1.1.1.1','2.2.2.2','3.3.3.3','4.4.4.4'],"
		"'options':[{'value':'1'}]}}}");
	CHECK_ERR(&e, "spec.topologySpreadConstraints[0].maxSkew",
		  "Invalid value: 0: must be greater than zero");
	CHECK_ERR(&e, "spec.topologySpreadConstraints[0].whenUnsatisfiable",
		  "Unsupported value: \"Maybe\": supported values: \"DoNotSchedule\", "
		  "\"ScheduleAnyway\"");
	CHECK_ERR(&e, "spec.topologySpreadConstraints[1].topologyKey",
		  "Required value: can not be empty");
	CHECK(vt_reason(&e, "spec.readinessGates[0].conditionType") != NULL);
	CHECK_ERR(&e, "spec.schedulingGates[1]", "Duplicate value: \"g\"");
	CHECK(vt_reason(&e, "spec.hostAliases[0].ip") != NULL);
	CHECK(vt_reason(&e, "spec.hostAliases[0].hostnames[0]") != NULL);
	CHECK_ERR(&e, "spec.dnsConfig.nameservers",
		  "Invalid value: []string{\"1.1.1.1\", \"2.2.2.2\", \"3.3.3.3\", \"4.4.4.4\"}: "
		  "must not have more than 3 nameservers");
	CHECK_ERR(&e, "spec.dnsConfig.options[0]", "Required value: must not be empty");
	field_errors_release(&e);

	POD(&e, "{'spec':{'initContainers':[{'name':'i','image':'a','restartPolicy':'Never'}],"
		"'hostNetwork':true,'securityContext':{'sysctls':[{'name':'net.core.somaxconn',"
		"'value':'1'},{'name':'net.core.somaxconn','value':'2'}]}}}");
	CHECK_ERR(&e, "spec.initContainers[0].restartPolicy",
		  "Unsupported value: \"Never\": supported values: \"Always\"");
	CHECK_ERR(&e, "spec.securityContext.sysctls[1].name", "Duplicate value: \"net.core.somaxconn\"");
	CHECK_ERR(&e, "spec.securityContext.sysctls[0].name",
		  "Invalid value: \"net.core.somaxconn\": may not be specified when 'hostNetwork' is "
		  "true");
	field_errors_release(&e);
}

TEST(pod_more_volume_rules)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	POD(&e, "{'spec':{'volumes':[{'name':'p','projected':{'sources':[{'configMap':{'name':'a',"
		"'items':[{'key':'k','path':'x'}]}},{'secret':{'name':'b','items':[{'key':'k',"
		"'path':'x'}]}},{'configMap':{'name':'c'},'secret':{'name':'d'}}]}},"
		"{'name':'d','downwardAPI':{'items':[{'path':'l','fieldRef':{'fieldPath':"
		"'spec.nodeName'}},{'path':'/abs','fieldRef':{'fieldPath':'metadata.labels'}}]}},"
		"{'name':'n','nfs':{'server':'s','path':'rel'}}],"
		"'containers':[{'name':'c','image':'a','envFrom':[{'configMapRef':{'name':'Bad'}}]}]}}");
	CHECK_ERR(&e, "spec.volumes[0].projected", "Invalid value: \"b\": conflicting duplicate paths");
	CHECK_ERR(&e, "spec.volumes[0].projected.sources[2]",
		  "Forbidden: may not specify more than 1 volume type per source");
	CHECK_ERR(&e, "spec.volumes[1].downwardAPI.fieldRef.fieldPath",
		  "Unsupported value: \"spec.nodeName\": supported values: \"metadata.annotations\", "
		  "\"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\"");
	CHECK_ERR(&e, "spec.volumes[1].downwardAPI.path",
		  "Invalid value: \"/abs\": must be a relative path");
	CHECK_ERR(&e, "spec.volumes[2].nfs.path", "Invalid value: \"rel\": must be an absolute path");
	CHECK(vt_reason(&e, "spec.containers[0].envFrom[0].configMapRef.name") != NULL);
	field_errors_release(&e);
}
