/*
 * test_pod.c - the pod row: every STATUS printPod can show (phases, reasons,
 * init containers, waiting and terminated containers, NotReady, Terminating,
 * Unknown, sidecars), READY, RESTARTS with the last restart's age, and the
 * wide columns. Rows are printed at 2024-05-01T12:00:00Z.
 */
#include "test/printers/rowtest.h"

#define META "'metadata':{'name':'web','creationTimestamp':'2024-05-01T11:55:00Z'}"
#define DELETING                                                                                   \
	"'metadata':{'name':'web','creationTimestamp':'2024-05-01T11:55:00Z',"                     \
	"'deletionTimestamp':'2024-05-01T11:59:00Z'}"
#define POD(spec, status) "{" META ",'spec':{" spec "},'status':{" status "}}"
#define ONE "'containers':[{'name':'app','image':'nginx'}]"
#define TWO "'containers':[{'name':'a','image':'x'},{'name':'b','image':'y'}]"
#define INIT2 "'initContainers':[{'name':'i1','image':'x'},{'name':'i2','image':'x'}]," ONE
/* the status of container name in state (a JSON member) */
#define CS(name, extra, state) "{'name':'" name "','image':'x','imageID':''," extra "'state':{" state "}}"
#define RUNNING "'running':{'startedAt':'2024-05-01T11:56:00Z'}"
#define WAITING(r) "'waiting':{'reason':'" r "'}"
#define TERMINATED(fields) "'terminated':{" fields "}"
#define READY "'ready':true,'restartCount':0,"
#define NOT_READY "'ready':false,'restartCount':0,"

#define STATUS 2
#define RESTARTS 3

TEST(running_pod_full_row)
{
	CHECK_ROW("pods",
		  POD(ONE ",'nodeName':'node1'",
		      "'phase':'Running','podIP':'10.0.0.5',"
		      "'conditions':[{'type':'Ready','status':'True'}],"
		      "'containerStatuses':[" CS("app", READY, RUNNING) "]"),
		  "'web','1/1','Running','0','5m','10.0.0.5','node1','<none>','<none>'");
}

TEST(pending_pod_full_row)
{
	CHECK_ROW("pods", POD(TWO, "'phase':'Pending'"),
		  "'web','0/2','Pending','0','5m','<none>','<none>','<none>','<none>'");
	CHECK_ROW("pods", "{'metadata':{'name':'bare'},'spec':{" ONE "}}",
		  "'bare','0/1','','0','<unknown>','<none>','<none>','<none>','<none>'");
}

TEST(waiting_reasons)
{
	const char *reasons[] = { "ContainerCreating", "CrashLoopBackOff", "ErrImageNeverPull",
				  "ImagePullBackOff", "ErrImagePull" };
	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++) {
		struct strbuf json = STRBUF_INIT, want = STRBUF_INIT;
		strbuf_addf(&json,
			    "{" META ",'spec':{" ONE "},'status':{'phase':'Pending',"
			    "'containerStatuses':[" CS("app", NOT_READY, WAITING("%s")) "]}}",
			    reasons[i]);
		strbuf_addf(&want, "'%s'", reasons[i]);
		CHECK_CELL("pods", json.buf, STATUS, want.buf);
		CHECK_CELL("pods", json.buf, 1, "'0/1'");
		strbuf_release(&json);
		strbuf_release(&want);
	}
}

TEST(crash_loop_restarts_with_age)
{
	const char *pod = POD(ONE, "'phase':'Running','containerStatuses':[{'name':'app',"
				   "'image':'x','imageID':'','ready':false,'restartCount':5,"
				   "'lastState':{'terminated':{'exitCode':1,'reason':'Error',"
				   "'finishedAt':'2024-05-01T11:57:50Z'}},"
				   "'state':{" WAITING("CrashLoopBackOff") "}}]");
	CHECK_ROW("pods", pod,
		  "'web','0/1','CrashLoopBackOff','5 (2m10s ago)','5m','<none>','<none>',"
		  "'<none>','<none>'");
	/* restarts without a recorded termination: the bare count */
	CHECK_CELL("pods",
		   POD(ONE, "'phase':'Running','containerStatuses':[{'name':'app','image':'x',"
			    "'imageID':'','ready':true,'restartCount':2,'state':{" RUNNING "}}]"),
		   RESTARTS, "'2'");
}

