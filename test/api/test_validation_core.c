/*
 * test_validation_core.c - Service, Endpoints, Node, Namespace, ConfigMap,
 * Secret, Event and Lease validation with upstream's paths and messages.
 */
#include "test/api/validation_util.h"
#include "test/ktest.h"

#define SVC(errs, patch) vt_run("Service", vt_service, (patch), NULL, (errs))
#define PORT_RANGE "must be between 1 and 65535, inclusive"

TEST(service_valid_kinds)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	SVC(&e, NULL);
	SVC(&e, "{'spec':{'clusterIP':'None','ports':null}}");
	SVC(&e, "{'spec':{'type':'NodePort','ports':[{'port':80,'nodePort':30080}]}}");
	SVC(&e, "{'spec':{'type':'ExternalName','externalName':'db.example.com.','selector':null}}");
	SVC(&e, "{'spec':{'type':'LoadBalancer'}}");
	CHECK_NO_ERRS(&e);
	field_errors_release(&e);
}

TEST(service_ports)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	SVC(&e, "{'spec':{'ports':null}}");
	CHECK_ERR(&e, "spec.ports", "Required value");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'ports':[{'port':0,'name':'a'},{'port':80,'protocol':'HTTP'},"
		"{'port':81,'name':'a','targetPort':'Web'}]}}");
	CHECK_ERR(&e, "spec.ports[0].port", "Invalid value: 0: " PORT_RANGE);
	CHECK_ERR(&e, "spec.ports[1].name", "Required value");
	CHECK_ERR(&e, "spec.ports[1].protocol",
		  "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
	CHECK_ERR(&e, "spec.ports[2].name", "Duplicate value: \"a\"");
	CHECK_ERR(&e, "spec.ports[2].targetPort",
		  "Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), "
		  "and hyphens (-)");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'ports':[{'port':80,'name':'a'},{'port':80,'name':'b'}]}}");
	CHECK_ERR(&e, "spec.ports[1]", "Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", "
		  "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, "
		  "IntVal:0, StrVal:\"\"}, NodePort:0}");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'ports':[{'port':80,'nodePort':30080}]}}");
	CHECK_ERR(&e, "spec.ports[0].nodePort",
		  "Forbidden: may not be used when `type` is 'ClusterIP'");
	field_errors_release(&e);
}

TEST(service_fields)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	SVC(&e, "{'spec':{'type':'Magic','sessionAffinity':'Sticky','selector':{'app':'a b'},"
		"'externalIPs':['127.0.0.1','x']}}");
	CHECK_ERR(&e, "spec.type", "Unsupported value: \"Magic\": supported values: \"ClusterIP\", "
		  "\"ExternalName\", \"LoadBalancer\", \"NodePort\"");
	CHECK_ERR(&e, "spec.sessionAffinity",
		  "Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"");
	CHECK(vt_reason(&e, "spec.selector") != NULL);
	CHECK_ERR(&e, "spec.externalIPs[0]",
		  "Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, "
		  "::1/128)");
	CHECK_ERR(&e, "spec.externalIPs[1]",
		  "Invalid value: \"x\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'clusterIP':'10.0.0.300'}}");
	CHECK_ERR(&e, "spec.clusterIPs[0]", "Invalid value: \"10.0.0.300\": must be a valid IP "
		  "address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'clusterIP':'10.96.0.10','clusterIPs':['10.96.0.11']}}");
	CHECK_ERR(&e, "spec.clusterIPs", "Invalid value: []string{\"10.96.0.11\"}: first value must "
		  "match `clusterIP`");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'type':'NodePort','clusterIP':'None'}}");
	CHECK_ERR(&e, "spec.clusterIPs[0]",
		  "Invalid value: \"None\": may not be set to 'None' for NodePort services");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'type':'ExternalName','externalName':'','clusterIP':'10.96.0.1'}}");
	CHECK_ERR(&e, "spec.externalName", "Required value");
	CHECK_ERR(&e, "spec.clusterIPs", "Forbidden: may not be set for ExternalName services");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'externalTrafficPolicy':'Local','sessionAffinity':'ClientIP',"
		"'sessionAffinityConfig':{'clientIP':{'timeoutSeconds':0}}}}");
	CHECK_ERR(&e, "spec.externalTrafficPolicy",
		  "Invalid value: \"Local\": may only be set for externally-accessible services");
	CHECK_ERR(&e, "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
		  "Invalid value: 0: must be greater than 0 and less than 86400");
	field_errors_release(&e);
}

