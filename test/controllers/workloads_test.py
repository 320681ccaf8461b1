#!/usr/bin/python3
"""workloads_test.py - the ReplicaSet and Deployment controllers of k8c-controller-manager
against the real k8c-apiserver, with Debian's kubectl for `rollout status` / `rollout undo`.

No scheduler or kubelet exists yet, so a stand-in kubelet thread plays node "node-1": it
binds new pods, marks them Running and Ready, and finishes graceful deletions. Everything
else is the real thing: API server, controller manager, kubectl.

    workloads_test.py --apiserver PATH --manager PATH [--kubectl PATH]
"""
import argparse
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Suite, Watch, request, wait_for  # noqa: E402

SAFE = set("bcdfghjklmnpqrstvwxz2456789")


def now_rfc3339():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Http:
    """One kept-alive connection of its own (k8ctest.request's is shared, one thread only)."""

    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def do(self, method, path, body=None, ctype="application/json"):
        data = json.dumps(body) if body is not None else None
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            try:
                self.conn.request(method, path, body=data,
                                  headers={"Content-Type": ctype, "Accept": "application/json"})
                resp = self.conn.getresponse()
                text = resp.read().decode()
                return resp.status, json.loads(text) if text else None
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


class Events:
    """A watch read on a thread of its own with blocking reads (a read timeout in the
    middle of a chunk leaves http.client's chunked decoding out of step), its events
    handed over through a queue. next() raises queue.Empty on timeout, EOFError at the end."""

    def __init__(self, url, path):
        self.q = queue.Queue()
        self.w = Watch(url, path)
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        try:
            while True:
                self.q.put(self.w.next(timeout=None))
        except Exception as e:  # noqa: BLE001 - handed to the reader
            self.q.put(e)

    def next(self, timeout):
        ev = self.q.get(timeout=timeout)
        if isinstance(ev, Exception):
            raise ev
        return ev

    def close(self):
        """Unblocks the reader first: closing under its feet would wait for its read."""
        try:
            self.w.conn.sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass
        self.w.close()


