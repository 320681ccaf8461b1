/*
 * test_nodelifecycle_logic.c - unit tests of the node-lifecycle decisions:
 * liveness from heartbeats and leases on the controller's clock, conditions
 * set to Unknown, taints from conditions (NoExecute and NoSchedule, the
 * user's kept), tolerations and eviction delays, pods marked not ready.
 */
#include "api/codec.h"
#include "base/timeutil.h"
#include "controllers/nodelifecycle/health.h"
#include "controllers/nodelifecycle/taints.h"
#include "test/controllers/gc_fixture.h"

#define S K8C_NSEC_PER_SEC

static const struct node_health_config cfg = { .grace_ns = 40 * S, .startup_grace_ns = 60 * S };

#define NODE(ready, hb) \
	"{'metadata':{'name':'n1','creationTimestamp':'2024-01-01T00:00:00Z'},'status':{" \
	"'conditions':[{'type':'Ready','status':'" ready "','lastHeartbeatTime':'" hb "'}]}}"
#define LEASE(renew) \
	"{'metadata':{'name':'n1','namespace':'kube-node-lease'},'spec':{'renewTime':'" renew "'}}"

TEST(liveness_counts_on_the_controllers_clock)
{
	struct node_health h = { 0 };
	struct k8c_node *n = FIXTURE(&k8c_type_node, NODE("True", "2020-01-01T00:00:00Z"));
	struct k8c_node *n2 = FIXTURE(&k8c_type_node, NODE("True", "2020-01-01T00:00:10Z"));
	REQUIRE(n && n2);
	/* an ancient heartbeat seen for the first time: a full grace period from now */
	CHECK(!node_health_observe(&h, n, NULL, 1000 * S, &cfg));
	CHECK(!node_health_observe(&h, n, NULL, 1040 * S, &cfg));
	CHECK(node_health_observe(&h, n, NULL, 1041 * S, &cfg));
	/* a new heartbeat (whatever its clock says) is life */
	CHECK(!node_health_observe(&h, n2, NULL, 1050 * S, &cfg));
	CHECK(node_health_observe(&h, n2, NULL, 1091 * S, &cfg));
	k8c_free(&k8c_type_node, n);
	k8c_free(&k8c_type_node, n2);
}

TEST(a_renewed_lease_is_life)
{
	struct node_health h = { 0 };
	struct k8c_node *n = FIXTURE(&k8c_type_node, NODE("True", "2020-01-01T00:00:00Z"));
	struct k8c_lease *l1 = FIXTURE(&k8c_type_lease, LEASE("2020-01-01T00:00:00.000000Z"));
	struct k8c_lease *l2 = FIXTURE(&k8c_type_lease, LEASE("2020-01-01T00:00:10.000000Z"));
	REQUIRE(n && l1 && l2);
	CHECK(!node_health_observe(&h, n, l1, 0, &cfg));
	CHECK(!node_health_observe(&h, n, l1, 30 * S, &cfg));
	CHECK(!node_health_observe(&h, n, l2, 35 * S, &cfg)); /* renewed */
	CHECK(!node_health_observe(&h, n, l2, 75 * S, &cfg));
	CHECK(node_health_observe(&h, n, l2, 76 * S, &cfg));
	k8c_free(&k8c_type_node, n);
	k8c_free(&k8c_type_lease, l1);
	k8c_free(&k8c_type_lease, l2);
}

TEST(never_posted_uses_the_startup_grace)
{
	struct node_health h = { 0 };
	struct k8c_node *n = FIXTURE(&k8c_type_node, "{'metadata':{'name':'n1'}}");
	REQUIRE(n);
	CHECK(!node_health_observe(&h, n, NULL, 0, &cfg));
	CHECK(!node_health_observe(&h, n, NULL, 60 * S, &cfg));
	CHECK(node_health_observe(&h, n, NULL, 61 * S, &cfg));
	k8c_free(&k8c_type_node, n);
}

