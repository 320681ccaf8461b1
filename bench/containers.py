#!/usr/bin/python3
"""containers.py - benchmark 5 of issue 9: real containers. On the real Docker daemon, in one
run and in alternation (a round is one of each):
  k8c    a Deployment of 20 replicas of k8c.local/busybox (`httpd -f`) through the whole k8c
         stack: API server, controller manager, scheduler and one real k8c-kubelet (pulls
         disabled); from the Deployment's POST to all 20 pods Running and Ready, seen by a watch
  raw    the limit: k8c-bench-docker (bench/docker_raw.c) creates and starts the same 20 pods
         straight through the Docker Engine API, all at once: a pause sandbox and the app
         container in its namespaces per pod (k8c's layout: 40 containers); once per run also
         the 20 app containers alone
  swarm  the peer: `docker swarm init --advertise-addr 127.0.0.1`, then per round a service of
         20 replicas of the same image and command created through the Engine API, until 20
         of its containers run; `docker swarm leave --force` at the end
Everything is removed between rounds and at the end, also on failure: the kubelet's containers
(by its node label), the raw containers (io.k8c.bench=raw), the services (k8c-bench-*) and the
swarm this script made. Writes OUT/containers.json.
"""
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

import benchlib
import cluster
from benchlib import ROOT, binary, run_json, wait_for
from k8ctest import Watch

DOCKER_SOCK = "/var/run/docker.sock"
IMAGE = "k8c.local/busybox"
CMD = ["httpd", "-f", "-p", "8080"]
NODE_LABEL = "io.k8c.node"
RAW_LABEL = "io.k8c.bench=raw"
SWARM_MARK = "io.k8c.bench"  # a node label on the swarm this benchmark made
SERVICE_PREFIX = "k8c-bench-"


class Docker:
    """The Docker Engine API over its unix socket, one connection per call."""

    def call(self, method, path, body=None, timeout=120):
        conn = http.client.HTTPConnection("docker", timeout=timeout)
        conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.sock.settimeout(timeout)
        conn.sock.connect(DOCKER_SOCK)
        hdrs = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, json.dumps(body) if body is not None else None, hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        try:
            return resp.status, json.loads(data) if data else None
        except ValueError:
            return resp.status, data.decode(errors="replace")

    def containers(self, label, running=False):
        """Ids of the containers carrying label ("k" or "k=v")."""
        f = {"label": [label]}
        if running:
            f["status"] = ["running"]
        st, body = self.call("GET", "/containers/json?all=1&filters=" +
                             urllib.parse.quote(json.dumps(f)))
        if st != 200:
            raise RuntimeError("docker: list containers: %s %r" % (st, body))
        return body

    def remove(self, ids):
        for cid in ids:
            self.call("DELETE", "/containers/%s?force=1&v=1" % cid)

    def swarm_state(self):
        st, info = self.call("GET", "/info")
        return info.get("Swarm", {}).get("LocalNodeState", "inactive") if st == 200 else "?"


def sh(*cmd, check=True, timeout=120):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), (p.stderr or p.stdout)[-500:]))
    return p.stdout.strip()


def wait_gone(d, label, timeout=120):
    wait_for("the containers labelled %s to be gone" % label,
             lambda: not d.containers(label), timeout=timeout, interval=0.2)


def deployment(name, replicas):
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": {
                         "terminationGracePeriodSeconds": 1,
                         "containers": [{"name": "web", "image": IMAGE, "command": CMD,
                                         "imagePullPolicy": "IfNotPresent",
                                         "ports": [{"containerPort": 8080}]}]}}}}


def running_ready(p):
    st = p.get("status", {})
    return st.get("phase") == "Running" and any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in st.get("conditions", []))


def k8c_round(c, d, node, name, replicas):
    """Seconds from the Deployment's POST to `replicas` pods Running and Ready (watch)."""
    w = Watch(c.url, "/api/v1/namespaces/default/pods?watch=true&labelSelector=" +
                       urllib.parse.quote("app=" + name), timeout=120)
    try:
        t0 = time.monotonic()
        c.create("/apis/apps/v1/namespaces/default/deployments", deployment(name, replicas))
        ready = set()
        while len(ready) < replicas:
            ev = w.next(timeout=max(1.0, t0 + 180 - time.monotonic()))
            p = ev["object"]
            if ev["type"] != "DELETED" and running_ready(p):
                ready.add(p["metadata"]["name"])
            if time.monotonic() - t0 > 180:
                raise RuntimeError("only %d of %d k8c pods Ready after 180 s" % (
                    len(ready), replicas))
        took = time.monotonic() - t0
    finally:
        w.close()
    remove_deployment(c, d, node, name)
    return took


