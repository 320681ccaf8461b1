#!/usr/bin/python3
"""The end-to-end suite: a whole k8c cluster (API server on SQLite or etcd, controller
manager, scheduler, two kubelets on the real Docker daemon, proxy) driven with Debian's
unmodified kubectl and the examples/ manifests, checked as a user would see it: pods
Running and Ready, pages served from pod IPs, Endpoints, rolling updates within
maxSurge/maxUnavailable on every watch event, rollout status and undo, scaling, restarts
after docker kill, replacement after kubectl delete, a node going down, kill -9 of every
control-plane component during a rollout, and nothing left in Docker at the end.

The cases share one cluster and run in order; each leaves the web Deployment at 3 ready
replicas for the next.

    e2e_test.py --store sqlite|etcd --bin-dir BUILD_DIR
"""
import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster import (EXAMPLES, Cluster, Events, http_get, is_ready, running_ready,  # noqa: E402
                     sh, wait_for)
import k8ctest  # noqa: E402

WEB = os.path.join(EXAMPLES, "web.yaml")
MAX_SURGE, MAX_UNAVAILABLE = 1, 1  # as examples/web.yaml says


def web_manifest(version):
    """examples/web.yaml with page version N: a new ConfigMap name, so a new pod template."""
    with open(WEB) as f:
        text = f.read()
    return text.replace("web-page-v1", "web-page-v%d" % version).replace(
        "page version 1", "page version %d" % version)


def page(version):
    return "page version %d" % version


def pod_version(pod):
    """The page version a web pod's template mounts (0 when it is not a web pod)."""
    for v in pod["spec"].get("volumes") or []:
        name = (v.get("configMap") or {}).get("name", "")
        if name.startswith("web-page-v"):
            return int(name[len("web-page-v"):])
    return 0