TEST(mark_unknown)
{
	struct k8c_node *n = FIXTURE(&k8c_type_node,
		"{'metadata':{'name':'n1','creationTimestamp':'2024-01-01T00:00:00Z'},'status':{"
		"'conditions':[{'type':'MemoryPressure','status':'False'},"
		"{'type':'Ready','status':'True','reason':'KubeletReady',"
		"'lastHeartbeatTime':'2024-01-01T00:01:00Z'}]}}");
	REQUIRE(n);
	int64_t now = 0;
	time_parse_rfc3339("2024-01-01T00:05:00Z", &now);
	CHECK(node_health_mark_unknown(n, now));
	struct strbuf got = STRBUF_INIT;
	for (size_t i = 0; i < n->status.n_conditions; i++) {
		_cleanup_free_ char *c = gc_fixture_encode(&k8c_type_node_condition,
							   &n->status.conditions[i]);
		strbuf_addf(&got, "%s\n", c);
	}
	CHECK_STR(got.buf,
		  "{'status':'Unknown','lastTransitionTime':'2024-01-01T00:05:00Z','message':"
		  "'Kubelet stopped posting node status.','reason':'NodeStatusUnknown',"
		  "'type':'MemoryPressure'}\n"
		  "{'status':'Unknown','lastHeartbeatTime':'2024-01-01T00:01:00Z',"
		  "'lastTransitionTime':'2024-01-01T00:05:00Z','message':'Kubelet stopped posting "
		  "node status.','reason':'NodeStatusUnknown','type':'Ready'}\n"
		  "{'status':'Unknown','lastHeartbeatTime':'2024-01-01T00:00:00Z',"
		  "'lastTransitionTime':'2024-01-01T00:05:00Z','message':'Kubelet never posted "
		  "node status.','reason':'NodeStatusNeverUpdated','type':'DiskPressure'}\n"
		  "{'status':'Unknown','lastHeartbeatTime':'2024-01-01T00:00:00Z',"
		  "'lastTransitionTime':'2024-01-01T00:05:00Z','message':'Kubelet never posted "
		  "node status.','reason':'NodeStatusNeverUpdated','type':'PIDPressure'}\n");
	strbuf_release(&got);
	/* a second pass changes nothing */
	CHECK(!node_health_mark_unknown(n, now + S));
	k8c_free(&k8c_type_node, n);
}

static char *reconciled_taints(const char *node_json, bool *changed)
{
	struct k8c_node *n = FIXTURE(&k8c_type_node, node_json);
	if (!n)
		return NULL;
	*changed = taints_reconcile(n, 1704067200LL * S); /* 2024-01-01T00:00:00Z */
	struct k8c_node_spec *s = &n->spec;
	char *out = gc_fixture_encode(&k8c_type_node_spec, s);
	k8c_free(&k8c_type_node, n);
	return out;
}

TEST(taints_follow_conditions)
{
	bool changed = false;
	_cleanup_free_ char *unknown = reconciled_taints(
		"{'spec':{'taints':[{'key':'user','effect':'NoExecute'},"
		"{'key':'node.kubernetes.io/not-ready','effect':'NoExecute'}]},"
		"'status':{'conditions':[{'type':'Ready','status':'Unknown'}]}}", &changed);
	CHECK(changed);
	CHECK_STR(unknown, "{'taints':[{'effect':'NoExecute','key':'user'},"
			   "{'effect':'NoSchedule','key':'node.kubernetes.io/unreachable','timeAdded':"
			   "'2024-01-01T00:00:00Z'},{'effect':'NoExecute','key':"
			   "'node.kubernetes.io/unreachable','timeAdded':'2024-01-01T00:00:00Z'}]}");
	_cleanup_free_ char *not_ready = reconciled_taints(
		"{'spec':{'unschedulable':true},'status':{'conditions':["
		"{'type':'Ready','status':'False'},{'type':'DiskPressure','status':'True'}]}}",
		&changed);
	CHECK_STR(not_ready, "{'taints':[{'effect':'NoSchedule','key':'node.kubernetes.io/not-ready',"
			     "'timeAdded':'2024-01-01T00:00:00Z'},{'effect':'NoSchedule','key':"
			     "'node.kubernetes.io/disk-pressure','timeAdded':'2024-01-01T00:00:00Z'},"
			     "{'effect':'NoSchedule','key':'node.kubernetes.io/unschedulable',"
			     "'timeAdded':'2024-01-01T00:00:00Z'},{'effect':'NoExecute','key':"
			     "'node.kubernetes.io/not-ready','timeAdded':'2024-01-01T00:00:00Z'}],"
			     "'unschedulable':true}");
	/* recovered: controller taints go, the user's stays; a second pass is a no-op */
	const char *ready =
		"{'spec':{'taints':[{'key':'node.kubernetes.io/unreachable','effect':'NoExecute'},"
		"{'key':'node.kubernetes.io/unreachable','effect':'NoSchedule'},"
		"{'key':'user','effect':'NoSchedule'}]},"
		"'status':{'conditions':[{'type':'Ready','status':'True'}]}}";
	_cleanup_free_ char *rec = reconciled_taints(ready, &changed);
	CHECK(changed);
	CHECK_STR(rec, "{'taints':[{'effect':'NoSchedule','key':'user'}]}");
	_cleanup_free_ char *same = reconciled_taints(
		"{'spec':{'taints':[{'key':'user','effect':'NoSchedule'}]},"
		"'status':{'conditions':[{'type':'Ready','status':'True'}]}}", &changed);
	CHECK(!changed);
	/* no Ready condition: NoExecute taints are left alone */
	_cleanup_free_ char *none = reconciled_taints(
		"{'spec':{'taints':[{'key':'node.kubernetes.io/unreachable','effect':'NoExecute'}]}}",
		&changed);
	CHECK(!changed);
}