def remove_deployment(c, d, node, name):
    """Deletes the Deployment (its ReplicaSet and pods follow) and waits for the containers."""
    st, body, _ = benchlib.request(c.url, "DELETE",
                                   "/apis/apps/v1/namespaces/default/deployments/" + name,
                                   {"propagationPolicy": "Foreground"})
    if st not in (200, 202):
        raise RuntimeError("deleting deployment %s: HTTP %s %r" % (name, st, body))
    wait_gone(d, "%s=%s" % (NODE_LABEL, node))


def raw_round(a, replicas, sandbox=True):
    j = run_json([binary(a, "bench/k8c-bench-docker"), "--pods", str(replicas),
                  "--image", IMAGE, "--cmd", json.dumps(CMD), "--label", RAW_LABEL] +
                 ([] if sandbox else ["--no-sandbox"]))
    if j["errors"]:
        raise RuntimeError("k8c-bench-docker: %s" % j.get("first_error"))
    return j["seconds"]


def swarm_round(d, name, replicas):
    """Seconds from the service's POST to `replicas` of its containers running."""
    # httpd as PID 1 ignores SIGTERM: a stop grace of 1 s, as the pods' (Docker's is 10 s)
    spec = {"Name": name, "TaskTemplate": {"ContainerSpec": {
                "Image": IMAGE, "Command": CMD, "StopGracePeriod": 1000000000}},
            "Mode": {"Replicated": {"Replicas": replicas}}}
    label = "com.docker.swarm.service.name=" + name
    t0 = time.monotonic()
    st, body = d.call("POST", "/services/create", spec)
    if st != 201:
        raise RuntimeError("docker: create service: %s %r" % (st, body))
    wait_for("%d swarm tasks running" % replicas,
             lambda: len(d.containers(label, running=True)) >= replicas, timeout=180,
             interval=0.02)
    took = time.monotonic() - t0
    d.call("DELETE", "/services/" + name)
    wait_gone(d, label)
    return took


def swarm_init(d, state):
    """Makes a single-node swarm on loopback (state["made"] is set once it exists); returns
    False when the daemon is already in a swarm that this benchmark did not make."""
    if d.swarm_state() == "active":
        st, nodes = d.call("GET", "/nodes")
        if st == 200 and any(SWARM_MARK in n.get("Spec", {}).get("Labels", {}) for n in nodes):
            swarm_leave(d)  # ours, left behind by a run that was killed
        else:
            return False
    state["made"] = True  # from here on, leave it even if init fails half-way
    sh("docker", "swarm", "init", "--advertise-addr", "127.0.0.1")
    me = sh("docker", "info", "--format", "{{.Swarm.NodeID}}")
    sh("docker", "node", "update", "--label-add", SWARM_MARK + "=1", me)
    return True


def swarm_leave(d):
    st, services = d.call("GET", "/services")
    for s in services if st == 200 else []:
        if s["Spec"]["Name"].startswith(SERVICE_PREFIX):
            d.call("DELETE", "/services/" + s["ID"])
    sh("docker", "swarm", "leave", "--force", check=False)


def leftovers(d, node):
    """Removes whatever of this benchmark the daemon still holds."""
    ids = [x["Id"] for x in d.containers(RAW_LABEL)]
    ids += [x["Id"] for x in d.containers(NODE_LABEL)
            if x["Labels"].get(NODE_LABEL, "").startswith("k8c-bench-")]
    d.remove(ids)


def start_cluster(a, node):
    c = cluster.Cluster(a, "containers")
    pause = binary(a, "kubelet/pause/k8c-pause")
    sh("bash", "-c", "source %s/hack/lib.sh && ensure_dockerd" % ROOT)
    sh("%s/hack/build-images.sh" % ROOT, "--pause", pause)
    c.controller_manager()
    c.scheduler()
    c.start("kubelet", "kubelet/k8c-kubelet", "--node-name", node, "--root-dir",
            os.path.join(c.work, "root"), "--port", "0", "--port-file",
            os.path.join(c.work, "kubelet.port"), "--image-pull", "never", "--pause-binary",
            pause)
    c.wait_nodes(1, timeout=60)
    return c


