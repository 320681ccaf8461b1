/*
 * test_endpoints_subsets.c - unit tests of the Endpoints computation: which
 * pods count, ready vs not ready, target ports by number and by name (and
 * protocol), hostnames, and RepackSubsets' grouping and ordering.
 */
#include "api/codec.h"
#include "controllers/endpoints/subsets.h"
#include "test/controllers/gc_fixture.h"

#define POD(name, ip, ready, extra)                                                                \
	"{'metadata':{'name':'" name "','namespace':'default','uid':'uid-" name "',"             \
	"'labels':{'app':'web'}" extra "},"                                                        \
	"'spec':{'nodeName':'n1','containers':[{'name':'c','image':'i','ports':["                 \
	"{'name':'http','containerPort':8080},{'name':'dns','containerPort':5353,"                \
	"'protocol':'UDP'}]}]},"                                                                   \
	"'status':{'phase':'Running','podIP':'" ip "','conditions':[{'type':'Ready','status':'"  \
	ready "'}]}}"

#define SVC(ports) \
	"{'metadata':{'name':'web','namespace':'default'},'spec':{'selector':{'app':'web'}," \
	"'ports':" ports "}}"

/* The subsets computed for svc over pods, as JSON with single quotes (caller frees). */
static char *compute(const char *svc_json, const char *const *pod_json, size_t n)
{
	struct k8c_service *svc = FIXTURE(&k8c_type_service, svc_json);
	struct k8c_pod **pods = xcalloc(n + 1, sizeof(*pods));
	for (size_t i = 0; i < n; i++)
		pods[i] = FIXTURE(&k8c_type_pod, pod_json[i]);
	struct k8c_endpoints ep = { 0 };
	endpoints_compute(svc, (const struct k8c_pod *const *)pods, n, &ep.subsets, &ep.n_subsets);
	char *out = gc_fixture_encode(&k8c_type_endpoints, &ep);
	endpoints_subsets_free(ep.subsets, ep.n_subsets);
	for (size_t i = 0; i < n; i++)
		k8c_free(&k8c_type_pod, pods[i]);
	free(pods);
	k8c_free(&k8c_type_service, svc);
	return out;
}

#define ADDR(ip, name) \
	"{'ip':'" ip "','nodeName':'n1','targetRef':{'kind':'Pod','name':'" name \
	"','namespace':'default','uid':'uid-" name "'}}"

TEST(ready_and_not_ready_with_numbered_and_named_ports)
{
	const char *pods[] = {
		POD("b", "10.0.0.2", "True", ""),
		POD("a", "10.0.0.1", "True", ""),
		POD("c", "10.0.0.3", "False", ""),
	};
	_cleanup_free_ char *got = compute(
		SVC("[{'name':'web','port':80,'targetPort':'http'},{'name':'raw','port':81,"
		    "'targetPort':9000}]"), pods, 3);
	CHECK_STR(got, "{'metadata':{},'subsets':[{'addresses':[" ADDR("10.0.0.1", "a") "," ADDR("10.0.0.2", "b")
		       "],'notReadyAddresses':[" ADDR("10.0.0.3", "c") "],'ports':["
		       "{'name':'raw','port':9000,'protocol':'TCP'},"
		       "{'name':'web','port':8080,'protocol':'TCP'}]}]}");
}

TEST(excluded_pods)
{
	const char *pods[] = {
		POD("noip", "", "True", ""),
		POD("deleting", "10.0.0.4", "True", ",'deletionTimestamp':'2024-01-01T00:00:00Z'"),
		"{'metadata':{'name':'done','namespace':'default','labels':{'app':'web'}},"
		"'spec':{'containers':[{'name':'c','image':'i'}]},"
		"'status':{'phase':'Succeeded','podIP':'10.0.0.5'}}",
		"{'metadata':{'name':'other','namespace':'default','labels':{'app':'db'}},"
		"'spec':{'containers':[{'name':'c','image':'i'}]},"
		"'status':{'phase':'Running','podIP':'10.0.0.6'}}",
		"{'metadata':{'name':'elsewhere','namespace':'prod','labels':{'app':'web'}},"
		"'spec':{'containers':[{'name':'c','image':'i'}]},"
		"'status':{'phase':'Running','podIP':'10.0.0.7'}}",
	};
	_cleanup_free_ char *got = compute(SVC("[{'port':80}]"), pods, ARRAY_SIZE(pods));
	CHECK_STR(got, "{'metadata':{}}");
}