TEST(terminated_reasons)
{
	static const struct {
		const char *phase, *terminated, *want;
	} cases[] = {
		{ "Succeeded", "'exitCode':0,'reason':'Completed'", "'Completed'" },
		{ "Failed", "'exitCode':1,'reason':'Error'", "'Error'" },
		{ "Running", "'exitCode':137,'reason':'OOMKilled'", "'OOMKilled'" },
		{ "Failed", "'exitCode':2", "'ExitCode:2'" },
		{ "Failed", "'exitCode':137,'signal':9", "'Signal:9'" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf json = STRBUF_INIT;
		strbuf_addf(&json,
			    "{" META ",'spec':{" ONE "},'status':{'phase':'%s','containerStatuses':["
			    CS("app", NOT_READY, TERMINATED("%s")) "]}}",
			    cases[i].phase, cases[i].terminated);
		CHECK_CELL("pods", json.buf, STATUS, cases[i].want);
		strbuf_release(&json);
	}
}

TEST(first_container_reason_wins)
{
	CHECK_CELL("pods",
		   POD(TWO, "'phase':'Pending','containerStatuses':[" CS(
				    "a", NOT_READY, WAITING("ImagePullBackOff")) "," CS(
				    "b", NOT_READY, WAITING("ContainerCreating")) "]"),
		   STATUS, "'ImagePullBackOff'");
}

TEST(evicted)
{
	CHECK_ROW("pods",
		  POD(ONE, "'phase':'Failed','reason':'Evicted','message':'low on memory'"),
		  "'web','0/1','Evicted','0','5m','<none>','<none>','<none>','<none>'");
}

TEST(init_containers_progress)
{
	CHECK_CELL("pods",
		   POD(INIT2, "'phase':'Pending','initContainerStatuses':[" CS(
				      "i1", NOT_READY, RUNNING) "," CS("i2", NOT_READY,
									WAITING("PodInitializing")) "]"),
		   STATUS, "'Init:0/2'");
	CHECK_CELL("pods",
		   POD(INIT2, "'phase':'Pending','initContainerStatuses':[" CS(
				      "i1", NOT_READY, WAITING("PodInitializing")) "]"),
		   STATUS, "'Init:0/2'");
	CHECK_CELL("pods",
		   POD(INIT2, "'phase':'Pending','initContainerStatuses':[" CS(
				      "i1", NOT_READY,
				      TERMINATED("'exitCode':0,'reason':'Completed'")) "," CS("i2", NOT_READY,
											      RUNNING) "],"
			      "'containerStatuses':[" CS("app", NOT_READY,
							 WAITING("PodInitializing")) "]"),
		   STATUS, "'Init:1/2'");
}

TEST(init_containers_failing)
{
	static const struct {
		const char *state, *want;
	} cases[] = {
		{ TERMINATED("'exitCode':1,'reason':'Error'"), "'Init:Error'" },
		{ TERMINATED("'exitCode':1"), "'Init:ExitCode:1'" },
		{ TERMINATED("'exitCode':137,'signal':9"), "'Init:Signal:9'" },
		{ WAITING("ImagePullBackOff"), "'Init:ImagePullBackOff'" },
		/* exit code 0 counts as done, whatever else it says */
		{ TERMINATED("'exitCode':0,'signal':9"), "'Pending'" },
	};
	CHECK_ROW("pods",
		  POD(INIT2, "'phase':'Pending','initContainerStatuses':[{'name':'i1','image':'x',"
			     "'imageID':'','ready':false,'restartCount':4,'lastState':{'terminated':"
			     "{'exitCode':1,'finishedAt':'2024-05-01T11:59:30Z'}},"
			     "'state':{" WAITING("CrashLoopBackOff") "}}]"),
		  "'web','0/1','Init:CrashLoopBackOff','4 (30s ago)','5m','<none>','<none>',"
		  "'<none>','<none>'");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf json = STRBUF_INIT;
		strbuf_addf(&json,
			    "{" META ",'spec':{" INIT2 "},'status':{'phase':'Pending',"
			    "'initContainerStatuses':[" CS("i1", NOT_READY, "%s") "]}}",
			    cases[i].state);
		CHECK_CELL("pods", json.buf, STATUS, cases[i].want);
		strbuf_release(&json);
	}
}