def timed(times, key, fn, *args):
    """Runs one measurement; prints it and the time its clean-up took to stderr."""
    t0 = time.monotonic()
    took = fn(*args)
    times.setdefault(key, []).append(took)
    print("containers: %-13s %6.2f s (with its clean-up %6.2f s)" % (
        key, took, time.monotonic() - t0), file=sys.stderr)


def run(a, c, d, node, replicas, rounds, swarm):
    times = {}
    if not a.quick:  # informers synced, caches warm
        timed(times, "warm-up", k8c_round, c, d, node, "warmup", 1)
        del times["warm-up"]
    for i in range(rounds):
        # each round in another order, so that no contender always goes first
        steps = [("raw", raw_round, a, replicas),
                 ("k8c", k8c_round, c, d, node, "web-%d" % i, replicas)]
        if swarm:
            steps.append(("swarm", swarm_round, d, "%sweb-%d-%d" % (SERVICE_PREFIX,
                                                                    os.getpid(), i), replicas))
        for step in steps[i % len(steps):] + steps[:i % len(steps)]:
            timed(times, *step)
    if not a.quick:
        timed(times, "raw_apps_only", raw_round, a, replicas, False)
    return times


def report(r, times, replicas, rounds, swarm):
    med = {k: statistics.median(v) for k, v in times.items() if v}
    rows = [["k8c: Deployment -> all Running and Ready (apiserver, controller manager, "
             "scheduler, kubelet)", replicas],
            ["raw Docker API: sandbox + app per pod, all in parallel (the limit)", replicas],
            ["raw Docker API: app containers alone, no sandboxes", replicas],
            ["Docker Swarm: service create -> all tasks running", replicas]]
    keys = ["k8c", "raw", "raw_apps_only", "swarm"]
    r.table("%d replicas of %s on the real Docker daemon (%d rounds; median)" % (
        replicas, IMAGE, rounds), ["what", "pods", "median", "all rounds", "vs raw"],
        [row + ["%.2f s" % med[k], " ".join("%.2f" % x for x in times[k]),
                "%.2fx" % (med[k] / med["raw"])]
         for row, k in zip(rows, keys) if k in med])
    ratio = med["k8c"] / med["raw"]
    r.target("k8c vs the raw Docker API (same containers)", "<= 1.3x", "%.2fx" % ratio,
             ratio <= 1.3, ratio)
    if swarm:
        r.target("k8c vs Docker Swarm", "faster", "%.2f s vs %.2f s" % (med["k8c"], med["swarm"]),
                 med["k8c"] < med["swarm"], med["k8c"] / med["swarm"])
    else:
        r.note("Docker Swarm was not measured: the daemon is in a swarm this benchmark did not "
               "make, and it is left alone")
    r.note("k8c runs each pod as a pause sandbox plus the app container, so the limit starts "
           "the same 2 containers per pod (%d in all); Swarm starts one container per task "
           "(compare it with the app containers alone). "
           "Swarm's agent also tries to pull every task's image first (no registry here), as "
           "it does unless dockerd runs with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1" % (
               2 * replicas))
    r.data.update({"replicas": replicas, "rounds": rounds, "seconds": times, "median": med})


def main():
    a = benchlib.args(__doc__)
    r = benchlib.Results(a, "containers", "Real containers")
    replicas, rounds = (3, 1) if a.quick else (20, 3)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(143)))
    node = "k8c-bench-%d" % os.getpid()
    d, c, swarm, made = Docker(), None, False, {}
    try:
        c = start_cluster(a, node)
        leftovers(d, node)
        swarm = swarm_init(d, made)
        times = run(a, c, d, node, replicas, rounds, swarm)
    finally:
        try:
            if c:
                for name in ["warmup"] + ["web-%d" % i for i in range(rounds)]:
                    benchlib.request(c.url, "DELETE",
                                     "/apis/apps/v1/namespaces/default/deployments/" + name,
                                     {"propagationPolicy": "Background"})
        finally:
            if made:
                swarm_leave(d)
            if c:
                c.stop()
            leftovers(d, node)
    report(r, times, replicas, rounds, swarm)
    r.save()


if __name__ == "__main__":
    main()