static enum eviction eviction(const char *pod_json, const char *node_json, int64_t *secs)
{
	struct k8c_pod *p = FIXTURE(&k8c_type_pod, pod_json);
	struct k8c_node *n = FIXTURE(&k8c_type_node, node_json);
	enum eviction e = EVICT_NEVER;
	if (p && n)
		e = taints_eviction(p->spec.tolerations, p->spec.n_tolerations, n->spec.taints,
				    n->spec.n_taints, secs);
	k8c_free(&k8c_type_pod, p);
	k8c_free(&k8c_type_node, n);
	return e;
}

#define TPOD(tols) "{'spec':{'containers':[{'name':'c','image':'i'}],'tolerations':" tols "}}"
#define TNODE(taints) "{'spec':{'taints':" taints "}}"
#define UNREACH "{'key':'node.kubernetes.io/unreachable','effect':'NoExecute'}"
#define NOSCHED "{'key':'x','effect':'NoSchedule'}"

TEST(tolerations_and_eviction_delays)
{
	int64_t s = -1;
	CHECK_INT(eviction(TPOD("[]"), TNODE("[" UNREACH "]"), &s), EVICT_NOW);
	CHECK_INT(eviction(TPOD("[]"), TNODE("[" NOSCHED "]"), &s), EVICT_NEVER);
	CHECK_INT(eviction(TPOD("[{'key':'node.kubernetes.io/unreachable','operator':'Exists',"
				"'effect':'NoExecute','tolerationSeconds':300}]"),
			   TNODE("[" UNREACH "," NOSCHED "]"), &s), EVICT_AFTER);
	CHECK_INT(s, 300);
	/* the smallest tolerationSeconds of the tolerations used wins */
	CHECK_INT(eviction(TPOD("[{'key':'node.kubernetes.io/unreachable','operator':'Exists',"
				"'tolerationSeconds':30},{'operator':'Exists','tolerationSeconds':5}]"),
			   TNODE("[" UNREACH ",{'key':'b','value':'v','effect':'NoExecute'}]"), &s),
		  EVICT_AFTER);
	CHECK_INT(s, 5);
	/* tolerated forever */
	CHECK_INT(eviction(TPOD("[{'operator':'Exists'}]"), TNODE("[" UNREACH "]"), &s),
		  EVICT_NEVER);
	/* a value mismatch does not tolerate; tolerationSeconds 0 evicts at once */
	CHECK_INT(eviction(TPOD("[{'key':'b','value':'w','effect':'NoExecute'}]"),
			   TNODE("[{'key':'b','value':'v','effect':'NoExecute'}]"), &s), EVICT_NOW);
	CHECK_INT(eviction(TPOD("[{'key':'b','value':'v','tolerationSeconds':0}]"),
			   TNODE("[{'key':'b','value':'v','effect':'NoExecute'}]"), &s), EVICT_NOW);
}

TEST(pod_marked_not_ready)
{
	struct k8c_pod *p = FIXTURE(&k8c_type_pod,
		"{'spec':{'containers':[{'name':'c','image':'i'}]},'status':{'conditions':["
		"{'type':'Ready','status':'True','lastTransitionTime':'2020-01-01T00:00:00Z'}]}}");
	REQUIRE(p);
	CHECK(node_health_mark_pod_not_ready(p, 1704067200LL * S));
	CHECK_STR(p->status.conditions[0].status, "False");
	CHECK_INT(p->status.conditions[0].last_transition_time, 1704067200LL * S);
	CHECK(!node_health_mark_pod_not_ready(p, 1704067300LL * S));
	k8c_free(&k8c_type_pod, p);
}
