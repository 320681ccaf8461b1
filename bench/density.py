#!/usr/bin/python3
"""density.py - benchmark 3 of issue 9: density. A whole k8c cluster on one machine: the API
server (SQLite), the controller manager, the scheduler and one `k8c-kubelet --hollow-nodes 1000`
process; then 100 Deployments x 100 replicas = 10,000 pods, created and observed by
k8c-bench-density (bench/density.c): the time from the first create to all pods Running, each
pod's startup latency (seen created -> seen Running, on the watcher's monotonic clock), the
scheduler's binds/s (from when each pod was seen bound), the API server's p50/p99 per verb over
the run (its /metrics histograms), and every process's RSS and CPU time.

K8C_BENCH_DENSITY=NODES:DEPLOYMENTS:REPLICAS changes the size. With K8C_BENCH_PROFILE=DIR set, `perf record -g` follows each process during the measured run
and DIR gets a perf.data and a flat report per process. With K8C_BENCH_SMAPS=DIR set, DIR gets
each process's /proc/PID/smaps and status at the end of the run (where the RSS is).
Writes OUT/density.json.
"""
import os
import subprocess

import benchlib
import cluster
from benchlib import binary, ms, rate, rss_kib, cpu_seconds, run_json, wait_for

NS = "density"


def warm_up(c):
    """One Deployment of one pod through the whole chain, so that every informer has synced
    and every client connection is open before the clock starts."""
    c.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                     "metadata": {"name": "warmup"}})
    c.create("/apis/apps/v1/namespaces/warmup/deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "warmup"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "warmup"}},
                 "template": {"metadata": {"labels": {"app": "warmup"}}, "spec": {
                     "containers": [{"name": "c", "image": "k8c.local/busybox"}]}}}})

    def running():
        code, body, _ = benchlib.request(c.url, "GET", "/api/v1/namespaces/warmup/pods")
        return code == 200 and any(p.get("status", {}).get("phase") == "Running"
                                   for p in body["items"])
    wait_for("the warm-up pod Running", running, timeout=60, interval=0.05)


def wait_leases(c, nodes):
    """Until every hollow node holds its Lease: their first renewals are not part of the run."""
    def count():
        code, body, _ = benchlib.request(
            c.url, "GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
            timeout=60)
        return code == 200 and len(body["items"]) >= nodes
    wait_for("%d node leases" % nodes, count, timeout=120, interval=0.25)


def backlog_rate(timeline, col, ahead, least=64):
    """The rate of timeline column col over the 250 ms steps that began with at least `least`
    pods waiting in column `ahead` (e.g. binds while pods were pending): what a stage does
    when it, not the one before it, is the limit. None when it never had such a backlog."""
    n, secs = 0, 0.0
    for a, b in zip(timeline, timeline[1:]):
        if a[ahead] - a[col] >= least:
            n += b[col] - a[col]
            secs += b[0] - a[0]
    return n / secs if secs >= 0.5 else None


def profilers(procs):
    """perf record -g on each process (when K8C_BENCH_PROFILE names a folder)."""
    out = os.environ.get("K8C_BENCH_PROFILE")
    if not out:
        return out, []
    os.makedirs(out, exist_ok=True)
    return out, [(name, subprocess.Popen(
        ["perf", "record", "-g", "-F", "199", "-p", str(pid), "-o",
         os.path.join(out, name + ".perf.data")], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)) for name, pid in procs]


def profile_reports(out, perfs):
    for name, p in perfs:
        p.send_signal(2)
        p.wait(60)
    for name, _ in perfs:
        with open(os.path.join(out, name + ".report.txt"), "w") as f:
            subprocess.run(["perf", "report", "--no-children", "--stdio", "-g", "none",
                            "--percent-limit", "0.5", "-i",
                            os.path.join(out, name + ".perf.data")],
                           stdout=f, stderr=subprocess.DEVNULL)


def save_smaps(procs):
    """Copies each process's smaps and status (when K8C_BENCH_SMAPS names a folder)."""
    out = os.environ.get("K8C_BENCH_SMAPS")
    if not out:
        return
    os.makedirs(out, exist_ok=True)
    for name, pid in procs:
        for what in ("smaps", "status"):
            with open("/proc/%d/%s" % (pid, what)) as src, \
                    open(os.path.join(out, "%s.%s" % (name, what)), "w") as dst:
                dst.write(src.read())


def measure(a, c, deployments, replicas):
    procs = c.processes()
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    cpu0 = {name: cpu_seconds(pid) for name, pid in procs}
    before = cluster.duration_buckets(c.url, by_resource=True)
    prof_dir, perfs = profilers(procs)
    j = run_json([binary(a, "bench/k8c-bench-density"), "--server", c.url, "--namespace", NS,
                  "--deployments", str(deployments), "--replicas", str(replicas),
                  "--timeout", "60" if a.quick else "300"])
    if perfs:
        profile_reports(prof_dir, perfs)
    save_smaps(procs)
    after = cluster.duration_buckets(c.url, by_resource=True)
    j["cpu_seconds"] = {name: round(cpu_seconds(pid) - cpu0[name], 2) for name, pid in procs}
    j["rss_kib"] = {name: rss_kib(pid) for name, pid in procs}
    j["load_start"] = load
    j["api_by_resource"] = cluster.verb_quantiles(before, after)
    j["api"] = cluster.verb_quantiles(cluster.by_verb(before), cluster.by_verb(after))
    return j


