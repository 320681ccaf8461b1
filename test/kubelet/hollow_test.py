#!/usr/bin/python3
"""hollow_test.py - k8c-kubelet --hollow-nodes against a real k8c-apiserver, with the
real k8c-controller-manager and k8c-scheduler: 100 hollow nodes register (Node Ready,
own Lease renewed); a ReplicaSet of 1,000 replicas is created, scheduled onto them and
becomes Running and Ready (own pod IPs, the nodes' host IPs, readyReplicas 1000); scaling
it down has the hollow nodes finish the deletions; the memory per hollow node stays well
under 1 MiB.

    hollow_test.py --apiserver PATH --kubelet PATH --controller-manager PATH
                   --scheduler PATH [--nodes N] [--pods N]
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Suite, request, wait_for  # noqa: E402

LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"
PODS = "/api/v1/namespaces/default/pods"
RS = "/apis/apps/v1/namespaces/default/replicasets"


class Tests:
    def __init__(self, t, args):
        self.t, self.args = t, args
        self.srv = ApiServer(args.apiserver, os.path.join(t.workdir, "apiserver"))
        self.prefix = "hollow-%d-" % os.getpid()
        self.log_path = os.path.join(t.workdir, "hollow.log")
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [args.kubelet, "--server", self.srv.url, "--hollow-nodes", str(args.nodes),
             "--node-name-prefix", self.prefix, "--lease-renew-interval", "1s"],
            stdout=log, stderr=log)
        self.others = []
        for binary in (args.controller_manager, args.scheduler):
            log = open(os.path.join(t.workdir, os.path.basename(binary) + ".log"), "ab")
            self.others.append(subprocess.Popen(
                [binary, "--server", self.srv.url, "--leader-elect=false",
                 "--kube-api-qps", "-1"], stdout=log, stderr=log))

    def get(self, path):
        code, body, _ = request(self.srv.url, "GET", path, timeout=30)
        return body if code == 200 else None

    def hollow_nodes(self):
        lst = self.get("/api/v1/nodes")
        return [n for n in lst["items"] if n["metadata"]["name"].startswith(self.prefix)]

    def nodes_register(self):
        t, n = self.t, self.args.nodes
        nodes = wait_for("%d hollow nodes" % n, lambda: (lambda l: l if len(l) == n else None)(
            self.hollow_nodes()), timeout=60)
        names = sorted(x["metadata"]["name"] for x in nodes)
        t.eq(names, sorted("%s%d" % (self.prefix, i) for i in range(n)), "node names")
        ready = [x for x in nodes if any(c["type"] == "Ready" and c["status"] == "True"
                                         for c in x["status"]["conditions"])]
        t.eq(len(ready), n, "every hollow node is Ready")
        ips = {next(a["address"] for a in x["status"]["addresses"] if a["type"] == "InternalIP")
               for x in nodes}
        t.eq(len(ips), n, "each has its own InternalIP")
        t.check(all(x["status"]["capacity"].get("pods") == "110" and
                    x["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"] > 0
                    for x in nodes), "capacity and kubelet port", nodes[0]["status"])
        self.node_ip = {x["metadata"]["name"]: ips_of(x) for x in nodes}

    def leases_renewed(self):
        t, n = self.t, self.args.nodes
        leases = wait_for("a lease per node", lambda: (lambda l: l if len(l) == n else None)(
            [x for x in self.get(LEASES)["items"] if x["metadata"]["name"].startswith(
                self.prefix)]), timeout=30)
        first = {x["metadata"]["name"]: x["spec"]["renewTime"] for x in leases}
        t.check(all(x["spec"]["holderIdentity"] == x["metadata"]["name"] for x in leases),
                "each lease is held by its node")

        def all_renewed():
            now = {x["metadata"]["name"]: x["spec"]["renewTime"] for x in self.get(LEASES)["items"]
                   if x["metadata"]["name"] in first}
            return all(now[k] != first[k] for k in first)
        t.check(wait_for("every lease renewed", all_renewed, timeout=30, interval=0.5),
                "every hollow node renews its own lease")

    def create_replicaset(self):
        n = self.args.pods
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "density"},
              "spec": {"replicas": n, "selector": {"matchLabels": {"app": "density"}},
                       "template": {"metadata": {"labels": {"app": "density"}}, "spec": {
                           "containers": [{"name": "c", "image": "k8c.local/busybox"}]}}}}
        self.t0 = time.monotonic()
        code, body, _ = request(self.srv.url, "POST", RS, rs, timeout=30)
        self.t.eq(code, 201, "create the ReplicaSet")

    def pods_run(self):
        t, n = self.t, self.args.pods

        def running():
            items = self.get(PODS + "?labelSelector=app%3Ddensity")["items"]
            ok = [p for p in items if p["status"].get("phase") == "Running" and any(
                c["type"] == "Ready" and c["status"] == "True" for c in p["status"]["conditions"])]
            return ok if len(ok) == n else None
        pods = wait_for("%d pods Running and Ready" % n, running, timeout=90, interval=0.5)
        elapsed = time.monotonic() - self.t0
        print("    %d pods of a ReplicaSet scheduled and Running and Ready %.2f s after its "
              "creation" % (n, elapsed))
        rs = wait_for("the ReplicaSet's readyReplicas", lambda: (lambda r: r if r["status"].get(
            "readyReplicas") == n else None)(self.get(RS + "/density")), timeout=30)
        t.eq(rs["status"].get("availableReplicas"), n, "availableReplicas")
        per_node = {}
        for p in pods:
            per_node[p["spec"]["nodeName"]] = per_node.get(p["spec"]["nodeName"], 0) + 1
        t.check(len(per_node) == self.args.nodes, "the scheduler spread them over every hollow "
                "node", len(per_node))
        ips = {p["status"]["podIP"] for p in pods}
        t.eq(len(ips), n, "every pod has its own IP")
        t.check(all(p["status"]["hostIP"] in self.node_ip[p["spec"]["nodeName"]] for p in pods),
                "hostIP is the pod's node's")
        cs = pods[0]["status"]["containerStatuses"][0]
        t.check(cs["ready"] and cs["started"] and "running" in cs["state"] and
                cs["containerID"].startswith("docker://"), "container status", cs)

    def memory(self):
        t, n = self.t, self.args.nodes
        m = re.search(r"([0-9.]+) KiB per node\)", open(self.log_path).read())
        per_node = float(m.group(1)) if m else None
        with open("/proc/%d/status" % self.proc.pid) as f:
            rss = int(next(l for l in f if l.startswith("VmRSS:")).split()[1])
        print("    RSS %d KiB with %d nodes and %d pods: %.0f KiB per node (the nodes alone: "
              "%s KiB per node)" % (rss, n, self.args.pods, rss / n, per_node))
        t.check(per_node is not None and per_node < 1024, "a hollow node costs under 1 MiB",
                per_node)
        with open(self.args.kubelet, "rb") as f:
            sanitized = b"__asan_init" in f.read()
        if sanitized:  # ASan's shadow memory and quarantine are no measure of the kubelet's
            print("    (sanitizer build: the whole process's RSS is not compared)")
        else:
            t.check(rss / n < 1024, "the whole process, pods included, under 1 MiB per node",
                    rss)

    def scale_down(self):
        """The controller deletes 100 pods gracefully; the hollow nodes finish them."""
        n = self.args.pods - 100
        code, _, _ = request(self.srv.url, "PATCH", RS + "/density/scale",
                             {"spec": {"replicas": n}},
                             {"Content-Type": "application/merge-patch+json"}, timeout=30)
        self.t.eq(code, 200, "scale the ReplicaSet down")
        wait_for("%d pods left" % n, lambda: len(
            self.get(PODS + "?labelSelector=app%3Ddensity")["items"]) == n, timeout=60,
            interval=0.5)

    def stop(self):
        for p in self.others:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.t.eq(self.proc.wait(30), 0, "the hollow kubelet exits cleanly")
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.t.check(False, "the hollow kubelet exits within 30 s")
        self.t.eq(self.srv.stop(), 0, "the apiserver exits cleanly")


def ips_of(node):
    return [a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--kubelet", required=True)
    ap.add_argument("--controller-manager", required=True)
    ap.add_argument("--scheduler", required=True)
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--pods", type=int, default=1000)
    args = ap.parse_args()
    t = Suite("hollow")
    tests = Tests(t, args)
    try:
        for case in (tests.nodes_register, tests.leases_renewed, tests.create_replicaset,
                     tests.pods_run, tests.memory, tests.scale_down):
            t.case(case)
    finally:
        t.case(tests.stop)
    if t.failed_cases:
        print(open(tests.log_path).read()[-10000:])
    sys.exit(t.finish())


if __name__ == "__main__":
    main()
