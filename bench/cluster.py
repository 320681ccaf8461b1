"""cluster - a whole k8c cluster for the benchmarks that need one (density, containers):
k8c-apiserver, k8c-controller-manager, k8c-scheduler and a k8c-kubelet (real or hollow), each
a process of this script with its log in the work dir, and the API server's /metrics
histograms turned into per-verb latency quantiles (Debian's /usr/bin/python3, stdlib only).
"""
import os
import re
import subprocess

import benchlib
from benchlib import binary, request, wait_for


class Proc:
    """A child process with its output in LOG; stop() ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, name, args, log_path):
        self.name, self.args, self.log_path = name, args, log_path
        log = open(log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        log.close()

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log_tail(self, n=3000):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")[-n:]


class Cluster:
    """An API server on a fresh SQLite store, then the other components on demand."""

    def __init__(self, a, name):
        self.a, self.work = a, os.path.join(a.work, name)
        os.makedirs(self.work, exist_ok=True)
        self.api = benchlib.apiserver(a, name)
        self.url = self.api.url
        self.procs = []

    def start(self, name, rel, *args):
        p = Proc(name, [binary(self.a, rel), "--server", self.url] + list(args),
                 os.path.join(self.work, name + ".log"))
        self.procs.append(p)
        return p

    def controller_manager(self, *extra):
        return self.start("controller-manager", "controllers/k8c-controller-manager",
                          "--leader-elect=false", *extra)

    def scheduler(self, *extra):
        return self.start("scheduler", "scheduler/k8c-scheduler", "--leader-elect=false",
                          *extra)

    def processes(self):
        """[(name, pid)] of every component still running, the API server first."""
        return [("apiserver", self.api.proc.pid)] + [(p.name, p.pid) for p in self.procs
                                                     if p.alive()]

    def ready_nodes(self):
        code, body, _ = request(self.url, "GET", "/api/v1/nodes", timeout=60)
        if code != 200:
            return 0
        return sum(1 for n in body["items"] if any(
            c["type"] == "Ready" and c["status"] == "True"
            for c in n.get("status", {}).get("conditions", [])))

    def wait_nodes(self, n, timeout):
        wait_for("%d nodes Ready" % n, lambda: self.ready_nodes() >= n, timeout=timeout,
                 interval=0.25)

    def create(self, path, obj):
        code, body, _ = request(self.url, "POST", path, obj, timeout=30)
        if code != 201:
            raise RuntimeError("create %s: HTTP %s %r" % (path, code, body))
        return body

    def stop(self):
        """Stops every component (the kubelets first, the API server last); returns the
        names of those that did not exit with 0."""
        bad = []
        for p in reversed(self.procs):
            if p.stop() not in (0, None):
                bad.append(p.name)
        self.procs = []
        if self.api.stop() != 0:
            bad.append("apiserver")
        return bad


_SAMPLE = re.compile(r'^apiserver_request_duration_seconds_bucket\{verb="([A-Z]+)",'
                     r'resource="([^"]*)",le="([^"]+)"\} (\d+)$', re.M)


def duration_buckets(url, by_resource=False):
    """{verb: {le: cumulative count}} of the API server's request latency histogram, summed
    over resources (by_resource: keyed by "VERB resource" instead)."""
    code, text, _ = request(url, "GET", "/metrics", raw=True, timeout=30)
    if code != 200:
        raise RuntimeError("GET /metrics: HTTP %d" % code)
    out = {}
    for verb, res, le, n in _SAMPLE.findall(text):
        b = out.setdefault("%s %s" % (verb, res) if by_resource else verb, {})
        b[le] = b.get(le, 0) + int(n)
    return out


def by_verb(buckets):
    """duration_buckets(by_resource=True) summed over resources, as duration_buckets()."""
    out = {}
    for key, b in buckets.items():
        v = out.setdefault(key.split()[0], {})
        for le, n in b.items():
            v[le] = v.get(le, 0) + n
    return out


def bucket_quantile(before, after, q):
    """The q-quantile (seconds) of the requests between two duration_buckets() samples of one
    verb, interpolated linearly inside its bucket as Prometheus' histogram_quantile does;
    (count, quantile) with quantile None when no request happened."""
    les = sorted((float(le), le) for le in after if le != "+Inf")
    count = after.get("+Inf", 0) - before.get("+Inf", 0)
    if count <= 0:
        return 0, None
    rank, lo, prev = q * count, 0.0, 0
    for bound, le in les:
        cum = after[le] - before.get(le, 0)
        if cum >= rank:
            return count, lo + (bound - lo) * (rank - prev) / max(cum - prev, 1)
        lo, prev = bound, cum
    return count, float("inf")


def verb_quantiles(before, after, qs=(0.5, 0.99)):
    """{verb: (count, [quantile per q])} of the requests between two samples."""
    out = {}
    for verb, b in sorted(after.items()):
        n = b.get("+Inf", 0) - before.get(verb, {}).get("+Inf", 0)
        if n > 0:
            out[verb] = (n, [bucket_quantile(before.get(verb, {}), b, q)[1] for q in qs])
    return out