TEST(deleting_pod_kept_when_not_ready_addresses_are_published)
{
	const char *pods[] = {
		POD("deleting", "10.0.0.4", "False",
		    ",'deletionTimestamp':'2024-01-01T00:00:00Z'"),
	};
	_cleanup_free_ char *got = compute(
		"{'metadata':{'name':'web','namespace':'default'},'spec':{'selector':{'app':'web'},"
		"'publishNotReadyAddresses':true,'ports':[{'port':80}]}}", pods, 1);
	CHECK_STR(got, "{'metadata':{},'subsets':[{'addresses':[" ADDR("10.0.0.4", "deleting")
		       "],'ports':[{'port':80,'protocol':'TCP'}]}]}");
}

TEST(named_port_must_match_protocol_and_exist)
{
	const char *pods[] = { POD("a", "10.0.0.1", "True", "") };
	/* 'dns' is UDP on the pod: a TCP port named dns resolves to nothing */
	_cleanup_free_ char *tcp = compute(SVC("[{'port':53,'targetPort':'dns'}]"), pods, 1);
	CHECK_STR(tcp, "{'metadata':{}}");
	_cleanup_free_ char *udp = compute(
		SVC("[{'name':'dns','port':53,'protocol':'UDP','targetPort':'dns'},"
		    "{'name':'x','port':1,'targetPort':'missing'}]"), pods, 1);
	CHECK_STR(udp, "{'metadata':{},'subsets':[{'addresses':[" ADDR("10.0.0.1", "a")
		       "],'ports':[{'name':'dns','port':5353,'protocol':'UDP'}]}]}");
}

TEST(pods_offering_different_ports_make_separate_subsets)
{
	/* pod b has no 'http' port: it only offers the numbered one */
	const char *pods[] = {
		POD("a", "10.0.0.1", "True", ""),
		"{'metadata':{'name':'b','namespace':'default','uid':'uid-b','labels':{'app':'web'}},"
		"'spec':{'nodeName':'n1','containers':[{'name':'c','image':'i'}]},"
		"'status':{'phase':'Running','podIP':'10.0.0.2','conditions':[{'type':'Ready',"
		"'status':'True'}]}}",
	};
	_cleanup_free_ char *got = compute(
		SVC("[{'name':'web','port':80,'targetPort':'http'},{'name':'raw','port':81}]"),
		pods, 2);
	CHECK_STR(got, "{'metadata':{},'subsets':[{'addresses':[" ADDR("10.0.0.1", "a") "," ADDR("10.0.0.2", "b")
		       "],'ports':[{'name':'raw','port':81,'protocol':'TCP'}]},"
		       "{'addresses':[" ADDR("10.0.0.1", "a") "],'ports':[{'name':'web','port':8080,"
		       "'protocol':'TCP'}]}]}");
}