#define COMPLETED_AND_RUNNING                                                                      \
	"'containerStatuses':[" CS("a", NOT_READY,                                                 \
				   TERMINATED("'exitCode':0,'reason':'Completed'")) "," CS(        \
		"b", READY, RUNNING) "]"

TEST(not_ready_vs_running)
{
	/* a completed container next to a running one: the Ready condition decides */
	CHECK_ROW("pods",
		  POD(TWO, "'phase':'Running','conditions':[{'type':'Ready','status':'False'}]," COMPLETED_AND_RUNNING),
		  "'web','1/2','NotReady','0','5m','<none>','<none>','<none>','<none>'");
	CHECK_CELL("pods",
		   POD(TWO, "'phase':'Running','conditions':[{'type':'Ready','status':'True'}]," COMPLETED_AND_RUNNING),
		   STATUS, "'Running'");
	/* all running but one not ready: printPod still says Running */
	CHECK_ROW("pods",
		  POD(TWO, "'phase':'Running','conditions':[{'type':'Ready','status':'False'}],"
			   "'containerStatuses':[" CS("a", READY, RUNNING) "," CS("b", NOT_READY,
										  RUNNING) "]"),
		  "'web','1/2','Running','0','5m','<none>','<none>','<none>','<none>'");
}

TEST(terminating_and_unknown)
{
	CHECK_CELL("pods",
		   "{" DELETING ",'spec':{" ONE "},'status':{'phase':'Running',"
		   "'containerStatuses':[" CS("app", READY, RUNNING) "]}}",
		   STATUS, "'Terminating'");
	CHECK_CELL("pods",
		   "{" DELETING ",'spec':{" ONE "},'status':{'phase':'Succeeded',"
		   "'containerStatuses':[" CS("app", NOT_READY,
					      TERMINATED("'exitCode':0,'reason':'Completed'")) "]}}",
		   STATUS, "'Completed'");
	CHECK_CELL("pods",
		   "{" DELETING ",'spec':{" ONE "},'status':{'phase':'Running','reason':'NodeLost',"
		   "'containerStatuses':[" CS("app", READY, RUNNING) "]}}",
		   STATUS, "'Unknown'");
	/* NodeLost without a deletion is shown as the reason itself */
	CHECK_CELL("pods", POD(ONE, "'phase':'Running','reason':'NodeLost'"), STATUS, "'NodeLost'");
}

TEST(scheduling_gated)
{
	CHECK_CELL("pods",
		   POD(ONE, "'phase':'Pending','conditions':[{'type':'PodScheduled',"
			    "'status':'False','reason':'SchedulingGated'}]"),
		   STATUS, "'SchedulingGated'");
}

TEST(sidecar_init_container)
{
	CHECK_ROW("pods",
		  POD("'initContainers':[{'name':'proxy','image':'x','restartPolicy':'Always'}]," ONE,
		      "'phase':'Running','conditions':[{'type':'Initialized','status':'True'},"
		      "{'type':'Ready','status':'True'}],'initContainerStatuses':[{'name':'proxy',"
		      "'image':'x','imageID':'','ready':true,'started':true,'restartCount':1,"
		      "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T11:00:00Z'}},"
		      "'state':{" RUNNING "}}],'containerStatuses':[" CS("app", READY, RUNNING) "]"),
		  "'web','2/2','Running','1 (60m ago)','5m','<none>','<none>','<none>','<none>'");
}

TEST(wide_columns)
{
	CHECK_ROW("pods",
		  POD(ONE ",'nodeName':'n1','readinessGates':[{'conditionType':'example.com/lb'},"
			  "{'conditionType':'example.com/dns'}]",
		      "'phase':'Running','podIPs':[{'ip':'fd00::5'}],'nominatedNodeName':'n2',"
		      "'conditions':[{'type':'example.com/lb','status':'True'},"
		      "{'type':'example.com/dns','status':'False'}],"
		      "'containerStatuses':[" CS("app", READY, RUNNING) "]"),
		  "'web','1/1','Running','0','5m','fd00::5','n1','n2','1/2'");
}