TEST(service_update)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Service", vt_service, "{'spec':{'clusterIP':'10.96.0.10'}}",
	       "{'spec':{'clusterIP':'10.96.0.11','clusterIPs':['10.96.0.11']}}", &e);
	CHECK_ERR(&e, "spec.clusterIPs[0]",
		  "Invalid value: []string{\"10.96.0.11\"}: may not change once set");
	field_errors_release(&e);
	vt_run("Service", vt_service, "{'spec':{'clusterIP':'10.96.0.10'}}",
	       "{'spec':{'ports':[{'port':8080}]}}", &e);
	CHECK_NO_ERRS(&e);
	field_errors_release(&e);
}

TEST(endpoints)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Endpoints", "{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'web',"
	       "'namespace':'default'},'subsets':[{'addresses':[{'ip':'10.1.2.3'}],"
	       "'ports':[{'port':80}]}]}", NULL, NULL, &e);
	CHECK_NO_ERRS(&e);
	vt_run("Endpoints", "{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'web',"
	       "'namespace':'default'},'subsets':[{'ports':[{'port':80}]},{'addresses':[{'ip':"
	       "'10.1.2'}],'ports':[{'port':80},{'port':0,'name':'x','protocol':'TCPX'}]}]}",
	       NULL, NULL, &e);
	CHECK_ERR(&e, "subsets[0]",
		  "Required value: must specify `addresses` or `notReadyAddresses`");
	CHECK_ERR(&e, "subsets[1].addresses[0].ip", "Invalid value: \"10.1.2\": must be a valid IP "
		  "address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	CHECK_ERR(&e, "subsets[1].ports[0].name", "Required value");
	CHECK_ERR(&e, "subsets[1].ports[1].port", "Invalid value: 0: " PORT_RANGE);
	CHECK_ERR(&e, "subsets[1].ports[1].protocol",
		  "Unsupported value: \"TCPX\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
	field_errors_release(&e);
}

TEST(node)
{
	static const char node[] = "{'apiVersion':'v1','kind':'Node','metadata':{'name':'n1'}}";
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Node", node, "{'spec':{'taints':[{'key':'a','effect':'NoSchedule'},"
	       "{'key':'a','effect':'NoSchedule'},{'key':'b'}],'podCIDRs':['10.0.0.0/33']},"
	       "'status':{'capacity':{'cpu':'-2'}}}", NULL, &e);
	CHECK_ERR(&e, "metadata.taints[1]", "Duplicate value: core.Taint{Key:\"a\", Value:\"\", "
		  "Effect:\"NoSchedule\", TimeAdded:<nil>}: taints must be unique by key and effect "
		  "pair");
	CHECK_ERR(&e, "metadata.taints[2].effect", "Required value");
	CHECK_ERR(&e, "spec.podCIDRs[0]", "Invalid value: \"10.0.0.0/33\": must be a valid CIDR "
		  "value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
	CHECK_ERR(&e, "status.capacity.cpu", "Invalid value: \"-2\": must be greater than or equal "
		  "to 0");
	field_errors_release(&e);
	vt_run("Node", node, "{'spec':{'podCIDRs':['10.0.0.0/24'],'providerID':'a'}}",
	       "{'spec':{'podCIDRs':['10.0.1.0/24'],'providerID':'b','unschedulable':true}}", &e);
	CHECK_ERR(&e, "spec.podCIDRs",
		  "Forbidden: node updates may not change podCIDR except from \"\" to valid");
	CHECK_ERR(&e, "spec.providerID",
		  "Forbidden: node updates may not change providerID except from \"\" to valid");
	field_errors_release(&e);
}

TEST(namespace_finalizers)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Namespace", "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'team'},"
	       "'spec':{'finalizers':['kubernetes','example.com/cleanup','cleanup']}}", NULL, NULL,
	       &e);
	REQUIRE(e.n == 1);
	CHECK_ERR(&e, "spec.finalizers", "Invalid value: \"cleanup\": name is neither a standard "
		  "finalizer name nor is it fully qualified");
	field_errors_release(&e);
}

TEST(config_map)
{
	static const char cm[] = "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c',"
				 "'namespace':'default'}}";
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("ConfigMap", cm, "{'data':{'a/b':'1','k':'v'},'binaryData':{'k':'AAAA'}}", NULL, &e);
	CHECK_ERR(&e, "data[a/b]", "Invalid value: \"a/b\": a valid config key must consist of "
		  "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
		  "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
	CHECK_ERR(&e, "data[k]", "Invalid value: \"k\": duplicate of key present in binaryData");
	field_errors_release(&e);

	vt_run("ConfigMap", cm, "{'immutable':true,'data':{'k':'v'}}",
	       "{'immutable':false,'data':{'k':'w'}}", &e);
	CHECK_ERR(&e, "immutable", "Forbidden: field is immutable when `immutable` is set");
	CHECK_ERR(&e, "data", "Forbidden: field is immutable when `immutable` is set");
	field_errors_release(&e);

	struct strbuf big = STRBUF_INIT;
	strbuf_addstr(&big, "{'data':{'k':'");
	for (int i = 0; i <= 1024 * 1024; i++) /* one byte over */
		strbuf_addch(&big, 'x');
	strbuf_addstr(&big, "'}}");
	vt_run("ConfigMap", cm, big.buf, NULL, &e);
	CHECK_ERR(&e, "", "Too long: must have at most 1048576 bytes");
	field_errors_release(&e);
	strbuf_release(&big);
}

TEST(secret)
{
	static const char s[] = "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s',"
				"'namespace':'default'}}";
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Secret", s, "{'type':'kubernetes.io/tls','data':{'tls.crt':'Zm9v','bad key':''}}",
	       NULL, &e);
	CHECK_ERR(&e, "data[tls.key]", "Required value");
	CHECK(vt_reason(&e, "data[bad key]") != NULL);
	field_errors_release(&e);

	vt_run("Secret", s, "{'type':'kubernetes.io/dockerconfigjson','data':{'.dockerconfigjson':"
	       "'bm90IGpzb24='}}", NULL, &e);
	CHECK(vt_reason(&e, "data[.dockerconfigjson]") != NULL);
	field_errors_release(&e);

	vt_run("Secret", s, NULL, "{'type':'kubernetes.io/basic-auth','data':{'username':'YQ=='}}",
	       &e);
	CHECK_ERR(&e, "type", "Invalid value: \"kubernetes.io/basic-auth\": field is immutable");
	field_errors_release(&e);
}

TEST(event_and_lease)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Event", "{'apiVersion':'v1','kind':'Event','metadata':{'name':'e.1','namespace':"
	       "'default'},'involvedObject':{'kind':'Pod','name':'p','namespace':'other'}}", NULL,
	       NULL, &e);
	CHECK_ERR(&e, "involvedObject.namespace",
		  "Invalid value: \"other\": does not match event.namespace");
	field_errors_release(&e);

	vt_run("Event", "{'apiVersion':'v1','kind':'Event','metadata':{'name':'e.2','namespace':"
	       "'default'},'involvedObject':{'kind':'Pod','name':'p','namespace':'default'},"
	       "'eventTime':'2024-01-02T03:04:05.000000Z'}", NULL, NULL, &e);
	CHECK_ERR(&e, "reportingController", "Required value");
	CHECK_ERR(&e, "reason", "Required value");
	CHECK_ERR(&e, "action", "Required value");
	field_errors_release(&e);

	vt_run("Lease", "{'apiVersion':'coordination.k8s.io/v1','kind':'Lease','metadata':{'name':"
	       "'l','namespace':'default'},'spec':{'leaseDurationSeconds':0,'leaseTransitions':-1}}",
	       NULL, NULL, &e);
	CHECK_ERR(&e, "spec.leaseDurationSeconds", "Invalid value: 0: must be greater than 0");
	CHECK_ERR(&e, "spec.leaseTransitions",
		  "Invalid value: -1: must be greater than or equal to 0");
	field_errors_release(&e);
}

TEST(service_more_rules)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	SVC(&e, "{'spec':{'loadBalancerSourceRanges':['10.0.0.0/40'],"
		"'allocateLoadBalancerNodePorts':true,'loadBalancerClass':'x/y',"
		"'internalTrafficPolicy':'Near','ipFamilyPolicy':'Sometimes','ipFamilies':['IPv5']}}");
	CHECK_ERR(&e, "spec.LoadBalancerSourceRanges",
		  "Forbidden: may only be used when `type` is 'LoadBalancer'");
	CHECK_ERR(&e, "spec.LoadBalancerSourceRanges[0]", "Invalid value: \"10.0.0.0/40\": must be "
		  "a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
	CHECK_ERR(&e, "spec.allocateLoadBalancerNodePorts",
		  "Forbidden: may only be used when `type` is 'LoadBalancer'");
	CHECK_ERR(&e, "spec.loadBalancerClass",
		  "Forbidden: may only be used when `type` is 'LoadBalancer'");
	CHECK_ERR(&e, "spec.internalTrafficPolicy",
		  "Unsupported value: \"Near\": supported values: \"Cluster\", \"Local\"");
	CHECK_ERR(&e, "spec.ipFamilyPolicy", "Unsupported value: \"Sometimes\": supported values: "
		  "\"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"");
	CHECK_ERR(&e, "spec.ipFamilies[0]",
		  "Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\"");
	field_errors_release(&e);

	SVC(&e, "{'spec':{'type':'LoadBalancer','externalTrafficPolicy':'Local',"
		"'healthCheckNodePort':70000}}");
	CHECK_ERR(&e, "spec.healthCheckNodePort", "Invalid value: 70000: " PORT_RANGE);
	field_errors_release(&e);
}

TEST(secret_types)
{
	static const char s[] = "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s',"
				"'namespace':'default'}}";
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Secret", s, "{'type':'kubernetes.io/service-account-token'}", NULL, &e);
	CHECK_ERR(&e, "metadata.annotations[kubernetes.io/service-account.name]", "Required value");
	field_errors_release(&e);
	vt_run("Secret", s, "{'type':'kubernetes.io/basic-auth'}", NULL, &e);
	CHECK_ERR(&e, "data[username]", "Required value");
	CHECK_ERR(&e, "data[password]", "Required value");
	field_errors_release(&e);
	vt_run("Secret", s, "{'type':'kubernetes.io/ssh-auth'}", NULL, &e);
	CHECK_ERR(&e, "data[ssh-privatekey]", "Required value");
	field_errors_release(&e);
	vt_run("Secret", s, "{'type':'example.com/anything','data':{'x':'eA=='}}", NULL, &e);
	CHECK_NO_ERRS(&e);
	field_errors_release(&e);
}

TEST(endpoints_special_ips)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Endpoints", "{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'web',"
	       "'namespace':'default'},'subsets':[{'notReadyAddresses':[{'ip':'169.254.1.1',"
	       "'hostname':'Web'}]}]}", NULL, NULL, &e);
	CHECK_ERR(&e, "subsets[0].notReadyAddresses[0].ip", "Invalid value: \"169.254.1.1\": may not "
		  "be in the link-local range (169.254.0.0/16, fe80::/10)");
	CHECK(vt_reason(&e, "subsets[0].notReadyAddresses[0].hostname") != NULL);
	field_errors_release(&e);
}
