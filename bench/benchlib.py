"""benchlib - what every k8c benchmark script shares (Debian's /usr/bin/python3, stdlib only).

A benchmark script is `bench/<name>.py --build DIR --out DIR [--quick]`: it starts what it
needs (through test/lib/k8ctest.py), measures, stops everything, and writes
OUT/<name>.json with Results.save(). hack/bench.sh runs the scripts and bench/report.py turns
their JSON files into results.md and results.json. A script only measures and reports:
whether a target is met is data in its results, never its exit status.
"""
import argparse
import json
import os
import shlex
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
from k8ctest import ApiServer, Etcd, free_port, request, wait_for  # noqa: E402,F401


def args(description):
    """Parses the arguments every benchmark script takes."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--build", required=True, help="meson build folder with the binaries")
    ap.add_argument("--out", required=True, help="folder for <name>.json")
    ap.add_argument("--quick", action="store_true", help="a few-seconds smoke version")
    a = ap.parse_args()
    a.build = os.path.abspath(a.build)
    a.work = tempfile.mkdtemp(prefix="k8c-bench-")
    return a


def binary(a, rel):
    """The path of a built program, e.g. binary(a, "apiserver/k8c-apiserver")."""
    path = os.path.join(a.build, rel)
    if not os.access(path, os.X_OK):
        raise SystemExit("benchmark: %s is not built" % path)
    return path


def run_json(cmd, timeout=900):
    """Runs cmd; returns the JSON object it printed last on stdout."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (cmd[0], p.returncode, p.stderr[-2000:]))
    if p.stderr.strip():
        print(p.stderr.strip(), file=sys.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


def rss_kib(pid):
    """Resident set size of a process in KiB (VmRSS)."""
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1))


def cpu_seconds(pid):
    """User + system CPU time a process has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def apiserver(a, name, etcd=None, extra=()):
    """A k8c-apiserver on a fresh SQLite store in the work dir (or on etcd); more flags from
    K8C_BENCH_APISERVER_ARGS, for profiling."""
    more = shlex.split(os.environ.get("K8C_BENCH_APISERVER_ARGS", ""))
    return ApiServer(binary(a, "apiserver/k8c-apiserver"), os.path.join(a.work, name), etcd=etcd,
                     extra=["--compaction-interval", "0"] + list(extra) + more)


def ms(x):
    return "%.1f ms" % x if x < 100 else "%.0f ms" % x


def rate(x):
    return "{:,.0f}/s".format(x)


class Results:
    """One benchmark's tables, targets and raw figures; save() writes OUT/<name>.json."""

    def __init__(self, a, name, title):
        self.a, self.name, self.title = a, name, title
        self.tables, self.targets, self.notes, self.data = [], [], [], {}
        self.started = time.time()

    def table(self, title, columns, rows):
        self.tables.append({"title": title, "columns": columns, "rows": rows})

    def target(self, what, goal, measured, met, value=None):
        """A target and the measured value (text for the table, value for the JSON)."""
        self.targets.append({"what": what, "target": goal, "measured": measured,
                             "met": bool(met), "value": value})

    def note(self, text):
        self.notes.append(text)

    def save(self):
        out = {"name": self.name, "title": self.title, "quick": self.a.quick,
               "seconds": round(time.time() - self.started, 1), "tables": self.tables,
               "targets": self.targets, "notes": self.notes, "data": self.data}
        os.makedirs(self.a.out, exist_ok=True)
        with open(os.path.join(self.a.out, self.name + ".json"), "w") as f:
            json.dump(out, f, indent=1)
