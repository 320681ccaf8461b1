/*
 * test_workloads.c - Deployment and ReplicaSet rows: counts as JSON numbers,
 * the replicas default, containers and images, and label selectors in every
 * form (sorted requirements, in/notin/exists/!key, empty, invalid).
 */
#include "test/printers/rowtest.h"

#define META "'metadata':{'name':'web','creationTimestamp':'2024-04-30T12:00:00Z'}"
#define TEMPLATE                                                                                   \
	"'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':["                   \
	"{'name':'nginx','image':'nginx:1.25'},{'name':'log','image':'busybox'}]}}"
#define DEPLOY(spec, status) "{" META ",'spec':{" spec TEMPLATE "},'status':{" status "}}"
#define SELECTOR 7

TEST(deployment_row)
{
	CHECK_ROW("deployments",
		  DEPLOY("'replicas':3,'selector':{'matchLabels':{'app':'web'}},",
			 "'replicas':3,'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2"),
		  "'web','2/3',3,2,'24h','nginx,log','nginx:1.25,busybox','app=web'");
	/* replicas defaults to 1; absent status counts are 0 */
	CHECK_ROW("deployments", DEPLOY("'selector':{'matchLabels':{'app':'web'}},", ""),
		  "'web','0/1',0,0,'24h','nginx,log','nginx:1.25,busybox','app=web'");
	CHECK_CELL("deployments",
		   DEPLOY("'replicas':0,'selector':{'matchLabels':{'app':'web'}},", ""), 1,
		   "'0/0'");
}

TEST(deployment_selectors)
{
	CHECK_CELL("deployments",
		   DEPLOY("'selector':{'matchLabels':{'tier':'fe','app':'web'},'matchExpressions':["
			  "{'key':'env','operator':'In','values':['staging','prod']},"
			  "{'key':'legacy','operator':'DoesNotExist'},"
			  "{'key':'zone','operator':'NotIn','values':['b']},"
			  "{'key':'canary','operator':'Exists'}]},",
			  ""),
		   SELECTOR, "'app=web,canary,env in (prod,staging),!legacy,tier=fe,zone notin (b)'");
	CHECK_CELL("deployments", DEPLOY("'selector':{},", ""), SELECTOR, "''");
	CHECK_CELL("deployments", DEPLOY("", ""), SELECTOR, "''");
	CHECK_CELL("deployments",
		   DEPLOY("'selector':{'matchExpressions':[{'key':'a','operator':'Bogus'}]},", ""),
		   SELECTOR, "'<invalid>'");
}

TEST(invalid_selectors)
{
	const char *bad[] = {
		"{'key':'a','operator':'In'}",                        /* In without values */
		"{'key':'a','operator':'Exists','values':['x']}",     /* Exists with values */
		"{'key':'-a','operator':'Exists'}",                   /* bad name */
		"{'key':'Ex.com/a','operator':'Exists'}",             /* upper-case prefix */
		"{'key':'a/b/c','operator':'Exists'}",                /* two slashes */
		"{'key':'/a','operator':'Exists'}",                   /* empty prefix */
		"{'key':'a','operator':'In','values':['b c']}",       /* bad value */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf json = STRBUF_INIT;
		strbuf_addf(&json,
			    "{" META ",'spec':{'selector':{'matchExpressions':[%s]}," TEMPLATE "}}",
			    bad[i]);
		CHECK_CELL("replicasets", json.buf, SELECTOR, "'<error>'");
		strbuf_release(&json);
	}
	CHECK_CELL("replicasets",
		   "{" META ",'spec':{'selector':{'matchLabels':{'app':'a b'}}," TEMPLATE "}}",
		   SELECTOR, "'<error>'");
	CHECK_CELL("replicasets",
		   "{" META ",'spec':{'selector':{'matchExpressions':[{'key':'example.com/a_b.c',"
		   "'operator':'In','values':['','x-1']}]}," TEMPLATE "}}",
		   SELECTOR, "'example.com/a_b.c in (,x-1)'");
}

TEST(replicaset_row)
{
	CHECK_ROW("replicasets",
		  "{" META ",'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web',"
		  "'pod-template-hash':'5d8f'}}," TEMPLATE "},'status':{'replicas':3,"
		  "'readyReplicas':1}}",
		  "'web',3,3,1,'24h','nginx,log','nginx:1.25,busybox','app=web,pod-template-hash=5d8f'");
	CHECK_ROW("replicasets", "{" META ",'spec':{" TEMPLATE "}}",
		  "'web',1,0,0,'24h','nginx,log','nginx:1.25,busybox','<none>'");
}