class FakeKubelet(threading.Thread):
    """Node "node-1" for every pod: bind, then Running + Ready, and grace-0 deletes.

    hold(pod) -> True keeps a pod Pending and not ready (to stall a rollout)."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.http = Http(url)
        self.hold = lambda pod: False
        self.stopping = False
        self.relist = False
        self.errors = []

    def handle(self, pod):
        meta, ns, name = pod["metadata"], pod["metadata"]["namespace"], pod["metadata"]["name"]
        base = "/api/v1/namespaces/%s/pods/%s" % (ns, name)
        if meta.get("deletionTimestamp"):
            self.http.do("DELETE", base, {"gracePeriodSeconds": 0,
                                          "preconditions": {"uid": meta["uid"]}})
        elif not pod["spec"].get("nodeName"):
            self.http.do("POST", base + "/binding",
                         {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": name},
                          "target": {"apiVersion": "v1", "kind": "Node", "name": "node-1"}})
        elif pod.get("status", {}).get("phase") != "Running" and not self.hold(pod):
            self.http.do("PATCH", base + "/status", {"status": {
                "phase": "Running", "podIP": "10.1.0.1", "hostIP": "10.0.0.1",
                "conditions": [{"type": "Ready", "status": "True",
                                "lastTransitionTime": now_rfc3339()}]}},
                "application/merge-patch+json")

    def run(self):
        while not self.stopping:
            try:
                self.relist = False
                code, lst = self.http.do("GET", "/api/v1/pods")
                for p in lst["items"]:
                    self.handle(p)
                w = Events(self.url, "/api/v1/pods?watch=true&timeoutSeconds=30&resourceVersion="
                           + lst["metadata"]["resourceVersion"])
                while not self.stopping and not self.relist:
                    try:
                        ev = w.next(timeout=0.2)
                    except queue.Empty:
                        continue
                    if ev["type"] in ("ADDED", "MODIFIED"):
                        self.handle(ev["object"])
                w.close()
            except (EOFError, OSError):
                continue
            except Exception as e:  # noqa: BLE001 - recorded, the test reports it
                self.errors.append(repr(e))
                time.sleep(0.1)

    def release_held(self):
        """Makes every held pod ready now: drops the hold and relists (on its own thread)."""
        self.hold = lambda pod: False
        self.relist = True


class Manager:
    """A k8c-controller-manager process."""

    def __init__(self, binary, url, workdir, name, extra=()):
        self.binary, self.url, self.extra = binary, url, list(extra)
        self.log_path = os.path.join(workdir, "manager-%s.log" % name)
        self.proc = None
        self.start()

    def start(self):
        args = [self.binary, "--server", self.url, "--workers", "5"] + self.extra
        if not any(a.startswith("--leader-elect") for a in self.extra):
            args.append("--leader-elect=false")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)

    # Same process handling as k8ctest.ApiServer (proc, log_path): SIGKILL, SIGTERM with
    # the exit status (non-zero also when a sanitizer reported), the log.
    kill9 = ApiServer.kill9
    stop = ApiServer.stop
    log_text = ApiServer.log_text

    def wait_running(self):
        """Until this process runs its controllers (its signal handling is set up by then)."""
        tag = " %d manager.c:" % self.proc.pid
        wait_for("the controller manager to run", lambda: tag in self.log_text(), timeout=15)


def template(app, image, labels=None):
    return {"metadata": {"labels": dict({"app": app}, **(labels or {}))},
            "spec": {"containers": [{"name": "c", "image": image}],
                     "terminationGracePeriodSeconds": 5}}


def replicaset(name, replicas, image="k8c.local/busybox"):
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": template(name, image)}}


def deployment(name, replicas, image, strategy=None, **spec):
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
         "spec": dict({"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                       "template": template(name, image)}, **spec)}
    if strategy:
        d["spec"]["strategy"] = strategy
    return d


class Tests:
    def __init__(self, t, args):
        self.t, self.args = t, args
        self.srv = ApiServer(args.apiserver, t.workdir)
        self.kubelet = FakeKubelet(self.srv.url)
        self.kubelet.start()
        self.mgr = Manager(args.manager, self.srv.url, t.workdir, "main")
        self.nsn = 0

    # ---- helpers ---------------------------------------------------------------------

    def req(self, method, path, body=None, headers=None):
        return request(self.srv.url, method, path, body, headers)

    def namespace(self):
        self.nsn += 1
        ns = "t%d" % self.nsn
        code, _, _ = self.req("POST", "/api/v1/namespaces",
                              {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        self.t.eq(code, 201, "namespace created")
        return ns

    def pods(self, ns, selector=None, active=True):
        """The pods of ns (None: all), by label selector; active: not being deleted."""
        q = "?labelSelector=" + urllib.parse.quote(selector) if selector else ""
        where = "/namespaces/" + ns if ns else ""
        _, lst, _ = self.req("GET", "/api/v1%s/pods%s" % (where, q))
        items = lst["items"]
        return [p for p in items if not p["metadata"].get("deletionTimestamp")] if active else items

    def get(self, ns, resource, name):
        group = "/api/v1" if resource == "pods" else "/apis/apps/v1"
        code, obj, _ = self.req("GET", "%s/namespaces/%s/%s/%s" % (group, ns, resource, name))
        return obj if code == 200 else None

    def rss(self, ns):
        _, lst, _ = self.req("GET", "/apis/apps/v1/namespaces/%s/replicasets" % ns)
        return lst["items"]

    def patch(self, ns, resource, name, body, sub=""):
        group = "/api/v1" if resource == "pods" else "/apis/apps/v1"
        path = "%s/namespaces/%s/%s/%s%s" % (group, ns, resource, name, sub)
        for attempt in range(20):
            code, obj, _ = self.req("PATCH", path, body,
                                    {"Content-Type": "application/merge-patch+json"})
            # A merge patch names no resourceVersion, so the server must retry a
            # conflict itself; k8c-apiserver before commit cb57677 (on its way to main)
            # answered 409 when a status write raced the patch. Retried here meanwhile,
            # so that this suite tests the controllers.
            if code != 409:
                break
            time.sleep(0.05)
        self.t.eq(code, 200, "patch %s/%s%s" % (resource, name, sub))
        return obj

    def create(self, ns, resource, obj):
        group = "/api/v1" if resource == "pods" else "/apis/apps/v1"
        code, out, _ = self.req("POST", "%s/namespaces/%s/%s" % (group, ns, resource), obj)
        self.t.eq(code, 201, "create %s/%s" % (resource, obj["metadata"]["name"]))
        return out

    def kubectl(self, ns, *argv, timeout=90):
        return subprocess.run([self.args.kubectl, "--server", self.srv.url, "-n", ns] + list(argv),
                              capture_output=True, text=True, timeout=timeout)

    def rs_settled(self, ns, name, n):
        """The ReplicaSet has n active ready pods and says so in its status."""
        rs = self.get(ns, "replicasets", name)
        st = rs.get("status", {})
        pods = [p for p in self.pods(ns, "app=" + name)
                if p.get("status", {}).get("phase") == "Running"]
        return (len(self.pods(ns, "app=" + name)) == n and len(pods) == n and
                st.get("replicas", 0) == n and st.get("readyReplicas", 0) == n and
                st.get("availableReplicas", 0) == n and
                st.get("observedGeneration") == rs["metadata"]["generation"])

    def deployment_done(self, ns, name):
        d = self.get(ns, "deployments", name)
        st, want = d.get("status", {}), d["spec"]["replicas"]
        return (st.get("observedGeneration", 0) >= d["metadata"]["generation"] and
                st.get("updatedReplicas", 0) == want and st.get("replicas", 0) == want and
                st.get("availableReplicas", 0) == want)

    # ---- ReplicaSet ------------------------------------------------------------------

    def test_replicaset_converges_to_five(self):
        t, ns = self.t, self.namespace()
        rs = self.create(ns, "replicasets", replicaset("web", 5))
        wait_for("5 ready pods", lambda: self.rs_settled(ns, "web", 5))
        pods = self.pods(ns, "app=web")
        t.eq(len(pods), 5, "pods")
        for p in pods:
            name, refs = p["metadata"]["name"], p["metadata"].get("ownerReferences", [])
            t.check(name.startswith("web-") and len(name) == 9 and set(name[4:]) <= SAFE,
                    "pod name is generateName web- plus 5 safe characters", name)
            t.eq(p["metadata"].get("generateName"), "web-", "generateName")
            t.check(len(refs) == 1 and refs[0]["uid"] == rs["metadata"]["uid"] and
                    refs[0]["kind"] == "ReplicaSet" and refs[0]["controller"] is True and
                    refs[0]["blockOwnerDeletion"] is True, "controller ownerReference", refs)
        st = self.get(ns, "replicasets", "web")["status"]
        t.eq(st.get("fullyLabeledReplicas"), 5, "fullyLabeledReplicas")
        t.eq(st.get("observedGeneration"), 1, "observedGeneration")
        def created_events():
            _, evs, _ = self.req("GET", "/api/v1/namespaces/%s/events" % ns)
            return [e for e in evs["items"] if e["reason"] == "SuccessfulCreate"]
        wait_for("5 SuccessfulCreate events", lambda: len(created_events()) == 5)
        created = created_events()
        t.check(all(e["source"]["component"] == "replicaset-controller" and
                    e["message"].startswith("Created pod: web-") for e in created),
                "events from replicaset-controller", created[:1])

        # Deleted pods are replaced.
        gone = [p["metadata"]["name"] for p in pods[:2]]
        for name in gone:
            self.req("DELETE", "/api/v1/namespaces/%s/pods/%s" % (ns, name))
        wait_for("replacements", lambda: self.rs_settled(ns, "web", 5) and not
                 set(gone) & {p["metadata"]["name"] for p in self.pods(ns, "app=web")})

        # Scale up and down through /scale, as kubectl scale does.
        self.patch(ns, "replicasets", "web", {"spec": {"replicas": 8}}, "/scale")
        wait_for("8 pods", lambda: self.rs_settled(ns, "web", 8))
        self.patch(ns, "replicasets", "web", {"spec": {"replicas": 3}}, "/scale")
        wait_for("3 pods", lambda: self.rs_settled(ns, "web", 3))
        wait_for("the deleted pods gone", lambda: len(self.pods(ns, "app=web", active=False)) == 3)

    def test_scale_down_deletes_not_ready_pods_first(self):
        t, ns = self.t, self.namespace()
        self.create(ns, "replicasets", replicaset("web", 3))
        wait_for("3 ready pods", lambda: self.rs_settled(ns, "web", 3))
        ready = {p["metadata"]["name"] for p in self.pods(ns, "app=web")}
        self.kubelet.hold = lambda pod: pod["metadata"]["namespace"] == ns
        self.patch(ns, "replicasets", "web", {"spec": {"replicas": 5}}, "/scale")
        wait_for("5 pods", lambda: len(self.pods(ns, "app=web")) == 5)
        self.patch(ns, "replicasets", "web", {"spec": {"replicas": 3}}, "/scale")
        wait_for("3 pods", lambda: len(self.pods(ns, "app=web", active=False)) == 3)
        t.eq({p["metadata"]["name"] for p in self.pods(ns, "app=web")}, ready,
             "the two pods that never got ready were deleted")
        self.kubelet.release_held()

    def test_adopt_and_release(self):
        t, ns = self.t, self.namespace()
        rs = self.create(ns, "replicasets", replicaset("web", 3))
        wait_for("3 pods", lambda: self.rs_settled(ns, "web", 3))
        # An orphan with matching labels is adopted, and the ReplicaSet then has one too many.
        self.create(ns, "pods", {"apiVersion": "v1", "kind": "Pod",
                                 "metadata": {"name": "stray", "labels": {"app": "web"}},
                                 "spec": template("web", "k8c.local/busybox")["spec"]})

        def adopted_and_three():
            p = self.get(ns, "pods", "stray")
            refs = (p or {}).get("metadata", {}).get("ownerReferences", [])
            adopted = p is None or any(r["uid"] == rs["metadata"]["uid"] and r["controller"]
                                       for r in refs)
            return adopted and self.rs_settled(ns, "web", 3)
        wait_for("stray adopted, 3 pods", adopted_and_three)
        # A pod relabelled out of the selector is released and replaced.
        victim = self.pods(ns, "app=web")[0]["metadata"]["name"]
        self.patch(ns, "pods", victim, {"metadata": {"labels": {"app": "other"}}})
        wait_for("released", lambda: not self.get(ns, "pods", victim)["metadata"].get(
            "ownerReferences"))
        wait_for("replaced", lambda: self.rs_settled(ns, "web", 3))
        t.check(self.get(ns, "pods", victim) is not None, "the released pod is left alone")

    def test_min_ready_seconds(self):
        t, ns = self.t, self.namespace()
        rs = replicaset("slow", 2)
        rs["spec"]["minReadySeconds"] = 4
        self.create(ns, "replicasets", rs)

        def status():
            return self.get(ns, "replicasets", "slow").get("status", {})
        t0 = time.monotonic()
        wait_for("ready but not yet available", lambda: status().get("readyReplicas") == 2 and
                 not status().get("availableReplicas"), timeout=3.5)
        # Nothing changes on the pods after they got ready: the controller must
        # come back by itself once minReadySeconds passed.
        wait_for("available after minReadySeconds", lambda: status().get("availableReplicas") == 2,
                 timeout=10)
        t.check(time.monotonic() - t0 >= 3.5, "not available before minReadySeconds",
                time.monotonic() - t0)

    def test_kill9_during_scale_never_overshoots(self):
        t, ns = self.t, self.namespace()
        self.create(ns, "replicasets", replicaset("big", 1))
        wait_for("1 pod", lambda: self.rs_settled(ns, "big", 1))
        for round_ in range(2):
            want = 40 if round_ == 0 else 15
            self.patch(ns, "replicasets", "big", {"spec": {"replicas": want}}, "/scale")
            wait_for("the scale started", lambda: len(self.pods(ns, "app=big")) != (
                1 if round_ == 0 else 40), timeout=10, interval=0.002)
            self.mgr.kill9()
            self.mgr.start()
            wait_for("%d pods, none terminating" % want, lambda: self.rs_settled(ns, "big", want)
                     and len(self.pods(ns, "app=big", active=False)) == want, timeout=30)
            # Converged: it stays at exactly `want` (expectations rebuilt from the API).
            seen = set()
            end = time.monotonic() + 1.5
            while time.monotonic() < end:
                seen.add(len(self.pods(ns, "app=big", active=False)))
                time.sleep(0.05)
            t.eq(seen, {want}, "pod count once converged")

    # ---- Deployment ------------------------------------------------------------------

    def test_rolling_update_bounds_status_and_undo(self):
        t, ns = self.t, self.namespace()
        strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2, "maxUnavailable": 1}}
        d = self.create(ns, "deployments",
                        deployment("web", 6, "k8c.local/busybox:a", strategy, minReadySeconds=0))
        r = self.kubectl(ns, "rollout", "status", "deployment/web", "--timeout=60s")
        t.eq(r.returncode, 0, "kubectl rollout status (first rollout): " + r.stderr)
        wait_for("6 ready", lambda: self.deployment_done(ns, "web"))
        [rs_a] = self.rss(ns)
        hash_a = rs_a["metadata"]["labels"]["pod-template-hash"]
        t.eq(rs_a["metadata"]["name"], "web-" + hash_a, "ReplicaSet named after the hash")
        t.check(set(hash_a) <= SAFE, "hash rendered with SafeEncodeString", hash_a)
        t.eq(rs_a["spec"]["selector"]["matchLabels"].get("pod-template-hash"), hash_a,
             "selector carries the hash")
        t.eq(rs_a["metadata"]["annotations"].get("deployment.kubernetes.io/revision"), "1", "rev 1")
        t.eq(rs_a["metadata"]["annotations"].get("deployment.kubernetes.io/desired-replicas"), "6",
             "desired-replicas")
        t.eq(rs_a["metadata"]["annotations"].get("deployment.kubernetes.io/max-replicas"), "8",
             "max-replicas")
        t.eq(rs_a["metadata"]["ownerReferences"][0]["uid"], d["metadata"]["uid"], "owned by web")
        t.check(all(p["metadata"]["labels"].get("pod-template-hash") == hash_a
                    for p in self.pods(ns, "app=web")), "pods carry the hash label")

        violations = self.roll_and_watch(ns, "k8c.local/busybox:b", max_pods=8, min_available=5)
        t.eq(violations, [], "every watch event within replicas+maxSurge / replicas-maxUnavailable")
        r = self.kubectl(ns, "rollout", "status", "deployment/web", "--timeout=60s")
        t.eq(r.returncode, 0, "kubectl rollout status: " + r.stderr)
        t.check("successfully rolled out" in r.stdout, "rollout status output", r.stdout)
        rss = {x["metadata"]["name"]: x for x in self.rss(ns)}
        t.eq(len(rss), 2, "two ReplicaSets")
        rs_b = [x for x in rss.values() if x["metadata"]["name"] != rs_a["metadata"]["name"]][0]
        t.eq(rss[rs_a["metadata"]["name"]]["spec"]["replicas"], 0, "old ReplicaSet scaled to 0")
        t.eq(rs_b["metadata"]["annotations"].get("deployment.kubernetes.io/revision"), "2", "rev 2")
        dep = self.get(ns, "deployments", "web")
        t.eq(dep["metadata"]["annotations"].get("deployment.kubernetes.io/revision"), "2",
             "deployment revision")
        conds = {c["type"]: c for c in dep["status"].get("conditions", [])}
        t.eq(conds.get("Available", {}).get("reason"), "MinimumReplicasAvailable", "Available")
        t.eq(conds.get("Progressing", {}).get("reason"), "NewReplicaSetAvailable", "Progressing")
        t.eq(conds.get("Progressing", {}).get("message"),
             'ReplicaSet "%s" has successfully progressed.' % rs_b["metadata"]["name"], "message")

        # kubectl rollout undo: back to A through the old ReplicaSet.
        r = self.kubectl(ns, "rollout", "undo", "deployment/web")
        t.eq(r.returncode, 0, "kubectl rollout undo: " + r.stderr)
        r = self.kubectl(ns, "rollout", "status", "deployment/web", "--timeout=60s")
        t.eq(r.returncode, 0, "kubectl rollout status after undo: " + r.stderr)
        rss = {x["metadata"]["name"]: x for x in self.rss(ns)}
        t.eq(sorted(rss), sorted([rs_a["metadata"]["name"], rs_b["metadata"]["name"]]),
             "no new ReplicaSet for the undo")
        back = rss[rs_a["metadata"]["name"]]
        t.eq(back["spec"]["replicas"], 6, "old ReplicaSet scaled back up")
        t.eq(back["metadata"]["annotations"].get("deployment.kubernetes.io/revision"), "3", "rev 3")
        t.eq(back["metadata"]["annotations"].get("deployment.kubernetes.io/revision-history"), "1",
             "revision-history")
        t.check(all(p["spec"]["containers"][0]["image"] == "k8c.local/busybox:a"
                    for p in self.pods(ns, "app=web")), "pods run image A again")
        r = self.kubectl(ns, "rollout", "history", "deployment/web")
        t.check(r.returncode == 0 and "2" in r.stdout and "3" in r.stdout, "rollout history",
                r.stdout + r.stderr)

    def roll_and_watch(self, ns, image, max_pods, min_available):
        """Sets the image, then follows every pod event until the rollout is done; returns
        the events at which the bounds were broken."""
        _, lst, _ = self.req("GET", "/api/v1/namespaces/%s/pods" % ns)
        pods = {p["metadata"]["name"]: p for p in lst["items"]}
        w = Events(self.srv.url, "/api/v1/namespaces/%s/pods?watch=true&resourceVersion=%s"
                   % (ns, lst["metadata"]["resourceVersion"]))
        self.patch(ns, "deployments", "web", {"spec": {"template": template("web", image)}})
        violations, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                ev = w.next(timeout=0.5)
            except queue.Empty:
                if self.deployment_done(ns, "web"):
                    break
                continue
            name = ev["object"]["metadata"]["name"]
            if ev["type"] == "DELETED":
                pods.pop(name, None)
            else:
                pods[name] = ev["object"]
            active = [p for p in pods.values() if not p["metadata"].get("deletionTimestamp")]
            available = [p for p in active if any(
                c["type"] == "Ready" and c["status"] == "True"
                for c in p.get("status", {}).get("conditions", []))]
            if len(active) > max_pods or len(available) < min_available:
                violations.append((ev["type"], name, len(active), len(available)))
        w.close()
        return violations

    def test_recreate_deletes_old_pods_first(self):
        t, ns = self.t, self.namespace()
        self.create(ns, "deployments", deployment("web", 4, "k8c.local/busybox:a",
                                                  {"type": "Recreate"}))
        wait_for("4 ready", lambda: self.deployment_done(ns, "web"))
        _, lst, _ = self.req("GET", "/api/v1/namespaces/%s/pods" % ns)
        pods = {p["metadata"]["name"]: p for p in lst["items"]}
        w = Events(self.srv.url, "/api/v1/namespaces/%s/pods?watch=true&resourceVersion=%s"
                   % (ns, lst["metadata"]["resourceVersion"]))
        self.patch(ns, "deployments", "web", {"spec": {"template": template("web", "img:b")}})
        overlap, new_seen, deadline = [], 0, time.monotonic() + 30
        while new_seen < 4 and time.monotonic() < deadline:
            try:
                ev = w.next(timeout=0.5)
            except queue.Empty:
                continue
            obj = ev["object"]
            if ev["type"] == "DELETED":
                pods.pop(obj["metadata"]["name"], None)
                continue
            if ev["type"] == "ADDED" and obj["spec"]["containers"][0]["image"] == "img:b":
                new_seen += 1
                old = [n for n, p in pods.items() if p["spec"]["containers"][0]["image"] != "img:b"]
                if old:
                    overlap.append((obj["metadata"]["name"], old))
            pods[obj["metadata"]["name"]] = obj
        w.close()
        t.eq(new_seen, 4, "four new pods")
        t.eq(overlap, [], "no new pod while an old one (even terminating) exists")
        wait_for("rollout done", lambda: self.deployment_done(ns, "web"))

    def test_revision_history_limit_keeps_two(self):
        t, ns = self.t, self.namespace()
        self.create(ns, "deployments", deployment("web", 2, "img:0", revisionHistoryLimit=2))
        wait_for("first rollout", lambda: self.deployment_done(ns, "web"))
        for i in range(1, 5):
            self.patch(ns, "deployments", "web",
                       {"spec": {"template": template("web", "img:%d" % i)}})
            wait_for("rollout %d" % i, lambda: self.deployment_done(ns, "web"), timeout=30)
        wait_for("history trimmed to 2 old ReplicaSets", lambda: len(self.rss(ns)) == 3)
        revs = sorted(int(x["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
                      for x in self.rss(ns))
        t.eq(revs, [3, 4, 5], "the newest revisions are kept")

    def test_paused_and_progress_deadline(self):
        t, ns = self.t, self.namespace()
        self.create(ns, "deployments", deployment("web", 2, "img:a", progressDeadlineSeconds=2))
        wait_for("first rollout", lambda: self.deployment_done(ns, "web"))
        self.patch(ns, "deployments", "web", {"spec": {"paused": True,
                                                       "template": template("web", "img:b")}})

        def paused_cond():
            c = {c["type"]: c for c in self.get(ns, "deployments", "web")["status"]["conditions"]}
            return c["Progressing"]["reason"] == "DeploymentPaused"
        wait_for("DeploymentPaused", paused_cond)
        t.eq(len(self.rss(ns)), 1, "paused: no new ReplicaSet")
        self.kubelet.hold = lambda pod: pod["metadata"]["namespace"] == ns
        self.patch(ns, "deployments", "web", {"spec": {"paused": False}})

        def timed_out():
            c = {c["type"]: c for c in self.get(ns, "deployments", "web")["status"]["conditions"]}
            return c["Progressing"]["status"] == "False" and \
                c["Progressing"]["reason"] == "ProgressDeadlineExceeded"
        wait_for("ProgressDeadlineExceeded", timed_out, timeout=20)
        r = self.kubectl(ns, "rollout", "status", "deployment/web", "--timeout=20s")
        t.check(r.returncode != 0 and "exceeded its progress deadline" in r.stderr,
                "rollout status reports the deadline", r.stdout + r.stderr)
        self.kubelet.release_held()
        wait_for("rollout done", lambda: self.deployment_done(ns, "web"), timeout=30)
        r = self.kubectl(ns, "rollout", "status", "deployment/web", "--timeout=30s")
        t.eq(r.returncode, 0, "rollout status once it progressed: " + r.stderr)

    def test_proportional_scaling_mid_rollout(self):
        t, ns = self.t, self.namespace()
        self.create(ns, "deployments", deployment("web", 10, "img:a"))
        wait_for("10 ready", lambda: self.deployment_done(ns, "web"))
        self.kubelet.hold = lambda pod: pod["metadata"]["namespace"] == ns
        self.patch(ns, "deployments", "web", {"spec": {"template": template("web", "img:b")}})

        def sizes():
            return sorted((x["spec"]["template"]["spec"]["containers"][0]["image"],
                           x["spec"]["replicas"]) for x in self.rss(ns))
        # 25%/25% of 10: surge 3, unavailable 2 -> the rollout stalls at 8 old + 5 new.
        wait_for("stalled at 8 + 5", lambda: sizes() == [("img:a", 8), ("img:b", 5)])
        self.patch(ns, "deployments", "web", {"spec": {"replicas": 20}})
        # 25 allowed (20 + 5 surge): 8*25/13 -> 15, 5*25/13 -> 10.
        wait_for("proportional", lambda: sizes() == [("img:a", 15), ("img:b", 10)])
        self.kubelet.release_held()
        wait_for("rollout done", lambda: self.deployment_done(ns, "web"), timeout=30)
        t.eq(sizes(), [("img:a", 0), ("img:b", 20)], "final sizes")

    # ---- the process -------------------------------------------------------------------

    def test_idle_cluster_makes_no_writes(self):
        t = self.t
        wait_for("all settled", lambda: not [p for p in self.pods(None, active=False)
                                             if p.get("status", {}).get("phase") != "Running"])

        def writes():
            _, text, _ = request(self.srv.url, "GET", "/metrics", raw=True)
            return sum(int(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                       if line.startswith("apiserver_request_total{") and
                       any('verb="%s"' % v in line for v in ("POST", "PUT", "PATCH", "DELETE")))
        def quiet_for_half_a_second():
            n = writes()
            time.sleep(0.5)
            return writes() == n
        # Let in-flight work finish (statuses catch up), then count over a window.
        wait_for("writes to stop", quiet_for_half_a_second)
        before = writes()
        time.sleep(3)
        t.eq(writes() - before, 0, "writes in 3 idle seconds")

    def test_leader_election_hands_over(self):
        t, ns = self.t, self.namespace()
        self.mgr.stop()
        lease = ["--leader-elect=true", "--leader-elect-lease-duration=2s",
                 "--leader-elect-renew-deadline=1500ms", "--leader-elect-retry-period=300ms"]
        self.req("POST", "/api/v1/namespaces",
                 {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}})
        a = Manager(self.args.manager, self.srv.url, self.t.workdir, "a", lease)
        b = Manager(self.args.manager, self.srv.url, self.t.workdir, "b", lease)
        try:
            def leader():
                started = [m for m in (a, b) if "started controller" in m.log_text()]
                return started[0] if len(started) == 1 else None
            first = wait_for("a leader", leader, timeout=15)
            other = b if first is a else a
            self.create(ns, "replicasets", replicaset("le", 3))
            wait_for("3 pods", lambda: self.rs_settled(ns, "le", 3))
            t.check("started controller" not in other.log_text(), "the standby does not act")
            t.eq(len(self.pods(ns, "app=le", active=False)), 3, "exactly 3 pods")
            holder = self.lease_holder()
            first.kill9()
            t0 = time.monotonic()
            self.patch(ns, "replicasets", "le", {"spec": {"replicas": 5}}, "/scale")
            wait_for("the standby holds the Lease", lambda: self.lease_holder() not in (holder, None),
                     timeout=15, interval=0.05)
            took = time.monotonic() - t0
            # Taken once the record has not changed for the lease duration as the standby
            # saw it at its retry ticks (client-go's: every 300 ms + up to 1.2 x 300 ms of
            # jitter): it sees the last renewal up to one tick late, and takes the Lease
            # up to one tick after it expired: 2 s + 2 x 660 ms.
            t.check(took <= 2 + 2 * 0.66 + 0.3, "handed over within the lease duration", took)
            wait_for("the standby acts", lambda: self.rs_settled(ns, "le", 5), timeout=10)
            t.check("started controller" in other.log_text(), "the standby leads now")
            t.eq(other.stop(), 0, "SIGTERM: clean exit")
        finally:
            a.stop()
            b.stop()
            self.mgr.start()
            self.mgr.wait_running()

    def lease_holder(self):
        code, lease, _ = self.req(
            "GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
            "kube-controller-manager")
        return lease.get("spec", {}).get("holderIdentity") if code == 200 else None

    def finish(self):
        self.kubelet.stopping = True
        self.t.check(not self.kubelet.errors, "stand-in kubelet errors", self.kubelet.errors[:3])
        self.t.eq(self.mgr.stop(), 0, "controller manager exits 0 on SIGTERM (sanitizers clean)")
        self.t.eq(self.srv.stop(), 0, "apiserver exits 0")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--manager", required=True)
    ap.add_argument("--kubectl", help="default: Debian's, as hack/lib.sh finds it")
    ap.add_argument("--only", help="run only the cases whose names contain this")
    args = ap.parse_args()
    if not args.kubectl:
        lib = os.path.join(os.path.dirname(__file__), "..", "..", "hack", "lib.sh")
        args.kubectl = subprocess.run(["bash", "-c", 'source "$1" && k8c_debian_kubectl', "_", lib],
                                      capture_output=True, text=True, check=True).stdout.strip()
    t = Suite("workloads")
    tests = Tests(t, args)
    last = ["test_idle_cluster_makes_no_writes", "test_leader_election_hands_over"]
    names = sorted(n for n in dir(tests) if n.startswith("test_") and n not in last) + last
    for name in names:
        if not args.only or args.only in name:
            t.case(getattr(tests, name))
    t.case(tests.finish)
    sys.exit(t.finish())


if __name__ == "__main__":
    main()
