/*
 * test_service.c - Service rows of every type (ClusterIP, headless,
 * NodePort, LoadBalancer pending and provisioned, ExternalName) and
 * Endpoints rows (none, more than three, several ports, headless, IPv6).
 */
#include "test/printers/rowtest.h"

#define META "'metadata':{'name':'web','creationTimestamp':'2024-05-01T11:58:01Z'}"
#define SVC(spec, status) "{" META ",'spec':{" spec "},'status':{" status "}}"
#define PORTS "'ports':[{'port':80,'targetPort':8080,'protocol':'TCP'},{'port':53,'protocol':'UDP'}]"

TEST(cluster_ip)
{
	CHECK_ROW("services",
		  SVC("'type':'ClusterIP','clusterIP':'10.96.0.10','clusterIPs':['10.96.0.10'],"
		      "'selector':{'app':'web','tier':'fe'}," PORTS, ""),
		  "'web','ClusterIP','10.96.0.10','<none>','80/TCP,53/UDP','119s','app=web,tier=fe'");
	/* defaults: type ClusterIP, protocol TCP; clusterIP alone; no selector */
	CHECK_ROW("services", SVC("'clusterIP':'10.96.0.11','ports':[{'port':443}]", ""),
		  "'web','ClusterIP','10.96.0.11','<none>','443/TCP','119s','<none>'");
	CHECK_ROW("services",
		  SVC("'type':'ClusterIP','clusterIP':'10.96.0.12','externalIPs':['1.2.3.4','5.6.7.8']",
		      ""),
		  "'web','ClusterIP','10.96.0.12','1.2.3.4,5.6.7.8','<none>','119s','<none>'");
}

TEST(headless)
{
	CHECK_ROW("services",
		  SVC("'type':'ClusterIP','clusterIP':'None','clusterIPs':['None'],"
		      "'selector':{'app':'db'},'ports':[{'port':5432,'protocol':'TCP'}]",
		      ""),
		  "'web','ClusterIP','None','<none>','5432/TCP','119s','app=db'");
}

TEST(node_port)
{
	CHECK_ROW("services",
		  SVC("'type':'NodePort','clusterIP':'10.96.1.1','selector':{'app':'web'},"
		      "'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'},{'port':443,"
		      "'nodePort':30443,'protocol':'TCP'}]",
		      ""),
		  "'web','NodePort','10.96.1.1','<none>','80:30080/TCP,443:30443/TCP','119s',"
		  "'app=web'");
}

TEST(load_balancer)
{
	CHECK_CELL("services",
		   SVC("'type':'LoadBalancer','clusterIP':'10.96.2.2','ports':[{'port':80,"
		       "'nodePort':31000,'protocol':'TCP'}]",
		       "'loadBalancer':{}"),
		   3, "'<pending>'");
	CHECK_ROW("services",
		  SVC("'type':'LoadBalancer','clusterIP':'10.96.2.2','externalIPs':['9.9.9.9'],"
		      "'ports':[{'port':80,'nodePort':31000,'protocol':'TCP'}]",
		      "'loadBalancer':{'ingress':[{'ip':'203.0.113.7'},{'hostname':'lb.example.com'},"
		      "{'ip':'198.51.100.1','hostname':'ignored.example.com'},{'ip':'203.0.113.7'}]}"),
		  "'web','LoadBalancer','10.96.2.2','198.51.100.1,203.0.113.7,lb.example.com,9.9.9.9',"
		  "'80:31000/TCP','119s','<none>'");
}

TEST(external_name)
{
	CHECK_ROW("services", SVC("'type':'ExternalName','externalName':'db.example.com'", ""),
		  "'web','ExternalName','<none>','db.example.com','<none>','119s','<none>'");
}

#define EP(subsets) "{'metadata':{'name':'web','creationTimestamp':'2024-05-01T09:00:00Z'}" subsets "}"
#define ADDR(ip) "{'ip':'" ip "'}"

TEST(endpoints)
{
	CHECK_ROW("endpoints", EP(""), "'web','<none>','3h'");
	CHECK_ROW("endpoints", EP(",'subsets':[]"), "'web','<none>','3h'");
	CHECK_ROW("endpoints",
		  EP(",'subsets':[{'addresses':[" ADDR("10.0.0.1") "," ADDR("10.0.0.2") "],"
		     "'ports':[{'port':80,'protocol':'TCP'}]}]"),
		  "'web','10.0.0.1:80,10.0.0.2:80','3h'");
	CHECK_ROW("endpoints",
		  EP(",'subsets':[{'addresses':[" ADDR("10.0.0.1") "," ADDR("10.0.0.2") "," ADDR(
			  "10.0.0.3") "," ADDR("10.0.0.4") "," ADDR("10.0.0.5") "],"
		     "'ports':[{'port':80}]}]"),
		  "'web','10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...','3h'");
}

TEST(endpoints_ports_and_subsets)
{
	/* port by port: every address with 80, then every address with 443 */
	CHECK_CELL("endpoints",
		   EP(",'subsets':[{'addresses':[" ADDR("10.0.0.1") "," ADDR("10.0.0.2") "],"
		      "'ports':[{'name':'http','port':80},{'name':'https','port':443}]}]"),
		   1, "'10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...'");
	/* headless without ports, not-ready addresses are not shown, IPv6 in brackets */
	CHECK_CELL("endpoints",
		   EP(",'subsets':[{'addresses':[" ADDR("10.0.0.1") "],'notReadyAddresses':[" ADDR(
			   "10.0.0.9") "]},{'addresses':[" ADDR("fd00::1") "],'ports':[{'port':8080}]}]"),
		   1, "'10.0.0.1,[fd00::1]:8080'");
	CHECK_CELL("endpoints",
		   EP(",'subsets':[{'notReadyAddresses':[" ADDR("10.0.0.9") "],'ports':[{'port':80}]}]"),
		   1, "''");
}