class E2E:
    def __init__(self, t, args):
        self.t = t
        self.store = args.store
        b = args.bin_dir
        self.c = Cluster({
            "apiserver": b + "/apiserver/k8c-apiserver",
            "controller-manager": b + "/controllers/k8c-controller-manager",
            "scheduler": b + "/scheduler/k8c-scheduler",
            "kubelet": b + "/kubelet/k8c-kubelet",
            "pause": b + "/kubelet/pause/k8c-pause",
            "proxy": b + "/proxy/k8c-proxy",
        }, t.workdir, store=args.store)
        self.version = 1
        self.replicas = 3
        self.timings = []

    # ---- helpers -----------------------------------------------------------------------
    def apply_web(self, version):
        out = self.c.kubectl_ok("apply", "-f", "-", input=web_manifest(version))
        self.version = version
        return out

    def web_pods(self):
        return self.c.pods("app=web")

    def deployment_done(self, name="web", replicas=None):
        """The Deployment's status says the rollout is complete (raises OSError when the
        API server does not answer)."""
        d = self.c.get("/apis/apps/v1/namespaces/default/deployments/" + name)
        s, want = d.get("status", {}), d["spec"]["replicas"] if replicas is None else replicas
        return (s.get("observedGeneration", 0) >= d["metadata"]["generation"] and
                s.get("updatedReplicas") == want and s.get("replicas") == want and
                s.get("availableReplicas") == want)

    def wait_web(self, n, version, timeout=90):
        """Waits until exactly n active web pods, all Running, Ready and serving version."""
        def settled():
            pods = self.web_pods()
            if len(pods) != n or not all(running_ready(p) for p in pods.values()):
                return False
            return all(page(version) in http_get(p["status"]["podIP"]) for p in pods.values())
        wait_for("%d web pods serving %s" % (n, page(version)), settled, timeout=timeout)
        return self.web_pods()

    def wait_containers_match_pods(self, timeout=60):
        """Every running container belongs to an active pod and every such pod has exactly
        one running sandbox and one running app container: nothing lost, nothing doubled."""
        def matched():
            pods = {p["metadata"]["uid"]: p for p in self.c.pods().values()
                    if p["status"].get("phase") == "Running"}
            seen = {}
            for ct in self.c.containers(running_only=True):
                seen.setdefault(ct["uid"], []).append(ct["kind"])
            return set(seen) == set(pods) and all(
                sorted(k) == ["app", "sandbox"] for k in seen.values())
        wait_for("running containers to match the running pods one to one", matched,
                 timeout=timeout)

    def roll(self, version, during=None):
        """Applies page version and follows every pod event until the rollout is done,
        checking the bounds on each. during() is called once, when the first pod of the new
        version shows up; if it breaks the watch (an API server restart), the pods are
        listed again and watched from there. Returns the violations."""
        violations, acted = [], during is None
        applied = False
        self.new_pods = set()  # every pod of the new version seen
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            try:
                lst = self.c.get("/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")
                w = Events(self.c.url, "/api/v1/namespaces/default/pods?labelSelector="
                           "app%%3Dweb&watch=true&resourceVersion=%s"
                           % lst["metadata"]["resourceVersion"])
            except OSError:
                time.sleep(0.2)  # the API server is restarting
                continue
            pods = {p["metadata"]["name"]: p for p in lst["items"]}
            if not applied:
                self.apply_web(version)
                applied = True
            try:
                done = self._follow(w, pods, version, violations, deadline,
                                    None if acted else during)
            finally:
                w.close()
            acted = True
            if done:
                return violations
        raise AssertionError("rollout to %s not done in time" % page(version))

    def _follow(self, w, pods, version, violations, deadline, during):
        """One watch session of roll(): True once the rollout is done, False when the
        stream broke (after calling during, which may break it)."""
        while time.monotonic() < deadline:
            try:
                ev = w.next(timeout=0.5)
            except (EOFError, OSError):
                return False
            if ev is None:
                try:
                    if self.deployment_done():
                        return True
                except OSError:
                    return False
                continue
            if ev["type"] not in ("ADDED", "MODIFIED", "DELETED"):
                return False  # ERROR (e.g. 410 Gone): list and watch again
            name = ev["object"]["metadata"]["name"]
            if ev["type"] == "DELETED":
                pods.pop(name, None)
            else:
                pods[name] = ev["object"]
            if pod_version(ev["object"]) == version:
                self.new_pods.add(name)
            active = [p for p in pods.values() if not p["metadata"].get("deletionTimestamp")]
            ready = [p for p in active if is_ready(p)]
            if (len(active) > self.replicas + MAX_SURGE or
                    len(ready) < self.replicas - MAX_UNAVAILABLE):
                violations.append((ev["type"], name, len(active), len(ready)))
            if during and any(pod_version(p) == version for p in active):
                during()
                during = None
        return False

    def rollout_status(self):
        r = self.c.kubectl("rollout", "status", "deployment/web", "--timeout=120s", timeout=130)
        self.t.eq(r.returncode, 0, "kubectl rollout status exit status: " + r.stderr)
        self.t.check("successfully rolled out" in r.stdout, "rollout status says done", r.stdout)

    def endpoint_ips(self, name="web"):
        ep = self.c.get("/api/v1/namespaces/default/endpoints/" + name)
        ips, ports = set(), set()
        for s in ep.get("subsets") or []:
            ips |= {a["ip"] for a in s.get("addresses") or []}
            ports |= {(p.get("name"), p["port"]) for p in s.get("ports") or []}
        return ips, ports

    def cluster_ip(self, name):
        return self.c.get("/api/v1/namespaces/default/services/" + name)["spec"].get("clusterIP")

    # ---- cases -------------------------------------------------------------------------
    def web_runs_ready_and_serves(self):
        t, start = self.t, time.monotonic()
        out = self.apply_web(1)
        for what in ("configmap/web-page-v1 created", "deployment.apps/web created",
                     "service/web created"):
            t.check(what in out, "kubectl apply says " + what, out)
        pods = self.wait_web(3, 1)
        self.timings.append(("apply to 3 pods serving", time.monotonic() - start))
        nodes = {p["spec"]["nodeName"] for p in pods.values()}
        t.eq(nodes, set(self.c.kubelets), "the 3 pods spread over both nodes")
        ips = {p["status"]["podIP"] for p in pods.values()}
        wait_for("Endpoints web to list every ready pod IP",
                 lambda: self.endpoint_ips()[0] == ips, timeout=30)
        t.eq(self.endpoint_ips()[1], {("http", 8080)}, "Endpoints port: the named target port")
        lines = self.c.kubectl_ok("get", "pods", "-l", "app=web", "--no-headers").splitlines()
        t.eq(len([l for l in lines if " 1/1 " in l and " Running " in l]), 3,
             "kubectl get pods: 3 lines 1/1 Running")
        self.wait_containers_match_pods()
        cip = self.cluster_ip("web")
        if cip and cip != "None":
            wait_for("the page through the Service's cluster IP (k8c-proxy)",
                     lambda: page(1) in http_get(cip, 80), timeout=20)
        else:
            t.check(False, "service web has a cluster IP", cip)

    def rolling_update_and_undo(self):
        t, start = self.t, time.monotonic()
        violations = self.roll(2)
        self.timings.append(("rolling update of 3", time.monotonic() - start))
        t.eq(violations, [], "every watch event within %d..%d active/ready" % (
            self.replicas + MAX_SURGE, self.replicas - MAX_UNAVAILABLE))
        self.rollout_status()
        t.eq(set(self.wait_web(3, 2)), self.new_pods, "the rollout made exactly 3 new pods")
        rss = self.c.get("/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb")
        t.eq(len(rss["items"]), 2, "two ReplicaSets after one update")
        r = self.c.kubectl("rollout", "undo", "deployment/web")
        t.eq(r.returncode, 0, "kubectl rollout undo: " + r.stderr)
        self.rollout_status()
        self.wait_web(3, 1)
        rss = self.c.get("/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb")
        t.eq(len(rss["items"]), 2, "the undo reused the old ReplicaSet")
        self.version = 1
        self.c.kubectl_ok("apply", "-f", "-", input=web_manifest(1))  # file and cluster agree

    def scale_3_6_1(self):
        t = self.t
        for n in (6, 1, 3):
            self.c.kubectl_ok("scale", "deployment/web", "--replicas=%d" % n)
            self.replicas = n
            pods = self.wait_web(n, self.version)
            ips = {p["status"]["podIP"] for p in pods.values()}
            wait_for("Endpoints with the %d pod IPs" % n,
                     lambda: self.endpoint_ips()[0] == ips, timeout=30)
            self.wait_containers_match_pods()
            t.check(self.deployment_done(), "deployment status at %d" % n)

    def docker_kill_restarts(self):
        t = self.t
        name, pod = sorted(self.web_pods().items())[0]
        uid = pod["metadata"]["uid"]
        [app] = [c for c in self.c.containers(running_only=True)
                 if c["uid"] == uid and c["kind"] == "app"]
        sh("docker", "kill", app["id"])

        def restarted():
            p = self.c.pods("app=web")[name]
            cs = p["status"]["containerStatuses"][0]
            return cs["restartCount"] == 1 and running_ready(p) and p
        p = wait_for("pod %s restarted after docker kill" % name, restarted, timeout=60)
        t.eq(p["metadata"]["uid"], uid, "the same pod, restarted in place")
        last = p["status"]["containerStatuses"][0].get("lastState", {}).get("terminated", {})
        t.eq(last.get("exitCode"), 137, "lastState: killed (137)")
        t.check(page(self.version) in http_get(p["status"]["podIP"]), "restarted pod serves")
        self.wait_containers_match_pods()

    def delete_pod_replaced(self):
        t = self.t
        name = sorted(self.web_pods())[0]
        r = self.c.kubectl("delete", "pod", name, timeout=60)
        t.eq(r.returncode, 0, "kubectl delete pod: " + r.stderr)
        t.check(name not in self.c.pods("app=web", active=False), "pod object gone when "
                "kubectl returns (it waits for the kubelet)")
        pods = self.wait_web(3, self.version)
        t.check(name not in pods, "a new pod replaced it")
        self.wait_containers_match_pods()

    def kill9_control_plane_during_rollouts(self):
        t = self.t
        for comp in (self.c.controller_manager, self.c.scheduler, self.c.apiserver):
            def kill_and_restart(comp=comp):
                comp.kill9()
                time.sleep(0.5)
                if comp is self.c.apiserver:
                    self.c.start_apiserver()
                else:
                    comp.start()
            start = time.monotonic()
            violations = self.roll(self.version + 1, during=kill_and_restart)
            self.timings.append(("rollout with kill -9 of " + comp.name,
                                 time.monotonic() - start))
            t.eq(violations, [], "bounds on every event with %s killed" % comp.name)
            self.rollout_status()
            pods = self.wait_web(3, self.version)
            t.eq(set(pods), self.new_pods, "the 3 pods are the only ones the rollout made "
                 "(none lost and replaced, none made twice) with %s killed" % comp.name)
            self.wait_containers_match_pods()

    def two_tier_through_the_service(self):
        t = self.t
        manifest = os.path.join(EXAMPLES, "two-tier.yaml")
        out = self.c.kubectl_ok("apply", "-f", manifest)
        t.check("deployment.apps/frontend created" in out, "two-tier applied", out)
        try:
            self._two_tier_answers()
        finally:  # a failure here must not leave pods for the next case to trip on
            r = self.c.kubectl("delete", "-f", manifest, timeout=120)
            t.eq(r.returncode, 0, "kubectl delete -f two-tier.yaml: " + r.stderr)

    def _two_tier_answers(self):
        t = self.t

        def tier_ready(tier, n):
            pods = self.c.pods("tier=" + tier)
            return len(pods) == n and all(running_ready(p) for p in pods.values()) and pods
        backends = wait_for("2 backends", lambda: tier_ready("backend", 2), timeout=90)
        fronts = wait_for("2 frontends", lambda: tier_ready("frontend", 2), timeout=90)
        wait_for("backend Endpoints", lambda: len(self.endpoint_ips("backend")[0]) == 2,
                 timeout=30)
        names = set()
        for _ in range(12):
            for p in fronts.values():
                body = http_get(p["status"]["podIP"], timeout=15)
                t.check(body.startswith("frontend " + p["metadata"]["name"]), "frontend", body)
                names |= {line.split()[1] for line in body.splitlines()
                          if line.startswith("backend ")}
        t.eq(names, set(backends), "every backend answered through the Service")

    def oneshot_and_crashloop(self):
        t = self.t
        self.c.kubectl_ok("apply", "-f", os.path.join(EXAMPLES, "oneshot.yaml"),
                          "-f", os.path.join(EXAMPLES, "crashloop.yaml"))
        wait_for("hello-once Succeeded", lambda: self.c.pods().get("hello-once", {}).get(
            "status", {}).get("phase") == "Succeeded", timeout=60)
        line = self.c.kubectl_ok("get", "pod", "hello-once", "--no-headers")
        t.check(" Completed " in line and " 0 " in line, "kubectl get: Completed, 0 restarts",
                line)
        logs = self.c.kubectl_ok("logs", "hello-once")
        t.check("6 x 7 = 42" in logs, "kubectl logs hello-once", logs)

        def backing_off():
            p = self.c.pods()["crasher"]
            cs = (p["status"].get("containerStatuses") or [{}])[0]
            return (cs.get("restartCount", 0) >= 2 and
                    cs.get("state", {}).get("waiting", {}).get("reason") == "CrashLoopBackOff")
        wait_for("crasher in CrashLoopBackOff after 2 restarts", backing_off, timeout=60)
        line = self.c.kubectl_ok("get", "pod", "crasher", "--no-headers")
        t.check("CrashLoopBackOff" in line, "kubectl get shows CrashLoopBackOff", line)
        prev = self.c.kubectl("logs", "crasher", "--previous")
        t.check("failing" in prev.stdout, "kubectl logs --previous", prev.stdout + prev.stderr)
        r = self.c.kubectl("delete", "pod", "hello-once", "crasher", timeout=60)
        t.eq(r.returncode, 0, "delete both pods: " + r.stderr)

    def node_down_pods_move(self):
        t = self.t
        down = sorted(self.c.kubelets)[1]
        up = sorted(self.c.kubelets)[0]
        pods = self.web_pods()
        moved = {n for n, p in pods.items() if p["spec"]["nodeName"] == down}
        t.check(moved, "some web pod runs on %s" % down)
        start = time.monotonic()
        t.eq(self.c.kubelets[down].stop(), 0, "kubelet exit status on SIGTERM")
        wait_for("node %s not Ready" % down, lambda: not self.c.node_ready(down), timeout=30)

        def replaced():
            pods = self.web_pods()
            return (len(pods) == 3 and not moved & set(pods) and
                    all(running_ready(p) and p["spec"]["nodeName"] == up for p in pods.values()))
        wait_for("the pods of %s replaced on %s" % (down, up), replaced, timeout=60)
        self.timings.append(("node down to pods replaced", time.monotonic() - start))
        self.wait_web(3, self.version)
        node = self.c.get("/api/v1/nodes/" + down)
        taints = {x["key"] for x in node["spec"].get("taints") or []}
        t.check("node.kubernetes.io/unreachable" in taints, "unreachable taint", taints)
        # back up: the kubelet removes the containers of the pods that were evicted
        self.c.kubelets[down].start()
        wait_for("node %s Ready again" % down, lambda: self.c.node_ready(down), timeout=60)
        wait_for("no container left on %s" % down, lambda: not [
            x for x in self.c.containers() if x["node"] == down], timeout=60)
        wait_for("the evicted pods gone", lambda: not moved & set(self.c.pods(active=False)),
                 timeout=60)
        self.wait_containers_match_pods()

    def delete_everything_leaves_no_container(self):
        t = self.t
        r = self.c.kubectl("delete", "-f", "-", input=web_manifest(self.version), timeout=90)
        t.eq(r.returncode, 0, "kubectl delete -f web.yaml: " + r.stderr)
        wait_for("no pod left", lambda: not self.c.pods(active=False), timeout=60)
        wait_for("no k8c container of this cluster in docker ps -a",
                 lambda: not self.c.containers(), timeout=60)
        left = sh("docker", "ps", "-a", "--filter", "label=io.k8c.pod.namespace=default",
                  "--format", "{{.Names}}")
        mine = [n for n in left.splitlines() if any(k in n for k in self.c.kubelets)]
        t.eq(mine, [], "docker ps -a")

    def components_exit_cleanly(self):
        # A leader-elected component exits (status 1) when it cannot renew its Lease while
        # the API server is down, and its supervisor starts it again, as in Kubernetes;
        # any other exit the supervisor saw is a crash.
        crashes = [r for r in self.c.restarts
                   if not (r[1] == 1 and r[0] in ("scheduler", "controller-manager"))]
        self.t.eq(crashes, [], "components that exited on their own (supervisor restarts)")
        statuses = self.c.close()
        self.closed = True
        statuses.pop("etcd", None)  # not ours: it dies of the signal
        for name, rc in statuses.items():
            self.t.eq(rc, 0, "%s exit status on SIGTERM" % name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", choices=("sqlite", "etcd"), required=True)
    ap.add_argument("--bin-dir", required=True)
    args = ap.parse_args()
    # meson's timeout sends SIGTERM: end through the finally below, which removes the
    # cluster's containers and rules
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t = k8ctest.Suite("e2e-" + args.store)
    start = time.monotonic()
    e = E2E(t, args)
    e.timings.append(("cluster up (2 nodes Ready)", time.monotonic() - start))
    e.closed = False
    cases = [e.web_runs_ready_and_serves, e.rolling_update_and_undo, e.scale_3_6_1,
             e.docker_kill_restarts, e.delete_pod_replaced, e.kill9_control_plane_during_rollouts,
             e.oneshot_and_crashloop, e.node_down_pods_move]
    if args.store == "sqlite":
        # its Service asks for a fixed cluster IP: one cluster per host may run it at a time
        cases.append(e.two_tier_through_the_service)
    cases += [e.delete_everything_leaves_no_container, e.components_exit_cleanly]
    try:
        for case in cases:
            c0 = time.monotonic()
            t.case(case)
            e.timings.append(("case " + case.__name__, time.monotonic() - c0))
    finally:
        if not e.closed:
            e.c.close()
    for what, secs in e.timings:
        print("timing: %-40s %6.1f s" % (what, secs))
    print("timing: %-40s %6.1f s" % ("whole suite", time.monotonic() - start))
    sys.exit(t.finish())


if __name__ == "__main__":
    main()
