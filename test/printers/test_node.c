/*
 * test_node.c - Node rows: Ready / NotReady / Unknown, cordoned, roles from
 * both role labels, the kubelet version and the wide columns.
 */
#include "test/printers/rowtest.h"

#define NODE(meta, spec, status)                                                                   \
	"{'metadata':{'name':'n1','creationTimestamp':'2024-04-21T12:00:00Z'" meta "},"            \
	"'spec':{" spec "},'status':{" status "}}"
#define INFO                                                                                       \
	"'nodeInfo':{'kubeletVersion':'v1.29.3','osImage':'Debian GNU/Linux 12 (bookworm)',"       \
	"'kernelVersion':'6.1.0-18-amd64','containerRuntimeVersion':'docker://24.0.7',"            \
	"'machineID':'','systemUUID':'','bootID':'','kubeProxyVersion':'','operatingSystem':"      \
	"'linux','architecture':'amd64'}"
#define READY_TRUE "'conditions':[{'type':'MemoryPressure','status':'False'},{'type':'Ready','status':'True'}]"

TEST(ready_node_with_roles)
{
	CHECK_ROW("nodes",
		  NODE(",'labels':{'kubernetes.io/hostname':'n1','node-role.kubernetes.io/control-plane':'',"
		       "'node-role.kubernetes.io/':'','kubernetes.io/role':'worker'}",
		       "", READY_TRUE ",'addresses':[{'type':'Hostname','address':'n1'},"
			   "{'type':'InternalIP','address':'192.168.1.10'},{'type':'InternalIP',"
			   "'address':'192.168.1.11'},{'type':'ExternalIP','address':'203.0.113.10'}],"
			   INFO),
		  "'n1','Ready','control-plane,worker','10d','v1.29.3','192.168.1.10','203.0.113.10',"
		  "'Debian GNU/Linux 12 (bookworm)','6.1.0-18-amd64','docker://24.0.7'");
}

TEST(not_ready_unknown_cordoned)
{
	CHECK_ROW("nodes",
		  NODE("", "", "'conditions':[{'type':'Ready','status':'Unknown','reason':'NodeStatusUnknown'}]"),
		  "'n1','NotReady','<none>','10d','','<none>','<none>','<unknown>','<unknown>',"
		  "'<unknown>'");
	CHECK_CELL("nodes", NODE("", "", "'conditions':[{'type':'Ready','status':'False'}]"), 1,
		   "'NotReady'");
	CHECK_CELL("nodes", NODE("", "", ""), 1, "'Unknown'");
	CHECK_CELL("nodes", NODE("", "'unschedulable':true", READY_TRUE), 1,
		   "'Ready,SchedulingDisabled'");
	CHECK_CELL("nodes", NODE("", "'unschedulable':true", ""), 1,
		   "'Unknown,SchedulingDisabled'");
	/* duplicate roles appear once, in order */
	CHECK_CELL("nodes",
		   NODE(",'labels':{'node-role.kubernetes.io/worker':'','node-role.kubernetes.io/"
			"infra':'true','kubernetes.io/role':'infra'}",
			"", ""),
		   2, "'infra,worker'");
}
