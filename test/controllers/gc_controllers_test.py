#!/usr/bin/python3
"""gc_controllers_test.py - the Endpoints, garbage-collector, Namespace and node-lifecycle
controllers of the real k8c-controller-manager against the real k8c-apiserver (SQLite),
with Debian's kubectl for the cascading deletions. No kubelet or scheduler: the test
writes pod statuses, node statuses and node Leases itself.

    gc_controllers_test.py --apiserver PATH --controller-manager PATH
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Suite, request, wait_for  # noqa: E402

GRACE_S = 3        # --node-monitor-grace-period
TOLERATION_S = 2   # the apiserver's --default-unreachable-toleration-seconds
WRITE_VERBS = ("POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION")


def now_rfc3339(micro=False):
    t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def debian_kubectl():
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    out = subprocess.run(["bash", "-c", "source hack/lib.sh && k8c_debian_kubectl"], cwd=root,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("Debian's kubectl is missing: " + out.stderr.strip())
    return out.stdout.strip()


class ControllerManager:
    """k8c-controller-manager on the API server, without leader election."""

    def __init__(self, binary, url, workdir, extra=()):
        self.log_path = os.path.join(workdir, "controller-manager.log")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [binary, "--server", url, "--leader-elect=false"] + list(extra),
            stdout=self.log, stderr=self.log)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -1
        return self.proc.returncode


def pod(name, labels, ready=None, ip=None, node=None, owner=None, tolerations=None,
        finalizers=None):
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": name, "labels": labels},
         "spec": {"containers": [{"name": "c", "image": "k8c.local/busybox",
                                  "ports": [{"name": "http", "containerPort": 8080}]}]}}
    if node:
        p["spec"]["nodeName"] = node
    if owner:
        p["metadata"]["ownerReferences"] = [owner]
    if tolerations is not None:
        p["spec"]["tolerations"] = tolerations
    if finalizers:
        p["metadata"]["finalizers"] = finalizers
    return p


def deployment(name, replicas):
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "c",
                                                           "image": "k8c.local/busybox"}]}}}}


class Tests:
    def __init__(self, t, args):
        self.t = t
        self.srv = ApiServer(args.apiserver, os.path.join(t.workdir, "apiserver"), extra=[
            "--default-unreachable-toleration-seconds", str(TOLERATION_S),
            "--default-not-ready-toleration-seconds", str(TOLERATION_S)])
        self.args = args
        self.cm_flags = ["--node-monitor-grace-period", "%ds" % GRACE_S,
                         "--node-monitor-period", "500ms"]
        self.cm = ControllerManager(args.controller_manager, self.srv.url, t.workdir,
                                    self.cm_flags)
        self.kubectl = debian_kubectl()

    # ---- helpers ------------------------------------------------------------------

    def req(self, method, path, body=None, ctype=None):
        headers = {"Content-Type": ctype} if ctype else None
        return request(self.srv.url, method, path, body, headers=headers)

    def get(self, path):
        st, obj, _ = self.req("GET", path)
        return obj if st == 200 else None

    def create(self, path, obj):
        st, got, _ = self.req("POST", path, obj)
        if st != 201:
            raise AssertionError("create %s: %d %r" % (path, st, got))
        return got

    def merge_patch(self, path, patch):
        st, got, _ = self.req("PATCH", path, patch, "application/merge-patch+json")
        if st != 200:
            raise AssertionError("patch %s: %d %r" % (path, st, got))
        return got

    def gone(self, path):
        return self.req("GET", path)[0] == 404

    def names(self, path, selector=None):
        q = "?labelSelector=" + selector if selector else ""
        st, lst, _ = self.req("GET", path + q)
        return sorted(i["metadata"]["name"] for i in lst["items"])

    def kubectl_run(self, *args):
        out = subprocess.run([self.kubectl, "--server", self.srv.url] + list(args),
                             capture_output=True, text=True, timeout=60)
        self.t.check(out.returncode == 0, "kubectl %s" % " ".join(args), out.stderr)
        return out.stdout

    def set_pod_status(self, ns, name, ready, ip="10.1.0.1"):
        self.merge_patch("/api/v1/namespaces/%s/pods/%s/status" % (ns, name), {"status": {
            "phase": "Running", "podIP": ip,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}})

    def writes(self):
        """Write requests the API server has answered, from its /metrics."""
        st, text, _ = request(self.srv.url, "GET", "/metrics", raw=True)
        total = 0
        for m in re.finditer(r'^apiserver_request_total\{verb="(\w+)"[^}]*\} (\d+)$', text, re.M):
            if m.group(1) in WRITE_VERBS:
                total += int(m.group(2))
        return total

    # ---- Endpoints ----------------------------------------------------------------

    def endpoints(self, name, ns="default"):
        ep = self.get("/api/v1/namespaces/%s/endpoints/%s" % (ns, name))
        if not ep:
            return None
        subsets = ep.get("subsets") or []
        ready = sorted(a["ip"] for s in subsets for a in s.get("addresses", []))
        not_ready = sorted(a["ip"] for s in subsets for a in s.get("notReadyAddresses", []))
        ports = sorted((p.get("name"), p["port"]) for s in subsets for p in s.get("ports", []))
        return ready, not_ready, sorted(set(ports))

    def test_endpoints_follow_pod_readiness(self):
        t = self.t
        PODS = "/api/v1/namespaces/default/pods"
        self.create("/api/v1/namespaces/default/services", {
            "metadata": {"name": "web", "labels": {"tier": "front"}},
            "spec": {"selector": {"app": "web"}, "ports": [
                {"name": "http", "port": 80, "targetPort": "http"},
                {"name": "raw", "port": 81, "targetPort": 9000}]}})
        for i, ready in ((1, True), (2, True), (3, False)):
            self.create(PODS, pod("web-%d" % i, {"app": "web"}))
            self.set_pod_status("default", "web-%d" % i, ready, "10.1.0.%d" % i)
        self.create(PODS, pod("web-noip", {"app": "web"}))
        self.create(PODS, pod("other", {"app": "db"}))
        self.set_pod_status("default", "other", True, "10.1.0.9")
        ports = [("http", 8080), ("raw", 9000)]
        want = (["10.1.0.1", "10.1.0.2"], ["10.1.0.3"], ports)
        wait_for("endpoints with ready and not-ready pods",
                 lambda: self.endpoints("web") == want, timeout=10)
        ep = self.get("/api/v1/namespaces/default/endpoints/web")
        addr = ep["subsets"][0]["addresses"][0]
        t.eq(addr.get("targetRef", {}).get("kind"), "Pod", "targetRef kind")
        t.eq(addr.get("targetRef", {}).get("name"), "web-1", "targetRef name")
        t.eq(ep["metadata"].get("labels"), {"tier": "front"}, "labels: the Service's")
        self.create("/api/v1/namespaces/default/services", {
            "metadata": {"name": "web-headless"},
            "spec": {"clusterIP": "None", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
        wait_for("a headless Service's Endpoints are marked so", lambda: (self.get(
            "/api/v1/namespaces/default/endpoints/web-headless") or {"metadata": {}})[
            "metadata"].get("labels") == {"service.kubernetes.io/headless": ""}, timeout=10)
        self.req("DELETE", "/api/v1/namespaces/default/services/web-headless")
        self.set_pod_status("default", "web-3", True, "10.1.0.3")
        self.set_pod_status("default", "web-1", False, "10.1.0.1")
        wait_for("readiness flips move addresses", lambda: self.endpoints("web") ==
                 (["10.1.0.2", "10.1.0.3"], ["10.1.0.1"], ports), timeout=10)
        self.req("DELETE", PODS + "/web-2")
        wait_for("a deleted pod leaves", lambda: self.endpoints("web") ==
                 (["10.1.0.3"], ["10.1.0.1"], ports), timeout=10)
        # a Service without a selector is its user's: a hand-written Endpoints stays
        self.create("/api/v1/namespaces/default/services", {
            "metadata": {"name": "manual"}, "spec": {"ports": [{"port": 5432}]}})
        manual = self.create("/api/v1/namespaces/default/endpoints", {
            "metadata": {"name": "manual"},
            "subsets": [{"addresses": [{"ip": "192.0.2.1"}], "ports": [{"port": 5432}]}]})
        self.merge_patch("/api/v1/namespaces/default/services/web",
                         {"metadata": {"labels": {"tier": "back"}}})
        wait_for("a Service label change reaches its Endpoints", lambda: self.get(
            "/api/v1/namespaces/default/endpoints/web")["metadata"]["labels"].get("tier") == "back")
        t.eq(self.get("/api/v1/namespaces/default/endpoints/manual")["metadata"]["resourceVersion"],
             manual["metadata"]["resourceVersion"], "selector-less Service's Endpoints untouched")
        self.req("DELETE", "/api/v1/namespaces/default/services/web")
        wait_for("Endpoints deleted with their Service",
                 lambda: self.gone("/api/v1/namespaces/default/endpoints/web"), timeout=10)

    # ---- garbage collector ------------------------------------------------------------

    def wait_deployment_chain(self, name, replicas):
        """Waits for the Deployment's ReplicaSet and pods; returns (rs name, pod names)."""
        def chain():
            rs = self.names("/apis/apps/v1/namespaces/default/replicasets", "app%3D" + name)
            pods = self.names("/api/v1/namespaces/default/pods", "app%3D" + name)
            return (rs[0], pods) if len(rs) == 1 and len(pods) == replicas else None
        return wait_for("deployment %s -> replicaset -> %d pods" % (name, replicas), chain,
                        timeout=20)

    def test_cascade_background(self):
        self.create("/apis/apps/v1/namespaces/default/deployments", deployment("bg", 2))
        rs, pods = self.wait_deployment_chain("bg", 2)
        self.kubectl_run("delete", "deployment", "bg", "--cascade=background")
        wait_for("replicaset and pods of a background-deleted deployment gone", lambda:
                 not self.names("/apis/apps/v1/namespaces/default/replicasets", "app%3Dbg") and
                 not self.names("/api/v1/namespaces/default/pods", "app%3Dbg"), timeout=20)

    def test_cascade_foreground(self):
        t = self.t
        DEP = "/apis/apps/v1/namespaces/default/deployments/fg"
        self.create("/apis/apps/v1/namespaces/default/deployments", deployment("fg", 2))
        rs_name, pods = self.wait_deployment_chain("fg", 2)
        RS = "/apis/apps/v1/namespaces/default/replicasets/" + rs_name
        rs = self.get(RS)
        # a pod the test holds with a finalizer keeps the whole chain waiting
        hold = pod("fg-hold", {"held": "yes"}, finalizers=["k8c.test/hold"], owner={
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs_name,
            "uid": rs["metadata"]["uid"], "blockOwnerDeletion": True})
        self.create("/api/v1/namespaces/default/pods", hold)
        self.kubectl_run("delete", "deployment", "fg", "--cascade=foreground", "--wait=false")
        wait_for("the replica pods deleted first", lambda: not self.names(
            "/api/v1/namespaces/default/pods", "app%3Dfg"), timeout=20)
        d, r = self.get(DEP), self.get(RS)
        t.check(d and d["metadata"].get("deletionTimestamp") and
                "foregroundDeletion" in d["metadata"].get("finalizers", []),
                "deployment waits with the foregroundDeletion finalizer", d and d["metadata"])
        t.check(r and r["metadata"].get("deletionTimestamp") and
                "foregroundDeletion" in r["metadata"].get("finalizers", []),
                "replicaset (which owns pods) deleted in the foreground too", r and r["metadata"])
        # the collector deletes dependents in no particular order: wait for the held one too
        def held_marked():
            held = self.get("/api/v1/namespaces/default/pods/fg-hold")
            return held and held["metadata"].get("deletionTimestamp")
        t.check(wait_for("the held pod marked for deletion", held_marked, timeout=20),
                "held pod being deleted")
        self.merge_patch("/api/v1/namespaces/default/pods/fg-hold",
                         {"metadata": {"finalizers": None}})
        wait_for("replicaset then deployment gone once the last blocker goes",
                 lambda: self.gone(RS) and self.gone(DEP), timeout=20)

    def test_cascade_orphan(self):
        t = self.t
        self.create("/apis/apps/v1/namespaces/default/deployments", deployment("orph", 2))
        rs_name, pods = self.wait_deployment_chain("orph", 2)
        self.kubectl_run("delete", "deployment", "orph", "--cascade=orphan")
        wait_for("orphaned deployment gone",
                 lambda: self.gone("/apis/apps/v1/namespaces/default/deployments/orph"))
        rs = self.get("/apis/apps/v1/namespaces/default/replicasets/" + rs_name)
        t.check(rs is not None, "replicaset survives")
        t.eq(rs and rs["metadata"].get("ownerReferences", []), [], "its ownerReferences removed")
        t.eq(self.names("/api/v1/namespaces/default/pods", "app%3Dorph"), pods,
             "its pods survive")
        self.req("DELETE", "/apis/apps/v1/namespaces/default/replicasets/" + rs_name)

    def test_dangling_owners(self):
        t = self.t
        CMS = "/api/v1/namespaces/default/configmaps"
        owner = self.create(CMS, {"metadata": {"name": "owner"}})
        ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner",
               "uid": owner["metadata"]["uid"]}
        ghost = dict(ref, name="ghost", uid="00000000-0000-4000-8000-000000000000")
        namesake = dict(ref, uid="00000000-0000-4000-8000-000000000001")
        self.create(CMS, {"metadata": {"name": "orphan-of-ghost", "ownerReferences": [ghost]}})
        self.create(CMS, {"metadata": {"name": "orphan-of-namesake",
                                       "ownerReferences": [namesake]}})
        self.create(CMS, {"metadata": {"name": "two-owners", "ownerReferences": [ref, ghost]}})
        wait_for("dependents of absent owners (or of another uid) deleted",
                 lambda: self.gone(CMS + "/orphan-of-ghost") and
                 self.gone(CMS + "/orphan-of-namesake"), timeout=10)
        wait_for("the dangling reference cut from a dependent with a live owner",
                 lambda: [r["uid"] for r in self.get(CMS + "/two-owners")["metadata"].get(
                     "ownerReferences", [])] == [owner["metadata"]["uid"]], timeout=10)
        self.req("DELETE", CMS + "/owner")
        wait_for("deleting the owner collects the dependent",
                 lambda: self.gone(CMS + "/two-owners"), timeout=10)
        st, body, _ = self.req("DELETE", CMS + "/x?orphanDependents=true",
                               {"propagationPolicy": "Background"})
        t.eq(st, 422, "orphanDependents with propagationPolicy: 422")
        # the collector's patches name the dependent's uid: another uid must not be written
        cm = self.create(CMS, {"metadata": {"name": "guarded"}})
        st, body, _ = self.req("PATCH", CMS + "/guarded", {"metadata": {
            "uid": namesake["uid"], "labels": {"x": "y"}}}, "application/merge-patch+json")
        t.eq(st, 422, "a patch naming another uid: 422")
        t.eq(self.get(CMS + "/guarded")["metadata"]["resourceVersion"],
             cm["metadata"]["resourceVersion"], "and nothing written")

    # ---- Namespace --------------------------------------------------------------------

    def test_namespace_deletion(self):
        t = self.t
        self.create("/api/v1/namespaces", {"metadata": {"name": "doomed"}})
        NS = "/api/v1/namespaces/doomed"
        self.create("/apis/apps/v1/namespaces/doomed/deployments", deployment("app", 2))
        wait_for("pods in the namespace", lambda: len(self.names(NS + "/pods")) == 2, timeout=20)
        self.create(NS + "/configmaps", {"metadata": {"name": "cm"}})
        self.create(NS + "/secrets", {"metadata": {"name": "s"}, "data": {"k": "dg=="}})
        self.create(NS + "/services", {"metadata": {"name": "svc"},
                                       "spec": {"selector": {"app": "app"},
                                                "ports": [{"port": 80}]}})
        st, body, _ = self.req("DELETE", "/api/v1/namespaces/kube-system")
        t.eq(st, 403, "kube-system may not be deleted")
        self.kubectl_run("delete", "namespace", "doomed", "--wait=false")
        st, body, _ = self.req("POST", NS + "/configmaps", {"metadata": {"name": "late"}})
        if st != 404:  # unless the namespace is gone already
            t.eq(st, 403, "no new content in a Terminating namespace")
        wait_for("the namespace emptied, then gone", lambda: self.gone(NS), timeout=30)
        for res in ("pods", "configmaps", "secrets", "services", "endpoints"):
            t.eq(self.names("/api/v1/namespaces/doomed/" + res), [], "no %s left" % res)
        t.eq(self.names("/apis/apps/v1/namespaces/doomed/replicasets"), [], "no replicasets left")

    def test_namespace_waits_for_finalizers(self):
        t = self.t
        self.create("/api/v1/namespaces", {"metadata": {"name": "held"}})
        CM = "/api/v1/namespaces/held/configmaps/keep"
        self.create("/api/v1/namespaces/held/configmaps",
                    {"metadata": {"name": "keep", "finalizers": ["k8c.test/hold"]}})
        self.req("DELETE", "/api/v1/namespaces/held")

        def remaining():
            ns = self.get("/api/v1/namespaces/held")
            conds = {c["type"]: c for c in (ns or {}).get("status", {}).get("conditions", [])}
            c = conds.get("NamespaceFinalizersRemaining", {})
            return c if c.get("status") == "True" else None
        c = wait_for("NamespaceFinalizersRemaining", remaining, timeout=10)
        t.eq(c.get("message"), "Some content in the namespace has finalizers remaining: "
             "k8c.test/hold in 1 resource instances", "finalizers condition message")
        t.eq(self.get("/api/v1/namespaces/held")["status"]["phase"], "Terminating", "phase")
        self.merge_patch(CM, {"metadata": {"finalizers": None}})
        wait_for("namespace gone once the finalizer is", lambda: self.gone(
            "/api/v1/namespaces/held"), timeout=20)

    # ---- node lifecycle ---------------------------------------------------------------

    def node_heartbeat(self, name, ready="True"):
        now = now_rfc3339()
        self.req("PATCH", "/api/v1/nodes/%s/status" % name, {"status": {"conditions": [
            {"type": "Ready", "status": ready, "reason": "KubeletReady",
             "lastHeartbeatTime": now, "lastTransitionTime": now}]}},
            "application/strategic-merge-patch+json")
        LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"
        lease = {"metadata": {"name": name}, "spec": {
            "holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": now_rfc3339(True)}}
        if self.req("POST", LEASES, lease)[0] == 409:
            self.merge_patch(LEASES + "/" + name, {"spec": lease["spec"]})

    def taints(self, node):
        n = self.get("/api/v1/nodes/" + node)
        return sorted((x["key"], x["effect"]) for x in n["spec"].get("taints", []))

    def ready_condition(self, node):
        n = self.get("/api/v1/nodes/" + node)
        return [c for c in n["status"]["conditions"] if c["type"] == "Ready"][0]

    def pod_ready(self, name):
        p = self.get("/api/v1/namespaces/default/pods/" + name)
        return [c["status"] for c in p["status"].get("conditions", []) if c["type"] == "Ready"]

    def rs_pod_on(self, rs, node):
        """Creates ReplicaSet rs (1 replica) and binds its pod to node, ready. Returns its name."""
        d = deployment(rs, 1)
        d["kind"] = "ReplicaSet"
        self.create("/apis/apps/v1/namespaces/default/replicasets", d)
        name = wait_for("the replicaset's pod", lambda: self.names(
            "/api/v1/namespaces/default/pods", "app%3D" + rs), timeout=10)[0]
        st, body, _ = self.req("POST", "/api/v1/namespaces/default/pods/%s/binding" % name, {
            "apiVersion": "v1", "kind": "Binding", "metadata": {"name": name},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node}})
        self.t.eq(st, 201, "pod bound")
        self.set_pod_status("default", name, True)
        return name

    def test_node_lifecycle(self):
        t = self.t
        PODS = "/api/v1/namespaces/default/pods"
        self.create("/api/v1/nodes", {"metadata": {"name": "n1"}})
        self.node_heartbeat("n1")
        evictee = self.rs_pod_on("evictee", "n1")
        forever = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                    "effect": "NoExecute"}]
        self.create(PODS, pod("stays", {"n": "1"}, node="n1", tolerations=forever))
        self.set_pod_status("default", "stays", True)
        self.merge_patch(PODS + "/stays/status", {"status": {"hostIP": "10.0.0.9"}})
        tol = self.get(PODS + "/" + evictee)["spec"].get("tolerations", [])
        t.check({"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                 "effect": "NoExecute", "tolerationSeconds": TOLERATION_S} in tol,
                "DefaultTolerationSeconds added the unreachable toleration", tol)
        # the test stops heart-beating: after the grace period the node is Unknown
        start = time.monotonic()
        c = wait_for("node Ready=Unknown", lambda: self.ready_condition("n1")["status"] ==
                     "Unknown" and self.ready_condition("n1"), timeout=GRACE_S + 10)
        t.check(time.monotonic() - start >= GRACE_S - 1, "not before the grace period")
        t.eq(c.get("reason"), "NodeStatusUnknown", "reason")
        t.eq(c.get("message"), "Kubelet stopped posting node status.", "message")
        wait_for("unreachable taints", lambda: ("node.kubernetes.io/unreachable", "NoExecute")
                 in self.taints("n1"), timeout=10)
        t.check(("node.kubernetes.io/unreachable", "NoSchedule") in self.taints("n1"),
                "and the NoSchedule one")
        wait_for("pods marked not ready", lambda: self.pod_ready(evictee) == ["False"] and
                 self.pod_ready("stays") == ["False"], timeout=10)
        # the controller's cache holds pods without their image or hostIP: marking one not
        # ready (a PUT of its whole status) must not lose what the cache dropped
        stays = self.get(PODS + "/stays")
        t.eq(stays["spec"]["containers"][0].get("image"), "k8c.local/busybox",
             "marking the pod not ready kept its spec")
        t.eq(stays["status"].get("hostIP"), "10.0.0.9", "and the rest of its status")
        wait_for("pod evicted after its tolerationSeconds", lambda: (
            self.get(PODS + "/" + evictee) or {"metadata": {"deletionTimestamp": "gone"}})[
            "metadata"].get("deletionTimestamp"), timeout=TOLERATION_S + 10)
        t.check(time.monotonic() - start >= GRACE_S + TOLERATION_S - 1,
                "not before its tolerationSeconds")
        wait_for("its ReplicaSet replaces it", lambda: [
            n for n in self.names(PODS, "app%3Devictee") if n != evictee], timeout=10)
        t.check(not self.get(PODS + "/stays")["metadata"].get("deletionTimestamp"),
                "a pod tolerating the taint forever stays")
        # the node comes back, then reports itself not ready
        self.node_heartbeat("n1")
        wait_for("taints removed on recovery", lambda: self.taints("n1") == [], timeout=10)
        self.node_heartbeat("n1", ready="False")
        wait_for("not-ready taints for Ready=False", lambda: self.taints("n1") == [
            ("node.kubernetes.io/not-ready", "NoExecute"),
            ("node.kubernetes.io/not-ready", "NoSchedule")], timeout=10)
        self.node_heartbeat("n1")
        wait_for("and removed again", lambda: self.taints("n1") == [], timeout=10)
        self.req("DELETE", "/apis/apps/v1/namespaces/default/replicasets/evictee")
        self.req("DELETE", "/api/v1/nodes/n1")  # the test stops heart-beating for good

    # ---- idle ---------------------------------------------------------------------------

    def test_idle_cluster_writes_nothing(self):
        # something for each controller to look at: a Service with a ready pod, a Deployment
        self.create("/api/v1/namespaces/default/services", {
            "metadata": {"name": "idle"},
            "spec": {"selector": {"app": "idle"}, "ports": [{"port": 80, "targetPort": "http"}]}})
        self.create("/api/v1/namespaces/default/pods", pod("idle-1", {"app": "idle"}))
        self.set_pod_status("default", "idle-1", True, "10.1.0.50")
        self.create("/apis/apps/v1/namespaces/default/deployments", deployment("steady", 1))
        wait_for("the idle Service's Endpoints", lambda: self.endpoints("idle") ==
                 (["10.1.0.50"], [], [(None, 8080)]), timeout=10)
        self.wait_deployment_chain("steady", 1)
        # let the earlier cases' last writes (events are written in the background) settle
        state = {"n": -1, "since": time.monotonic()}

        def settled():
            n = self.writes()
            if n != state["n"]:
                state["n"], state["since"] = n, time.monotonic()
            return time.monotonic() - state["since"] > 1.0
        wait_for("writes to settle", settled, timeout=20, interval=0.1)
        # a restarted controller manager finds everything as it should be: it writes nothing
        self.t.eq(self.cm.stop(), 0, "first controller manager's exit status")
        before = self.writes()
        self.cm = ControllerManager(self.args.controller_manager, self.srv.url, self.t.workdir,
                                    self.cm_flags)
        wait_for("the new controller manager to sync and start its controllers",
                 lambda: b"started controller 'nodelifecycle'" in open(self.cm.log_path,
                                                                      "rb").read(), timeout=20)
        self.create("/api/v1/nodes", {"metadata": {"name": "n2"}})
        self.node_heartbeat("n2")  # the test's own writes: 3 (node, its status, its Lease)
        time.sleep(2.0)  # four --node-monitor-periods, within the grace period
        self.t.eq(self.writes() - before, 3, "writes of a restarted, idle controller manager "
                  "(with a live node) besides the test's own")

    def finish(self):
        self.t.eq(self.cm.stop(), 0, "controller manager exit status (sanitizers quiet)")
        self.t.eq(self.srv.stop(), 0, "apiserver exit status")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--controller-manager", required=True)
    args = ap.parse_args()
    t = Suite("gc-controllers")
    tests = Tests(t, args)
    try:
        for name in ("test_endpoints_follow_pod_readiness", "test_dangling_owners",
                     "test_cascade_background", "test_cascade_foreground", "test_cascade_orphan",
                     "test_namespace_deletion", "test_namespace_waits_for_finalizers",
                     "test_node_lifecycle", "test_idle_cluster_writes_nothing"):
            t.case(getattr(tests, name))
    finally:
        tests.finish()
    if t.failed_cases:
        with open(tests.cm.log_path, "rb") as f:
            sys.stdout.write(f.read().decode(errors="replace")[-6000:])
    sys.exit(t.finish())


if __name__ == "__main__":
    main()