TEST(headless_without_ports_and_hostname)
{
	const char *pods[] = {
		"{'metadata':{'name':'h','namespace':'default','uid':'uid-h','labels':{'app':'web'}},"
		"'spec':{'hostname':'h0','subdomain':'web','nodeName':'n1',"
		"'containers':[{'name':'c','image':'i'}]},"
		"'status':{'phase':'Running','podIP':'10.0.0.9'}}",
	};
	_cleanup_free_ char *got = compute(
		"{'metadata':{'name':'web','namespace':'default'},'spec':{'clusterIP':'None',"
		"'selector':{'app':'web'}}}", pods, 1);
	CHECK_STR(got, "{'metadata':{},'subsets':[{'notReadyAddresses':[{'hostname':'h0','ip':'10.0.0.9',"
		       "'nodeName':'n1','targetRef':{'kind':'Pod','name':'h','namespace':'default',"
		       "'uid':'uid-h'}}]}]}");
	/* not headless and no ports: nothing */
	_cleanup_free_ char *none = compute(
		"{'metadata':{'name':'web','namespace':'default'},'spec':{'selector':{'app':'web'}}}",
		pods, 1);
	CHECK_STR(none, "{'metadata':{}}");
}

TEST(repack_not_ready_trumps_ready_and_dedups)
{
	struct k8c_endpoints *in = FIXTURE(&k8c_type_endpoints,
		"{'subsets':["
		"{'addresses':[{'ip':'1.1.1.2'},{'ip':'1.1.1.1'}],'ports':[{'port':80}]},"
		"{'notReadyAddresses':[{'ip':'1.1.1.2'}],'ports':[{'port':80}]},"
		"{'addresses':[{'ip':'1.1.1.1'}],'ports':[{'port':80}]},"
		"{'ports':[{'port':99}]}]}");
	REQUIRE(in);
	struct k8c_endpoints out = { 0 };
	endpoints_repack(in->subsets, in->n_subsets, &out.subsets, &out.n_subsets);
	_cleanup_free_ char *got = gc_fixture_encode(&k8c_type_endpoints, &out);
	CHECK_STR(got, "{'metadata':{},'subsets':[{'addresses':[{'ip':'1.1.1.1'}],'notReadyAddresses':"
		       "[{'ip':'1.1.1.2'}],'ports':[{'port':80}]}]}");
	/* repacking the result again changes nothing */
	struct k8c_endpoints again = { 0 };
	endpoints_repack(out.subsets, out.n_subsets, &again.subsets, &again.n_subsets);
	CHECK(k8c_equal(&k8c_type_endpoints, &out, &again));
	endpoints_subsets_free(again.subsets, again.n_subsets);
	endpoints_subsets_free(out.subsets, out.n_subsets);
	k8c_free(&k8c_type_endpoints, in);
}

TEST(order_does_not_depend_on_input_order)
{
	const char *fwd[] = {
		POD("a", "10.0.0.1", "True", ""), POD("b", "10.0.0.2", "False", ""),
		POD("c", "10.0.0.3", "True", ""),
	};
	const char *rev[] = { fwd[2], fwd[1], fwd[0] };
	const char *svc = SVC("[{'name':'b','port':2,'targetPort':'http'},{'name':'a','port':1}]");
	_cleanup_free_ char *x = compute(svc, fwd, 3);
	_cleanup_free_ char *y = compute(svc, rev, 3);
	CHECK_STR(x, y);
}

TEST(find_port)
{
	struct k8c_pod *pod = FIXTURE(&k8c_type_pod, POD("a", "10.0.0.1", "True", ""));
	struct k8c_service *svc = FIXTURE(&k8c_type_service,
		SVC("[{'port':80},{'port':81,'targetPort':8181},{'port':82,'targetPort':'http'},"
		    "{'port':83,'targetPort':'nope'}]"));
	REQUIRE(pod && svc);
	int32_t p = 0;
	CHECK(endpoints_find_port(pod, &svc->spec.ports[0], &p) == 0 && p == 80);
	CHECK(endpoints_find_port(pod, &svc->spec.ports[1], &p) == 0 && p == 8181);
	CHECK(endpoints_find_port(pod, &svc->spec.ports[2], &p) == 0 && p == 8080);
	CHECK_INT(endpoints_find_port(pod, &svc->spec.ports[3], &p), -ENOENT);
	CHECK(endpoints_service_selects(svc, pod));
	k8c_free(&k8c_type_pod, pod);
	k8c_free(&k8c_type_service, svc);
}