def report(r, j, nodes):
    pods = j["pods"]
    run = j.get("running", {})
    total = j.get("all_running_s")
    r.table("%d pods (%d Deployments x %d), %d hollow nodes: from the first create" % (
        pods, j["deployments"], j["replicas"], nodes),
        ["stage", "pods", "first", "last", "rate (all)", "rate (10th-90th pct)"],
        [[what, s["count"], "%.2f s" % s.get("first_s", 0), "%.2f s" % s.get("last_s", 0),
          rate(s.get("per_second", 0)), rate(s.get("per_second_p10_p90", 0))]
         for what, s in (("created (seen by the watch)", j["created"]),
                         ("bound by the scheduler", j["bound"]), ("Running", run))])
    r.table("Per-pod latency (watcher's monotonic clock)", ["span", "pods", "p50", "p99", "max"],
            [[what, s["count"], ms(s["p50_ms"]), ms(s["p99_ms"]), ms(s["max_ms"])]
             for what, s in (("created -> Running (startup)", j["startup"]),
                             ("created -> bound", j["create_to_bound"]),
                             ("bound -> Running", j["bound_to_running"]))])
    r.table("API server latency per verb over the run (/metrics histograms)",
            ["verb", "requests", "p50", "p99"],
            [[verb, n, ms(q[0] * 1000), ms(q[1] * 1000)] for verb, (n, q) in j["api"].items()])
    r.table("API requests by verb and resource over the run", ["request", "count", "p50", "p99"],
            [[key, n, ms(q[0] * 1000), ms(q[1] * 1000)]
             for key, (n, q) in sorted(j["api_by_resource"].items(), key=lambda kv: -kv[1][0])])
    r.table("Processes at the end", ["process", "RSS", "CPU during the run", "CPU per pod"],
            [[name, "%.1f MiB" % (kib / 1024), "%.1f s" % j["cpu_seconds"].get(name, 0),
              "%.0f µs" % (j["cpu_seconds"].get(name, 0) * 1e6 / pods)]
             for name, kib in j["rss_kib"].items()])
    cpu_bound(r, j)
    if not j["complete"]:
        r.note("only %d of %d pods were seen Running: %s" % (
            j["pods_running"], pods, j.get("incomplete_because", "?")))
    targets(r, j, nodes, total)


def cpu_bound(r, j):
    """The time the run's CPU would take if the cluster had the machine's cores to itself."""
    cpu = sum(j["cpu_seconds"].values())
    cores = os.cpu_count() or 1
    bound = cpu / cores
    j["cpu_bound_s"] = bound
    r.note("CPU: the processes used %.1f s of CPU in all (%.2f ms per pod); on %d cores to "
           "themselves that is %.1f s at the least, a bound a shared machine cannot show as "
           "wall time (load average at the start %s)" % (
               cpu, cpu * 1000 / j["pods"], cores, bound, j.get("load_start", "?")))


def targets(r, j, nodes, total):
    pods = j["pods"]
    ok = j["complete"] and total is not None
    r.target("all %d pods Running" % pods, "<= 10 s", "%.2f s" % total if ok else "incomplete",
             ok and total <= 10, total)
    e2e = pods / total if ok else 0
    r.target("pods Running per second, end to end", ">= 1,000/s", rate(e2e), e2e >= 1000, e2e)
    binds = j["bound"].get("per_second", 0)
    r.target("scheduler binds/s", ">= 2,000/s", rate(binds), binds >= 2000, binds)
    busy = backlog_rate(j["timeline"], 2, 1)
    j["binds_per_second_backlogged"] = busy
    r.note("scheduler binds/s while at least 64 created pods waited for it (its own limit, not "
           "the rate pods were created): %s" % (rate(busy) if busy else
                                                 "never that far behind"))
    rss = j["rss_kib"]
    cp = sum(rss.get(n, 0) for n in ("apiserver", "controller-manager", "scheduler")) / 1024
    r.target("control plane RSS at %d pods" % pods, "<= 150 MB", "%.1f MiB" % cp,
             cp * 1.048576 <= 150, cp)
    per_node = rss.get("hollow-kubelet", 0) / nodes
    r.target("hollow kubelet RSS per node", "<= 1 MB", "%.0f KiB" % per_node,
             per_node * 1.024 <= 1000, per_node)


def main():
    a = benchlib.args(__doc__)
    r = benchlib.Results(a, "density", "Density")
    nodes, deployments, replicas = (20, 4, 50) if a.quick else (1000, 100, 100)
    if os.environ.get("K8C_BENCH_DENSITY"):  # "nodes:deployments:replicas", for profiling
        nodes, deployments, replicas = map(int, os.environ["K8C_BENCH_DENSITY"].split(":"))
    c = cluster.Cluster(a, "density")
    try:
        c.start("hollow-kubelet", "kubelet/k8c-kubelet", "--hollow-nodes", str(nodes),
                "--node-name-prefix", "hollow-")
        c.wait_nodes(nodes, timeout=120)
        wait_leases(c, nodes)
        c.controller_manager()
        c.scheduler("--kube-api-qps", "100000", "--kube-api-burst", "100000")
        warm_up(c)
        c.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                         "metadata": {"name": NS}})
        j = measure(a, c, deployments, replicas)
    finally:
        bad = c.stop()
    report(r, j, nodes)
    if bad:
        r.note("did not exit cleanly: %s" % ", ".join(bad))
    r.note("startup latency is taken on k8c-bench-density's monotonic clock: from the moment "
           "its watch delivered the pod's first event (its creation, milliseconds after the "
           "write) to the event that showed it Running; creationTimestamp has one-second "
           "resolution, too coarse for a run of seconds, so no server timestamp is used. Bind "
           "times are the first event with spec.nodeName. The scheduler runs with "
           "--kube-api-qps/--kube-api-burst 100000 (its default, kube-scheduler's, is 50/100)")
    r.data.update(j)
    r.data["nodes"] = nodes
    r.save()


if __name__ == "__main__":
    main()
