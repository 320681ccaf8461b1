"""scheduler_test - k8c-scheduler against the real k8c-apiserver, with nodes the test makes.

Each case starts a fresh API server (its own SQLite data dir) and scheduler, creates Node
objects (allocatable, labels, taints, Ready condition) and pods through the API, and checks
where the pods end up as a user would see it: spec.nodeName, the PodScheduled condition
and its message, FailedScheduling events.

  scheduler_test.py --apiserver BIN --scheduler BIN
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Suite, request, wait_for  # noqa: E402

A = None  # parsed arguments
NS = "/api/v1/namespaces/default"


class Cluster:
    """An API server and one or more schedulers for one case."""

    def __init__(self, t, name, schedulers=1, sched_args=()):
        self.dir = os.path.join(t.workdir, name)
        self.api = ApiServer(A.apiserver, self.dir)
        self.scheds = [self.start_scheduler(i, sched_args) for i in range(schedulers)]

    def start_scheduler(self, i, extra=()):
        log = open(os.path.join(self.dir, "scheduler-%d.log" % i), "ab")
        args = [A.scheduler, "--server", self.api.url, "--kube-api-qps", "-1"] + list(extra)
        if "--leader-elect" not in " ".join(extra):
            args.append("--leader-elect=false")
        return subprocess.Popen(args, stdout=log, stderr=log)

    def stop(self, t):
        for p in self.scheds:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                t.check(p.returncode in (0, -9), "scheduler exit status", p.returncode)
        t.eq(self.api.stop(), 0, "apiserver exit status")

    def req(self, method, path, body=None, headers=None):
        return request(self.api.url, method, path, body, headers)

    def node(self, name, cpu="4", memory="8Gi", pods="110", labels=None, taints=None,
             ready="True", unschedulable=False):
        st, body, _ = self.req("POST", "/api/v1/nodes", {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": dict({"kubernetes.io/hostname": name},
                                                      **(labels or {}))},
            "spec": {"taints": taints or [], "unschedulable": unschedulable}})
        assert st == 201, (st, body)
        status = {"capacity": {"cpu": cpu, "memory": memory, "pods": pods},
                  "allocatable": {"cpu": cpu, "memory": memory, "pods": pods},
                  "conditions": [{"type": "Ready", "status": ready, "reason": "KubeletReady",
                                  "message": "test node", "lastHeartbeatTime": now(),
                                  "lastTransitionTime": now()}]}
        st, body, _ = self.req("PATCH", "/api/v1/nodes/%s/status" % name, {"status": status},
                               {"Content-Type": "application/merge-patch+json"})
        assert st == 200, (st, body)

    def pod(self, name, cpu=None, memory=None, owner=None, **spec):
        c = {"name": "c", "image": "k8c.local/busybox"}
        req = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
        if req:
            c["resources"] = {"requests": req}
        if "host_port" in spec:
            c["ports"] = [{"containerPort": 80, "hostPort": spec.pop("host_port")}]
        meta = {"name": name, "labels": {"app": owner or name}}
        if owner:
            meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                        "name": owner, "uid": "uid-" + owner,
                                        "controller": True}]
        st, body, _ = self.req("POST", NS + "/pods", {
            "apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": dict({"containers": [c]}, **spec)})
        assert st == 201, (st, body)

    def get_pod(self, name):
        st, body, _ = self.req("GET", NS + "/pods/" + name)
        assert st == 200, (st, body)
        return body

    def node_of(self, name):
        return self.get_pod(name)["spec"].get("nodeName")

    def wait_bound(self, name, timeout=10):
        return wait_for("pod %s to be bound" % name, lambda: self.node_of(name), timeout)

    def wait_unschedulable(self, name, timeout=10, message=None):
        """The pod's PodScheduled=False condition; with message, once it says that. The
        pod and node watches are separate streams, so a first attempt may not have seen
        the newest node yet (the pod is retried when it arrives): the message may settle
        a moment later. On timeout the last condition seen is returned for the caller's
        check to show."""
        def unschedulable():
            for c in self.get_pod(name).get("status", {}).get("conditions", []):
                if c["type"] == "PodScheduled" and c["status"] == "False":
                    return c
        cond = wait_for("pod %s to be Unschedulable" % name, unschedulable, timeout)
        if message is None:
            return cond
        try:
            return wait_for("pod %s's message %r" % (name, message), lambda: (
                lambda c: c if c and c.get("message") == message else None)(unschedulable()),
                timeout)
        except AssertionError:
            return unschedulable() or cond

    def pods(self):
        st, body, _ = self.req("GET", NS + "/pods")
        return body["items"]


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def with_cluster(fn):
    def run(t):
        c = Cluster(t, fn.__name__, **getattr(fn, "cluster_args", {}))
        try:
            fn(t, c)
        finally:
            c.stop(t)
    run.__name__ = fn.__name__
    return run


@with_cluster
def test_resources(t, c):
    for n in ("n1", "n2", "n3"):
        c.node(n, cpu="2")
    c.pod("big", cpu="3")
    want_big = ("0/3 nodes are available: 3 Insufficient cpu.")
    cond = c.wait_unschedulable("big", message=want_big)
    t.eq(cond.get("reason"), "Unschedulable", "reason")
    t.eq(cond.get("message"), want_big, "message")
    t.check(not c.node_of("big"), "the big pod stays Pending")
    ev = wait_for("a FailedScheduling event", lambda: [
        e for e in c.req("GET", NS + "/events")[1]["items"]
        if e.get("reason") == "FailedScheduling" and e["involvedObject"]["name"] == "big"])
    t.eq(ev[0]["type"], "Warning", "event type")
    t.check("Insufficient cpu" in ev[0]["message"], "event message", ev[0]["message"])
    c.pod("small", cpu="1500m")
    t.check(c.wait_bound("small") in ("n1", "n2", "n3"), "a pod that fits is bound")
    # mixed reasons, sorted as Kubernetes sorts them
    c.node("tainted", cpu="8", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
    c.pod("big2", cpu="3")
    want_big2 = ("0/4 nodes are available: 1 node(s) had untolerated taint "
               "{dedicated: gpu}, 3 Insufficient cpu.")
    cond = c.wait_unschedulable("big2", message=want_big2)
    t.eq(cond.get("message"), want_big2, "mixed message")


@with_cluster
def test_unschedulable_until_node_added(t, c):
    c.node("small", cpu="1")
    c.pod("wants4", cpu="4")
    c.wait_unschedulable("wants4")
    start = time.monotonic()
    c.node("large", cpu="8")
    t.eq(c.wait_bound("wants4", timeout=15), "large", "bound to the new node")
    t.check(time.monotonic() - start < 5, "scheduled soon after the node came",
            time.monotonic() - start)
    # freed resources: a pod deleted makes room
    c.pod("fill", cpu="4")  # with wants4 the node is full
    t.eq(c.wait_bound("fill"), "large", "fill bound")
    c.pod("waiting", cpu="3")
    c.wait_unschedulable("waiting")
    st, _, _ = c.req("DELETE", NS + "/pods/fill", {"gracePeriodSeconds": 0})
    t.check(st in (200, 202), "delete fill", st)
    t.eq(c.wait_bound("waiting", timeout=15), "large", "bound once room was freed")


@with_cluster
def test_node_selector_and_affinity(t, c):
    c.node("ssd", labels={"disk": "ssd", "gen": "5"})
    c.node("hdd", labels={"disk": "hdd", "gen": "3"})
    c.node("plain")
    c.pod("sel", nodeSelector={"disk": "ssd"})
    t.eq(c.wait_bound("sel"), "ssd", "nodeSelector")

    def req(*exprs):
        return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": list(exprs)}]}}}
    c.pod("in", affinity=req({"key": "disk", "operator": "In", "values": ["hdd"]}))
    t.eq(c.wait_bound("in"), "hdd", "In")
    c.pod("notin", affinity=req({"key": "disk", "operator": "NotIn", "values": ["hdd", "ssd"]}))
    t.eq(c.wait_bound("notin"), "plain", "NotIn")
    c.pod("exists", affinity=req({"key": "gen", "operator": "Exists"},
                                 {"key": "disk", "operator": "NotIn", "values": ["ssd"]}))
    t.eq(c.wait_bound("exists"), "hdd", "Exists")
    c.pod("dne", affinity=req({"key": "disk", "operator": "DoesNotExist"}))
    t.eq(c.wait_bound("dne"), "plain", "DoesNotExist")
    c.pod("gt", affinity=req({"key": "gen", "operator": "Gt", "values": ["4"]}))
    t.eq(c.wait_bound("gt"), "ssd", "Gt")
    c.pod("lt", affinity=req({"key": "gen", "operator": "Lt", "values": ["4"]}))
    t.eq(c.wait_bound("lt"), "hdd", "Lt")
    c.pod("none", affinity=req({"key": "disk", "operator": "In", "values": ["nvme"]}))
    want_none = ("0/3 nodes are available: 3 node(s) didn't match Pod's node "
               "affinity/selector.")
    cond = c.wait_unschedulable("none", message=want_none)
    t.eq(cond.get("message"), want_none, "no match message")
    for i in range(6):
        c.pod("pref%d" % i, affinity={"nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 50, "preference": {"matchExpressions": [
                    {"key": "disk", "operator": "In", "values": ["hdd"]}]}}]}})
    for i in range(6):
        t.eq(c.wait_bound("pref%d" % i), "hdd", "preferred affinity pref%d" % i)


@with_cluster
def test_taints_and_tolerations(t, c):
    c.node("gpu", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
    c.node("exec", taints=[{"key": "maint", "effect": "NoExecute"}])
    c.node("notready", ready="False")
    c.node("cordoned", unschedulable=True)
    c.pod("plain")
    want_plain = ("0/4 nodes are available: 1 node(s) had untolerated taint "
               "{dedicated: gpu}, 1 node(s) had untolerated taint {maint: }, 1 node(s) had "
               "untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable.")
    cond = c.wait_unschedulable("plain", message=want_plain)
    t.eq(cond.get("message"), want_plain,
         "message")
    c.pod("tol", tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu",
                               "effect": "NoSchedule"}])
    t.eq(c.wait_bound("tol"), "gpu", "toleration Equal")
    c.pod("tolexists", tolerations=[{"key": "maint", "operator": "Exists"}])
    t.eq(c.wait_bound("tolexists"), "exec", "toleration Exists (any effect)")
    c.pod("wrongvalue", tolerations=[{"key": "dedicated", "operator": "Equal", "value": "cpu"}])
    c.wait_unschedulable("wrongvalue")
    c.node("open")
    t.eq(c.wait_bound("plain", timeout=15), "open", "plain pod on the untainted node")


@with_cluster
def test_host_ports(t, c):
    c.node("only")
    c.pod("p1", host_port=8080)
    t.eq(c.wait_bound("p1"), "only", "first pod")
    c.pod("p2", host_port=8080)
    want_p2 = ("0/1 nodes are available: 1 node(s) didn't have free ports "
               "for the requested pod ports.")
    cond = c.wait_unschedulable("p2", message=want_p2)
    t.eq(cond.get("message"), want_p2, "port conflict message")
    c.pod("p3", host_port=8081)
    t.eq(c.wait_bound("p3"), "only", "another port fits")


@with_cluster
def test_spreading(t, c):
    for n in ("a", "b", "c"):
        c.node(n)
    for i in range(9):
        c.pod("rs-%d" % i, owner="web")
    nodes = [c.wait_bound("rs-%d" % i) for i in range(9)]
    counts = {n: nodes.count(n) for n in ("a", "b", "c")}
    t.eq(counts, {"a": 3, "b": 3, "c": 3}, "a ReplicaSet's pods spread evenly")


@with_cluster
def test_no_overcommit_500(t, c):
    # 5 nodes of 2 cpu / 10 pods: room for 50 pods of 200m; 500 pods race for it
    for i in range(5):
        c.node("n%d" % i, cpu="2", memory="4Gi", pods="110")
    procs = []
    # create the 500 pods concurrently from several processes
    script = ("import sys,json,http.client\n"
              "c=http.client.HTTPConnection('127.0.0.1',%d)\n"
              "for i in range(int(sys.argv[1]),int(sys.argv[2])):\n"
              " b=json.dumps({'apiVersion':'v1','kind':'Pod','metadata':{'name':'p%%d'%%i},"
              "'spec':{'containers':[{'name':'c','image':'k8c.local/busybox',"
              "'resources':{'requests':{'cpu':'200m','memory':'64Mi'}}}]}})\n"
              " c.request('POST','/api/v1/namespaces/default/pods',b,"
              "{'Content-Type':'application/json'}); r=c.getresponse(); r.read()\n"
              " assert r.status==201, r.status\n") % c.api.port
    for k in range(5):
        procs.append(subprocess.Popen(["/usr/bin/python3", "-c", script, str(k * 100),
                                       str(k * 100 + 100)]))
    for p in procs:
        t.eq(p.wait(60), 0, "creator exit")

    def settled():
        pods = c.pods()
        bound = [p for p in pods if p["spec"].get("nodeName")]
        pending = [p for p in pods if not p["spec"].get("nodeName") and any(
            x["type"] == "PodScheduled" and x["status"] == "False"
            for x in p.get("status", {}).get("conditions", []))]
        return (bound, pending) if len(bound) + len(pending) == 500 else None
    bound, pending = wait_for("all 500 pods bound or unschedulable", settled, timeout=60)
    t.eq(len(bound), 50, "exactly the pods that fit are bound")
    per_node = {}
    for p in bound:
        per_node[p["spec"]["nodeName"]] = per_node.get(p["spec"]["nodeName"], 0) + 200
    t.check(all(v <= 2000 for v in per_node.values()), "no node overcommitted", per_node)
    t.eq(len(per_node), 5, "every node used")


def leader_case(t):
    """Two schedulers with --leader-elect: one leads and binds; kill -9 it, the other takes over."""
    c = Cluster(t, "leader_election", schedulers=0)
    logs = [os.path.join(c.dir, "scheduler-%d.log" % i) for i in range(2)]

    def leaders():
        return [i for i, f in enumerate(logs) if "became the leader" in open(f).read()]
    try:
        args = ["--leader-elect", "--leader-elect-lease-duration=2s",
                "--leader-elect-renew-deadline=1500ms", "--leader-elect-retry-period=200ms"]
        c.scheds = [c.start_scheduler(i, args) for i in range(2)]
        c.node("n1")
        first = wait_for("a leader", leaders, timeout=15)
        t.eq(len(first), 1, "exactly one leader")
        for i in range(5):
            c.pod("le-%d" % i)
        for i in range(5):
            c.wait_bound("le-%d" % i)
        t.eq(leaders(), first, "the other never led while the leader lived")
        c.scheds[first[0]].kill()
        c.scheds[first[0]].wait()
        start = time.monotonic()
        wait_for("the other scheduler to lead", lambda: len(leaders()) == 2, timeout=10)
        took = time.monotonic() - start
        t.check(took < 4, "handover within the lease duration (2 s) plus a retry", took)
        c.pod("after")
        t.check(c.wait_bound("after", timeout=10), "the new leader binds")
    finally:
        c.stop(t)


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--scheduler", required=True)
    A = ap.parse_args()
    t = Suite("scheduler")
    for case in (test_resources, test_unschedulable_until_node_added,
                 test_node_selector_and_affinity, test_taints_and_tolerations, test_host_ports,
                 test_spreading, test_no_overcommit_500):
        t.case(case, t)
    t.case(leader_case, t)
    sys.exit(t.finish())


if __name__ == "__main__":
    main()
