#!/usr/bin/python3
"""cold_start.py - benchmark 4 of issue 9: k8c-apiserver from exec to /readyz answering 200,
on an empty SQLite store and on one holding 10,000 pods (written by k8c-bench-api
beforehand); and a whole single-node cluster (API server, controller manager, scheduler and
a real k8c-kubelet on the Docker daemon) from nothing to its node Ready. Each case runs
several times; the median is what is reported. Writes OUT/cold_start.json.
"""
import os
import socket
import statistics
import subprocess
import time

import benchlib
import cluster
from benchlib import ROOT, binary, free_port, ms, request, run_json


def readyz_ok(port):
    """True when GET /readyz answers 200 (a fresh connection each time)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def start_once(a, data_dir, cpu=None):
    """Milliseconds from exec to the first /readyz 200 (polled every 0.5 ms); appends the
    server's CPU milliseconds by then to cpu."""
    port = free_port()
    log = open(os.path.join(a.work, "cold.log"), "ab")
    t0 = time.perf_counter()
    p = subprocess.Popen([binary(a, "apiserver/k8c-apiserver"), "--port", str(port),
                          "--data-dir", data_dir, "--compaction-interval", "0"],
                         stdout=log, stderr=log)
    try:
        while not readyz_ok(port):
            if p.poll() is not None or time.perf_counter() - t0 > 30:
                raise RuntimeError("k8c-apiserver did not become ready")
            time.sleep(0.0005)
        took = (time.perf_counter() - t0) * 1000
        if cpu is not None:
            cpu.append(benchlib.cpu_seconds(p.pid) * 1000)
        return took
    finally:
        p.terminate()
        p.wait(30)
        log.close()


def exec_help(a):
    """Milliseconds of `k8c-apiserver --help`: exec and dynamic loading, nothing else."""
    t0 = time.perf_counter()
    subprocess.run([binary(a, "apiserver/k8c-apiserver"), "--help"], stdout=subprocess.DEVNULL,
                   check=True)
    return (time.perf_counter() - t0) * 1000


def fill(a, data_dir, pods):
    srv = benchlib.ApiServer(binary(a, "apiserver/k8c-apiserver"), os.path.join(a.work, "fill"),
                             data_dir=data_dir, extra=["--compaction-interval", "0"])
    try:
        j = run_json([binary(a, "bench/k8c-bench-api"), "--server", srv.url, "--pods", str(pods),
                      "--phases", "create"])
        if j["phases"]["create"]["errors"]:
            raise RuntimeError("filling the store failed")
    finally:
        srv.stop()


def node_ready(url, node):
    code, body, _ = request(url, "GET", "/api/v1/nodes/" + node, timeout=5)
    return code == 200 and any(c["type"] == "Ready" and c["status"] == "True"
                               for c in body.get("status", {}).get("conditions", []))


def cluster_once(a, i, pause):
    """Milliseconds from the API server's exec (on a new SQLite store) to the node Ready,
    every component started as soon as the one before it answers, as hack/local-up.sh does."""
    node = "cold-%d-%d" % (os.getpid(), i)
    t0 = time.perf_counter()
    c = cluster.Cluster(a, "cluster-%d" % i)
    try:
        c.controller_manager()
        c.scheduler()
        c.start("kubelet", "kubelet/k8c-kubelet", "--node-name", node, "--root-dir",
                os.path.join(c.work, "root"), "--port", "0", "--image-pull", "never",
                "--pause-binary", pause)
        while not node_ready(c.url, node):
            if time.perf_counter() - t0 > 60:
                raise RuntimeError("node %s not Ready after 60 s" % node)
            time.sleep(0.002)
        return (time.perf_counter() - t0) * 1000
    finally:
        c.stop()


def whole_cluster(a, runs):
    """The cluster case: dockerd and the local images first, outside the time."""
    pause = binary(a, "kubelet/pause/k8c-pause")
    subprocess.run(["bash", "-c", "source %s/hack/lib.sh && ensure_dockerd" % ROOT], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["%s/hack/build-images.sh" % ROOT, "--pause", pause], check=True,
                   stdout=subprocess.DEVNULL)
    return [cluster_once(a, i, pause) for i in range(runs)]


def main():
    a = benchlib.args(__doc__)
    r = benchlib.Results(a, "cold_start", "Cold start")
    runs, pods = (2, 500) if a.quick else (7, 10000)
    cpu = {"empty": [], "again": [], "full": []}
    empty = [start_once(a, os.path.join(a.work, "empty-%d" % i), cpu["empty"])
             for i in range(runs)]
    again = [start_once(a, os.path.join(a.work, "empty-0"), cpu["again"]) for i in range(runs)]
    help_ms = [exec_help(a) for i in range(runs)]
    full_dir = os.path.join(a.work, "full")
    fill(a, full_dir, pods)
    full = [start_once(a, full_dir, cpu["full"]) for _ in range(runs)]
    whole = whole_cluster(a, 1 if a.quick else 5)
    rows = []
    for what, xs, c in (("empty store, first start (creates the SQLite file)", empty, "empty"),
                        ("empty store, restart", again, "again"),
                        ("%d pods in the store" % pods, full, "full")):
        rows.append([what, len(xs), ms(min(xs)), ms(statistics.median(xs)), ms(max(xs)),
                     ms(statistics.median(cpu[c]))])
    r.table("k8c-apiserver on SQLite: exec to /readyz 200", ["store", "runs", "min", "median",
                                                             "max", "CPU by then (median)"],
            rows)
    r.table("Single-node cluster: the API server's exec (new SQLite store) to the node Ready",
            ["components", "runs", "min", "median", "max"],
            [["apiserver, controller manager, scheduler, kubelet on dockerd", len(whole),
              ms(min(whole)), ms(statistics.median(whole)), ms(max(whole))]])
    e, f, w = statistics.median(empty), statistics.median(full), statistics.median(whole)
    r.target("cold start, empty store", "<= 100 ms", ms(e), e <= 100, e)
    r.target("cold start, %d pods" % pods, "<= 1 s", ms(f), f <= 1000, f)
    r.target("cold start, single-node cluster to node Ready", "<= 2 s", ms(w), w <= 2000, w)
    libs = subprocess.run(["ldd", binary(a, "apiserver/k8c-apiserver")], capture_output=True,
                          text=True).stdout.count("=>")
    r.note("`k8c-apiserver --help` (exec, dynamic loading of %d shared libraries, exit) alone "
           "takes %s (median); the etcd backend and gRPC's libraries are loaded only with "
           "--etcd-servers" % (libs, ms(statistics.median(help_ms))))
    r.data.update({"empty_ms": empty, "restart_ms": again, "full_ms": full, "help_ms": help_ms, "cluster_ms": whole,
                   "cpu_ms": cpu, "pods": pods})
    r.save()


main()
