/*
 * test_event.c - Event rows: core/v1 events with timestamps, count and
 * source; events.k8s.io-style ones with eventTime, series and reporting
 * fields; objects without a name; trimmed messages; unknown times.
 */
#include "test/printers/rowtest.h"

#define META "'metadata':{'name':'web-1.17c','namespace':'default','creationTimestamp':'2024-05-01T11:50:00Z'}"

TEST(kubelet_event)
{
	CHECK_ROW("events",
		  "{" META ",'involvedObject':{'kind':'Pod','namespace':'default','name':'web-1',"
		  "'fieldPath':'spec.containers{app}'},'reason':'BackOff','message':"
		  "'  Back-off restarting failed container\\n','source':{'component':'kubelet',"
		  "'host':'node1'},'firstTimestamp':'2024-05-01T11:50:00Z','lastTimestamp':"
		  "'2024-05-01T11:58:00Z','count':7,'type':'Warning'}",
		  "'2m','Warning','BackOff','pod/web-1','spec.containers{app}','kubelet, node1',"
		  "'Back-off restarting failed container','10m',7,'web-1.17c'");
}

TEST(new_style_event)
{
	/* eventTime for both ages, the series for last seen and count, reporting fields */
	CHECK_ROW("events",
		  "{" META ",'involvedObject':{'kind':'Deployment','name':'web'},'reason':"
		  "'ScalingReplicaSet','message':'Scaled up','eventTime':'2024-05-01T11:00:00.000000Z',"
		  "'series':{'count':4,'lastObservedTime':'2024-05-01T11:59:15.000000Z'},"
		  "'reportingComponent':'deployment-controller','reportingInstance':'cm-1',"
		  "'type':'Normal'}",
		  "'45s','Normal','ScalingReplicaSet','deployment/web','','deployment-controller, cm-1',"
		  "'Scaled up','60m',4,'web-1.17c'");
	CHECK_ROW("events",
		  "{" META ",'involvedObject':{'kind':'Node'},'reason':'Starting','eventTime':"
		  "'2024-05-01T11:59:59.000000Z','reportingComponent':'kubelet','type':'Normal'}",
		  "'1s','Normal','Starting','node','','kubelet','','1s',1,'web-1.17c'");
}

TEST(event_without_times)
{
	CHECK_ROW("events", "{" META ",'involvedObject':{},'message':'\\u00a0\\u3000hi there \\t'}",
		  "'<unknown>','','','','','','hi there','<unknown>',1,'web-1.17c'");
	/* a last timestamp but no first one */
	CHECK_CELL("events",
		   "{" META ",'involvedObject':{},'lastTimestamp':'2024-05-01T11:00:00Z','count':2}",
		   7, "'<unknown>'");
}
